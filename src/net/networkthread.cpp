#include "net/networkthread.h"

#include "net/httpclient.h"

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
    QList<QObject *> doomed(m_adopted.crbegin(), m_adopted.crend()); // newest first
    doomed.append(m_http);                                           // the HTTP client last
    QMetaObject::invokeMethod(
        m_http,
        [doomed] {
            for (QObject *object : doomed) {
                delete object;
            }
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void NetworkThread::adopt(QObject *object)
{
    object->moveToThread(&m_thread);
    m_adopted.append(object);
}

} // namespace Curtain::Net
