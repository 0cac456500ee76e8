#include "net/httpclient.h"

#include "core/handoff.h"

#include <QHash>
#include <QPointer>
#include <QPromise>
#include <QSocketNotifier>
#include <QTimer>
#include <QUrl>

#include <curl/curl.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace Curtain::Net {

using Core::Error;
using Core::ErrorKind;
using Core::Result;

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const Header &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            return h.second;
        }
    }
    return {};
}

qsizetype firstControlByte(QByteArrayView value)
{
    for (qsizetype i = 0; i < value.size(); ++i) {
        const auto byte = static_cast<unsigned char>(value[i]);
        if (byte < 0x20 || byte == 0x7f) {
            return i;
        }
    }
    return -1;
}

namespace {

// RFC 9110's token: what a header name may be made of.
bool isHeaderName(const QByteArray &name)
{
    static const QByteArrayView punctuation("!#$%&'*+-.^_`|~");
    return !name.isEmpty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || punctuation.contains(c);
    });
}

void ensureCurlGlobalInit()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Error transportError(CURLcode code, const char *detail, const QString &url, bool answered)
{
    if (!answered && url.startsWith(QLatin1String("https://")) &&
        (code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING || code == CURLE_SEND_ERROR)) {
        // Closed during the TLS handshake, before any HTTP: most often a server that requires a
        // client certificate we did not present.
        return Core::makeError(
            ErrorKind::Unreachable,
            QStringLiteral("TLS with %1 failed: the server closed the connection during the handshake; "
                           "it may require a client certificate (client-certificate/client-key in "
                           "the kubeconfig user)")
                .arg(url));
    }
    const QString what = detail && *detail ? QString::fromUtf8(detail) : QString::fromUtf8(curl_easy_strerror(code));
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return Core::makeError(ErrorKind::Unreachable,
                               QStringLiteral("cannot reach %1 (%2); check that the cluster is running and the "
                                              "address is right")
                                   .arg(url, what));
    case CURLE_OPERATION_TIMEDOUT:
        return Core::makeError(ErrorKind::Timeout, QStringLiteral("%1 did not answer in time (%2)").arg(url, what));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return Core::makeError(ErrorKind::Unreachable, QStringLiteral("TLS with %1 failed: %2").arg(url, what));
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
        return Core::makeError(ErrorKind::Protocol,
                               QStringLiteral("the reply from %1 was cut off or malformed (%2)").arg(url, what));
    default:
        return Core::makeError(ErrorKind::Unreachable, QStringLiteral("request to %1 failed: %2").arg(url, what));
    }
}

} // namespace

struct Transfer
{
    StreamId id = 0;
    CURL *easy = nullptr;
    curl_slist *headerList = nullptr;
    curl_slist *connectTo = nullptr;
    HttpRequest request;
    HttpResponse response;
    bool isStream = false;
    bool statusKnown = false;
    StreamHandlers handlers;
    std::unique_ptr<QPromise<Result<HttpResponse>>> promise;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    ~Transfer()
    {
        if (easy) {
            curl_easy_cleanup(easy); // first: the handle refers to the lists below until then
        }
        if (headerList) {
            curl_slist_free_all(headerList);
        }
        if (connectTo) {
            curl_slist_free_all(connectTo);
        }
    }

    void finish(const Result<HttpResponse> &result)
    {
        if (promise) {
            promise->addResult(result);
            promise->finish();
            promise.reset();
        }
        if (handlers.onFinished) {
            auto onFinished = std::move(handlers.onFinished);
            handlers = {};
            onFinished(result);
        }
    }
};

struct SocketWatch
{
    QPointer<QSocketNotifier> read;
    QPointer<QSocketNotifier> write;
};

struct HttpClient::Private
{
    HttpClient *q = nullptr;
    CURLM *multi = nullptr;
    QTimer *timer = nullptr; // a child of the client, so it moves threads with it
    QHash<CURL *, Transfer *> transfers;
    QHash<curl_socket_t, SocketWatch> sockets;
    std::atomic<StreamId> nextId{1};
    std::atomic<int> active{0};

