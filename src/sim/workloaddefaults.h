#pragma once

#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

namespace Curtain::Sim {

// What kube-apiserver's defaulting fills in on a Deployment, a ReplicaSet or a Pod that its writer
// left out, on every write: a Deployment's rolling-update strategy (25 % / 25 %), revision history
// limit and progress deadline; a pod spec's (a template's too) DNS and restart policies, scheduler,
// security context and grace period; each container's pull policy (Always for an untagged or
// `latest` image), termination message settings, port protocol and probe timings. `kubectl describe
// deployment` then says "StrategyType: RollingUpdate" as on a real cluster, and `kubectl get -o yaml`
// shows what a cluster stores. Anything the writer set is kept; a part of the wrong type is left for
// validation to name.
void defaultWorkload(const ResourceType &type, nlohmann::json &object);
// The same for a pod template alone (its spec's and containers' defaults), as Argo Rollouts applies
// them to a Rollout's template before comparing it with a ReplicaSet's, which the API server
// defaulted: `undo` copies such a template back into the Rollout.
void defaultPodTemplate(nlohmann::json &podTemplate);
// What kube's pod strategy makes of the status of a pod a client creates: Pending, with the pod's
// QoS class (BestEffort without CPU or memory requests and limits, Guaranteed when every container
// requests what it limits of both, else Burstable); any status the client sent is dropped. Call it
// after defaultPodRequests. Never throws.
void setCreatedPodStatus(nlohmann::json &pod);

} // namespace Curtain::Sim
