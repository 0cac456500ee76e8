#include "adapters/argo/rolloutadapter.h"

#include "adapters/argo/rolloutactions.h"
#include "adapters/argo/rolloutstatus.h"
#include "adapters/conventions.h"
#include "kube/apinames.h"

#include <algorithm>

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

namespace {

// The Service the strategy names for a role (stableService, canaryService, activeService,
// previewService): its proxy serves that ReplicaSet's metrics, as the controller points its
// selector at the ReplicaSet's pod-template-hash.
QString metricsPath(const Kube::Reader &rollout, const char *serviceField)
{
    const Kube::Reader strategy = rollout.field("spec").field("strategy");
    const bool blueGreen = strategy.field("blueGreen").exists();
    const QString service = strategy.field(blueGreen ? "blueGreen" : "canary").field(serviceField).string();
    if (service.isEmpty()) {
        return {};
    }
    return QStringLiteral("/api/v1/namespaces/%1/services/%2/proxy/metrics")
        .arg(Kube::pathSegment(rollout.field("metadata").field("namespace").string()), Kube::pathSegment(service));
}

Core::Environment environmentOfReplicaSet(const Core::ReplicaSetInfo &rs, Color color)
{
    Core::Environment env;
    env.color = color;
    env.present = true;
    env.deployment = rs.name;
    env.version = Core::imageTag(rs.image);
    env.desiredReplicas = rs.desired;
    env.readyReplicas = rs.ready;
    env.schemaVersion = rs.schemaVersion;
    env.rolloutComplete = rs.health == QLatin1String("Healthy") || rs.health == QLatin1String("ScaledDown");
    env.rolloutMessage = QStringLiteral("revision %1 · %2 · %3 of %4 available")
                             .arg(rs.revision)
                             .arg(rs.health)
                             .arg(rs.available)
                             .arg(rs.desired);
    return env;
}

} // namespace

std::vector<const Json *> RolloutAdapter::routes(const ClusterView &view) const
{
    std::vector<const Json *> found;
    for (const Json &rollout : view.rollouts) {
        found.push_back(&rollout);
    }
    return found;
}

QString RolloutAdapter::objectPath(const Json &route) const
{
    return Argo::rolloutPath(route);
}

void RolloutAdapter::doRead(const Kube::Reader &rollout, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const
{
    if (snapshot.name.isEmpty()) {
        snapshot.name = snapshot.routeName; // Rollouts are releases by themselves; the label only renames
    }
    snapshot.blue = Core::Environment();
    snapshot.green = Core::Environment();
    snapshot.green.color = Color::Green;
    snapshot.problem.clear(); // the Rollout's own ReplicaSets are its environments, not Deployments
    const auto derived = Argo::deriveRolloutStatus(rollout, view.replicaSets, view.analysisRuns);
    if (!rollout.ok()) {
        return; // the read boundary names the malformed field
    }
    if (!derived.ok()) {
        snapshot.problem = derived.error().message;
        return;
    }
    const Core::RolloutStatus &status = derived.value();
    snapshot.rollout = status;
    const bool blueGreen = status.strategy == QLatin1String("BlueGreen");
    const Core::ReplicaSetInfo *stable = status.replicaSet(QStringLiteral("stable"));
    const Core::ReplicaSetInfo *candidate =
        status.replicaSet(blueGreen ? QStringLiteral("preview") : QStringLiteral("canary"));
    if (blueGreen && !candidate) {
        const Core::ReplicaSetInfo *active = status.replicaSet(QStringLiteral("active"));
        candidate = active != stable ? active : nullptr; // promoted, post-promotion checks pending
    }
    if (!candidate && stable) {
        // Fully promoted: the revision before it, while it still has pods (scale-down delay).
        for (const Core::ReplicaSetInfo &rs : status.replicaSets) {
            if (rs.revision < stable->revision && rs.desired > 0 && (!candidate || rs.revision > candidate->revision)) {
                candidate = &rs;
            }
        }
    }
    if (!stable) {
        snapshot.problem = QStringLiteral("Rollout %1 has no stable ReplicaSet yet (status.stableRS \"%2\")")
                               .arg(snapshot.routeName, status.stableHash);
        return;
    }
    snapshot.stable = stable->revision % 2 == 1 ? Color::Blue : Color::Green;
    snapshot.environment(snapshot.stable) = environmentOfReplicaSet(*stable, snapshot.stable);
    snapshot.environment(snapshot.stable).metricsPath =
        metricsPath(rollout, blueGreen ? "activeService" : "stableService");
    const Color other = Core::otherColor(snapshot.stable);
    if (candidate) {
        snapshot.environment(other) = environmentOfReplicaSet(*candidate, other);
        if (!status.fullyPromoted()) {
            snapshot.environment(other).metricsPath =
                metricsPath(rollout, blueGreen ? "previewService" : "canaryService");
        }
    } else {
        snapshot.environment(other).color = other;
    }
    // Traffic as the controller reports it: a canary's actual weight; blue-green all on the active
    // ReplicaSet (the new one once promoted, even while post-promotion checks are pending).
    int candidateShare = 0;
    if (blueGreen) {
        candidateShare = candidate && candidate->roles.contains(QStringLiteral("active")) ? 100 : 0;
    } else if (candidate && !status.fullyPromoted()) {
        candidateShare = std::clamp(status.actualWeight, 0, 100);
    }
    snapshot.environment(other).trafficPercent = candidateShare;
    snapshot.environment(snapshot.stable).trafficPercent = 100 - candidateShare;
    if (candidate && status.fullyPromoted()) {
        snapshot.previous = other;
    }
    // Since when the stable revision has had everything: the controller's Completed condition (Argo
    // writes no curtain.dev/switched-at); what the soak before a contract counts from.
    snapshot.switchedAt = QDateTime();
    if (status.fullyPromoted()) {
        for (const Kube::Reader &condition : rollout.field("status").field("conditions").items()) {
            if (condition.field("type").string() == QLatin1String("Completed") &&
                condition.field("status").string() == QLatin1String("True")) {
                snapshot.switchedAt =
                    QDateTime::fromString(condition.field("lastTransitionTime").string(), Qt::ISODate);
            }
        }
    }
}

Core::Result<RoutePatch> RolloutAdapter::doWrite(const Kube::Reader &route, const ClusterView &,
                                                 const Core::TargetState &) const
{
    return Core::makeError(Core::ErrorKind::Refused,
                           QStringLiteral("Rollout %1 is driven by Argo Rollouts; Curtain writes no weights to it")
                               .arg(route.field("metadata").field("name").string()));
}

} // namespace Curtain::Adapters
