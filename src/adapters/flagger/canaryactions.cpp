#include "adapters/flagger/canaryactions.h"

#include "adapters/flagger/canarystatus.h"
#include "core/canarycontrol.h"
#include "kube/apinames.h"

namespace Curtain::Adapters::Flagger {

using Core::ActionKind;
using Kube::Json;

namespace {

QByteArray gatePayload(const Core::CanaryStatus &canary)
{
    return QByteArray::fromStdString(
        Json{{"name", canary.name.toStdString()}, {"namespace", canary.namespaceName.toStdString()}}.dump());
}

// Open each manual gate of `type` now and close it again once Flagger has passed it.
void throughGates(const Core::CanaryStatus &canary, const QString &type, CanaryPlan &plan)
{
    for (const Core::CanaryGate &gate : canary.gatesOf(type)) {
        const QString where = QStringLiteral("%1.%2").arg(gate.serviceName, gate.serviceNamespace);
        const QString what =
            type == QLatin1String("rollback") ? QStringLiteral("rollback gate") : QStringLiteral("gate (%1)").arg(type);
        plan.writes.append({true, gateEndpoint(gate, QStringLiteral("open")), gatePayload(canary),
                            QStringLiteral("opened the %1 at %2").arg(what, where)});
        plan.closeAfter.append({true, gateEndpoint(gate, QStringLiteral("close")), gatePayload(canary),
                                QStringLiteral("closed the %1 at %2 again").arg(what, where)});
    }
}

CanaryWrite patch(const Core::ReleaseSnapshot &release, const QString &subresource, const Json &change,
                  const QString &description)
{
    Json body = change;
    // Conditional like every write: a Canary changed since it was read gets 409, nothing applied.
    body["metadata"]["resourceVersion"] = release.routeResourceVersion.toStdString();
    return {false, canaryPath(release.namespaceName, release.routeName) + subresource,
            QByteArray::fromStdString(body.dump()), description};
}

} // namespace

QString gateEndpoint(const Core::CanaryGate &gate, const QString &verb)
{
    const QString port = !gate.servicePort.isEmpty()                   ? gate.servicePort
                         : gate.url.startsWith(QLatin1String("https")) ? QStringLiteral("443")
                                                                       : QStringLiteral("80");
    const QString base =
        gate.path.startsWith(QLatin1String("/rollback")) ? QStringLiteral("/rollback") : QStringLiteral("/gate");
    return QStringLiteral("/api/v1/namespaces/%1/services/%2:%3/proxy%4/%5")
        .arg(Kube::pathSegment(gate.serviceNamespace), Kube::pathSegment(gate.serviceName), port, base, verb);
}

Core::Result<CanaryPlan> planCanaryAction(const Core::ReleaseSnapshot &release, const Core::ActionRequest &request)
{
    const Core::Capabilities caps = Core::canaryCapabilities(release);
    const Core::Capability *allowed = request.kind == ActionKind::Promote      ? &caps.promote
                                      : request.kind == ActionKind::Rollback   ? &caps.rollback
                                      : request.kind == ActionKind::Pause      ? &caps.pause
                                      : request.kind == ActionKind::Resume     ? &caps.resume
                                      : request.kind == ActionKind::CloseGates ? &caps.closeGates
                                                                               : nullptr;
    if (!allowed) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("%1 is a Flagger canary: Flagger moves its traffic; use promote, "
                                              "rollback, pause, resume or close-gates")
                                   .arg(release.name));
    }
    if (!allowed->enabled || !release.canary) {
        return Core::makeError(Core::ErrorKind::Refused, QStringLiteral("cannot %1 %2: %3")
                                                             .arg(Core::actionNameOn(request.kind, release.routeKind),
                                                                  release.name, allowed->reason));
    }
    const Core::CanaryStatus &canary = *release.canary;
    CanaryPlan plan;
    switch (request.kind) {
    case ActionKind::Promote:
        throughGates(canary,
                     canary.phase == QLatin1String("Waiting")            ? QStringLiteral("confirm-rollout")
                     : canary.phase == QLatin1String("WaitingPromotion") ? QStringLiteral("confirm-promotion")
                                                                         : QStringLiteral("confirm-traffic-increase"),
                     plan);
        break;
    case ActionKind::Rollback:
        if (!canary.gatesOf(QStringLiteral("rollback")).isEmpty()) {
            throughGates(canary, QStringLiteral("rollback"), plan);
        } else {
            plan.writes.append(patch(release, QStringLiteral("/status"),
                                     {{"status", {{"failedChecks", std::max(canary.threshold, 1)}}}},
                                     QStringLiteral("raised status.failedChecks to %1").arg(canary.threshold)));
        }
        break;
    case ActionKind::Pause:
    case ActionKind::Resume: {
        const bool suspend = request.kind == ActionKind::Pause;
        plan.writes.append(
            patch(release, {}, {{"spec", {{"suspend", suspend}}}},
                  suspend ? QStringLiteral("set spec.suspend to true") : QStringLiteral("set spec.suspend to false")));
        break;
    }
    case ActionKind::CloseGates: {
        QStringList closed; // one close per endpoint, however many webhooks name it
        for (const Core::CanaryGate &gate : canary.gates) {
            const QString path = gateEndpoint(gate, QStringLiteral("close"));
            if (!gate.isManual() || closed.contains(path)) {
                continue;
            }
            closed << path;
            const bool rollback = gate.path.startsWith(QLatin1String("/rollback"));
            plan.writes.append({true, path, gatePayload(canary),
                                QStringLiteral("closed the %1 at %2.%3")
                                    .arg(rollback ? QStringLiteral("rollback gate") : QStringLiteral("gate"),
                                         gate.serviceName, gate.serviceNamespace)});
        }
        break;
    }
    default:
        break;
    }
    return plan;
}

} // namespace Curtain::Adapters::Flagger
