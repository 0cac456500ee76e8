#include "engine/fleetreleases.h"

#include "adapters/routeadapter.h"
#include "core/action.h"
#include "engine/fleetactions.h"

#include <QCryptographicHash>

#include <algorithm>
#include <cmath>

namespace Curtain::Engine {

namespace {

using HAProxy::ColorView;
using HAProxy::ReleaseKind;
using HAProxy::ReleaseState;
using HAProxy::ServerView;

bool isUp(const ServerView &server)
{
    return server.admin == HAProxy::AdminState::Ready && HAProxy::takesTraffic(server.statusKind);
}

Core::Environment environmentOf(const ReleaseState &release, HAProxy::Color color)
{
    const ColorView &view = color == HAProxy::Color::Blue ? release.blue : release.green;
    Core::Environment environment;
    environment.color = coreColor(color);
    environment.present = !view.servers.isEmpty();
    environment.desiredReplicas = int(view.servers.size());
    QStringList names;
    QStringList states;
    for (const ServerView &server : view.servers) {
        names << server.name;
        environment.readyReplicas += isUp(server) ? 1 : 0;
        states << QStringLiteral("%1 %2, %3, weight %4")
                      .arg(server.name, server.status, HAProxy::adminStateName(server.admin))
                      .arg(server.weight);
    }
    environment.version = names.join(QStringLiteral(", "));
    // What the judge's queries call the color's workload ({{deployment}}): RELEASE-COLOR, the label
    // the apps' metrics carry (the README's convention; curtain-backend --deployment sets it).
    environment.deployment = release.config.name + QLatin1Char('-') + HAProxy::colorName(color);
    environment.trafficPercent = int(std::lround(view.share * 100));
    const QString backend =
        release.config.kind == ReleaseKind::Servers
            ? release.config.backend
            : (color == HAProxy::Color::Blue ? release.config.blueBackend : release.config.greenBackend);
    environment.rolloutMessage = QStringLiteral("backend %1: %2").arg(backend, states.join(QStringLiteral("; ")));
    environment.rolloutComplete = true; // a fleet's servers have no rollout of their own
    return environment;
}

Core::Capability enabled()
{
    return {true, {}};
}

Core::Capability disabled(const QString &reason)
{
    return {false, reason};
}

Core::Capabilities capabilitiesOf(const Core::ReleaseSnapshot &snapshot, bool configured)
{
    Core::Capabilities can;
    const QString controllerOnly = QStringLiteral("an Argo Rollouts control; an HAProxy release has none");
    for (Core::Capability *argo :
         {&can.promoteFull, &can.abort, &can.retry, &can.pause, &can.resume, &can.restart, &can.undo}) {
        *argo = disabled(controllerOnly);
    }
    const bool blue = snapshot.blue.present;
    const bool green = snapshot.green.present;
    const int blueShare = snapshot.blue.trafficPercent;
    const int greenShare = snapshot.green.trafficPercent;
    const bool whole = (blueShare == 100 && greenShare == 0) || (greenShare == 100 && blueShare == 0);
    can.flip = !blue || !green ? disabled(QStringLiteral("%1 has servers of one color only").arg(snapshot.name))
               : whole         ? enabled()
               : blueShare == 0 && greenShare == 0
                   ? disabled(QStringLiteral("neither color carries traffic, so a flip has no side to move from"))
                   : disabled(QStringLiteral("traffic is split: a flip moves all of it from one color to the "
                                             "other; use the slider, Promote or Rollback"));
    if (snapshot.routeKind == Core::RouteKind::HAProxyMap) {
        can.setWeight = disabled(QStringLiteral("a map entry points at one backend: there is no share to set"));
        can.promote = disabled(QStringLiteral("a map-switched release takes Flip"));
        can.rollback = disabled(QStringLiteral("Flip is this release's rollback: it points the map back at the "
                                               "other backend"));
        return can;
    }
    can.setWeight = blue && green ? enabled()
                                  : disabled(QStringLiteral("backend %1 needs blue-* and green-* servers to split "
                                                            "traffic")
                                                 .arg(snapshot.routeName));
    const QString unknown = QStringLiteral("HAProxy's configuration weights both colors or neither, so the "
                                           "known-good color is not known");
    can.promote = !configured ? disabled(unknown)
                  : !snapshot.environment(snapshot.candidate()).present
                      ? disabled(QStringLiteral("no %1 servers to promote").arg(Core::colorName(snapshot.candidate())))
                      : enabled();
    can.rollback = configured ? enabled() : disabled(unknown);
    return can;
}

} // namespace

Core::Color coreColor(HAProxy::Color color)
{
    return color == HAProxy::Color::Blue ? Core::Color::Blue : Core::Color::Green;
}

HAProxy::Color haproxyColor(Core::Color color)
{
    return color == Core::Color::Blue ? HAProxy::Color::Blue : HAProxy::Color::Green;
}

QString fleetVersion(const ReleaseState &release)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const ColorView *view : {&release.blue, &release.green}) {
        for (const ServerView &server : view->servers) {
            hash.addData(QStringLiteral("%1 %2 %3 %4|")
                             .arg(server.name, HAProxy::adminStateName(server.admin), server.status)
                             .arg(server.weight)
                             .toUtf8());
        }
        hash.addData(QByteArray::number(view->share, 'f', 6));
    }
    return QString::fromLatin1(hash.result().toHex().left(16));
}

