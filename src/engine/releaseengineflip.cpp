// ReleaseEngine::flipWhenReady: "scale green to 4, flip when ready" as one step. A flip sends all
// traffic at once, so a smaller color is grown first and the flip waits for its pods; the flip
// itself then goes through the same pipeline (schema gate, capacity, conditional write) as any.

#include "engine/releaseengine.h"

#include "core/capacity.h"
#include "core/futures.h"

namespace Curtain::Engine {

using Core::ActionOutcome;
using Core::ErrorKind;
using Core::Result;

namespace {

Core::Color servingColor(const Core::ReleaseSnapshot &release)
{
    return release.blue.trafficPercent >= release.green.trafficPercent ? Core::Color::Blue : Core::Color::Green;
}

} // namespace

QFuture<Result<ActionOutcome>> ReleaseEngine::flipWhenReady(const QString &release,
                                                            const QString &expectedResourceVersion, int timeoutMs)
{
    auto promise = std::make_shared<QPromise<Result<ActionOutcome>>>();
    promise->start();
    QFuture<Result<ActionOutcome>> future = promise->future();
    QMetaObject::invokeMethod(this, [this, release, expectedResourceVersion, timeoutMs, promise] {
        flipWhenReadyOnThread(release, expectedResourceVersion, timeoutMs, promise);
    });
    return future;
}

void ReleaseEngine::flipWhenReadyOnThread(const QString &release, const QString &expectedResourceVersion, int timeoutMs,
                                          std::shared_ptr<QPromise<Result<ActionOutcome>>> promise)
{
    const auto fail = [promise](const Core::Error &error) {
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
    Core::ActionRequest flip{Core::ActionKind::Flip, key, 0, expectedResourceVersion};
    const std::optional<Core::CapacityShortfall> shortfall = Core::flipShortfall(before);
    if (!shortfall || before.routeKind == Core::RouteKind::ArgoRollout) {
        return performOnThread(flip, promise); // big enough already, or refused for its own reasons
    }
    if (!expectedResourceVersion.isEmpty() && expectedResourceVersion != before.routeResourceVersion) {
        return fail(Core::makeError(ErrorKind::Conflict,
                                    QStringLiteral("%1 changed since you looked at it; nothing was scaled or flipped — "
                                                   "review it and try again")
                                        .arg(before.name)));
    }
    if (m_pendingFlips.contains(key)) {
        return fail(Core::makeError(ErrorKind::Refused, QStringLiteral("a flip of %1 already waits for %2 to be ready")
                                                            .arg(before.name, Core::colorName(shortfall->target))));
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
    const quint64 id = m_nextPendingFlip++;
    m_pendingFlips.insert(key,
                          PendingFlip{id, shortfall->serving, shortfall->needed, -1, expectedResourceVersion, promise});
    QTimer::singleShot(timeoutMs, this, [this, key, id, timeoutMs] {
        const auto pending = m_pendingFlips.constFind(key);
        if (pending == m_pendingFlips.constEnd() || pending->id != id) {
            return;
        }
        Core::Error unused;
        const Core::ReleaseSnapshot *now = findRelease(key, &unused);
        const Core::Color target = Core::otherColor(pending->serving);
        endPendingFlip(key, Core::makeError(ErrorKind::Timeout,
                                            QStringLiteral("%1 was not flipped: %2 had %3 of %4 replicas ready after "
                                                           "%5 s; look at its pods (Events, Log…) — the scale stays, "
                                                           "nothing moved")
                                                .arg(key, Core::colorName(target))
                                                .arg(now ? now->environment(target).readyReplicas : 0)
                                                .arg(pending->needed)
                                                .arg(timeoutMs / 1000)));
    });
    if (before.environment(shortfall->target).desiredReplicas >= shortfall->needed) {
        return checkPendingFlips(); // already growing: only the wait is left
    }
    Core::onFinished(scale(key, shortfall->target, shortfall->needed), this,
                     [this, key, id](const Result<QString> &scaled) {
                         const auto pending = m_pendingFlips.constFind(key);
                         if (pending == m_pendingFlips.constEnd() || pending->id != id) {
                             return;
                         }
                         if (!scaled.ok()) {
                             Core::Error why = scaled.error();
                             why.message = QStringLiteral("%1 was not flipped: %2").arg(key, why.message);
                             return endPendingFlip(key, why);
                         }
                         checkPendingFlips();
                     });
}

void ReleaseEngine::checkPendingFlips()
{
    for (const QString &key : m_pendingFlips.keys()) {
        PendingFlip &pending = m_pendingFlips[key];
        Core::Error error;
        const Core::ReleaseSnapshot *release = findRelease(key, &error);
        if (!release) {
            endPendingFlip(key, error);
            continue;
        }
        if (servingColor(*release) != pending.serving) {
            endPendingFlip(key, Core::makeError(ErrorKind::Conflict,
                                                QStringLiteral("%1 was not flipped: its traffic moved while the flip "
                                                               "waited (now blue %2 %, green %3 %)")
                                                    .arg(key)
                                                    .arg(release->blue.trafficPercent)
                                                    .arg(release->green.trafficPercent)));
            continue;
        }
        const Core::Color target = Core::otherColor(pending.serving);
        const int ready = release->environment(target).readyReplicas;
        if (ready != pending.lastReady) {
            pending.lastReady = ready;
            Q_EMIT flipWaiting(key, target, ready, pending.needed);
        }
        if (ready < pending.needed) {
            continue;
        }
        const PendingFlip go = m_pendingFlips.take(key);
        performOnThread(Core::ActionRequest{Core::ActionKind::Flip, key, 0, go.expectedResourceVersion}, go.promise);
    }
}

void ReleaseEngine::endPendingFlip(const QString &key, const Core::Error &why)
{
    const PendingFlip pending = m_pendingFlips.take(key);
    if (pending.promise) {
        pending.promise->addResult(why);
        pending.promise->finish();
    }
}

void ReleaseEngine::cancelFlipWhenReady(const QString &release)
{
    QMetaObject::invokeMethod(this, [this, release] {
        for (const QString &key : m_pendingFlips.keys()) {
            if (Core::ReleaseKey::fromString(release).matches(Core::ReleaseKey::fromString(key))) {
                endPendingFlip(key, Core::makeError(ErrorKind::Cancelled,
                                                    QStringLiteral("%1 was not flipped: the wait was cancelled; the "
                                                                   "scale stays")
                                                        .arg(key)));
            }
        }
    });
}

} // namespace Curtain::Engine
