#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// Canary behind an SMI TrafficSplit (split.smi-spec.io/v1alpha4): the backends are the per-color
// Services and their relative weights split the root Service's traffic. Writes are merge patches
// carrying metadata.resourceVersion, as the SMI reference request does: the backends list is
// replaced whole, which is safe only because a route changed meanwhile makes the write a 409.
// Backends that are neither color keep their weights.
class TrafficSplitAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::TrafficSplit; }
    QString objectKind() const override { return QStringLiteral("TrafficSplit"); }
    QString group() const override { return QStringLiteral("split.smi-spec.io"); }
    QString resource() const override { return QStringLiteral("trafficsplits"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
