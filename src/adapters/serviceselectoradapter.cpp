#include "adapters/serviceselectoradapter.h"

#include "adapters/conventions.h"
#include "adapters/weightedroute.h"
#include "kube/apinames.h"

namespace Curtain::Adapters {

using Core::Color;
using Kube::Json;

namespace {

// Whether the selector picks by color at all (whatever the value: read() judges it).
bool selectsColor(const Json &service)
{
    return Kube::Reader(service).field("spec").field("selector").field(Conventions::colorLabel.toStdString()).exists();
}

} // namespace

std::vector<const Json *> ServiceSelectorAdapter::routes(const ClusterView &view) const
{
    std::vector<const Json *> found;
    for (const Json &service : view.services) {
        // A per-color Service carries a color label; the route is the one whose selector picks a color.
        if (!Kube::label(service, Conventions::releaseLabel).isEmpty() &&
            Kube::label(service, Conventions::colorLabel).isEmpty() && selectsColor(service)) {
            found.push_back(&service);
        }
    }
    return found;
}

QString ServiceSelectorAdapter::objectPath(const Json &route) const
{
    const QString namespaceName = Kube::objectNamespace(route);
    const QString name = Kube::objectName(route);
    return QStringLiteral("/api/v1/namespaces/%1/services/%2")
        .arg(Kube::pathSegment(namespaceName), Kube::pathSegment(name));
}

void ServiceSelectorAdapter::doRead(const Kube::Reader &route, const ClusterView &,
                                    Core::ReleaseSnapshot &snapshot) const
{
    const QString selected =
        route.field("spec").field("selector").field(Conventions::colorLabel.toStdString()).string();
    const std::optional<Color> serving = Core::parseColor(selected);
    if (!route.ok()) {
        return;
    }
    if (!serving) {
        snapshot.problem =
            QStringLiteral("Service %1 selects curtain.dev/color=\"%2\", which is neither blue nor green")
                .arg(snapshot.routeName, selected);
        return;
    }
    // The selector is the truth about traffic; the stable annotation only matters for weighted routes.
    snapshot.stable = *serving;
    snapshot.environment(*serving).trafficPercent = 100;
    snapshot.environment(Core::otherColor(*serving)).trafficPercent = 0;
    if (snapshot.previous == snapshot.stable) {
        snapshot.previous.reset();
        snapshot.previousVersion.clear();
    }
}

Core::Result<RoutePatch> ServiceSelectorAdapter::doWrite(const Kube::Reader &reader, const ClusterView &,
                                                         const Core::TargetState &target) const
{
    const Json &route = *reader.json();
    const bool allBlue = target.blueWeight == 100 && target.greenWeight == 0;
    const bool allGreen = target.greenWeight == 100 && target.blueWeight == 0;
    if (!allBlue && !allGreen) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("a Service selector cannot split traffic %1/%2; it serves one color")
                                   .arg(target.blueWeight)
                                   .arg(target.greenWeight));
    }
    const QString color = Core::colorName(allBlue ? Color::Blue : Color::Green);
    Json patch;
    patch["metadata"]["resourceVersion"] = Kube::resourceVersion(route).toStdString();
    patch["metadata"]["annotations"][Conventions::stableAnnotation.toStdString()] = color.toStdString();
    const Json previous = target.previous ? Json(Core::colorName(*target.previous).toStdString()) : Json(nullptr);
    patch["metadata"]["annotations"][Conventions::previousAnnotation.toStdString()] = previous;
    for (const auto &[key, value] : Weighted::replacedRecord(target)) {
        const Json recorded = value.isEmpty() ? Json(nullptr) : Json(value.toStdString());
        patch["metadata"]["annotations"][key.toStdString()] = recorded;
    }
    if (target.switchedAt.isValid()) {
        const std::string key = Conventions::switchedAtAnnotation.toStdString();
        patch["metadata"]["annotations"][key] = target.switchedAt.toUTC().toString(Qt::ISODate).toStdString();
    }
    patch["spec"]["selector"][Conventions::colorLabel.toStdString()] = color.toStdString();
    return RoutePatch{objectPath(route), Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())};
}

} // namespace Curtain::Adapters
