#include "adapters/weightedroute.h"

#include "adapters/conventions.h"
#include "adapters/environmentreader.h"

#include <cmath>

namespace Curtain::Adapters::Weighted {

using Core::Color;
using Kube::Json;

std::optional<Color> colorOfService(const QString &name, const QString &namespaceName, const ClusterView &view)
{
    QString shortName = name;
    QString ns = namespaceName;
    if (const QStringList parts = name.split(QLatin1Char('.')); parts.size() >= 2 && !name.endsWith(QLatin1Char('.'))) {
        // "reviews-blue.shop.svc.cluster.local" or "reviews-blue.shop": a Service in that namespace.
        shortName = parts[0];
        ns = parts[1];
    }
    if (const Json *service = view.service(ns, shortName)) {
        return serviceColor(*service);
    }
    if (shortName.endsWith(QLatin1String("-blue"))) {
        return Color::Blue;
    }
    if (shortName.endsWith(QLatin1String("-green"))) {
        return Color::Green;
    }
    return std::nullopt;
}

void applyWeights(Core::ReleaseSnapshot &snapshot, const Kube::Reader &route, long long blue, long long green,
                  const QString &what)
{
    if (blue < 0 || green < 0) {
        snapshot.problem = QStringLiteral("%1 needs backends for both the blue and the green Service of %2 "
                                          "(%2-blue, %2-green, or Services labelled curtain.dev/color)")
                               .arg(what, snapshot.name);
        return;
    }
    if (blue + green == 0) {
        snapshot.problem = QStringLiteral("%1 gives every backend weight 0, so it serves no traffic; set the stable "
                                          "backend's weight to restore service")
                               .arg(what);
        return;
    }
    snapshot.blue.trafficPercent = int(std::lround(100.0 * double(blue) / double(blue + green)));
    snapshot.green.trafficPercent = 100 - snapshot.blue.trafficPercent;
    const std::optional<Color> annotated = Core::parseColor(
        route.field("metadata").field("annotations").field(Conventions::stableAnnotation.toStdString()).string());
    snapshot.stable = annotated ? *annotated : (blue >= green ? Color::Blue : Color::Green);
    if (snapshot.previous == snapshot.stable) {
        snapshot.previous.reset();
        snapshot.previousVersion.clear();
    }
}

std::vector<const Json *> labelledRoutes(const Kube::ObjectList &objects, const QString &annotation)
{
    std::vector<const Json *> found;
    for (const Json &object : objects) {
        if (!Kube::label(object, Conventions::releaseLabel).isEmpty() &&
            (annotation.isEmpty() || Kube::annotation(object, annotation) == QLatin1String("true"))) {
            found.push_back(&object);
        }
    }
    return found;
}

std::string annotationPointer(const QString &key)
{
    QString escaped = key;
    escaped.replace(QLatin1Char('~'), QLatin1String("~0")).replace(QLatin1Char('/'), QLatin1String("~1"));
    return "/metadata/annotations/" + escaped.toStdString();
}

namespace {

std::string switchedAtText(const Core::TargetState &target)
{
    return target.switchedAt.toUTC().toString(Qt::ISODate).toStdString();
}

} // namespace

std::array<std::pair<QString, QString>, 2> replacedRecord(const Core::TargetState &target)
{
    const bool recorded = target.previous.has_value();
    return {std::pair{Conventions::previousVersionAnnotation, recorded ? target.previousVersion : QString()},
            std::pair{Conventions::previousTemplateAnnotation, recorded ? target.previousTemplate : QString()}};
}

void appendRoleOperations(Json &ops, const Json &route, const Core::TargetState &target)
{
    const std::string stable = Core::colorName(target.stable).toStdString();
    const bool hasAnnotations = Kube::Reader(route).field("metadata").field("annotations").exists();
    const bool hasPrevious = !Kube::annotation(route, Conventions::previousAnnotation).isEmpty();
    const auto recorded = replacedRecord(target);
    if (!hasAnnotations) {
        Json annotations = {{Conventions::stableAnnotation.toStdString(), stable}};
        if (target.previous) {
            annotations[Conventions::previousAnnotation.toStdString()] =
                Core::colorName(*target.previous).toStdString();
        }
        for (const auto &[key, value] : recorded) {
            if (!value.isEmpty()) {
                annotations[key.toStdString()] = value.toStdString();
            }
        }
        if (target.switchedAt.isValid()) {
            annotations[Conventions::switchedAtAnnotation.toStdString()] = switchedAtText(target);
        }
        ops.push_back({{"op", "add"}, {"path", "/metadata/annotations"}, {"value", annotations}});
        return;
    }
    ops.push_back({{"op", "add"}, {"path", annotationPointer(Conventions::stableAnnotation)}, {"value", stable}});
    if (target.previous) {
        ops.push_back({{"op", "add"},
                       {"path", annotationPointer(Conventions::previousAnnotation)},
                       {"value", Core::colorName(*target.previous).toStdString()}});
    } else if (hasPrevious) {
        ops.push_back({{"op", "remove"}, {"path", annotationPointer(Conventions::previousAnnotation)}});
    }
    for (const auto &[key, value] : recorded) {
        if (!value.isEmpty()) {
            ops.push_back({{"op", "add"}, {"path", annotationPointer(key)}, {"value", value.toStdString()}});
        } else if (!Kube::annotation(route, key).isEmpty()) {
            ops.push_back({{"op", "remove"}, {"path", annotationPointer(key)}});
        }
    }
    if (target.switchedAt.isValid()) {
        ops.push_back({{"op", "add"},
                       {"path", annotationPointer(Conventions::switchedAtAnnotation)},
                       {"value", switchedAtText(target)}});
    } else if (!target.isWhole() && !Kube::annotation(route, Conventions::switchedAtAnnotation).isEmpty()) {
        ops.push_back({{"op", "remove"}, {"path", annotationPointer(Conventions::switchedAtAnnotation)}});
    }
}

Json roleAnnotations(const Json &route, const Core::TargetState &target)
{
    Json annotations = {{Conventions::stableAnnotation.toStdString(), Core::colorName(target.stable).toStdString()}};
    if (target.previous) {
        annotations[Conventions::previousAnnotation.toStdString()] = Core::colorName(*target.previous).toStdString();
    } else if (!Kube::annotation(route, Conventions::previousAnnotation).isEmpty()) {
        annotations[Conventions::previousAnnotation.toStdString()] = nullptr;
    }
    for (const auto &[key, value] : replacedRecord(target)) {
        if (!value.isEmpty()) {
            annotations[key.toStdString()] = value.toStdString();
        } else if (!Kube::annotation(route, key).isEmpty()) {
            annotations[key.toStdString()] = nullptr;
        }
    }
    if (target.switchedAt.isValid()) {
        annotations[Conventions::switchedAtAnnotation.toStdString()] = switchedAtText(target);
    } else if (!target.isWhole() && !Kube::annotation(route, Conventions::switchedAtAnnotation).isEmpty()) {
        annotations[Conventions::switchedAtAnnotation.toStdString()] = nullptr;
    }
    return annotations;
}

std::pair<long long, long long> scaledWeights(const Core::TargetState &target, long long total)
{
    const long long blue = std::llround(double(total) * target.blueWeight / 100.0);
    return {blue, total - blue};
}

} // namespace Curtain::Adapters::Weighted
