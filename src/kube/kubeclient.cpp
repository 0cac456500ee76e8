#include "kube/kubeclient.h"

#include "core/displaytext.h"
#include "core/futures.h"

#include "kube/apierror.h"
#include "kube/credentials.h"
#include "kube/inputlimits.h"
#include "kube/watchdecoder.h"

#include <QPromise>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <memory>

namespace Curtain::Kube {

using Core::ErrorKind;
using Core::Result;
using Net::HttpResponse;

QByteArray contentType(PatchType type)
{
    switch (type) {
    case PatchType::Merge:
        return QByteArrayLiteral("application/merge-patch+json");
    case PatchType::Json:
        return QByteArrayLiteral("application/json-patch+json");
    case PatchType::StrategicMerge:
        return QByteArrayLiteral("application/strategic-merge-patch+json");
    }
    return {};
}

namespace {

// A 401 after the credential was asked for again: say whose credential the cluster refused, so the
// user knows which kubeconfig entry to fix (the credential itself is never shown).
Core::Error credentialsRefused(const HttpResponse &response, const QString &what, const QString &owner)
{
    Core::Error error = apiError(response.status, response.body, what);
    error.message += QStringLiteral(": the cluster did not accept the credentials of %1; renew them, or check them "
                                    "with kubectl using the same context")
                         .arg(owner);
    return error;
}

QString userAgent()
{
    return QStringLiteral("curtain/" CURTAIN_VERSION);
}

Result<Json> parseJsonReply(const Result<HttpResponse> &reply, const QString &what)
{
    if (!reply.ok()) {
        return reply.error();
    }
    const HttpResponse &response = reply.value();
    if (response.status / 100 != 2) {
        Core::Error error = apiError(response.status, response.body, what);
        error.retryAfterSeconds = response.header("Retry-After").toInt();
        return error;
    }
    Json parsed = Json::parse(response.body.constBegin(), response.body.constEnd(), nullptr, false);
    if (nestedDeeperThan(parsed, Limits::maxJsonDepth)) { // copying it would recurse once per level
        return Core::makeError(ErrorKind::Protocol,
                               QStringLiteral("%1: the reply nests objects and arrays deeper than %2 levels, the limit")
                                   .arg(what)
                                   .arg(Limits::maxJsonDepth));
    }
    if (parsed.is_discarded() || !parsed.is_object()) {
        Core::Error error =
            Core::makeError(ErrorKind::Protocol,
                            QStringLiteral("%1: the reply is not a JSON object (%2 bytes, starting \"%3\"); the server "
                                           "may not be a Kubernetes API server")
                                .arg(what)
                                .arg(response.body.size())
                                .arg(Core::shown(QString::fromUtf8(response.body.left(40)))));
        error.requestSent = true; // it answered 2xx: a write was applied, whatever the body says
        return error;
    }
    return parsed;
}

} // namespace

KubeClient::KubeClient(Net::HttpClient *http, ClusterEndpoint endpoint, QObject *parent)
    : QObject(parent), m_http(http), m_endpoint(std::move(endpoint)), m_credentials(new Credentials(m_endpoint, this))
{
    while (m_endpoint.server.endsWith(QLatin1Char('/'))) {
        m_endpoint.server.chop(1);
    }
}

QString KubeClient::url(const QString &path, const QList<QPair<QString, QString>> &query) const
{
    QUrl url(m_endpoint.server + path);
    if (!query.isEmpty()) {
        QUrlQuery q;
        for (const auto &item : query) {
            q.addQueryItem(item.first, QString::fromUtf8(QUrl::toPercentEncoding(item.second)));
        }
        url.setQuery(q);
    }
    return url.toString(QUrl::FullyEncoded);
}

Net::HttpRequest KubeClient::request(QByteArray method, const QString &path,
                                     const QList<QPair<QString, QString>> &query) const
{
    Net::HttpRequest r;
    r.method = std::move(method);
    r.url = url(path, query);
    r.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")});
    r.headers.append({QByteArrayLiteral("User-Agent"), userAgent().toUtf8()});
    r.tls.caPem = m_endpoint.caPem;
    r.tls.clientCertPem = m_endpoint.clientCertPem;
    r.tls.clientKeyPem = m_endpoint.clientKeyPem;
    r.tls.insecureSkipVerify = m_endpoint.insecureSkipTlsVerify;
    r.tls.serverName = m_endpoint.tlsServerName;
    r.proxyUrl = m_endpoint.proxyUrl;
    r.timeoutMs = requestTimeout(readTimeoutMs);
    return r;
}

int KubeClient::requestTimeout(int fallbackMs) const
{
    return m_endpoint.requestTimeoutMs > 0 ? m_endpoint.requestTimeoutMs : fallbackMs;
}

void KubeClient::authorize(Net::HttpRequest &request, const Credential &credential)
{
    if (!credential.bearerToken.isEmpty()) {
        request.headers.append(
            {QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + credential.bearerToken});
    }
    if (!credential.clientCertPem.isEmpty()) {
        request.tls.clientCertPem = credential.clientCertPem;
        request.tls.clientKeyPem = credential.clientKeyPem;
    }
}

int KubeClient::retryAfter(const Net::HttpRequest &request, const Result<HttpResponse> &reply)
{
    // As client-go: a 429, or a 5xx that says when to come back, is retried after Retry-After
    // seconds — a 429 always (the server did nothing), a 5xx only for reads (a write's outcome is
    // unknown). Bounded, so a persistently overloaded server surfaces as an error.
    if (!reply.ok()) {
        return 0;
    }
    const int status = reply.value().status;
    if (status / 100 == 2) {
        m_lastRetried.reset(); // the server answers again
    }
    const int seconds = reply.value().header("Retry-After").toInt();
    const bool retriable = status == 429 || (status >= 500 && seconds > 0 && request.method == "GET");
    if (!retriable || ++m_retries[request.url] > maxRetries) {
        m_retries.remove(request.url);
        return 0;
    }
    const QString what = QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), QUrl(request.url).path());
    m_lastRetried = apiError(status, reply.value().body, what);
    m_lastRetried->message += QStringLiteral(" (retried after Retry-After)");
    return std::clamp(seconds, 1, 30);
}

