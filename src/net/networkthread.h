#pragma once

#include <QList>
#include <QObject>
#include <QThread>

namespace Curtain::Net {

class HttpClient;

// The one thread that does network I/O, parsing and snapshot building. It owns an HttpClient and any
// object adopted onto it; at shutdown those are destroyed on the thread itself (newest first, the
// HTTP client last), so no curl handle or socket notifier is touched from another thread.
class NetworkThread final
{
    Q_DISABLE_COPY_MOVE(NetworkThread)

public:
    NetworkThread();
    ~NetworkThread();

    HttpClient *http() const { return m_http; }
    QThread *thread() { return &m_thread; }

    // Moves `object` (which must have no parent) onto the network thread and takes ownership.
    void adopt(QObject *object);

private:
    QThread m_thread;
    HttpClient *m_http = nullptr;
    QList<QObject *> m_adopted;
};

} // namespace Curtain::Net
