#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>

namespace Curtain::Net {

using Header = QPair<QByteArray, QByteArray>;

// How to trust the server and prove who we are at the TLS layer. PEM bytes, never file names, so
// nothing is re-read mid-session and nothing sensitive is passed around as a path.
struct TlsSettings
{
    QByteArray caPem;         // trust only this CA (empty: the system's trust store)
    QByteArray clientCertPem; // client certificate authentication
    QByteArray clientKeyPem;
    bool insecureSkipVerify = false;
    // Verify the certificate for this name instead of the URL's host (kubeconfig tls-server-name).
    QString serverName;
};

struct HttpRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QString url;
    QList<Header> headers;
    QByteArray body;
    int timeoutMs = 30000; // whole-transfer limit for plain requests; 0 = none (streams)
    int connectTimeoutMs = 5000;
    TlsSettings tls;
    QString proxyUrl; // http://, https:// or socks5:// (host names resolved by the proxy)
};

struct HttpResponse
{
    int status = 0;
    QList<Header> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const; // case-insensitive, first match
};

// The position of the first control byte (below 0x20, or 0x7f) in `value`, or -1. In a header
// value such a byte would end the header early and start another one of the sender's choosing.
qsizetype firstControlByte(QByteArrayView value);

using StreamId = quint64;

struct StreamHandlers
{
    // A 2xx reply's body, in whatever slices the transport delivers. Runs on the client's thread.
    std::function<void(const QByteArray &chunk)> onData;
    // Always called once at the end: the status and, for non-2xx replies, the buffered body.
    std::function<void(const Core::Result<HttpResponse> &end)> onFinished;
};

// HTTP over libcurl's multi interface, driven by the Qt event loop of the thread this object lives
// on (socket notifiers and one timer; nothing polls). Every public method is thread-safe: work is
// posted to the owning thread, and results come back as futures or as handler calls there. A
// request to anything but http:// or https://, or with a header name or value that holds a control
// byte, fails with InvalidInput before anything is sent.
class HttpClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpClient)

public:
    explicit HttpClient(QObject *parent = nullptr);
    ~HttpClient() override;

    QFuture<Core::Result<HttpResponse>> send(HttpRequest request);
    StreamId openStream(HttpRequest request, StreamHandlers handlers);
    void cancel(StreamId id);

    // Transfers currently running; for tests and diagnostics.
    int activeTransfers() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Curtain::Net