Core::Error KubeClient::refusedCredentials(const Net::HttpRequest &request, const HttpResponse &response) const
{
    const QString what = QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method), QUrl(request.url).path());
    return credentialsRefused(response, what, credentialOwner(m_endpoint));
}

QFuture<Result<HttpResponse>> KubeClient::send(const Net::HttpRequest &request)
{
    // Credential → request → on 401, ask the credential source again and retry exactly once
    // (what client-go does for exec plugins and token files).
    auto promise = std::make_shared<QPromise<Result<HttpResponse>>>();
    promise->start();
    using Attempt = std::function<void(bool)>;
    auto attempt = std::make_shared<Attempt>();
    // An attempt holds itself only weakly; each pending continuation holds it strongly. A request
    // still unanswered when the client goes away is then freed with its last continuation (holding
    // itself strongly, every such request leaked its closure and promise: ASan, 28 of 52 suites).
    *attempt = [this, request, promise, weak = std::weak_ptr<Attempt>(attempt)](bool retried) {
        const std::shared_ptr<Attempt> self = weak.lock(); // alive: whoever calls it holds it
        auto finish = [promise](const Result<HttpResponse> &result) {
            promise->addResult(result);
            promise->finish();
        };
        Core::onFinished(
            m_credentials->get(), this, [this, request, retried, self, finish](const Result<Credential> &credential) {
                if (!credential.ok()) {
                    return finish(credential.error());
                }
                Net::HttpRequest authorized = request;
                authorize(authorized, credential.value());
                Core::onFinished(m_http->send(authorized), this,
                                 [this, request, retried, self, finish,
                                  used = credential.value()](const Result<HttpResponse> &reply) {
                                     if (reply.ok() && reply.value().status == 401 && !retried &&
                                         m_credentials->invalidate(used)) {
                                         return (*self)(true);
                                     }
                                     if (const int wait = retryAfter(request, reply); wait > 0) {
                                         QTimer::singleShot(wait * 1000, this, [self, retried] { (*self)(retried); });
                                         return;
                                     }
                                     if (reply.ok() && reply.value().status == 401) {
                                         return finish(refusedCredentials(request, reply.value()));
                                     }
                                     finish(reply);
                                 });
            });
    };
    (*attempt)(false);
    return promise->future();
}

QFuture<Result<Json>> KubeClient::get(const QString &path, int timeoutMs)
{
    const QString what = QStringLiteral("GET %1").arg(path);
    Net::HttpRequest r = request("GET", path);
    r.timeoutMs = timeoutMs > 0 ? std::min(timeoutMs, r.timeoutMs) : r.timeoutMs;
    return send(r).then([what](const Result<HttpResponse> &reply) { return parseJsonReply(reply, what); });
}

