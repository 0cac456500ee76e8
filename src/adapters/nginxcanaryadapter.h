#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// Canary with ingress-nginx: the route is the canary Ingress (annotation
// nginx.ingress.kubernetes.io/canary: "true") whose backend is the candidate's Service; the primary
// Ingress for the same host serves the other color. `canary-weight` out of `canary-weight-total`
// (strings, as every annotation) is the canary backend's share. Writes are merge patches of the
// annotations carrying metadata.resourceVersion.
class NginxCanaryAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::NginxCanary; }
    QString objectKind() const override { return QStringLiteral("Ingress"); }
    QString group() const override { return QStringLiteral("networking.k8s.io"); }
    QString resource() const override { return QStringLiteral("ingresses"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
