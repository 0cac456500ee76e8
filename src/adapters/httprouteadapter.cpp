#include "adapters/httprouteadapter.h"

#include "adapters/conventions.h"
#include "adapters/environmentreader.h"
#include "adapters/weightedroute.h"
#include "kube/apinames.h"

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

namespace {

struct BackendSlot
{
    std::size_t rule = 0;
    std::size_t ref = 0;
    QString name;
    Color color = Color::Blue;
    bool hasWeight = false;
    long long weight = 1;
};

std::vector<BackendSlot> colorSlots(const Kube::Reader &route, const ClusterView &view)
{
    std::vector<BackendSlot> slots;
    const QString ns = route.field("metadata").field("namespace").string();
    const std::vector<Kube::Reader> rules = route.field("spec").field("rules").items();
    for (std::size_t r = 0; r < rules.size(); ++r) {
        const std::vector<Kube::Reader> refs = rules[r].field("backendRefs").items();
        for (std::size_t i = 0; i < refs.size(); ++i) {
            const QString name = refs[i].field("name").string();
            if (const auto color = Weighted::colorOfService(name, ns, view)) {
                const Kube::Reader weight = refs[i].field("weight");
                slots.push_back({r, i, name, *color, weight.exists(), weight.integer(1, 0, Weighted::maxWeight)});
            }
        }
    }
    return slots;
}

std::string pointer(const BackendSlot &slot, const char *leaf)
{
    return "/spec/rules/" + std::to_string(slot.rule) + "/backendRefs/" + std::to_string(slot.ref) + "/" + leaf;
}

} // namespace

std::vector<const Json *> HttpRouteAdapter::routes(const ClusterView &view) const
{
    return Weighted::labelledRoutes(view.httpRoutes);
}

QString HttpRouteAdapter::objectPath(const Json &route) const
{
    const QString namespaceName = Kube::objectNamespace(route);
    const QString name = Kube::objectName(route);
    return QStringLiteral("/apis/gateway.networking.k8s.io/v1/namespaces/%1/httproutes/%2")
        .arg(Kube::pathSegment(namespaceName), Kube::pathSegment(name));
}

void HttpRouteAdapter::doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const
{
    const std::vector<BackendSlot> slots = colorSlots(route, view);
    // Weights are relative; the first rule naming both colors is the one users see.
    long long blue = -1;
    long long green = -1;
    for (const BackendSlot &slot : slots) {
        if (slot.rule != slots[0].rule) {
            break;
        }
        (slot.color == Color::Blue ? blue : green) = slot.weight;
    }
    Weighted::applyWeights(snapshot, route, blue, green, QStringLiteral("HTTPRoute %1").arg(snapshot.routeName));
}

Core::Result<RoutePatch> HttpRouteAdapter::doWrite(const Kube::Reader &route, const ClusterView &view,
                                                   const Core::TargetState &target) const
{
    const Json &object = *route.json();
    const std::vector<BackendSlot> slots = colorSlots(route, view);
    if (slots.empty()) {
        return Core::makeError(
            Core::ErrorKind::Refused,
            QStringLiteral("HTTPRoute %1 has no blue or green backendRefs").arg(Kube::objectName(object)));
    }
    Json ops = Json::array();
    for (const BackendSlot &slot : slots) {
        ops.push_back({{"op", "test"}, {"path", pointer(slot, "name")}, {"value", slot.name.toStdString()}});
    }
    ops.push_back({{"op", "replace"},
                   {"path", "/metadata/resourceVersion"},
                   {"value", Kube::resourceVersion(object).toStdString()}});
    for (const BackendSlot &slot : slots) {
        // `add` creates a weight the object left to its default of 1; `replace` would fail there.
        ops.push_back({{"op", slot.hasWeight ? "replace" : "add"},
                       {"path", pointer(slot, "weight")},
                       {"value", target.weight(slot.color)}});
    }
    Weighted::appendRoleOperations(ops, object, target);
    return RoutePatch{objectPath(object), Kube::PatchType::Json, QByteArray::fromStdString(ops.dump())};
}

} // namespace Curtain::Adapters
