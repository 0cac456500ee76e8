#pragma once

#include "sim/keyedstate.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace Curtain::Sim {

class ObjectStore;

// A ReplicaSet's status as its controller writes it: `replicas` of which `ready` are ready and
// available. Shared by the Argo and the deployment controllers; a status some client replaced with
// a non-object stays as it is.
void writeReplicaSetStatus(ObjectStore &store, const std::string &ns, const std::string &name, long long replicas,
                           long long ready);

// A Deployment's ReplicaSets, kept as the deployment controller keeps them, so that `kubectl get rs`,
// `kubectl rollout history` and `kubectl rollout undo` work on the demo's Deployments:
// - one ReplicaSet per pod template, named <deployment>-<pod-template-hash>, owned by the Deployment,
//   its template and selector carrying the pod-template-hash label;
// - numbered by deployment.kubernetes.io/revision (the Deployment carries its current one); a template
//   that comes back (an undo) takes its old ReplicaSet and the next number;
// - the current one scaled to the Deployment's replicas, the one before it to what the rollout still
//   leaves it, older ones to 0; their status follows the Deployment's counts.
// The pods stay the cluster model's (PodModel makes them for the Deployment, owned by its current
// ReplicaSet); traffic goes to the Deployment. When a Deployment is deleted, its ReplicaSets and pods
// go too, as the garbage collector would take them.
class DeploymentReplicaSets
{
public:
    explicit DeploymentReplicaSets(ObjectStore &store) : m_store(store) {}

    // After a step of `deployment` (as read before it): `updated` and `ready` are the counts its
    // status is about to carry. Returns the current ReplicaSet's revision (0 if none could be kept).
    int follow(const nlohmann::json &deployment, long long updated, long long ready);
    // The Deployment's revision annotation set to `revision`, once its status is written.
    void annotateRevision(const nlohmann::json &deployment, int revision);
    // ReplicaSets and pods of the Deployments deleted since the last call.
    void collectGarbage();
    // The Deployments ("namespace/name") one of whose ReplicaSets someone deleted since the last
    // call: the controller makes it again (follow), as it would for any Deployment without one.
    std::vector<std::string> takeOrphaned();
    // Drops what it kept of a namespace that was deleted.
    void forgetNamespace(const std::string &ns) { eraseKeysStartingWith(m_owned, ns + "/"); }

    static bool ownedByDeployment(const nlohmann::json &replicaSet);
    static int revisionOf(const nlohmann::json &object); // its revision annotation; 0 without one
    // Whether it has one: cheap enough for a filter run over every Deployment under the store's lock.
    static bool hasRevision(const nlohmann::json &deployment);
    static std::string replicaSetName(const nlohmann::json &deployment); // <name>-<pod-template-hash>

private:
    // The ReplicaSets of the Deployment, current first, read by name: a scan of every ReplicaSet per
    // Deployment made thousands of them (bench_scale) hold the store for seconds.
    std::vector<nlohmann::json> ownedReplicaSets(const nlohmann::json &deployment, const std::string &hash);

    ObjectStore &m_store;
    std::uint64_t m_deletionsSeen = 0;
    std::uint64_t m_replicaSetDeletionsSeen = 0;
    std::map<std::string, std::vector<std::string>> m_owned; // namespace/deployment: its ReplicaSets' names
};

} // namespace Curtain::Sim
