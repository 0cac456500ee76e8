// ReleaseEngine::flipWhenReady: "scale green to 4, flip when ready" as one step — and the same for a
// promote. Both send all traffic at once, so a smaller color is grown first and the move waits for
// its pods; the move itself then goes through the same pipeline (schema gate, capacity, conditional
// write) as any.

#include "engine/releaseengine.h"

#include "core/capacity.h"
#include "core/futures.h"
#include "core/handoff.h"
#include "engine/auditor.h"
#include "engine/permissions.h"

namespace Curtain::Engine {

using Core::ActionOutcome;
using Core::ErrorKind;
using Core::Result;

namespace {

Core::Color servingColor(const Core::ReleaseSnapshot &release)
{
    return release.blue.trafficPercent >= release.green.trafficPercent ? Core::Color::Blue : Core::Color::Green;
}

// What stands between the release and the move: a flip goes to the color not serving the majority,
// a promote to the candidate whatever its share.
std::optional<Core::CapacityShortfall> shortfallFor(Core::ActionKind kind, const Core::ReleaseSnapshot &release)
{
    return kind == Core::ActionKind::Promote ? Core::promoteShortfall(release) : Core::flipShortfall(release);
}

// The color whose traffic the move takes over; it must still be that one when the wait ends.
Core::Color givingColor(Core::ActionKind kind, const Core::ReleaseSnapshot &release)
{
    return kind == Core::ActionKind::Promote ? release.stable : servingColor(release);
}

QString pastTense(Core::ActionKind kind)
{
    return kind == Core::ActionKind::Promote ? QStringLiteral("promoted") : QStringLiteral("flipped");
}

} // namespace

QFuture<Result<ActionOutcome>> ReleaseEngine::flipWhenReady(const QString &release,
                                                            const QString &expectedResourceVersion, int timeoutMs,
                                                            Core::ActionKind kind)
{
    auto promise = std::make_shared<QPromise<Result<ActionOutcome>>>();
    promise->start();
    QFuture<Result<ActionOutcome>> future = promise->future();
    Core::post(this, [this, release, expectedResourceVersion, timeoutMs, kind, promise] {
        flipWhenReadyOnThread(Core::ActionRequest{kind, release, 0, expectedResourceVersion}, timeoutMs, promise);
    });
    return future;
}

void ReleaseEngine::flipWhenReadyOnThread(const Core::ActionRequest &move, int timeoutMs,
                                          std::shared_ptr<QPromise<Result<ActionOutcome>>> promise)
{
    const QString &release = move.release;
    const Core::ActionKind kind = move.kind;
    const auto fail = [this, promise, move](const Core::Error &error) {
        Core::Error ignored; // refused before anything was scaled: in the history like any refusal
        m_auditor->recordAction(move, findRelease(move.release, &ignored), error);
        promise->addResult(error);
        promise->finish();
    };
    Core::Error error;
    const Core::ReleaseSnapshot *found = findRelease(release, &error);
    if (!found) {
        return fail(error);
    }
    const Core::ReleaseSnapshot before = *found;
    const QString key = Core::ReleaseKey{before.namespaceName, before.name}.toString();
    Core::ActionRequest flip = move;
    flip.release = key;
    const QString &expectedResourceVersion = move.expectedResourceVersion;
    const std::optional<Core::CapacityShortfall> shortfall = shortfallFor(kind, before);
    // Big enough already; refused for its own reasons (a controller moves the traffic); or promoted
    // already (a retried step: the promote says so and succeeds).
    if (!shortfall || before.routeKind == Core::RouteKind::ArgoRollout ||
        before.routeKind == Core::RouteKind::FlaggerCanary ||
        (kind == Core::ActionKind::Promote && Core::isPromotedAlready(before))) {
        return performOnThread(flip, promise);
    }
    if (!expectedResourceVersion.isEmpty() && expectedResourceVersion != before.routeResourceVersion) {
        return fail(Core::makeError(ErrorKind::Conflict,
                                    QStringLiteral("%1 changed since you looked at it; nothing was scaled or %2 — "
                                                   "review it and try again")
                                        .arg(before.name, pastTense(kind))));
    }
    if (m_pendingFlips.contains(key)) {
        return fail(
            Core::makeError(ErrorKind::Refused, QStringLiteral("a %1 of %2 already waits for %3 to be ready")
                                                    .arg(Core::actionName(m_pendingFlips.value(key).kind), before.name,
                                                         Core::colorName(m_pendingFlips.value(key).target))));
    }
    // Every other reason to refuse the flip is known now: say it before anything is scaled. The
    // release as it will be once the pods are ready must pass the whole gate but for capacity.
    Core::ReleaseSnapshot grown = before;
    grown.environment(shortfall->target).readyReplicas = shortfall->needed;
    grown.environment(shortfall->target).desiredReplicas =
        std::max(shortfall->needed, before.environment(shortfall->target).desiredReplicas);
    if (const Result<Core::TargetState> planned = Core::planAction(grown, flip); !planned.ok()) {
        return fail(planned.error());
    }
    grown.capabilities = Core::computeCapabilities(grown);
    m_permissions->apply(grown);
    applyFreshness(grown);
    const Core::Capability &allowed =
        kind == Core::ActionKind::Promote ? grown.capabilities.promote : grown.capabilities.flip;
    if (!allowed.enabled) { // not allowed to write the route, or the data is stale
        return fail(Core::makeError(
            ErrorKind::Refused,
            QStringLiteral("cannot %1 %2: %3").arg(Core::actionName(kind), before.name, allowed.reason)));
    }
    const quint64 id = m_nextPendingFlip++;
    m_pendingFlips.insert(key, PendingFlip{id, key, kind, shortfall->serving, shortfall->target,
                                           before.environment(shortfall->target).trafficPercent, shortfall->needed, -1,
                                           promise});
    QTimer::singleShot(timeoutMs, this, [this, key, id, timeoutMs] {
        const auto pending = m_pendingFlips.constFind(key);
        if (pending == m_pendingFlips.constEnd() || pending->id != id) {
            return;
        }
        Core::Error unused;
        const Core::ReleaseSnapshot *now = findRelease(key, &unused);
        const Core::Color target = pending->target;
        // Refused, not a timeout of the cluster's: it answered all along, the pods did not get ready.
        endPendingFlip(key, Core::makeError(ErrorKind::Refused,
                                            QStringLiteral("%1 was not %2: %3 had %4 of %5 replicas ready after "
                                                           "%6 s; look at its pods and their Events — the scale "
                                                           "stays, no traffic moved")
                                                .arg(key, pastTense(pending->kind), Core::colorName(target))
                                                .arg(now ? now->environment(target).readyReplicas : 0)
                                                .arg(pending->needed)
                                                .arg(timeoutMs / 1000)));
    });
    if (before.environment(shortfall->target).desiredReplicas >= shortfall->needed) {
        return checkPendingFlips(); // already growing: only the wait is left
    }
    Core::onFinished(
        scale(key, shortfall->target, shortfall->needed), this, [this, key, id](const Result<QString> &scaled) {
            const auto pending = m_pendingFlips.constFind(key);
            if (pending == m_pendingFlips.constEnd() || pending->id != id) {
                return;
            }
            if (!scaled.ok()) {
                Core::Error why = scaled.error();
                why.message = QStringLiteral("%1 was not %2: %3").arg(key, pastTense(pending->kind), why.message);
                return endPendingFlip(key, why);
            }
            checkPendingFlips();
        });
}

void ReleaseEngine::checkPendingFlips()
{
    // Decide first, act after: a flip performed here may finish at once and rebuild, which calls
    // this again — the table must not change under the loop.
    QList<std::pair<QString, Core::Error>> ended;
    QList<PendingFlip> ready;
    for (PendingFlip &pending : m_pendingFlips) {
        const QString &key = pending.release;
        Core::Error error;
        const Core::ReleaseSnapshot *release = findRelease(key, &error);
        if (!release) {
            ended.append({key, error});
            continue;
        }
        // Any move of the traffic meanwhile ends the wait: a Rollback of the canary (stable keeps its
        // role, the candidate drops to 0 %) must not be followed by the promote it interrupted.
        if (givingColor(pending.kind, *release) != pending.serving ||
            release->environment(pending.target).trafficPercent != pending.targetShare) {
            ended.append({key, Core::makeError(ErrorKind::Conflict,
                                               QStringLiteral("%1 was not %2: its traffic moved while the %3 "
                                                              "waited (now blue %4 %, green %5 %); the %3 sent no "
                                                              "traffic, and %6 keeps the scale it asked for")
                                                   .arg(key, pastTense(pending.kind), Core::actionName(pending.kind))
                                                   .arg(release->blue.trafficPercent)
                                                   .arg(release->green.trafficPercent)
                                                   .arg(Core::colorName(pending.target)))});
            continue;
        }
        const Core::Color target = pending.target;
        const int readyNow = release->environment(target).readyReplicas;
        if (readyNow != pending.lastReady) {
            pending.lastReady = readyNow;
            Q_EMIT flipWaiting(key, target, readyNow, pending.needed);
        }
        if (readyNow >= pending.needed) {
            ready.append(pending);
        }
    }
    for (const auto &[key, why] : ended) {
        endPendingFlip(key, why);
    }
    for (const PendingFlip &go : ready) {
        const QString key = go.release;
        if (!m_pendingFlips.contains(key) || m_pendingFlips.value(key).id != go.id) {
            continue; // ended or replaced meanwhile
        }
        m_pendingFlips.remove(key);
        // The serving color was checked on every change while it waited: the flip goes on the route
        // as it is now, not only as it was when the user confirmed (an unrelated annotation may
        // have moved its version meanwhile).
        performOnThread(Core::ActionRequest{go.kind, key, 0, {}}, go.promise);
    }
}

void ReleaseEngine::endPendingFlip(const QString &key, const Core::Error &why, bool record)
{
    const PendingFlip pending = m_pendingFlips.take(key);
    if (record) {
        Core::Error ignored;
        m_auditor->recordAction(Core::ActionRequest{pending.kind, key, 0, {}}, findRelease(key, &ignored), why);
    }
    if (pending.promise) {
        pending.promise->addResult(why);
        pending.promise->finish();
    }
}

void ReleaseEngine::cancelFlipWhenReady(const QString &release)
{
    Core::post(this, [this, release] {
        for (const QString &key : m_pendingFlips.keys()) {
            if (Core::ReleaseKey::fromString(release).matches(Core::ReleaseKey::fromString(key))) {
                endPendingFlip(key, Core::makeError(ErrorKind::Cancelled,
                                                    QStringLiteral("%1 was not %2: the wait was cancelled; the "
                                                                   "scale stays")
                                                        .arg(key, pastTense(m_pendingFlips.value(key).kind))));
            }
        }
    });
}

} // namespace Curtain::Engine
