// Objects as the informers hand them to release discovery: a JSON array of objects, or a `*List`,
// sorted into a ClusterView by kind (every route kind, OpenFeature FeatureFlags, flagd files in ConfigMaps, Flagger
// Canaries, Deployments, Argo Rollouts with their ReplicaSets and AnalysisRuns). Discovery, every adapter's write of
// every action, and Argo's status derivation and action plans must answer anything with a value or an error, never a
// crash.

#include "adapters/argo/rolloutactions.h"
#include "adapters/argo/rolloutstatus.h"
#include "adapters/flagger/canaryactions.h"
#include "adapters/routeadapter.h"
#include "core/action.h"
#include "core/rolloutcontrol.h"

#include <QTimeZone>

#include <cstddef>
#include <cstdint>

using namespace Curtain;
using Kube::Json;

namespace {

Kube::ObjectList *collectionFor(Adapters::ClusterView &view, const std::string &kind)
{
    static const std::map<std::string, Kube::ObjectList Adapters::ClusterView::*> collections = {
        {"Deployment", &Adapters::ClusterView::deployments},
        {"Service", &Adapters::ClusterView::services},
        {"HTTPRoute", &Adapters::ClusterView::httpRoutes},
        {"VirtualService", &Adapters::ClusterView::virtualServices},
        {"TrafficSplit", &Adapters::ClusterView::trafficSplits},
        {"Ingress", &Adapters::ClusterView::ingresses},
        {"Rollout", &Adapters::ClusterView::rollouts},
        {"ReplicaSet", &Adapters::ClusterView::replicaSets},
        {"AnalysisRun", &Adapters::ClusterView::analysisRuns},
        {"FeatureFlag", &Adapters::ClusterView::featureFlags},
        {"Canary", &Adapters::ClusterView::canaries},
        {"ConfigMap", &Adapters::ClusterView::configMaps},
    };
    const auto it = collections.find(kind);
    return it == collections.end() ? nullptr : &(view.*(it->second));
}

Adapters::ClusterView viewOf(const Json &input)
{
    Adapters::ClusterView view;
    const Json *items = &input;
    if (input.is_object()) {
        const auto list = input.find("items");
        items = list != input.end() ? &*list : nullptr;
    }
    if (!items || !items->is_array()) {
        return view;
    }
    for (const Json &object : *items) {
        const auto kind = object.is_object() ? object.find("kind") : object.end();
        if (kind != object.end() && kind->is_string()) {
            if (Kube::ObjectList *collection = collectionFor(view, kind->get<std::string>())) {
                collection->push_back(object);
            }
        }
    }
    return view;
}

Core::ActionRequest request(Core::ActionKind kind, const QString &release, int weight = 0)
{
    Core::ActionRequest request;
    request.kind = kind;
    request.release = release;
    request.weight = weight;
    return request;
}

// What the console and curtainctl send for a route Curtain writes itself.
void writeEveryAction(const Adapters::RouteAdapter &adapter, const Json &route, const Adapters::ClusterView &view)
{
    Core::ReleaseSnapshot snapshot = adapter.read(route, view);
    snapshot.capabilities = Core::computeCapabilities(snapshot);
    using Core::ActionKind;
    for (const Core::ActionRequest &action :
         {request(ActionKind::SetWeight, snapshot.name, 25), request(ActionKind::SetWeight, snapshot.name, 100),
          request(ActionKind::Promote, snapshot.name), request(ActionKind::Flip, snapshot.name),
          request(ActionKind::Rollback, snapshot.name)}) {
        if (const auto target = Core::planAction(snapshot, action); target.ok()) {
            (void)adapter.write(route, view, target.value());
        }
    }
    // And targets the action logic would never plan: write() is the boundary, it must refuse them.
    (void)adapter.write(route, view, Core::TargetState{0, 0, Core::Color::Green, std::nullopt, {}, {}, {}});
    (void)adapter.write(route, view,
                        Core::TargetState{70, 30, Core::Color::Green, Core::Color::Blue, {}, QStringLiteral("v1"), {}});
}

// What the console and curtainctl send for an Argo Rollout: the controller's own actions.
void planEveryArgoAction(const Json &rollout, const Adapters::ClusterView &view, const Core::ReleaseSnapshot &snapshot)
{
    (void)Adapters::Argo::deriveRolloutStatus(rollout, view.replicaSets, view.analysisRuns);
    const QDateTime now(QDate(2026, 12, 2), QTime(12, 0), QTimeZone::utc());
    Core::RolloutRollback rollback;
    if (const auto planned = Core::planRolloutRollback(snapshot); planned.ok()) {
        rollback = planned.value();
    }
    using Core::ActionKind;
    for (ActionKind kind :
         {ActionKind::Promote, ActionKind::PromoteFull, ActionKind::Abort, ActionKind::Retry, ActionKind::Pause,
          ActionKind::Resume, ActionKind::Restart, ActionKind::Undo, ActionKind::Rollback, ActionKind::SetImage}) {
        Core::ActionRequest action = request(kind, snapshot.name);
        action.image = QStringLiteral("*=registry.example/app:v2");
        (void)Adapters::Argo::planRolloutAction(rollout, view.replicaSets, action, rollback, now);
    }
    Core::ActionRequest undo = request(ActionKind::Undo, snapshot.name);
    undo.revision = 1;
    (void)Adapters::Argo::planRolloutAction(rollout, view.replicaSets, undo, rollback, now);
}

// What the console and curtainctl send for a Flagger Canary: gates and conditional patches.
void planEveryCanaryAction(Core::ReleaseSnapshot snapshot)
{
    snapshot.capabilities = Core::computeCapabilities(snapshot);
    using Core::ActionKind;
    for (ActionKind kind : {ActionKind::Promote, ActionKind::Rollback, ActionKind::Pause, ActionKind::Resume,
                            ActionKind::SetWeight, ActionKind::Abort}) {
        (void)Adapters::Flagger::planCanaryAction(snapshot, request(kind, snapshot.name));
    }
    if (snapshot.canary) {
        (void)snapshot.canary->summary();
        (void)snapshot.canary->intervalMs();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const Json input = Json::parse(data, data + size, nullptr, false);
    if (input.is_discarded()) {
        return -1; // not JSON: the informer refuses the reply before any adapter sees it
    }
    const Adapters::ClusterView view = viewOf(input);
    (void)Adapters::discoverReleases(view);
    for (const auto &adapter : Adapters::allAdapters()) {
        for (const Json *route : adapter->routes(view)) {
            writeEveryAction(*adapter, *route, view);
            if (adapter->kind() == Core::RouteKind::ArgoRollout) {
                planEveryArgoAction(*route, view, adapter->read(*route, view));
            }
            if (adapter->kind() == Core::RouteKind::FlaggerCanary) {
                planEveryCanaryAction(adapter->read(*route, view));
            }
        }
    }
    return 0;
}