QFuture<Result<QByteArray>> KubeClient::getRaw(const QString &path)
{
    Net::HttpRequest r = request("GET", path);
    r.headers[0].second = QByteArrayLiteral("text/plain, */*");
    const QString what = QStringLiteral("GET %1").arg(path);
    return send(r).then([what](const Result<HttpResponse> &reply) -> Result<QByteArray> {
        if (!reply.ok()) {
            return reply.error();
        }
        if (reply.value().status / 100 != 2) {
            return apiError(reply.value().status, reply.value().body, what);
        }
        return reply.value().body;
    });
}

QFuture<Result<ListResult>> KubeClient::list(const QString &collectionPath, const QString &labelSelector, int pageSize)
{
    // Pages chain through continuations on this object's thread; the pages form one consistent list.
    struct State
    {
        QPromise<Result<ListResult>> promise;
        ListResult result;
        std::function<void(const QString &)> fetch;
    };
    auto state = std::make_shared<State>();
    state->promise.start();
    const QString what = QStringLiteral("LIST %1").arg(collectionPath);
    // `fetch` holds the state weakly and each page's continuation strongly, as send() does: a list
    // still unanswered when the client goes away is freed with its continuation.
    state->fetch = [this, weak = std::weak_ptr<State>(state), collectionPath, labelSelector, pageSize,
                    what](const QString &continueToken) {
        const std::shared_ptr<State> state = weak.lock(); // alive: whoever calls it holds it
        QList<QPair<QString, QString>> query{{QStringLiteral("limit"), QString::number(pageSize)}};
        if (!labelSelector.isEmpty()) {
            query.append({QStringLiteral("labelSelector"), labelSelector});
        }
        if (!continueToken.isEmpty()) {
            query.append({QStringLiteral("continue"), continueToken});
        }
        Core::onFinished(send(request("GET", collectionPath, query)), this,
                         [state, what](const Result<HttpResponse> &reply) {
                             Result<Json> page = parseJsonReply(reply, what);
                             auto fail = [&](const Core::Error &error) {
                                 state->promise.addResult(error);
                                 state->promise.finish();
                             };
                             if (!page.ok()) {
                                 return fail(page.error());
                             }
                             Json &body = page.value();
                             const auto items = body.find("items");
                             if (items == body.end() || !(items->is_array() || items->is_null())) {
                                 return fail(Core::makeError(
                                     ErrorKind::Protocol, QStringLiteral("%1: the reply has no items list").arg(what)));
                             }
                             if (items->is_array()) {
                                 for (Json &item : *items) { // moved: the page is not read again
                                     state->result.items.push_back(std::move(item));
                                 }
                             }
                             state->result.resourceVersion = stringAt(body, "/metadata/resourceVersion");
                             const QString next = stringAt(body, "/metadata/continue");
                             if (!next.isEmpty()) {
                                 return state->fetch(next);
                             }
                             state->promise.addResult(std::move(state->result));
                             state->promise.finish();
                         });
    };
    QFuture<Result<ListResult>> future = state->promise.future();
    state->fetch({});
    return future;
}

QFuture<Result<Json>> KubeClient::patch(const QString &path, PatchType type, const QByteArray &body)
{
    Net::HttpRequest r = request("PATCH", path, {{QStringLiteral("fieldManager"), QStringLiteral("curtain")}});
    r.timeoutMs = requestTimeout(writeTimeoutMs);
    r.headers.append({QByteArrayLiteral("Content-Type"), contentType(type)});
    r.body = body;
    const QString what = QStringLiteral("PATCH %1").arg(path);
    return send(r).then([what](const Result<HttpResponse> &reply) { return parseJsonReply(reply, what); });
}

QFuture<Result<Json>> KubeClient::replace(const QString &path, const QByteArray &body)
{
    Net::HttpRequest r = request("PUT", path, {{QStringLiteral("fieldManager"), QStringLiteral("curtain")}});
    r.timeoutMs = requestTimeout(writeTimeoutMs);
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    r.body = body;
    const QString what = QStringLiteral("PUT %1").arg(path);
    return send(r).then([what](const Result<HttpResponse> &reply) { return parseJsonReply(reply, what); });
}

