#include "adapters/trafficsplitadapter.h"

#include "adapters/conventions.h"
#include "adapters/weightedroute.h"
#include "kube/apinames.h"

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
        .arg(Kube::pathSegment(Kube::objectNamespace(route)), Kube::pathSegment(Kube::objectName(route)));
}

void TrafficSplitAdapter::doRead(const Kube::Reader &route, const ClusterView &view,
                                 Core::ReleaseSnapshot &snapshot) const
{
    long long blue = -1;
    long long green = -1;
    for (const Kube::Reader &backend : route.field("spec").field("backends").items()) {
        const QString service = backend.field("service").string();
        if (const auto color = Weighted::colorOfService(service, snapshot.namespaceName, view)) {
            long long &slot = *color == Color::Blue ? blue : green;
            slot = std::max(slot, 0LL) + backend.field("weight").integer(0, 0, Weighted::maxWeight);
        }
    }
    Weighted::applyWeights(snapshot, route, blue, green, QStringLiteral("TrafficSplit %1").arg(snapshot.routeName));
}

Core::Result<RoutePatch> TrafficSplitAdapter::doWrite(const Kube::Reader &reader, const ClusterView &view,
                                                      const Core::TargetState &target) const
{
    const Json &route = *reader.json();
    const QString ns = Kube::objectNamespace(route);
    const Kube::Reader list = reader.field("spec").field("backends");
    Json backends = list.json() ? *list.json() : Json::array();
    const std::vector<Kube::Reader> items = list.items();
    bool found = false;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (const auto color = Weighted::colorOfService(items[i].field("service").string(), ns, view)) {
            backends[i]["weight"] = target.weight(*color);
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
