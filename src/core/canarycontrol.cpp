#include "core/canarycontrol.h"

#include <algorithm>

namespace Curtain::Core {

namespace {

// The gate a Promote opens now: what Flagger waits at in this phase.
QString waitingGateType(const CanaryStatus &canary)
{
    if (canary.phase == QLatin1String("Waiting")) {
        return QStringLiteral("confirm-rollout");
    }
    if (canary.phase == QLatin1String("WaitingPromotion")) {
        return QStringLiteral("confirm-promotion");
    }
    if (canary.phase == QLatin1String("Progressing")) {
        return QStringLiteral("confirm-traffic-increase");
    }
    return {};
}

Capability promoteCapability(const ReleaseSnapshot &release, const CanaryStatus &canary)
{
    const QString type = waitingGateType(canary);
    if (type.isEmpty()) {
        return {false, canary.phase == QLatin1String("Succeeded") ? flaggerPromotedNote()
                                                                  : QStringLiteral("Canary %1 is %2: nothing waits "
                                                                                   "for a person")
                                                                        .arg(release.name, canary.phase)};
    }
    if (canary.suspended) {
        return {false, QStringLiteral("Canary %1 is suspended: resume it first").arg(release.name)};
    }
    if (const Environment &target = release.environment(Color::Green); target.deleting) {
        // An opened gate lets Flagger send the canary more traffic, or all of it.
        return {false, QStringLiteral("Canary %1's Deployment %2 is %3: no gate opens towards what is going away")
                           .arg(release.name, target.deployment, target.rolloutMessage)};
    }
    if (canary.gatesOf(type).isEmpty()) {
        return {false, type == QLatin1String("confirm-traffic-increase")
                           ? QStringLiteral("Flagger is analysing %1 and steps the weight itself; it promotes when the "
                                            "analysis passes (add a confirm-promotion webhook to a flagger-loadtester "
                                            "gate to decide by hand)")
                                 .arg(release.name)
                           : QStringLiteral("Canary %1 waits for its %2 webhook, which is not a flagger-loadtester "
                                            "gate Curtain can open")
                                 .arg(release.name, type)};
    }
    return {true, {}};
}

} // namespace

QString canaryRollbackMethod(const CanaryStatus &canary)
{
    if (!canary.gatesOf(QStringLiteral("rollback")).isEmpty()) {
        const CanaryGate gate = canary.gatesOf(QStringLiteral("rollback")).front();
        return QStringLiteral("open the rollback gate at %1.%2; Flagger routes all traffic to %3 at its next check")
            .arg(gate.serviceName, gate.serviceNamespace, canary.primary);
    }
    return QStringLiteral("raise status.failedChecks to the threshold (%1); Flagger routes all traffic to %2 at its "
                          "next check")
        .arg(canary.threshold)
        .arg(canary.primary);
}

QString flaggerPromotedNote()
{
    return QStringLiteral("Flagger has promoted it: the primary runs the new version, and the only way back is a new "
                          "release (revert the change in Git; Flagger analyses it again)");
}

Capabilities canaryCapabilities(const ReleaseSnapshot &release)
{
    Capabilities caps;
    const Capability argoOnly{false, QStringLiteral("Argo Rollouts only")};
    for (Capability *c : {&caps.promoteFull, &caps.abort, &caps.retry, &caps.restart, &caps.undo}) {
        *c = argoOnly;
    }
    const Capability owned{false, QStringLiteral("Flagger moves the weights of %1 step by step; use Promote, "
                                                 "Rollback or Suspend")
                                      .arg(release.name)};
    caps.setWeight = owned;
    caps.flip = owned;
    if (!release.problem.isEmpty() || !release.canary) {
        const Capability broken{false, release.problem};
        caps.promote = caps.rollback = caps.pause = caps.resume = caps.closeGates = broken;
        return caps;
    }
    const CanaryStatus &canary = *release.canary;
    caps.promote = promoteCapability(release, canary);
    if (canary.rollbackable()) {
        caps.rollback = {true, canaryRollbackMethod(canary)};
    } else if (canary.phase == QLatin1String("Succeeded")) {
        caps.rollback = {false, flaggerPromotedNote()};
    } else {
        caps.rollback = {false, QStringLiteral("Canary %1 is %2: Flagger only rolls back while it analyses "
                                               "(Progressing, Waiting, WaitingPromotion)")
                                    .arg(release.name, canary.phase.isEmpty() ? QStringLiteral("new") : canary.phase)};
    }
    // Run again (a retried pipeline step), suspend and resume find the canary where they would put
    // it: a success that sends nothing, not a failure.
    caps.pause = canary.suspended ? Capability{false, QStringLiteral("already suspended"), true} : Capability{true, {}};
    caps.resume = canary.suspended ? Capability{true, {}}
                                   : Capability{false,
                                                QStringLiteral("not suspended (phase %1)")
                                                    .arg(canary.phase.isEmpty() ? QStringLiteral("new") : canary.phase),
                                                true};
    // Whoever opened a gate and whatever the phase: an open gate passes the next release unasked.
    const bool manualGate =
        std::any_of(canary.gates.begin(), canary.gates.end(), [](const CanaryGate &gate) { return gate.isManual(); });
    caps.closeGates =
        manualGate ? Capability{true, QStringLiteral("close every loadtester gate of %1, whoever "
                                                     "opened it")
                                          .arg(release.name)}
                   : Capability{false, QStringLiteral("Canary %1 names no flagger-loadtester gate").arg(release.name)};
    return caps;
}

} // namespace Curtain::Core
