#include "adapters/routeadapter.h"

#include <QJsonDocument>

#include "adapters/argo/rolloutadapter.h"
#include "adapters/conventions.h"
#include "adapters/environmentreader.h"
#include "adapters/httprouteadapter.h"
#include "adapters/nginxcanaryadapter.h"
#include "adapters/serviceselectoradapter.h"
#include "adapters/trafficsplitadapter.h"
#include "adapters/virtualserviceadapter.h"

#include <algorithm>

namespace Curtain::Adapters {

const std::vector<std::unique_ptr<RouteAdapter>> &allAdapters()
{
    static const std::vector<std::unique_ptr<RouteAdapter>> adapters = [] {
        std::vector<std::unique_ptr<RouteAdapter>> list;
        list.push_back(std::make_unique<ServiceSelectorAdapter>());
        list.push_back(std::make_unique<HttpRouteAdapter>());
        list.push_back(std::make_unique<VirtualServiceAdapter>());
        list.push_back(std::make_unique<TrafficSplitAdapter>());
        list.push_back(std::make_unique<NginxCanaryAdapter>());
        list.push_back(std::make_unique<RolloutAdapter>());
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
    snapshot.routePath = adapterFor(snapshot.routeKind)->objectPath(route);
    snapshot.blue = readEnvironment(view, snapshot.namespaceName, snapshot.name, Core::Color::Blue);
    snapshot.green = readEnvironment(view, snapshot.namespaceName, snapshot.name, Core::Color::Green);
    snapshot.previous = Core::parseColor(Kube::annotation(route, Conventions::previousAnnotation));
    snapshot.observedAt = QDateTime::currentDateTimeUtc();
    // Plans live on the route whatever its kind (curtain.dev/plan, curtain.dev/plan-progress).
    snapshot.plan = Kube::annotation(route, Conventions::planAnnotation);
    if (const auto saved = Core::parsePlan(QJsonDocument::fromJson(snapshot.plan.toUtf8()).object()); saved.ok()) {
        snapshot.savedPlan = saved.value();
    }
    const QString progress = Kube::annotation(route, Conventions::planProgressAnnotation);
    if (const auto parsed = Core::PlanProgress::fromJson(QJsonDocument::fromJson(progress.toUtf8()).object());
        !progress.isEmpty() && parsed.ok()) {
        snapshot.planProgress = parsed.value();
        // A driver that stopped writing its heartbeat has gone: its plan no longer locks the release.
        if (parsed.value().drivenAt(QDateTime::currentDateTimeUtc())) {
            snapshot.planDriver =
                parsed.value().driver.isEmpty() ? QStringLiteral("another console") : parsed.value().driver;
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
