#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// Blue-green behind a plain Service: the selector's curtain.dev/color names the serving color.
// Writes are JSON merge patches carrying metadata.resourceVersion (a stale view gets 409).
class ServiceSelectorAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::ServiceSelector; }
    QString objectKind() const override { return QStringLiteral("Service"); }
    QString group() const override { return QString(); }
    QString resource() const override { return QStringLiteral("services"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