    static int onSocket(CURL *, curl_socket_t socket, int what, void *userp, void *)
    {
        static_cast<Private *>(userp)->watchSocket(socket, what);
        return 0;
    }

    static int onTimer(CURLM *, long timeoutMs, void *userp)
    {
        auto *self = static_cast<Private *>(userp);
        if (timeoutMs < 0) {
            self->timer->stop();
        } else {
            self->timer->start(int(timeoutMs));
        }
        return 0;
    }

    static size_t onWrite(char *data, size_t size, size_t count, void *userp)
    {
        auto *transfer = static_cast<Transfer *>(userp);
        const size_t bytes = size * count;
        if (!transfer->statusKnown) {
            long status = 0;
            curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
            transfer->response.status = int(status);
            transfer->statusKnown = true;
        }
        const bool deliver = transfer->isStream && transfer->response.status / 100 == 2 && transfer->handlers.onData;
        if (deliver) {
            transfer->handlers.onData(QByteArray(data, qsizetype(bytes)));
        } else {
            transfer->response.body.append(data, qsizetype(bytes));
        }
        return bytes;
    }

    static size_t onHeader(char *data, size_t size, size_t count, void *userp)
    {
        auto *transfer = static_cast<Transfer *>(userp);
        const size_t bytes = size * count;
        const QByteArray line = QByteArray(data, qsizetype(bytes)).trimmed();
        if (line.startsWith("HTTP/")) {
            transfer->response.headers.clear(); // a new response (after 100-continue or a redirect)
        } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
            transfer->response.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
        return bytes;
    }

    void watchSocket(curl_socket_t socket, int what)
    {
        SocketWatch &watch = sockets[socket];
        if (what == CURL_POLL_REMOVE) {
            for (QSocketNotifier *n : {watch.read.data(), watch.write.data()}) {
                if (n) {
                    n->setEnabled(false);
                    n->deleteLater();
                }
            }
            sockets.remove(socket);
            return;
        }
        auto ensure = [&](QPointer<QSocketNotifier> &slot, QSocketNotifier::Type type, int flag, bool wanted) {
            if (!slot) {
                slot = new QSocketNotifier(qintptr(socket), type, q);
                QObject::connect(slot, &QSocketNotifier::activated, q, [this, socket, flag] { drive(socket, flag); });
            }
            slot->setEnabled(wanted);
        };
        ensure(watch.read, QSocketNotifier::Read, CURL_CSELECT_IN, what == CURL_POLL_IN || what == CURL_POLL_INOUT);
        ensure(watch.write, QSocketNotifier::Write, CURL_CSELECT_OUT, what == CURL_POLL_OUT || what == CURL_POLL_INOUT);
    }

    void drive(curl_socket_t socket, int flags)
    {
        int running = 0;
        curl_multi_socket_action(multi, socket, flags, &running);
        collectFinished();
    }

