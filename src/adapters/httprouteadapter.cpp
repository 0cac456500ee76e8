#include "adapters/httprouteadapter.h"

#include "adapters/conventions.h"
#include "adapters/environmentreader.h"

#include <cmath>

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

namespace {

// A backendRef names a Service; the Service's color label says which environment it is.
std::optional<Color> colorOfBackend(const QString &backend, const QString &namespaceName, const ClusterView *view)
{
    if (view) {
        if (const Json *service = view->service(namespaceName, backend)) {
            return serviceColor(*service);
        }
    }
    // Without the Service objects at hand, fall back to the <release>-<color> naming convention.
    if (backend.endsWith(QLatin1String("-blue"))) {
        return Color::Blue;
    }
    if (backend.endsWith(QLatin1String("-green"))) {
        return Color::Green;
    }
    return std::nullopt;
}

struct BackendSlot
{
    std::size_t rule = 0;
    std::size_t ref = 0;
    QString name;
    Color color = Color::Blue;
    bool hasWeight = false;
    long long weight = 1;
};

std::vector<BackendSlot> colorSlots(const Json &route, const ClusterView *view)
{
    std::vector<BackendSlot> slots;
    const QString ns = Kube::objectNamespace(route);
    const Json rules = route.value(Json::json_pointer("/spec/rules"), Json::array());
    for (std::size_t r = 0; r < rules.size(); ++r) {
        const Json refs = rules[r].value("backendRefs", Json::array());
        for (std::size_t i = 0; i < refs.size(); ++i) {
            const QString name = Kube::toQString(refs[i].value("name", ""));
            if (const auto color = colorOfBackend(name, ns, view)) {
                BackendSlot slot{r, i, name, *color, refs[i].contains("weight"), refs[i].value("weight", 1LL)};
                slots.push_back(slot);
            }
        }
    }
    return slots;
}

std::string pointer(const BackendSlot &slot, const char *leaf)
{
    return "/spec/rules/" + std::to_string(slot.rule) + "/backendRefs/" + std::to_string(slot.ref) + "/" + leaf;
}

std::string annotationPointer(const QString &key)
{
    QString escaped = key;
    escaped.replace(QLatin1Char('~'), QLatin1String("~0")).replace(QLatin1Char('/'), QLatin1String("~1"));
    return "/metadata/annotations/" + escaped.toStdString();
}

} // namespace

std::vector<const Json *> HttpRouteAdapter::routes(const ClusterView &view) const
{
    std::vector<const Json *> found;
    for (const Json &route : view.httpRoutes) {
        if (!Kube::label(route, Conventions::releaseLabel).isEmpty()) {
            found.push_back(&route);
        }
    }
    return found;
}

QString HttpRouteAdapter::objectPath(const QString &namespaceName, const QString &name) const
{
    return QStringLiteral("/apis/gateway.networking.k8s.io/v1/namespaces/%1/httproutes/%2").arg(namespaceName, name);
}

Core::ReleaseSnapshot HttpRouteAdapter::read(const Json &route, const ClusterView &view) const
{
    Core::ReleaseSnapshot snapshot;
    snapshot.routeKind = kind();
    completeSnapshot(snapshot, route, view);
    const std::vector<BackendSlot> slots = colorSlots(route, &view);
    // Weights are relative; the first rule naming both colors is the one users see.
    long long blue = -1;
    long long green = -1;
    for (const BackendSlot &slot : slots) {
        if (slot.rule != slots.front().rule) {
            break;
        }
        (slot.color == Color::Blue ? blue : green) = slot.weight;
    }
    if (slots.empty() || blue < 0 || green < 0) {
        snapshot.problem = QStringLiteral("HTTPRoute %1 needs backendRefs to both the blue and the green Service of %2")
                               .arg(snapshot.routeName, snapshot.name);
        return snapshot;
    }
    if (blue + green == 0) {
        snapshot.problem = QStringLiteral("HTTPRoute %1 gives every backend weight 0, so it serves no traffic; set the "
                                          "stable backend's weight to restore service")
                               .arg(snapshot.routeName);
        return snapshot;
    }
    snapshot.blue.trafficPercent = int(std::lround(100.0 * double(blue) / double(blue + green)));
    snapshot.green.trafficPercent = 100 - snapshot.blue.trafficPercent;
    const std::optional<Color> annotated = Core::parseColor(Kube::annotation(route, Conventions::stableAnnotation));
    snapshot.stable = annotated ? *annotated : (blue >= green ? Color::Blue : Color::Green);
    if (snapshot.previous == snapshot.stable) {
        snapshot.previous.reset();
    }
    return snapshot;
}

Core::Result<RoutePatch> HttpRouteAdapter::write(const Json &route, const ClusterView &view,
                                                 const Core::TargetState &target) const
{
    if (target.blueWeight + target.greenWeight == 0) {
        return Core::makeError(Core::ErrorKind::Refused, QStringLiteral("refusing to set every weight to 0"));
    }
    const std::vector<BackendSlot> slots = colorSlots(route, &view);
    if (slots.empty()) {
        return Core::makeError(
            Core::ErrorKind::Refused,
            QStringLiteral("HTTPRoute %1 has no blue or green backendRefs").arg(Kube::objectName(route)));
    }
    Json ops = Json::array();
    for (const BackendSlot &slot : slots) {
        ops.push_back({{"op", "test"}, {"path", pointer(slot, "name")}, {"value", slot.name.toStdString()}});
    }
    ops.push_back({{"op", "replace"},
                   {"path", "/metadata/resourceVersion"},
                   {"value", Kube::resourceVersion(route).toStdString()}});
    for (const BackendSlot &slot : slots) {
        // `add` creates a weight the object left to its default of 1; `replace` would fail there.
        ops.push_back({{"op", slot.hasWeight ? "replace" : "add"},
                       {"path", pointer(slot, "weight")},
                       {"value", target.weight(slot.color)}});
    }
    const std::string stable = Core::colorName(target.stable).toStdString();
    const bool hasAnnotations = route.contains(Json::json_pointer("/metadata/annotations"));
    const bool hasPrevious = !Kube::annotation(route, Conventions::previousAnnotation).isEmpty();
    if (!hasAnnotations) {
        Json annotations = {{Conventions::stableAnnotation.toStdString(), stable}};
        if (target.previous) {
            annotations[Conventions::previousAnnotation.toStdString()] =
                Core::colorName(*target.previous).toStdString();
        }
        ops.push_back({{"op", "add"}, {"path", "/metadata/annotations"}, {"value", annotations}});
    } else {
        ops.push_back({{"op", "add"}, {"path", annotationPointer(Conventions::stableAnnotation)}, {"value", stable}});
        if (target.previous) {
            ops.push_back({{"op", "add"},
                           {"path", annotationPointer(Conventions::previousAnnotation)},
                           {"value", Core::colorName(*target.previous).toStdString()}});
        } else if (hasPrevious) {
            ops.push_back({{"op", "remove"}, {"path", annotationPointer(Conventions::previousAnnotation)}});
        }
    }
    return RoutePatch{objectPath(Kube::objectNamespace(route), Kube::objectName(route)), Kube::PatchType::Json,
                      QByteArray::fromStdString(ops.dump())};
}

} // namespace Curtain::Adapters
