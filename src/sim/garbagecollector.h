#pragma once

namespace Curtain::Sim {

class ObjectStore;

// Kube's garbage collector for foreground deletion (propagationPolicy Foreground, `kubectl delete
// --cascade=foreground`): the API server keeps an owner that has dependents, marked with the
// foregroundDeletion finalizer; each pass deletes its dependents, in the foreground too, and lets
// the owner go once none that blocks it (ownerReferences[].blockOwnerDeletion) is left. A
// Deployment goes after its ReplicaSets, which go after their pods. Background deletion has its own
// collectors (DeploymentReplicaSets, the pod model).
void collectForegroundDeletions(ObjectStore &store);

} // namespace Curtain::Sim