    void collectFinished()
    {
        int pending = 0;
        while (CURLMsg *message = curl_multi_info_read(multi, &pending)) {
            if (message->msg != CURLMSG_DONE) {
                continue;
            }
            CURL *easy = message->easy_handle;
            const CURLcode code = message->data.result;
            Transfer *transfer = transfers.take(easy);
            curl_multi_remove_handle(multi, easy);
            if (!transfer) {
                continue;
            }
            --active;
            if (code == CURLE_OK) {
                long status = 0;
                curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
                transfer->response.status = int(status);
                transfer->finish(transfer->response);
            } else {
                Error error = transportError(code, transfer->errorBuffer, transfer->request.url,
                                             transfer->statusKnown || !transfer->response.headers.isEmpty());
                long sent = 0; // bytes of request headers that left: the server may have acted on it
                error.requestSent = curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &sent) == CURLE_OK && sent > 0;
                transfer->finish(error);
            }
            delete transfer;
        }
    }

    // What must never reach libcurl; the message names no header value, which may be a secret.
    static std::optional<Error> refusal(const HttpRequest &r, const QUrl &target)
    {
        if (!target.isValid() ||
            (target.scheme() != QLatin1String("http") && target.scheme() != QLatin1String("https"))) {
            return Core::makeError(ErrorKind::InvalidInput,
                                   QStringLiteral("refusing to send a request to %1: only http:// and https:// URLs "
                                                  "are allowed")
                                       .arg(r.url.left(200)));
        }
        for (const Header &h : r.headers) {
            if (!isHeaderName(h.first)) {
                return Core::makeError(ErrorKind::InvalidInput,
                                       QStringLiteral("refusing to send a header whose name is not a single word "
                                                      "(letters, digits and !#$%&'*+-.^_`|~) to %1")
                                           .arg(r.url.left(200)));
            }
            if (firstControlByte(h.second) >= 0) {
                return Core::makeError(ErrorKind::InvalidInput,
                                       QStringLiteral("refusing to send header \"%1\" to %2: its value contains a "
                                                      "control character (a line break would start another header)")
                                           .arg(QString::fromLatin1(h.first), r.url.left(200)));
            }
        }
        return std::nullopt;
    }

    void start(Transfer *transfer)
    {
        const HttpRequest &r = transfer->request;
        QUrl target(r.url, QUrl::StrictMode);
        if (const std::optional<Error> refused = refusal(r, target)) {
            transfer->finish(*refused);
            delete transfer;
            return;
        }
        CURL *easy = curl_easy_init();
        transfer->easy = easy;
        if (!r.tls.serverName.isEmpty() && target.host() != r.tls.serverName) {
            // tls-server-name: ask for (and verify) the certificate of serverName while connecting to
            // the URL's real host — curl's connect-to keeps SNI, Host and verification consistent.
            const int port = target.port(target.scheme() == QLatin1String("https") ? 443 : 80);
            transfer->connectTo = curl_slist_append(
                nullptr,
                QStringLiteral("%1:%2:%3:%2").arg(r.tls.serverName).arg(port).arg(target.host()).toUtf8().constData());
            curl_easy_setopt(easy, CURLOPT_CONNECT_TO, transfer->connectTo);
            target.setHost(r.tls.serverName);
        }
        const QByteArray url = target.toString(QUrl::FullyEncoded).toUtf8();
        curl_easy_setopt(easy, CURLOPT_URL, url.constData());
        applyTls(easy, r.tls);
        if (!r.proxyUrl.isEmpty()) {
            QString proxy = r.proxyUrl;
            if (proxy.startsWith(QLatin1String("socks5://"))) {
                proxy.replace(0, 9, QStringLiteral("socks5h://")); // let the proxy resolve names, as kubectl does
            }
            curl_easy_setopt(easy, CURLOPT_PROXY, proxy.toUtf8().constData());
        }
        curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Private::onWrite);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Private::onHeader);
        curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->errorBuffer);
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        // Only HTTP, also after a redirect: never file://, ftp:// or any other protocol libcurl knows.
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        // gzip only, as client-go: a server offered br may compress at its slowest setting.
        curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(r.connectTimeoutMs));
        if (r.timeoutMs > 0) {
            curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(r.timeoutMs));
        }
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.constData());
        if (r.method == "HEAD") {
            curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
        }
        if (!r.body.isEmpty() || r.method == "POST" || r.method == "PATCH" || r.method == "PUT") {
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.constData());
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(r.body.size()));
        }
        for (const Header &h : r.headers) {
            const QByteArray line = h.first + ": " + h.second;
            transfer->headerList = curl_slist_append(transfer->headerList, line.constData());
        }
        // libcurl would otherwise send "Expect: 100-continue" on larger bodies and wait for it.
        transfer->headerList = curl_slist_append(transfer->headerList, "Expect:");
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headerList);
        transfers.insert(easy, transfer);
        ++active;
        curl_multi_add_handle(multi, easy);
    }

    static void applyTls(CURL *easy, const TlsSettings &tls)
    {
        auto blob = [](const QByteArray &bytes) {
            curl_blob b{const_cast<char *>(bytes.constData()), size_t(bytes.size()), CURL_BLOB_COPY};
            return b;
        };
        if (!tls.caPem.isEmpty()) {
            curl_blob ca = blob(tls.caPem);
            curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &ca);
        }
        if (!tls.clientCertPem.isEmpty() && !tls.clientKeyPem.isEmpty()) {
            curl_blob cert = blob(tls.clientCertPem);
            curl_blob key = blob(tls.clientKeyPem);
            curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &cert);
            curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
            curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &key);
            curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
        }
        if (tls.insecureSkipVerify) {
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
        }
    }

    void cancel(StreamId id)
    {
        for (auto it = transfers.begin(); it != transfers.end(); ++it) {
            if (it.value()->id == id) {
                Transfer *transfer = it.value();
                transfers.erase(it);
                curl_multi_remove_handle(multi, transfer->easy);
                --active;
                transfer->finish(Core::makeError(ErrorKind::Cancelled, QStringLiteral("request cancelled")));
                delete transfer;
                return;
            }
        }
    }
};