Core::ReleaseSnapshot fleetRelease(const ReleaseState &release, std::optional<HAProxy::Color> configuredColor,
                                   const QDateTime &observedAt)
{
    Core::ReleaseSnapshot snapshot;
    snapshot.name = release.config.name;
    const bool servers = release.config.kind == ReleaseKind::Servers;
    snapshot.routeKind = servers ? Core::RouteKind::HAProxyServers : Core::RouteKind::HAProxyMap;
    snapshot.routeName = servers ? release.config.backend : release.config.map + QLatin1Char(' ') + release.config.key;
    snapshot.routeResourceVersion = fleetVersion(release);
    snapshot.routePath = fleetPlanPath(release.config.name);
    snapshot.blue = environmentOf(release, HAProxy::Color::Blue);
    snapshot.green = environmentOf(release, HAProxy::Color::Green);
    snapshot.stable = coreColor(fleetStableColor(release, configuredColor));
    snapshot.problem = release.problems.join(QStringLiteral("; "));
    snapshot.observedAt = observedAt;
    snapshot.capabilities = capabilitiesOf(snapshot, servers && configuredColor.has_value());
    return snapshot;
}

QString fleetPlanPath(const QString &release)
{
    return QStringLiteral("haproxy/") + release;
}

void applyFleetPlan(Core::ReleaseSnapshot &snapshot, const Kube::Json &planObject)
{
    Adapters::readPlanAnnotations(snapshot, Kube::Reader(planObject).field("metadata").field("annotations"));
    if (snapshot.planDriver.isEmpty()) {
        return;
    }
    Core::Capabilities &can = snapshot.capabilities;
    for (Core::Capability *held : {&can.setWeight, &can.promote, &can.flip}) {
        if (held->enabled) {
            *held = Core::drivenByPlan(snapshot.planDriver);
        }
    }
}

QString fleetPlanDriver(const Kube::Json &planObject)
{
    Core::ReleaseSnapshot snapshot;
    Adapters::readPlanAnnotations(snapshot, Kube::Reader(planObject).field("metadata").field("annotations"));
    return snapshot.planDriver;
}

Core::ReleaseMetrics fleetMetrics(const ReleaseState &before, const ReleaseState &now, double seconds, qint64 nowMs)
{
    Core::ReleaseMetrics metrics;
    metrics.release = {QString(), now.config.name};
    struct Counts
    {
        qint64 requests = 0;
        qint64 errors = 0;
    };
    auto countsOf = [](const ColorView &view) {
        Counts counts;
        for (const ServerView &server : view.servers) {
            counts.requests += server.reqTot > 0 ? server.reqTot : server.stot;
            counts.errors += server.hrsp5xx;
        }
        return counts;
    };
    for (HAProxy::Color color : {HAProxy::Color::Blue, HAProxy::Color::Green}) {
        const bool blue = color == HAProxy::Color::Blue;
        const Counts was = countsOf(blue ? before.blue : before.green);
        const Counts is = countsOf(blue ? now.blue : now.green);
        Core::MetricPoint &point = blue ? metrics.blue : metrics.green;
        point.timeMs = nowMs;
        point.hasLatency = false;
        const qint64 requests = is.requests - was.requests;
        const qint64 errors = is.errors - was.errors;
        if (seconds <= 0 || requests <= 0 || errors < 0) {
            continue; // no traffic, or the counters started again (a reload): nothing to say this round
        }
        point.hasTraffic = true;
        point.requests = double(requests);
        point.requestsPerSecond = double(requests) / seconds;
        point.errorRatio = std::clamp(double(errors) / double(requests), 0.0, 1.0);
    }
    return metrics;
}

} // namespace Curtain::Engine
