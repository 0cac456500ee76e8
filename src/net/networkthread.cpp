#include "net/networkthread.h"

#include "net/httpclient.h"

#include <QMutexLocker>

#include <future>
#include <memory>

namespace Curtain::Net {

namespace {

// Runs `work` on the network thread and waits until it has run. Not BlockingQueuedConnection: its
// hand-back goes through Qt's own semaphore, which ThreadSanitizer cannot see in a Qt built without
// it, so every object deleted over there was reported as a race; a std::promise it sees.
void runThereAndWait(QObject *context, std::function<void()> work)
{
    auto done = std::make_shared<std::promise<void>>(); // the network thread keeps it alive to the end
    std::future<void> finished = done->get_future();
    QMetaObject::invokeMethod(
        context,
        [done, work = std::move(work)] {
            work();
            done->set_value();
        },
        Qt::QueuedConnection);
    finished.wait();
}

} // namespace

NetworkThread::NetworkThread()
{
    m_thread.setObjectName(QStringLiteral("curtain-network"));
    m_http = new HttpClient;
    m_http->moveToThread(&m_thread);
    m_thread.start();
}

NetworkThread::~NetworkThread()
{
    QList<QObject *> doomed;
    {
        const QMutexLocker locker(&m_lock);
        doomed = QList<QObject *>(m_adopted.crbegin(), m_adopted.crend()); // newest first
        m_adopted.clear();
    }
    doomed.append(m_http); // the HTTP client last
    runThereAndWait(m_http, [doomed] {
        for (QObject *object : doomed) {
            delete object;
        }
    });
    m_thread.quit();
    m_thread.wait();
}

void NetworkThread::adopt(QObject *object)
{
    object->moveToThread(&m_thread);
    const QMutexLocker locker(&m_lock);
    m_adopted.append(object);
}

void NetworkThread::dispose(QObject *object)
{
    {
        const QMutexLocker locker(&m_lock);
        if (!m_adopted.removeOne(object)) {
            return; // not ours, or already gone with the thread
        }
    }
    runThereAndWait(m_http, [object] { delete object; });
}

} // namespace Curtain::Net
