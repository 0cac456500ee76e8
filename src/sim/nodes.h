#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace Curtain::Sim {

class ObjectStore;

// The cluster's nodes as their kubelets register them: PodAddresses::nodes Nodes (sim-node-1 …),
// each Ready, with the pod range its pods take their addresses from and an InternalIP of its own,
// so that `kubectl get nodes -o wide` and a pod's hostIP read as on a small cluster; each renews its
// Lease as a kubelet does.
namespace Nodes {

std::string name(int node);          // "sim-node-N"
int number(const std::string &name); // 1..PodAddresses::nodes, or 0 for any other name
std::string internalIp(int node);    // 172.18.0.(N+1), as kind's nodes have
// Registers every node (object and status) in `store`; those already there are left as they are.
// True when it registered one.
bool registerAll(ObjectStore &store);
// Each kubelet's heartbeat: its Lease in kube-node-lease (made with the namespace when missing),
// held by its node for 40 s and renewed now. `kubectl describe node` reads it.
void renewLeases(ObjectStore &store);
constexpr int leaseRenewSeconds = 10; // kubelet renews every quarter of the lease's 40 s

} // namespace Nodes

} // namespace Curtain::Sim
