#include "adapters/routeadapter.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "adapters/conventions.h"
#include "adapters/environmentreader.h"
#include "adapters/httprouteadapter.h"
#include "adapters/serviceselectoradapter.h"

#include <algorithm>

namespace Curtain::Adapters {

const std::vector<std::unique_ptr<RouteAdapter>> &allAdapters()
{
    static const std::vector<std::unique_ptr<RouteAdapter>> adapters = [] {
        std::vector<std::unique_ptr<RouteAdapter>> list;
        list.push_back(std::make_unique<ServiceSelectorAdapter>());
        list.push_back(std::make_unique<HttpRouteAdapter>());
        return list;
    }();
    return adapters;
}

const RouteAdapter *adapterFor(Core::RouteKind kind)
{
    for (const auto &adapter : allAdapters()) {
        if (adapter->kind() == kind) {
            return adapter.get();
        }
    }
    return nullptr;
}

void completeSnapshot(Core::ReleaseSnapshot &snapshot, const Kube::Json &route, const ClusterView &view)
{
    snapshot.name = Kube::label(route, Conventions::releaseLabel);
    snapshot.namespaceName = Kube::objectNamespace(route);
    snapshot.routeName = Kube::objectName(route);
    snapshot.routeResourceVersion = Kube::resourceVersion(route);
    snapshot.blue = readEnvironment(view, snapshot.namespaceName, snapshot.name, Core::Color::Blue);
    snapshot.green = readEnvironment(view, snapshot.namespaceName, snapshot.name, Core::Color::Green);
    snapshot.previous = Core::parseColor(Kube::annotation(route, Conventions::previousAnnotation));
    snapshot.observedAt = QDateTime::currentDateTimeUtc();
    // Plans live on the route whatever its kind (curtain.dev/plan, curtain.dev/plan-progress).
    snapshot.plan = Kube::annotation(route, Conventions::planAnnotation);
    snapshot.planProgress = Kube::annotation(route, Conventions::planProgressAnnotation);
    if (!snapshot.planProgress.isEmpty()) {
        // Only the state and driver matter here; the engine parses the rest when it drives.
        const QJsonObject progress = QJsonDocument::fromJson(snapshot.planProgress.toUtf8()).object();
        const QString state = progress.value(QStringLiteral("state")).toString();
        // A driver that stopped writing its heartbeat has gone: its plan no longer locks the release.
        const QDateTime heartbeat =
            QDateTime::fromString(progress.value(QStringLiteral("heartbeat")).toString(), Qt::ISODateWithMs);
        const bool alive = heartbeat.isValid() && heartbeat.secsTo(QDateTime::currentDateTimeUtc()) < 30;
        if (alive && (state == QLatin1String("running") || state == QLatin1String("paused"))) {
            snapshot.planDriver = progress.value(QStringLiteral("driver")).toString(QStringLiteral("another console"));
        }
    }
}

Core::ReleaseSnapshots discoverReleases(const ClusterView &view)
{
    Core::ReleaseSnapshots releases;
    for (const auto &adapter : allAdapters()) {
        for (const Kube::Json *route : adapter->routes(view)) {
            Core::ReleaseSnapshot snapshot = adapter->read(*route, view);
            snapshot.capabilities = Core::computeCapabilities(snapshot);
            releases.append(std::move(snapshot));
        }
    }
    std::sort(releases.begin(), releases.end(), [](const auto &a, const auto &b) {
        return std::tie(a.namespaceName, a.name) < std::tie(b.namespaceName, b.name);
    });
    return releases;
}

} // namespace Curtain::Adapters
