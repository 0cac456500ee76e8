#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// An Argo Rollout as a release. The controller owns the traffic, so this adapter only reads: the
// status as the kubectl plugin derives it, the stable ReplicaSet and the one in flight (canary or
// preview) as the two panels. Colors stay with ReplicaSets: the stable one's revision picks its
// color (odd blue, even green) and the one in flight takes the other, so promoting the canary does
// not repaint it. Actions go to the controller (engine/rolloutcontroller).
class RolloutAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::ArgoRollout; }
    QString objectKind() const override { return QStringLiteral("Rollout"); }
    QString group() const override { return QStringLiteral("argoproj.io"); }
    QString resource() const override { return QStringLiteral("rollouts"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
