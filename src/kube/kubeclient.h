#pragma once

#include "core/clusterendpoint.h"
#include "core/result.h"
#include "kube/json.h"
#include "kube/watchdecoder.h"
#include "net/httpclient.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace Curtain::Kube {

struct Credential;
class Credentials;

using ClusterEndpoint = Core::ClusterEndpoint;

enum class PatchType { Merge, Json, StrategicMerge };
QByteArray contentType(PatchType type);

// A collection path plus its list: the items and the list's resourceVersion to watch from.
struct ListResult
{
    std::vector<Json> items;
    QString resourceVersion;
};

struct WatchHandlers
{
    std::function<void(const Core::Result<WatchEvent> &)> onEvent;
    // The stream ended: ok when the server closed it normally (timeoutSeconds), an Error otherwise
    // (with httpStatus 410 when the resourceVersion is too old).
    std::function<void(const Core::Result<Core::Done> &)> onClosed;
};

// The typed-enough Kubernetes REST client: JSON in and out, Status bodies turned into Errors that
// name the request, TLS and credentials from the endpoint (with one retry after a 401 when the
// credential can be refreshed). Call it on its own thread (the network thread); futures resolve there.
class KubeClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubeClient)

public:
    KubeClient(Net::HttpClient *http, ClusterEndpoint endpoint, QObject *parent = nullptr);

    const ClusterEndpoint &endpoint() const { return m_endpoint; }

    // `timeoutMs` 0: the endpoint's request timeout; else the shorter of the two.
    QFuture<Core::Result<Json>> get(const QString &path, int timeoutMs = 0);
    // How long a write waits for its answer by default. Shorter than the reads' bound, so an action
    // can still read back and say what the cluster shows before a caller (curtainctl: 45 s) gives up.
    static constexpr int writeTimeoutMs = 15'000;
    static constexpr int readTimeoutMs = 30'000;
    QFuture<Core::Result<QByteArray>> getRaw(const QString &path);
    // Lists a collection, following `continue` tokens in pages of `pageSize`.
    QFuture<Core::Result<ListResult>> list(const QString &collectionPath, const QString &labelSelector = {},
                                           int pageSize = 500);
    QFuture<Core::Result<Json>> patch(const QString &path, PatchType type, const QByteArray &body);
    QFuture<Core::Result<Json>> create(const QString &collectionPath, const QByteArray &body);
    // A POST whose answer is not an object (a service proxy's, e.g. a loadtester's 202 "Accepted"):
    // the response of a 2xx, else the error as for any other request.
    QFuture<Core::Result<Net::HttpResponse>> postRaw(const QString &path, const QByteArray &body);
    // PUT: replaces the whole object; its metadata.resourceVersion makes a stale copy a 409.
    QFuture<Core::Result<Json>> replace(const QString &path, const QByteArray &body);
    Net::StreamId watch(const QString &collectionPath, const QString &labelSelector, const QString &resourceVersion,
                        WatchHandlers handlers, int timeoutSeconds = 300);
    void stopWatch(Net::StreamId id);
    // A text stream, as `kubectl logs -f` reads a pod's log: `onText` for every chunk as it comes,
    // `onClosed` when the server ends it (ok) or it fails. Stop it with stopWatch.
    Net::StreamId streamText(const QString &path, const QList<QPair<QString, QString>> &query,
                             std::function<void(const QByteArray &)> onText,
                             std::function<void(const Core::Result<Core::Done> &)> onClosed);

    QString url(const QString &path, const QList<QPair<QString, QString>> &query = {}) const;

    // The last answer a read was retried after (Retry-After), as an error: what a deadline that
    // passes during those retries reports. Empty until one was.
    std::optional<Core::Error> lastRetried() const { return m_lastRetried; }

private:
    QFuture<Core::Result<Net::HttpResponse>> send(const Net::HttpRequest &request);
    Core::Error refusedCredentials(const Net::HttpRequest &request, const Net::HttpResponse &response) const;
    int retryAfter(const Net::HttpRequest &request, const Core::Result<Net::HttpResponse> &reply);
    static constexpr int maxRetries = 5;
    static void authorize(Net::HttpRequest &request, const Credential &credential);
    int requestTimeout(int fallbackMs) const; // the endpoint's request timeout, else `fallbackMs`
    Net::HttpRequest request(QByteArray method, const QString &path,
                             const QList<QPair<QString, QString>> &query = {}) const;

    Net::HttpClient *m_http;
    ClusterEndpoint m_endpoint;
    Credentials *m_credentials;
    QHash<QString, int> m_retries; // by URL, while a request is being retried after Retry-After
    std::optional<Core::Error> m_lastRetried;
};

} // namespace Curtain::Kube