HttpClient::HttpClient(QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    ensureCurlGlobalInit();
    d->q = this;
    d->multi = curl_multi_init();
    d->timer = new QTimer(this);
    d->timer->setSingleShot(true);
    connect(d->timer, &QTimer::timeout, this, [this] {
        int running = 0;
        curl_multi_socket_action(d->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        d->collectFinished();
    });
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETFUNCTION, &Private::onSocket);
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETDATA, d.get());
    curl_multi_setopt(d->multi, CURLMOPT_TIMERFUNCTION, &Private::onTimer);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERDATA, d.get());
}

// Always queued: a caller may be inside a curl callback, where adding a handle is not allowed. Until
// it starts, the queued call owns the transfer: if the client goes first, the call is dropped and the
// transfer freed with it (a request's future then reports cancelled); it used to leak.
namespace {

template <typename Start>
void startQueued(QObject *client, Transfer *transfer, Start start)
{
    struct Owned
    {
        Transfer *transfer = nullptr;
        ~Owned() { delete transfer; }
    };
    auto owned = std::make_shared<Owned>();
    owned->transfer = transfer;
    Core::post(
        client, [owned, start] { start(std::exchange(owned->transfer, nullptr)); }, Qt::QueuedConnection);
}

} // namespace

HttpClient::~HttpClient()
{
    const auto pending = d->transfers;
    d->transfers.clear();
    for (Transfer *transfer : pending) {
        curl_multi_remove_handle(d->multi, transfer->easy);
        transfer->finish(Core::makeError(ErrorKind::Cancelled, QStringLiteral("the HTTP client shut down")));
        delete transfer;
    }
    curl_multi_cleanup(d->multi);
}

QFuture<Result<HttpResponse>> HttpClient::send(HttpRequest request)
{
    auto *transfer = new Transfer;
    transfer->id = d->nextId++;
    transfer->request = std::move(request);
    transfer->promise = std::make_unique<QPromise<Result<HttpResponse>>>();
    transfer->promise->start();
    QFuture<Result<HttpResponse>> future = transfer->promise->future();
    startQueued(this, transfer, [this](Transfer *queued) { d->start(queued); });
    return future;
}

StreamId HttpClient::openStream(HttpRequest request, StreamHandlers handlers)
{
    auto *transfer = new Transfer;
    transfer->id = d->nextId++;
    transfer->request = std::move(request);
    transfer->isStream = true;
    transfer->handlers = std::move(handlers);
    const StreamId id = transfer->id;
    startQueued(this, transfer, [this](Transfer *queued) { d->start(queued); });
    return id;
}

void HttpClient::cancel(StreamId id)
{
    Core::post(
        this, [this, id] { d->cancel(id); }, Qt::QueuedConnection);
}

int HttpClient::activeTransfers() const
{
    return d->active.load();
}

} // namespace Curtain::Net
