#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// A Flagger Canary as a release. Flagger owns the traffic, so this adapter only reads: the primary
// Deployment it generates (<target>-primary) is stable and blue, the target Deployment in
// spec.targetRef is the candidate and green, and the candidate's share is status.canaryWeight.
// The two Deployments are found by name among the watched ones (labelled curtain.dev/release,
// which Flagger copies from the target to the primary); metrics come from the Services Flagger
// generates, <target>-primary and <target>-canary. Actions go to Flagger (engine/canarydriver).
class CanaryAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::FlaggerCanary; }
    QString objectKind() const override { return QStringLiteral("Canary"); }
    QString group() const override { return QStringLiteral("flagger.app"); }
    QString resource() const override { return QStringLiteral("canaries"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
