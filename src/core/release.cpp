#include "core/release.h"

#include "core/displaytext.h"

#include <QHashFunctions>

namespace Curtain::Core {

QString colorName(Color color)
{
    return color == Color::Blue ? QStringLiteral("blue") : QStringLiteral("green");
}

std::optional<Color> parseColor(const QString &name)
{
    if (name == QLatin1String("blue")) {
        return Color::Blue;
    }
    if (name == QLatin1String("green")) {
        return Color::Green;
    }
    return std::nullopt;
}

QString routeKindName(RouteKind kind)
{
    switch (kind) {
    case RouteKind::ServiceSelector:
        return QStringLiteral("Service selector");
    case RouteKind::HttpRoute:
        return QStringLiteral("HTTPRoute");
    case RouteKind::VirtualService:
        return QStringLiteral("VirtualService");
    case RouteKind::TrafficSplit:
        return QStringLiteral("TrafficSplit");
    case RouteKind::NginxCanary:
        return QStringLiteral("NGINX canary Ingress");
    case RouteKind::ArgoRollout:
        return QStringLiteral("Argo Rollout");
    case RouteKind::HAProxyServers:
        return QStringLiteral("HAProxy server weights");
    case RouteKind::HAProxyMap:
        return QStringLiteral("HAProxy map");
    case RouteKind::FeatureFlag:
        return QStringLiteral("feature flag");
    case RouteKind::FlaggerCanary:
        return QStringLiteral("Flagger canary");
    case RouteKind::FlagConfigMap:
        return QStringLiteral("feature flag file");
    }
    return {};
}

QString routeObjectKind(RouteKind kind)
{
    switch (kind) {
    case RouteKind::ServiceSelector:
        return QStringLiteral("Service");
    case RouteKind::NginxCanary:
        return QStringLiteral("Ingress");
    case RouteKind::ArgoRollout:
        return QStringLiteral("Rollout");
    case RouteKind::HAProxyServers:
        return QStringLiteral("backend");
    case RouteKind::HAProxyMap:
        return QStringLiteral("map");
    case RouteKind::FeatureFlag:
        return QStringLiteral("FeatureFlag");
    case RouteKind::FlaggerCanary:
        return QStringLiteral("Canary");
    case RouteKind::FlagConfigMap:
        return QStringLiteral("ConfigMap");
    case RouteKind::HttpRoute:
    case RouteKind::VirtualService:
    case RouteKind::TrafficSplit:
        return routeKindName(kind);
    }
    return {};
}

QString ReleaseKey::toString() const
{
    return namespaceName.isEmpty() ? name : namespaceName + QLatin1Char('/') + name;
}

ReleaseKey ReleaseKey::fromString(const QString &text)
{
    const qsizetype slash = text.indexOf(QLatin1Char('/'));
    return slash < 0 ? ReleaseKey{{}, text} : ReleaseKey{text.left(slash), text.mid(slash + 1)};
}

bool ReleaseKey::matches(const ReleaseKey &other) const
{
    return name == other.name &&
           (namespaceName == other.namespaceName || namespaceName.isEmpty() || other.namespaceName.isEmpty());
}

size_t qHash(const ReleaseKey &key, size_t seed) noexcept
{
    return qHashMulti(seed, key.namespaceName, key.name);
}

size_t qHash(Color color, size_t seed) noexcept
{
    return ::qHash(int(color), seed);
}

QString imageTag(const QString &image)
{
    const qsizetype colon = image.lastIndexOf(QLatin1Char(':'));
    return colon > image.lastIndexOf(QLatin1Char('/')) ? image.mid(colon + 1) : image;
}

QString strategyName(Strategy strategy)
{
    return strategy == Strategy::BlueGreen ? QStringLiteral("blue-green") : QStringLiteral("canary");
}

int attentionRank(const QString &health)
{
    static const QStringList order{QStringLiteral("unreachable"),
                                   QStringLiteral("broken"),
                                   QStringLiteral("down"),
                                   QStringLiteral("degraded"),
                                   QStringLiteral("degraded (metrics)"),
                                   QStringLiteral("rolled back"),
                                   QStringLiteral("paused"),
                                   QStringLiteral("progressing"),
                                   QStringLiteral("canary")};
    const qsizetype rank = order.indexOf(health);
    return rank < 0 ? int(order.size()) : int(rank);
}

QString ReleaseSnapshot::health() const
{
    if (!problem.isEmpty()) {
        return QStringLiteral("broken");
    }
    if (rollout) { // the controller's own phase: healthy, progressing, paused, degraded
        return rollout->status.toLower();
    }
    if (canary) { // Flagger's phases that need a person's eye first
        if (canary->phase == QLatin1String("Failed")) {
            return QStringLiteral("degraded");
        }
        if (canary->suspended || canary->phase == QLatin1String("Waiting") ||
            canary->phase == QLatin1String("WaitingPromotion")) {
            return QStringLiteral("paused");
        }
    }
    const Environment &serving = environment(stable);
    if (!serving.present || (serving.trafficPercent > 0 && serving.readyReplicas == 0)) {
        return QStringLiteral("down");
    }
    const Environment &cand = environment(candidate());
    if (cand.trafficPercent > 0 && cand.readyReplicas == 0) {
        return QStringLiteral("degraded");
    }
    if ((serving.deleting && serving.trafficPercent > 0) || (cand.deleting && cand.trafficPercent > 0)) {
        return QStringLiteral("degraded"); // serving from a Deployment that is going away
    }
    if (!serving.rolloutComplete || (cand.present && !cand.rolloutComplete)) {
        return QStringLiteral("progressing");
    }
    if (cand.trafficPercent > 0) {
        return QStringLiteral("canary");
    }
    return QStringLiteral("healthy");
}

Error noReleaseNamed(const QString &name, const QStringList &known, const QString &namespaceName)
{
    const QString where =
        namespaceName.isEmpty() ? QString() : QStringLiteral(" in namespace %1").arg(shown(namespaceName));
    if (known.isEmpty()) {
        return makeError(
            ErrorKind::NotFound,
            QStringLiteral("no release named \"%1\"%2: %3 no releases (no route%4 is labelled "
                           "curtain.dev/release)")
                .arg(shown(name), where,
                     namespaceName.isEmpty() ? QStringLiteral("the cluster has") : QStringLiteral("it has"),
                     namespaceName.isEmpty() ? QString() : QStringLiteral(" in it")));
    }
    return makeError(ErrorKind::NotFound, QStringLiteral("no release named \"%1\"%2; known releases: %3")
                                              .arg(shown(name), where, shown(known.join(QStringLiteral(", ")), 2000)));
}

} // namespace Curtain::Core
