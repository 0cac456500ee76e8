#include "adapters/virtualserviceadapter.h"

#include "adapters/conventions.h"
#include "adapters/weightedroute.h"
#include "kube/apinames.h"

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

namespace {

struct Destination
{
    std::size_t http = 0;
    std::size_t route = 0;
    Color color = Color::Blue;
    const char *identifiedBy = "host"; // the field the `test` op pins: "host" or "subset"
    QString identity;
    bool hasWeight = false;
    long long weight = 0; // Istio: a destination without a weight gets none when there are several
};

std::optional<Color> subsetColor(const Json &route, const QString &subset)
{
    if (subset.isEmpty()) {
        return std::nullopt;
    }
    for (Color color : {Color::Blue, Color::Green}) {
        const QString mapped = Kube::annotation(route, Conventions::subsetAnnotation(Core::colorName(color)));
        if (mapped == subset || (mapped.isEmpty() && subset == Core::colorName(color))) {
            return color;
        }
    }
    return std::nullopt;
}

std::vector<Destination> colorDestinations(const Kube::Reader &route, const ClusterView &view)
{
    std::vector<Destination> found;
    const Json &object = *route.json();
    const QString ns = Kube::objectNamespace(object);
    const std::vector<Kube::Reader> http = route.field("spec").field("http").items();
    for (std::size_t h = 0; h < http.size(); ++h) {
        const std::vector<Kube::Reader> routes = http[h].field("route").items();
        for (std::size_t r = 0; r < routes.size(); ++r) {
            const Kube::Reader destination = routes[r].field("destination");
            const QString subset = destination.field("subset").string();
            const QString host = destination.field("host").string();
            const Kube::Reader weight = routes[r].field("weight");
            Destination d{h,
                          r,
                          Color::Blue,
                          "host",
                          host,
                          weight.exists(),
                          weight.integer(routes.size() == 1 ? 100 : 0, 0, Weighted::maxWeight)};
            if (const auto color = subsetColor(object, subset)) {
                d.color = *color;
                d.identifiedBy = "subset";
                d.identity = subset;
            } else if (const auto byHost = Weighted::colorOfService(host, ns, view); byHost && subset.isEmpty()) {
                d.color = *byHost;
            } else {
                continue;
            }
            found.push_back(d);
        }
    }
    return found;
}

std::string pointer(const Destination &d, const std::string &leaf)
{
    return "/spec/http/" + std::to_string(d.http) + "/route/" + std::to_string(d.route) + "/" + leaf;
}

} // namespace

std::vector<const Json *> VirtualServiceAdapter::routes(const ClusterView &view) const
{
    return Weighted::labelledRoutes(view.virtualServices);
}

QString VirtualServiceAdapter::objectPath(const Json &route) const
{
    // Istio serves the same objects as v1 and v1beta1; write in the version the object was read in.
    QString apiVersion = Kube::stringAt(route, "/apiVersion");
    if (!apiVersion.startsWith(QLatin1String("networking.istio.io/"))) {
        apiVersion = QStringLiteral("networking.istio.io/v1");
    }
    return QStringLiteral("/apis/%1/namespaces/%2/virtualservices/%3")
        .arg(apiVersion, Kube::pathSegment(Kube::objectNamespace(route)), Kube::pathSegment(Kube::objectName(route)));
}

void VirtualServiceAdapter::doRead(const Kube::Reader &route, const ClusterView &view,
                                   Core::ReleaseSnapshot &snapshot) const
{
    const std::vector<Destination> destinations = colorDestinations(route, view);
    // The first HTTP route naming a color is the one users see; writes keep every route in step.
    long long blue = -1;
    long long green = -1;
    for (const Destination &d : destinations) {
        if (d.http == destinations[0].http) {
            (d.color == Color::Blue ? blue : green) = d.weight;
        }
    }
    Weighted::applyWeights(snapshot, route, blue, green, QStringLiteral("VirtualService %1").arg(snapshot.routeName));
}

Core::Result<RoutePatch> VirtualServiceAdapter::doWrite(const Kube::Reader &reader, const ClusterView &view,
                                                        const Core::TargetState &target) const
{
    const Json &route = *reader.json();
    const std::vector<Destination> destinations = colorDestinations(reader, view);
    if (destinations.empty()) {
        return Core::makeError(
            Core::ErrorKind::Refused,
            QStringLiteral("VirtualService %1 has no blue or green destination").arg(Kube::objectName(route)));
    }
    Json ops = Json::array();
    for (const Destination &d : destinations) {
        ops.push_back({{"op", "test"},
                       {"path", pointer(d, std::string("destination/") + d.identifiedBy)},
                       {"value", d.identity.toStdString()}});
    }
    ops.push_back({{"op", "replace"},
                   {"path", "/metadata/resourceVersion"},
                   {"value", Kube::resourceVersion(route).toStdString()}});
    for (const Destination &d : destinations) {
        ops.push_back({{"op", d.hasWeight ? "replace" : "add"},
                       {"path", pointer(d, "weight")},
                       {"value", target.weight(d.color)}});
    }
    Weighted::appendRoleOperations(ops, route, target);
    return RoutePatch{objectPath(route), Kube::PatchType::Json, QByteArray::fromStdString(ops.dump())};
}

} // namespace Curtain::Adapters
