#include "kube/informer.h"

#include "core/clock.h"
#include "core/futures.h"

#include "kube/kubeclient.h"
#include "kube/watchdecoder.h"

#include <QDateTime>
#include <QPointer>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace Curtain::Kube {

using Core::Result;

bool isNewerVersion(const QString &candidate, const QString &current)
{
    bool candidateIsNumber = false;
    bool currentIsNumber = false;
    const qulonglong a = candidate.toULongLong(&candidateIsNumber);
    const qulonglong b = current.toULongLong(&currentIsNumber);
    if (candidateIsNumber && currentIsNumber) {
        return a > b;
    }
    return candidate != current;
}

namespace {

// The higher of two resourceVersions (the second when they cannot be compared).
QString highest(const QString &a, const QString &b)
{
    return a.isEmpty() || isNewerVersion(b, a) ? b : a;
}

} // namespace

Informer::Informer(KubeClient *client, QString collectionPath, QString labelSelector, bool optional, QObject *parent,
                   Core::Clock *clock)
    : QObject(parent), m_client(client), m_path(std::move(collectionPath)), m_selector(std::move(labelSelector)),
      m_optional(optional), m_clock(clock ? clock : Core::Clock::system())
{}

void Informer::retryAfter(qint64 ms)
{
    const quint64 generation = ++m_retryGeneration;
    m_clock->callAfter(ms, this, [this, generation] {
        if (generation == m_retryGeneration && m_running) {
            m_relistNeeded || !m_synced ? relist() : startWatch();
        }
    });
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
    ++m_retryGeneration;
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
    // The list is this informer's alone: its objects move into the copy kept here, never copied.
    Core::onFinishedTakingResult(m_client->list(m_path, m_selector), this, [this](Result<ListResult> listed) {
        if (!m_running) {
            return;
        }
        if (!listed.ok()) {
            if (m_optional && listed.error().httpStatus == 404) {
                // The cluster does not serve this resource (e.g. no Gateway API CRDs): nothing to show,
                // look again later without alarming anyone.
                m_objects.clear();
                m_synced = true;
                heard();
                setState(State::NotServed, listed.error().message);
                Q_EMIT changed();
                retryAfter(60'000);
                return;
            }
            m_relistNeeded = true;
            return retryLater(listed.error());
        }
        applyList(std::move(listed).value());
        m_synced = true;
        m_failures = 0;
        heard();
        Q_EMIT changed();
        startWatch();
    });
}

void Informer::applyList(ListResult &&listed)
{
    const QString listVersion = listed.resourceVersion;
    // A server whose versions went backwards is not the one this copy came from (restarted with
    // other state, restored from a backup): nothing held here can be trusted, not even "newer" objects.
    const bool wentBack = !m_highestVersion.isEmpty() && !listVersion.isEmpty() &&
                          isNewerVersion(m_highestVersion, listVersion) && m_highestVersion != listVersion;
    ObjectMap fresh;
    fresh.reserve(qsizetype(listed.items.size()));
    for (Json &item : listed.items) {
        const QString key = keyOf(item);
        const ObjectPtr held = wentBack ? nullptr : m_objects.value(key);
        // An action's read-back may already hold a version newer than this list: keep it.
        fresh.insert(key, held && isNewerVersion(resourceVersion(*held), resourceVersion(item))
                              ? held
                              : std::make_shared<const Json>(std::move(item)));
    }
    if (!wentBack) {
        // Objects the list does not have were deleted before it was taken, unless they were
        // offered with a version newer than the list (created after it).
        for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it) {
            if (!fresh.contains(it.key()) && isNewerVersion(resourceVersion(*it.value()), listVersion)) {
                fresh.insert(it.key(), it.value());
            }
        }
    }
    const QString before = m_highestVersion;
    m_objects = std::move(fresh);
    m_resourceVersion = listVersion;
    m_highestVersion = wentBack ? listVersion : highest(m_highestVersion, listVersion);
    if (wentBack) {
        Q_EMIT reset(QStringLiteral("the server's resourceVersion went back from %1 to %2 (restarted or restored "
                                    "with other state): %3 was reloaded from scratch")
                         .arg(before, listVersion, m_path));
    }
}

bool Informer::merge(const Json &object)
{
    const QString key = keyOf(object);
    const ObjectPtr held = m_objects.value(key);
    const QString version = resourceVersion(object);
    if (held && !isNewerVersion(version, resourceVersion(*held))) {
        return false; // what is held is as new or newer: a late watch event or a slow read-back
    }
    m_objects.insert(key, std::make_shared<const Json>(object));
    m_highestVersion = highest(m_highestVersion, version);
    return true;
}

bool Informer::offer(const Json &object)
{
    if (!m_synced || !object.is_object() || Kube::objectName(object).isEmpty()) {
        return false;
    }
    if (!merge(object)) {
        return false;
    }
    Q_EMIT changed();
    return true;
}

void Informer::heard()
{
    m_lastHeardMs = m_clock->nowMs();
}

void Informer::startWatch()
{
    if (!m_running) {
        return;
    }
    WatchHandlers handlers;
    // Handlers run on the HTTP client's thread, which is this informer's thread too. A cancel is
    // queued, so a chunk or the stream's end can still arrive after this informer is gone (a
    // session closing): the guard drops them then.
    const QPointer<Informer> self(this);
    handlers.onEvent = [self](const Result<WatchEvent> &event) {
        if (self) {
            self->onEvent(event);
        }
    };
    handlers.onClosed = [self](const Result<Core::Done> &end) {
        if (self) {
            self->onWatchClosed(end);
        }
    };
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
    heard();
    bool changedHere = false;
    switch (event.type) {
    case WatchEventType::Added:
    case WatchEventType::Modified:
        changedHere = merge(event.object);
        break;
    case WatchEventType::Deleted:
        changedHere = m_objects.remove(keyOf(event.object)) > 0;
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
        m_highestVersion = highest(m_highestVersion, rv);
    }
    if (changedHere) {
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
    // After a reconnect the server may not be the one we watched (restarted, restored, failed
    // over): resuming the old watch would trust a copy nobody confirmed. Relist instead.
    m_relistNeeded = true;
    m_lastError = why.message;
    m_lastErrorKind = why.kind;
    m_lastErrorStatus = why.httpStatus;
    const int retryAfterSeconds = why.retryAfterSeconds;
    ++m_failures;
    const double base = std::min(30.0, 0.8 * std::pow(2.0, std::min(m_failures - 1, 6)));
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    // The server's Retry-After is a floor: coming back sooner only earns another 429.
    retryAfter(std::max(qint64(base * jitter * 1000), qint64(retryAfterSeconds) * 1000));
    setState(State::Retrying, why.message);
}

} // namespace Curtain::Kube
