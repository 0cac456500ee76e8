#pragma once

#include <QList>
#include <QMutex>
#include <QObject>
#include <QThread>

namespace Curtain::Net {

class HttpClient;

// The one thread that does network I/O, parsing and snapshot building. It owns an HttpClient and any
// object adopted onto it; at shutdown those are destroyed on the thread itself (newest first, the
// HTTP client last), so no curl handle or socket notifier is touched from another thread. Several
// engines may share it (the fleet): each is adopted, and disposed of when its session closes.
class NetworkThread final
{
    Q_DISABLE_COPY_MOVE(NetworkThread)

public:
    NetworkThread();
    ~NetworkThread(); // from any thread but this one

    HttpClient *http() const { return m_http; }
    QThread *thread() { return &m_thread; }

    // Moves `object` (which must have no parent) onto the network thread and takes ownership.
    // Call it on the object's current thread; any thread may adopt.
    void adopt(QObject *object);
    // Destroys an adopted object on the network thread and returns when it is gone; the thread and
    // everything else on it go on. Call it from any thread but this one.
    void dispose(QObject *object);

private:
    QThread m_thread;
    HttpClient *m_http = nullptr;
    QMutex m_lock; // guards m_adopted: sessions open and close on worker threads
    QList<QObject *> m_adopted;
};

} // namespace Curtain::Net
