#include "adapters/nginxcanaryadapter.h"

#include "adapters/conventions.h"
#include "adapters/weightedroute.h"
#include "kube/apinames.h"

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

namespace {

const QString canaryAnnotation = QStringLiteral("nginx.ingress.kubernetes.io/canary");
const QString weightAnnotation = QStringLiteral("nginx.ingress.kubernetes.io/canary-weight");
const QString totalAnnotation = QStringLiteral("nginx.ingress.kubernetes.io/canary-weight-total");

// The Service the canary Ingress sends to: its default backend, or its first path's.
QString canaryBackend(const Kube::Reader &ingress)
{
    const Kube::Reader spec = ingress.field("spec");
    if (const QString fallback = spec.field("defaultBackend").field("service").field("name").string();
        !fallback.isEmpty()) {
        return fallback;
    }
    return spec.field("rules")
        .item(0)
        .field("http")
        .field("paths")
        .item(0)
        .field("backend")
        .field("service")
        .field("name")
        .string();
}

QString annotationText(const Kube::Reader &ingress, const QString &key)
{
    return ingress.field("metadata").field("annotations").field(key.toStdString()).string();
}

std::optional<long long> annotationNumber(const Kube::Reader &ingress, const QString &key, long long fallback)
{
    const QString text = annotationText(ingress, key);
    if (text.isEmpty()) {
        return fallback;
    }
    bool ok = false;
    const long long value = text.trimmed().toLongLong(&ok);
    return ok && value >= 0 && value <= Weighted::maxWeight ? std::optional(value) : std::nullopt;
}

} // namespace

std::vector<const Json *> NginxCanaryAdapter::routes(const ClusterView &view) const
{
    return Weighted::labelledRoutes(view.ingresses, canaryAnnotation);
}

QString NginxCanaryAdapter::objectPath(const Json &route) const
{
    return QStringLiteral("/apis/networking.k8s.io/v1/namespaces/%1/ingresses/%2")
        .arg(Kube::pathSegment(Kube::objectNamespace(route)), Kube::pathSegment(Kube::objectName(route)));
}

void NginxCanaryAdapter::doRead(const Kube::Reader &route, const ClusterView &view,
                                Core::ReleaseSnapshot &snapshot) const
{
    const QString what = QStringLiteral("canary Ingress %1").arg(snapshot.routeName);
    const QString backend = canaryBackend(route);
    const auto canary = Weighted::colorOfService(backend, snapshot.namespaceName, view);
    if (!route.ok()) {
        return;
    }
    if (!canary) {
        snapshot.problem =
            QStringLiteral("%1 sends to Service \"%2\", which is neither %3's blue nor its green Service "
                           "(label it curtain.dev/color, or name it %3-blue / %3-green)")
                .arg(what, backend, snapshot.name);
        return;
    }
    const auto weight = annotationNumber(route, weightAnnotation, 0);
    const auto total = annotationNumber(route, totalAnnotation, 100);
    if (!weight || !total || *total == 0 || *weight > *total) {
        snapshot.problem =
            QStringLiteral(
                "%1 has canary-weight \"%2\" and canary-weight-total \"%3\"; both must be whole numbers with "
                "0 ≤ canary-weight ≤ canary-weight-total (default 100)")
                .arg(what, annotationText(route, weightAnnotation), annotationText(route, totalAnnotation));
        return;
    }
    // The primary Ingress serves the rest; it names the other color.
    const long long canaryShare = *weight;
    const long long primaryShare = *total - *weight;
    Weighted::applyWeights(snapshot, route, *canary == Color::Blue ? canaryShare : primaryShare,
                           *canary == Color::Green ? canaryShare : primaryShare, what);
    if (snapshot.problem.isEmpty() && annotationText(route, Conventions::stableAnnotation).isEmpty()) {
        snapshot.stable = Core::otherColor(*canary); // unannotated: the primary Ingress's color is stable
    }
}

Core::Result<RoutePatch> NginxCanaryAdapter::doWrite(const Kube::Reader &reader, const ClusterView &view,
                                                     const Core::TargetState &target) const
{
    const Json &route = *reader.json();
    const QString backend = canaryBackend(reader);
    const auto canary = Weighted::colorOfService(backend, Kube::objectNamespace(route), view);
    if (!canary) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("canary Ingress %1 sends to \"%2\", which is not a color Service")
                                   .arg(Kube::objectName(route), backend));
    }
    const long long total = annotationNumber(reader, totalAnnotation, 100).value_or(100);
    const auto [blue, green] = Weighted::scaledWeights(target, total > 0 ? total : 100);
    Json annotations = Weighted::roleAnnotations(route, target);
    annotations[canaryAnnotation.toStdString()] = "true";
    annotations[weightAnnotation.toStdString()] = std::to_string(*canary == Color::Blue ? blue : green);
    annotations[totalAnnotation.toStdString()] = std::to_string(total > 0 ? total : 100);
    const Json patch = {
        {"metadata", {{"resourceVersion", Kube::resourceVersion(route).toStdString()}, {"annotations", annotations}}}};
    return RoutePatch{objectPath(route), Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())};
}

} // namespace Curtain::Adapters
