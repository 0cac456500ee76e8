#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// Canary behind an Istio VirtualService (networking.istio.io v1 or v1beta1): each HTTP route's
// destinations are the two colors, by host (the per-color Service) or by subset (named blue and
// green, or mapped with the annotations curtain.dev/blue-subset and curtain.dev/green-subset).
// Writes are JSON patches whose `test` ops pin each destination index to what it must still name,
// so a route edited meanwhile is refused instead of getting weights on the wrong destinations.
class VirtualServiceAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::VirtualService; }
    QString objectKind() const override { return QStringLiteral("VirtualService"); }
    QString group() const override { return QStringLiteral("networking.istio.io"); }
    QString resource() const override { return QStringLiteral("virtualservices"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
