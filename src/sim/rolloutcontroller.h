#pragma once

#include "sim/keyedstate.h"
#include "sim/objectstore.h"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace Curtain::Sim {

// The demo cluster's Argo Rollouts controller: a small reading of what argo-rollouts does for a
// basic canary (no traffic router: the weight is the share of replicas) and for blue-green.
//
// - A new pod template (or new steps) starts a new revision: a ReplicaSet <rollout>-<hash> with
//   the annotation rollout.argoproj.io/revision = highest + 1 (an old ReplicaSet that becomes
//   current again, as after an undo, gets the new number), step 0, abort and pauses cleared.
// - Canary steps: setWeight N scales the canary to ceil(N % of spec.replicas) and the stable to the
//   rest, and is done when those pods are available; pause {} waits for a promote (pauseConditions
//   cleared while controllerPause is set), pause {duration} ends by itself. Other step types
//   (analysis, experiment, …) pass at once here: the demo has no metric providers.
// - status.abort scales the canary to 0 and reports Degraded "RolloutAborted"; status.promoteFull
//   jumps to the end; spec.paused holds everything; spec.restartAt is acknowledged.
// - Blue-green: the preview ReplicaSet is scaled up, then BlueGreenPause waits for a promote when
//   autoPromotionEnabled is false; promotion points the active Service at it, and the old one keeps
//   its pods for scaleDownDelaySeconds (30 s by default).
// - stableService/canaryService and activeService/previewService get the rollouts-pod-template-hash
//   in their selectors, as the controller does.
// - The annotation sim.curtain.dev/then-set-image on a Rollout is the demo's own: once the Rollout is
//   healthy, the image is set to it (as `kubectl argo rollouts set image` would) and the annotation
//   removed, so the demo starts with an update in flight.
class RolloutController
{
public:
    // `podsBeforeStatus` is called with a ReplicaSet as its new status will read, before it is written.
    RolloutController(ObjectStore &store, std::function<void(const nlohmann::json &)> podsBeforeStatus)
        : m_store(store), m_podsBeforeStatus(std::move(podsBeforeStatus))
    {}

    // One pass: every Rollout (unless the controller is down), then the ReplicaSets' pods.
    void reconcile(std::chrono::steady_clock::time_point now, bool controllerRunning = true);

    // The ReplicaSet namespace/name makes its next pod ready no sooner than `until` (a pod made
    // again after a delete is starting).
    void holdReadiness(const std::string &replicaSet, std::chrono::steady_clock::time_point until)
    {
        m_nextPod[replicaSet] = until;
    }

    // Drops the pod pacing of a namespace that was deleted.
    void forgetNamespace(const std::string &ns) { eraseKeysStartingWith(m_nextPod, ns + "/"); }

    // The pod-template-hash of a pod template, in the Kubernetes alphabet (no vowels).
    static std::string podTemplateHash(const nlohmann::json &podTemplate);

private:
    void reconcileOne(const nlohmann::json &rollout);
    void advanceReplicaSets(std::chrono::steady_clock::time_point now);
    nlohmann::json ensureReplicaSet(const nlohmann::json &rollout, const std::string &hash,
                                    std::vector<nlohmann::json> &owned);
    void scale(const nlohmann::json &replicaSet, long long replicas);
    void pointService(const std::string &ns, const std::string &service, const std::string &hash);

    ObjectStore &m_store;
    std::function<void(const nlohmann::json &)> m_podsBeforeStatus;
    std::map<std::string, std::chrono::steady_clock::time_point> m_nextPod; // per ReplicaSet: pod pacing
    // The store's version after the last pass over the Rollouts that wrote nothing, and whether that
    // pass waited on the clock (a timed pause, a scale-down deadline): with neither changed, the next
    // pass would change nothing either.
    std::optional<std::uint64_t> m_quietAt;
    bool m_waitsOnTime = false;
};

} // namespace Curtain::Sim
