#include "sim/nodes.h"

#include "sim/controllerevents.h"
#include "sim/jsonread.h"
#include "sim/objectstore.h"
#include "sim/podaddresses.h"
#include "sim/resourcetypes.h"

namespace Curtain::Sim::Nodes {

using nlohmann::json;

namespace {

constexpr const char *kubeletVersion = "v1.30.0"; // the API server's own (/version)

json nodeObject(int node)
{
    const std::string range = PodAddresses::rangeOf(node);
    json labels = {{"kubernetes.io/hostname", name(node)},
                   {"kubernetes.io/os", "linux"},
                   {"kubernetes.io/arch", "amd64"},
                   {"beta.kubernetes.io/os", "linux"},
                   {"beta.kubernetes.io/arch", "amd64"}};
    if (node == 1) {
        labels["node-role.kubernetes.io/control-plane"] = "";
    }
    return {{"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata", {{"name", name(node)}, {"labels", labels}}},
            {"spec", {{"podCIDR", range}, {"podCIDRs", json::array({range})}}}};
}

json condition(const char *type, const char *status, const char *reason, const char *message, const std::string &now)
{
    return {{"type", type},       {"status", status},         {"reason", reason},
            {"message", message}, {"lastHeartbeatTime", now}, {"lastTransitionTime", now}};
}

json nodeStatus(int node)
{
    const std::string now = utcNow(0);
    const json resources = {{"cpu", "8"}, {"memory", "32780604Ki"}, {"pods", "110"}, {"ephemeral-storage", "100Gi"}};
    return {
        {"capacity", resources},
        {"allocatable", resources},
        {"addresses", json::array({{{"type", "InternalIP"}, {"address", internalIp(node)}},
                                   {{"type", "Hostname"}, {"address", name(node)}}})},
        {"conditions",
         json::array(
             {condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available", now),
              condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
              condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
              condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now)})},
        {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
        {"nodeInfo",
         {{"architecture", "amd64"},
          {"bootID", ""},
          {"containerRuntimeVersion", "containerd://1.7.24"},
          {"kernelVersion", "6.1.0-curtain-sim"},
          {"kubeProxyVersion", kubeletVersion},
          {"kubeletVersion", kubeletVersion},
          {"machineID", ""},
          {"operatingSystem", "linux"},
          {"osImage", "Debian GNU/Linux 12 (bookworm)"},
          {"systemUUID", ""}}}};
}

constexpr const char *leaseNamespace = "kube-node-lease";

json leaseSpec(int node, const std::string &now)
{
    return {{"holderIdentity", name(node)}, {"leaseDurationSeconds", 40}, {"renewTime", now}};
}

// Kubelet's lease names its Node as owner; a Node registered again (a new uid) takes it over at once.
json leaseOwner(const json &nodeObject)
{
    return json::array({{{"apiVersion", "v1"},
                         {"kind", "Node"},
                         {"name", textAt(nodeObject, "/metadata/name")},
                         {"uid", textAt(nodeObject, "/metadata/uid")}}});
}

} // namespace

std::string name(int node)
{
    return "sim-node-" + std::to_string(node);
}

int number(const std::string &nodeName)
{
    for (int node = 1; node <= PodAddresses::nodes; ++node) {
        if (nodeName == name(node)) {
            return node;
        }
    }
    return 0;
}

std::string internalIp(int node)
{
    return "172.18.0." + std::to_string(node + 1);
}

bool registerAll(ObjectStore &store)
{
    bool registered = false;
    const ResourceType &nodes = builtInType("Node");
    for (int node = 1; node <= PodAddresses::nodes; ++node) {
        if (store.contains(nodes, {}, name(node))) {
            continue;
        }
        store.create(nodes, {}, nodeObject(node));
        store.updateStatus(nodes, {}, name(node), [node](json &object) { object["status"] = nodeStatus(node); });
        registered = true;
    }
    return registered;
}

void renewLeases(ObjectStore &store)
{
    const ResourceType &namespaces = builtInType("Namespace");
    if (!store.contains(namespaces, {}, leaseNamespace)) {
        store.create(namespaces, {},
                     {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", leaseNamespace}}}});
    }
    const ResourceType &nodes = builtInType("Node");
    const ResourceType &leases = builtInType("Lease");
    const std::string now = utcNow(6); // a MicroTime
    for (int node = 1; node <= PodAddresses::nodes; ++node) {
        const Outcome<json> registered = store.get(nodes, {}, name(node));
        const json *nodeObject = std::get_if<json>(&registered);
        if (!nodeObject) {
            continue; // registered again at the next tick, its lease with it
        }
        if (!store.contains(leases, leaseNamespace, name(node))) {
            store.create(leases, leaseNamespace,
                         {{"apiVersion", "coordination.k8s.io/v1"},
                          {"kind", "Lease"},
                          {"metadata", {{"name", name(node)}, {"ownerReferences", leaseOwner(*nodeObject)}}},
                          {"spec", leaseSpec(node, now)}});
            continue;
        }
        const json renewal = {{"metadata", {{"ownerReferences", leaseOwner(*nodeObject)}}},
                              {"spec", leaseSpec(node, now)}};
        store.patch(leases, leaseNamespace, name(node), "application/merge-patch+json", renewal.dump(), false);
    }
}

} // namespace Curtain::Sim::Nodes
