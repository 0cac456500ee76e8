#include "kube/informer.h"

#include "core/futures.h"

#include "kube/kubeclient.h"
#include "kube/watchdecoder.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace Curtain::Kube {

using Core::Result;

Informer::Informer(KubeClient *client, QString collectionPath, QString labelSelector, bool optional, QObject *parent)
    : QObject(parent), m_client(client), m_path(std::move(collectionPath)), m_selector(std::move(labelSelector)),
      m_optional(optional), m_retry(this)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] { m_relistNeeded || !m_synced ? relist() : startWatch(); });
}

Informer::~Informer()
{
    stop();
}

void Informer::start()
{
    if (m_running) {
        return;
    }
    m_running = true;
    relist();
}

void Informer::stop()
{
    m_running = false;
    m_retry.stop();
    if (m_watch) {
        m_client->stopWatch(m_watch);
        m_watch = 0;
    }
}

QString Informer::keyOf(const Json &object)
{
    return Kube::objectNamespace(object) + QLatin1Char('/') + Kube::objectName(object);
}

void Informer::setState(State state, const QString &detail)
{
    m_state = state;
    Q_EMIT stateChanged(state, detail);
}

void Informer::relist()
{
    if (!m_running) {
        return;
    }
    setState(State::Listing);
    m_relistNeeded = false;
    Core::onFinished(m_client->list(m_path, m_selector), this, [this](const Result<ListResult> &listed) {
        if (!m_running) {
            return;
        }
        if (!listed.ok()) {
            if (m_optional && listed.error().httpStatus == 404) {
                // The cluster does not serve this resource (e.g. no Gateway API CRDs): nothing to show,
                // look again later without alarming anyone.
                m_objects.clear();
                m_synced = true;
                setState(State::NotServed, listed.error().message);
                Q_EMIT changed();
                m_retry.start(60'000);
                return;
            }
            m_relistNeeded = true;
            return retryLater(listed.error());
        }
        QHash<QString, Json> fresh;
        for (const Json &item : listed.value().items) {
            fresh.insert(keyOf(item), item);
        }
        m_objects = std::move(fresh);
        m_resourceVersion = listed.value().resourceVersion;
        m_synced = true;
        m_failures = 0;
        Q_EMIT changed();
        startWatch();
    });
}

void Informer::startWatch()
{
    if (!m_running) {
        return;
    }
    WatchHandlers handlers;
    handlers.onEvent = [this](const Result<WatchEvent> &event) { onEvent(event); };
    handlers.onClosed = [this](const Result<Core::Done> &end) { onWatchClosed(end); };
    // Handlers run on the HTTP client's thread, which is this informer's thread too.
    m_watch = m_client->watch(m_path, m_selector, m_resourceVersion, std::move(handlers));
    setState(State::Live);
}

void Informer::onEvent(const Result<WatchEvent> &decoded)
{
    if (!decoded.ok()) {
        m_lastError = decoded.error().message;
        m_relistNeeded = true;
        if (m_watch) {
            m_client->stopWatch(m_watch); // onWatchClosed schedules the relist
        }
        return;
    }
    const WatchEvent &event = decoded.value();
    const QString rv = resourceVersion(event.object);
    switch (event.type) {
    case WatchEventType::Added:
    case WatchEventType::Modified:
        m_objects.insert(keyOf(event.object), event.object);
        break;
    case WatchEventType::Deleted:
        m_objects.remove(keyOf(event.object));
        break;
    case WatchEventType::Bookmark:
        break;
    case WatchEventType::Error:
        // Usually "too old resource version" (410 Expired): the only safe answer is a fresh list.
        m_lastError = stringAt(event.object, "/message");
        m_relistNeeded = true;
        if (m_watch) {
            m_client->stopWatch(m_watch);
        }
        return;
    }
    if (!rv.isEmpty()) {
        m_resourceVersion = rv;
    }
    if (event.type != WatchEventType::Bookmark) {
        Q_EMIT changed();
    }
}

void Informer::onWatchClosed(const Result<Core::Done> &end)
{
    m_watch = 0;
    if (!m_running) {
        return;
    }
    if (end.ok() && !m_relistNeeded) {
        m_failures = 0;
        return startWatch(); // the server's timeoutSeconds ran out: resume from the last version seen
    }
    if (!end.ok() && end.error().httpStatus == 410) {
        m_relistNeeded = true;
    }
    if (m_relistNeeded && (end.ok() || end.error().kind == Core::ErrorKind::Cancelled)) {
        return relist();
    }
    retryLater(end.ok() ? Core::makeError(Core::ErrorKind::Protocol, m_lastError) : end.error());
}

void Informer::retryLater(const Core::Error &why)
{
    m_lastError = why.message;
    m_lastErrorKind = why.kind;
    const int retryAfterSeconds = why.retryAfterSeconds;
    ++m_failures;
    const double base = std::min(30.0, 0.8 * std::pow(2.0, std::min(m_failures - 1, 6)));
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    // The server's Retry-After is a floor: coming back sooner only earns another 429.
    m_retry.start(std::max(int(base * jitter * 1000), retryAfterSeconds * 1000));
    setState(State::Retrying, why.message);
}

} // namespace Curtain::Kube