QFuture<Result<Json>> KubeClient::create(const QString &collectionPath, const QByteArray &body)
{
    Net::HttpRequest r = request("POST", collectionPath);
    r.timeoutMs = requestTimeout(writeTimeoutMs);
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    r.body = body;
    const QString what = QStringLiteral("POST %1").arg(collectionPath);
    return send(r).then([what](const Result<HttpResponse> &reply) { return parseJsonReply(reply, what); });
}

QFuture<Result<HttpResponse>> KubeClient::postRaw(const QString &path, const QByteArray &body)
{
    Net::HttpRequest r = request("POST", path);
    r.timeoutMs = requestTimeout(writeTimeoutMs);
    r.headers[0].second = QByteArrayLiteral("text/plain, */*");
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    r.body = body;
    const QString what = QStringLiteral("POST %1").arg(path);
    return send(r).then([what](const Result<HttpResponse> &reply) -> Result<HttpResponse> {
        if (!reply.ok()) {
            return reply.error();
        }
        if (reply.value().status / 100 != 2) {
            return apiError(reply.value().status, reply.value().body, what);
        }
        return reply.value();
    });
}

Net::StreamId KubeClient::streamText(const QString &path, const QList<QPair<QString, QString>> &query,
                                     std::function<void(const QByteArray &)> onText,
                                     std::function<void(const Core::Result<Core::Done> &)> onClosed)
{
    Net::HttpRequest r = request("GET", path, query);
    r.timeoutMs = 0; // the server ends the stream, or the reader stops it
    r.headers.removeIf([](const auto &header) { return header.first == "Accept"; });
    r.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("text/plain, */*")});
    const QString what = QStringLiteral("GET %1").arg(path);
    Net::StreamHandlers stream; // onData sees 2xx bodies only: an error's Status is not log text
    stream.onData = [onText](const QByteArray &chunk) { onText(chunk); };
    stream.onFinished = [onClosed, what](const Result<HttpResponse> &end) {
        if (!end.ok()) {
            return onClosed(end.error());
        }
        if (end.value().status / 100 != 2) {
            return onClosed(apiError(end.value().status, end.value().body, what));
        }
        onClosed(Core::Done{});
    };
    authorize(r, m_credentials->cached());
    return m_http->openStream(r, std::move(stream));
}

Net::StreamId KubeClient::watch(const QString &collectionPath, const QString &labelSelector,
                                const QString &resourceVersion, WatchHandlers handlers, int timeoutSeconds)
{
    QList<QPair<QString, QString>> query{{QStringLiteral("watch"), QStringLiteral("true")},
                                         {QStringLiteral("allowWatchBookmarks"), QStringLiteral("true")},
                                         {QStringLiteral("timeoutSeconds"), QString::number(timeoutSeconds)}};
    if (!resourceVersion.isEmpty()) {
        query.append({QStringLiteral("resourceVersion"), resourceVersion});
    }
    if (!labelSelector.isEmpty()) {
        query.append({QStringLiteral("labelSelector"), labelSelector});
    }
    Net::HttpRequest r = request("GET", collectionPath, query);
    r.timeoutMs = 0; // the server ends the stream after timeoutSeconds
    auto decoder = std::make_shared<WatchDecoder>();
    const QString what = QStringLiteral("WATCH %1").arg(collectionPath);
    const QString owner = credentialOwner(m_endpoint);
    Net::StreamHandlers stream;
    stream.onData = [decoder, onEvent = handlers.onEvent](const QByteArray &chunk) {
        for (const Result<WatchEvent> &event : decoder->feed(chunk)) {
            onEvent(event);
        }
    };
    stream.onFinished = [decoder, onClosed = handlers.onClosed, what, owner](const Result<HttpResponse> &end) {
        if (!end.ok()) {
            return onClosed(end.error());
        }
        if (end.value().status == 401) { // the relist that follows asks the credential source again
            return onClosed(credentialsRefused(end.value(), what, owner));
        }
        if (end.value().status / 100 != 2) {
            return onClosed(apiError(end.value().status, end.value().body, what));
        }
        if (decoder->pendingBytes() > 0) {
            return onClosed(Core::makeError(
                ErrorKind::Protocol, QStringLiteral("%1: the stream ended in the middle of an event").arg(what)));
        }
        onClosed(Core::Done{});
    };
    authorize(r, m_credentials->cached()); // a list always precedes a watch, so this is fresh
    return m_http->openStream(r, std::move(stream));
}

void KubeClient::stopWatch(Net::StreamId id)
{
    m_http->cancel(id);
}

} // namespace Curtain::Kube
