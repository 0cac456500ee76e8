#include "net/networkthread.h"

#include "net/httpclient.h"

#include "core/handoff.h"

#include <QMutexLocker>

#include <memory>

namespace Curtain::Net {

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
    Core::runAndWait(m_http, [doomed] {
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
    Core::runAndWait(m_http, [object] { delete object; });
}

} // namespace Curtain::Net
