#include "adapters/flagger/canaryadapter.h"

#include "adapters/environmentreader.h"
#include "adapters/flagger/canarystatus.h"
#include "kube/apinames.h"

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

namespace {

QString servicePath(const QString &namespaceName, const QString &service)
{
    return QStringLiteral("/api/v1/namespaces/%1/services/%2/proxy/metrics")
        .arg(Kube::pathSegment(namespaceName), Kube::pathSegment(service));
}

// A color's Deployment, or an absent environment that says which Deployment it waits for.
Core::Environment environment(const ClusterView &view, const QString &ns, const QString &deployment, Color color)
{
    Core::Environment env;
    env.color = color;
    if (const Json *found = deployment.isEmpty() ? nullptr : view.deployment(ns, deployment)) {
        env = environmentOf(*found, color);
    } else {
        env.deployment = deployment;
    }
    return env;
}

} // namespace

std::vector<const Json *> CanaryAdapter::routes(const ClusterView &view) const
{
    std::vector<const Json *> found;
    for (const Json &canary : view.canaries) {
        found.push_back(&canary);
    }
    return found;
}

QString CanaryAdapter::objectPath(const Json &route) const
{
    return Flagger::canaryPath(Kube::objectNamespace(route), Kube::objectName(route));
}

void CanaryAdapter::doRead(const Kube::Reader &canary, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const
{
    if (snapshot.name.isEmpty()) {
        snapshot.name = snapshot.routeName; // a Canary is a release by itself; the label only renames it
    }
    snapshot.problem.clear(); // its environments are Flagger's Deployments, not curtain.dev/color ones
    Core::CanaryStatus status = Flagger::readCanaryStatus(canary);
    if (!canary.ok()) {
        return; // the read boundary names the malformed field
    }
    const QString ns = snapshot.namespaceName;
    snapshot.stable = Color::Blue;
    snapshot.blue = environment(view, ns, status.primary, Color::Blue);
    snapshot.green = environment(view, ns, status.target, Color::Green);
    if (status.target.isEmpty()) {
        snapshot.problem = QStringLiteral("Canary %1 has no spec.targetRef.name: Flagger has no Deployment to "
                                          "canary")
                               .arg(snapshot.routeName);
    } else if (!snapshot.green.present) {
        snapshot.problem = QStringLiteral("Deployment %1/%2 (the Canary's target) is not watched: label it "
                                          "curtain.dev/release=%3 (Flagger copies the label to %4)")
                               .arg(ns, status.target, snapshot.name, status.primary);
    }
    if (!status.target.isEmpty() && !snapshot.blue.present) {
        // Flagger copies only the label prefixes given with -include-label-prefix to the primary.
        snapshot.blue.rolloutMessage =
            status.phase.isEmpty() || status.phase == QLatin1String("Initializing")
                ? QStringLiteral("Flagger has not made %1 yet").arg(status.primary)
                : QStringLiteral("%1 is not watched: run Flagger with -include-label-prefix=curtain.dev so it copies "
                                 "the release label from %2")
                      .arg(status.primary, status.target);
    }
    if (!status.target.isEmpty()) {
        snapshot.blue.metricsPath = servicePath(ns, status.primary);
        snapshot.green.metricsPath = servicePath(ns, status.target + QStringLiteral("-canary"));
    }
    snapshot.green.trafficPercent = status.routedWeight();
    snapshot.blue.trafficPercent = 100 - status.routedWeight();
    // Once promoted, the primary runs the candidate's template: no way back but a new release.
    snapshot.switchedAt = status.phase == QLatin1String("Succeeded") ? status.lastTransitionTime : QDateTime();
    snapshot.routeDetail = status.summary();
    snapshot.canary = std::move(status);
}

Core::Result<RoutePatch> CanaryAdapter::doWrite(const Kube::Reader &route, const ClusterView &,
                                                const Core::TargetState &) const
{
    return Core::makeError(Core::ErrorKind::Refused,
                           QStringLiteral("Canary %1 is driven by Flagger; Curtain writes no weights to it")
                               .arg(route.field("metadata").field("name").string()));
}

} // namespace Curtain::Adapters
