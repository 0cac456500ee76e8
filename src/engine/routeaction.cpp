#include "engine/routeaction.h"

#include "engine/clustercache.h"
#include "engine/permissions.h"

#include "adapters/clusterview.h"
#include "adapters/routeadapter.h"
#include "core/futures.h"
#include "kube/kubeclient.h"

#include <QTimer>

#include <algorithm>

namespace Curtain::Engine {

using Core::ActionOutcome;
using Core::ErrorKind;
using Core::ReleaseSnapshot;
using Core::Result;
using Kube::Json;

RouteAction::RouteAction(Kube::KubeClient *client, ClusterCache *cache, Permissions *permissions,
                         Core::ActionRequest request, Core::ReleaseSnapshot before, QObject *parent)
    : QObject(parent), m_client(client), m_cache(cache), m_permissions(permissions), m_request(std::move(request)),
      m_before(std::move(before)), m_adapter(Adapters::adapterFor(m_before.routeKind))
{}

Result<Json> RouteAction::routeInCache() const
{
    const Adapters::ClusterView view = m_cache->view();
    for (const Json *candidate : m_adapter->routes(view)) {
        if (Kube::objectNamespace(*candidate) == m_before.namespaceName &&
            Kube::objectName(*candidate) == m_before.routeName) {
            return *candidate;
        }
    }
    return Core::makeError(ErrorKind::NotFound,
                           QStringLiteral("%1: its route %2/%3 is gone from the cluster; nothing was written")
                               .arg(m_before.name, m_before.namespaceName, m_before.routeName));
}

ReleaseSnapshot RouteAction::readFromCache(const Json &route) const
{
    ReleaseSnapshot snapshot = m_adapter->read(route, m_cache->view());
    snapshot.capabilities = Core::computeCapabilities(snapshot);
    return snapshot;
}

void RouteAction::start()
{
    const Result<Json> route = routeInCache();
    if (!route.ok()) {
        return finish(route.error());
    }
    // The watch may have delivered a newer route than the snapshot the request was made from:
    // judge the request against what will actually be written over, never an older reading.
    if (Kube::resourceVersion(route.value()) != m_before.routeResourceVersion) {
        const std::optional<Core::DatabaseState> database = m_before.databaseState;
        m_before = readFromCache(route.value());
        m_before.databaseState = database; // the engine's reading, taken for this request
        m_before.capabilities = Core::computeCapabilities(m_before);
        m_permissions->apply(m_before);
    }
    if (!m_request.expectedResourceVersion.isEmpty() &&
        m_request.expectedResourceVersion != m_before.routeResourceVersion) {
        return finish(
            Core::makeError(ErrorKind::Conflict,
                            QStringLiteral("%1 changed since you looked at it (it now reads: blue %2 %, green %3 %, "
                                           "stable %4); nothing was written — review it and try again")
                                .arg(m_before.name)
                                .arg(m_before.blue.trafficPercent)
                                .arg(m_before.green.trafficPercent)
                                .arg(Core::colorName(m_before.stable))));
    }
    if (!m_before.planDriver.isEmpty() && !m_request.fromPlan && m_request.kind != Core::ActionKind::Rollback) {
        return finish(Core::refusedWhileDriven(m_before.name, m_before.planDriver));
    }
    const Result<Core::TargetState> plan = Core::planAction(m_before, m_request);
    if (!plan.ok()) {
        return finish(plan.error());
    }
    m_target = plan.value();
    if (m_target == Core::currentState(m_before)) {
        const bool promoted = m_request.kind == Core::ActionKind::Promote && Core::isPromotedAlready(m_before);
        ActionOutcome there{m_request, m_before, m_before,
                            promoted ? Core::promotedAlreadyText(m_before) + QStringLiteral("; nothing changed")
                                     : QStringLiteral("%1: already there, nothing to change").arg(m_before.name)};
        there.changed = false;
        return finish(there);
    }
    if (m_target.isWhole() &&
        m_target.weight(m_target.stable) != m_before.environment(m_target.stable).trafficPercent) {
        m_target.switchedAt = QDateTime::currentDateTimeUtc(); // the serving color's window starts with this write
    }
    write(route.value());
}

void RouteAction::write(const Json &route)
{
    const Result<Adapters::RoutePatch> patch = m_adapter->write(route, m_cache->view(), m_target);
    if (!patch.ok()) {
        return finish(patch.error());
    }
    const QString path = patch.value().path;
    m_writtenOver = Kube::resourceVersion(route);
    m_readBacks = 0;
    m_writtenAs.clear();
    m_readBackError.clear();
    if (!m_writingClock.isValid()) {
        m_writingClock.start();
    }
    Core::onFinished(m_client->patch(path, patch.value().type, patch.value().body), this,
                     [this, path](const Result<Json> &written) {
                         if (written.ok()) {
                             m_cache->offer(path, written.value()); // the reply is the object as written
                             m_writtenAs = Kube::resourceVersion(written.value());
                         }
                         m_readBackClock.start();
                         readBack(path, written.ok() ? std::nullopt : std::optional<Core::Error>(written.error()));
                     });
}

bool RouteAction::answeredFailure(const Core::Error &error)
{
    // Not a 429: KubeClient has sent the write again after each Retry-After already, five times.
    return !error.requestSent && error.httpStatus >= 500;
}

bool RouteAction::outcomeUnknown(const Core::Error &error)
{
    // Sent and never answered, or answered in a way that does not say whether it was applied: a
    // 500 or a 504 from the API server (or a proxy before it) may come after the change is stored.
    return error.requestSent || error.httpStatus == 500 || error.httpStatus == 504;
}

void RouteAction::readBack(const QString &path, std::optional<Core::Error> writeError)
{
    // The write's verdict is what the cluster now says, not the reply: read it back into the cache.
    Core::onFinished(m_client->get(path, readBackTimeoutMs), this, [this, path, writeError](const Result<Json> &fresh) {
        if (fresh.ok()) {
            m_cache->offer(path, fresh.value());
            return judge(path, writeError);
        }
        const bool unknown = writeError && outcomeUnknown(*writeError);
        if ((!writeError || unknown) && mayReadBackAgain()) {
            return retryReadBack(path, writeError);
        }
        if (!writeError) { // the reply to the write is in the cache: it is the server's own word
            m_readBackError = fresh.error().message;
            return judge(path, writeError);
        }
        if (unknown) {
            return finish(notConfirmed(
                *writeError,
                QStringLiteral("reading %1 back failed too (%2)").arg(m_before.routeName, fresh.error().message)));
        }
        // Refused outright, so nothing was applied: the route as the cache holds it decides whether
        // the write is sent again (a flaky server fails the read-back too, now and then).
        m_readBackError = fresh.error().message;
        judge(path, writeError);
    });
}

bool RouteAction::mayReadBackAgain()
{
    return ++m_readBacks < readBackAttempts && m_readBackClock.elapsed() < readBackWindowMs;
}

void RouteAction::retryReadBack(const QString &path, std::optional<Core::Error> writeError)
{
    QTimer::singleShot(std::min(readBackDelayMs << (m_readBacks - 1), readBackMaxDelayMs), this,
                       [this, path, writeError] { readBack(path, writeError); });
}

Core::Error RouteAction::notConfirmed(const Core::Error &writeError, const QString &nowShown) const
{
    return Core::makeError(ErrorKind::NotConfirmed,
                           QStringLiteral("%1: the %2 was sent but not confirmed (%3); %4. It may still be applied: "
                                          "look with `curtainctl status %1` before trying again")
                               .arg(m_before.name, QStringLiteral("PATCH"), writeError.message, nowShown),
                           writeError.httpStatus);
}

void RouteAction::judge(const QString &path, std::optional<Core::Error> writeError)
{
    const Result<Json> route = routeInCache();
    if (!route.ok()) {
        return finish(writeError ? *writeError : route.error());
    }
    const ReleaseSnapshot after = readFromCache(route.value());
    const Core::TargetState now = Core::currentState(after);
    if (now == m_target && writeError && !outcomeUnknown(*writeError) && !m_earlierMayHaveApplied &&
        (writeError->httpStatus == 409 || writeError->httpStatus == 422) &&
        m_request.expectedResourceVersion.isEmpty()) {
        // Refused, so this write did nothing; someone else's change got the route here first. (A
        // request from the version the user saw is refused below instead, as it is when the change
        // came before the write.)
        ActionOutcome there{m_request, m_before, after,
                            QStringLiteral("%1: already there — someone else changed it to blue %2 %, green %3 % "
                                           "just before this %4, which wrote nothing (%5)")
                                .arg(m_before.name)
                                .arg(after.blue.trafficPercent)
                                .arg(after.green.trafficPercent)
                                .arg(Core::actionName(m_request.kind), writeError->message)};
        there.changed = false;
        return finish(there);
    }
    if (now == m_target) {
        QString summary = Core::describeChange(m_before, after);
        if (writeError && !m_readBackError.isEmpty()) {
            summary += QStringLiteral(" (as the cluster's watch shows it; the write failed — %1 — and reading it "
                                      "back failed: %2)")
                           .arg(writeError->message, m_readBackError);
        } else if (writeError) {
            summary +=
                QStringLiteral(" (confirmed by reading it back: the reply was lost — %1)").arg(writeError->message);
        } else if (!m_readBackError.isEmpty()) {
            summary += QStringLiteral(" (as the server's reply says; reading it back failed: %1)").arg(m_readBackError);
        }
        if (after.routeKind == Core::RouteKind::FlagConfigMap) {
            // What was written is the ConfigMap; flagd reads its file through the kubelet's mount.
            summary += QStringLiteral("; written to ConfigMap %1, which flagd serves once the kubelet refreshes its "
                                      "mount (within about a minute)")
                           .arg(after.routeName);
        }
        return finish(ActionOutcome{m_request, m_before, after, summary});
    }
    // Refused as stale (409, or 422 from the resourceVersion test) over a change that left the
    // routing as this action found it — a plan driver's heartbeat, a label: the write did nothing,
    // and the same write over the new version is what was asked. Rollback above all must not
    // fail on another writer's annotations. Not so when the request names the version the user
    // looked at: any change since is refused, whether the cache saw it before the write or not.
    const bool refusedAsStale = writeError && !outcomeUnknown(*writeError) &&
                                m_request.expectedResourceVersion.isEmpty() &&
                                (writeError->httpStatus == 409 || writeError->httpStatus == 422) &&
                                Kube::resourceVersion(route.value()) != m_writtenOver;
    if (refusedAsStale && now == Core::currentState(m_before) && m_rewrites++ < writeAttempts) {
        return write(route.value());
    }
    const QString shown = QStringLiteral("the cluster now shows blue %1 %, green %2 %, stable %3")
                              .arg(after.blue.trafficPercent)
                              .arg(after.green.trafficPercent)
                              .arg(Core::colorName(after.stable));
    const bool unchanged = Kube::resourceVersion(route.value()) == m_writtenOver;
    const int backoffMs = std::min(failedWriteFirstDelayMs << (m_writes - 1), failedWriteMaxDelayMs);
    const int waitMs = std::max(
        backoffMs, std::clamp(writeError ? writeError->retryAfterSeconds : 0, 0, retryAfterCapMs / 1000) * 1000);
    if (writeError && answeredFailure(*writeError) && unchanged && m_writes < failedWriteAttempts &&
        m_writingClock.elapsed() + waitMs <= retryBudgetMs) {
        // The server said it failed (5xx) and the route is as it was: the write is conditional on
        // this resourceVersion, so sending it again cannot apply it twice. Backing off (0.2, 0.4,
        // 0.8, 1.6, 2 s) rides out a flaky server for ~5 s; a Retry-After is honoured up to 10 s,
        // and no write is sent later than retryBudgetMs after the first.
        ++m_writes;
        m_earlierMayHaveApplied = m_earlierMayHaveApplied || outcomeUnknown(*writeError);
        return QTimer::singleShot(waitMs, this, [this, fresh = route.value()] { write(fresh); });
    }
    if (writeError && outcomeUnknown(*writeError)) {
        if (mayReadBackAgain()) {
            return retryReadBack(path, writeError); // a slow server may still be storing it
        }
        return finish(notConfirmed(*writeError, shown));
    }
    if (writeError && m_earlierMayHaveApplied) {
        return finish(notConfirmed(*writeError, shown)); // an earlier attempt's 500 or 504 may still land
    }
    if (writeError) {
        Core::Error reported = *writeError;
        if (reported.httpStatus == 409 || reported.httpStatus == 422) {
            reported.kind = ErrorKind::Conflict;
            reported.message = QStringLiteral("%1 was changed by someone else before this %2 (%3); nothing was "
                                              "written. It now reads: blue %4 %, green %5 %, stable %6 — review "
                                              "and try again")
                                   .arg(m_before.name, Core::actionName(m_request.kind), reported.message)
                                   .arg(after.blue.trafficPercent)
                                   .arg(after.green.trafficPercent)
                                   .arg(Core::colorName(after.stable));
        } else if (now == Core::currentState(m_before)) {
            reported.message += QStringLiteral("; %1 is unchanged").arg(m_before.name);
        }
        return finish(reported);
    }
    if (!m_writtenAs.isEmpty() && Kube::resourceVersion(route.value()) != m_writtenAs) {
        // The server stored this write (its reply says so) and the route has changed since: someone
        // else wrote after it. Not "nothing changed", and not where it was asked to be either.
        return finish(Core::makeError(
            ErrorKind::NotConfirmed,
            QStringLiteral("%1: the %2 was applied (resourceVersion %3), then someone else changed %1: %4. Look with "
                           "`curtainctl status %1` before trying again")
                .arg(m_before.name, Core::actionName(m_request.kind), m_writtenAs, shown)));
    }
    finish(Core::makeError(ErrorKind::Server,
                           QStringLiteral("the cluster accepted the %1 but %2 reads back as blue %3 %, green %4 %")
                               .arg(Core::actionName(m_request.kind), m_before.name)
                               .arg(after.blue.trafficPercent)
                               .arg(after.green.trafficPercent)));
}

void RouteAction::finish(const Result<ActionOutcome> &outcome)
{
    Q_EMIT finished(outcome);
    deleteLater();
}

} // namespace Curtain::Engine
