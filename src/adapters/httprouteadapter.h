#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// Canary behind a Gateway API HTTPRoute: each rule's backendRefs name the per-color Services and
// their weights split the traffic. Writes are JSON patches: `test` ops pin every backendRef index
// to the Service it must still name, `replace /metadata/resourceVersion` makes a stale view a 409,
// and both weights change in the same request (make before break, never both 0).
class HttpRouteAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::HttpRoute; }
    QString objectKind() const override { return QStringLiteral("HTTPRoute"); }
    QString group() const override { return QStringLiteral("gateway.networking.k8s.io"); }
    QString resource() const override { return QStringLiteral("httproutes"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
