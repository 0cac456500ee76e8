#include "adapters/trafficsplitadapter.h"

#include "adapters/conventions.h"
#include "adapters/weightedroute.h"

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

std::vector<const Json *> TrafficSplitAdapter::routes(const ClusterView &view) const
{
    return Weighted::labelledRoutes(view.trafficSplits);
}

QString TrafficSplitAdapter::objectPath(const Json &route) const
{
    return QStringLiteral("/apis/split.smi-spec.io/v1alpha4/namespaces/%1/trafficsplits/%2")
        .arg(Kube::objectNamespace(route), Kube::objectName(route));
}

Core::ReleaseSnapshot TrafficSplitAdapter::read(const Json &route, const ClusterView &view) const
{
    Core::ReleaseSnapshot snapshot;
    snapshot.routeKind = kind();
    completeSnapshot(snapshot, route, view);
    long long blue = -1;
    long long green = -1;
    for (const Json &backend : route.value(Json::json_pointer("/spec/backends"), Json::array())) {
        const QString service = Kube::toQString(backend.value("service", ""));
        if (const auto color = Weighted::colorOfService(service, snapshot.namespaceName, view)) {
            long long &slot = *color == Color::Blue ? blue : green;
            slot = std::max(slot, 0LL) + backend.value("weight", 0LL);
        }
    }
    Weighted::applyWeights(snapshot, route, blue, green, QStringLiteral("TrafficSplit %1").arg(snapshot.routeName));
    return snapshot;
}

Core::Result<RoutePatch> TrafficSplitAdapter::write(const Json &route, const ClusterView &view,
                                                    const Core::TargetState &target) const
{
    if (target.blueWeight + target.greenWeight == 0) {
        return Core::makeError(Core::ErrorKind::Refused, QStringLiteral("refusing to set every weight to 0"));
    }
    const QString ns = Kube::objectNamespace(route);
    Json backends = route.value(Json::json_pointer("/spec/backends"), Json::array());
    bool found = false;
    for (Json &backend : backends) {
        const QString service = Kube::toQString(backend.value("service", ""));
        if (const auto color = Weighted::colorOfService(service, ns, view)) {
            backend["weight"] = target.weight(*color);
            found = true;
        }
    }
    if (!found) {
        return Core::makeError(
            Core::ErrorKind::Refused,
            QStringLiteral("TrafficSplit %1 has no blue or green backend").arg(Kube::objectName(route)));
    }
    const Json patch = {{"metadata",
                         {{"resourceVersion", Kube::resourceVersion(route).toStdString()},
                          {"annotations", Weighted::roleAnnotations(route, target)}}},
                        {"spec", {{"backends", backends}}}};
    return RoutePatch{objectPath(route), Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())};
}

} // namespace Curtain::Adapters
