// PodModel: the pods a client made itself (kubectl run, a pod manifest), which no workload of the
// model owns. The scheduler binds each to a node and that node's kubelet starts it.
#include "sim/controllerevents.h"
#include "sim/jsonread.h"
#include "sim/nodes.h"
#include "sim/podmodel.h"
#include "sim/resourcetypes.h"

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

// Not started yet: no phase, or Pending, and not being deleted. Runs under the store's lock for
// every pod on every tick, so it only looks up keys.
bool waitingToStart(const json &pod)
{
    const auto metadata = pod.find("metadata");
    if (metadata != pod.end() && metadata->is_object() && metadata->contains("deletionTimestamp")) {
        return false;
    }
    const auto status = pod.find("status");
    if (status == pod.end() || !status->is_object()) {
        return true;
    }
    const auto phase = status->find("phase");
    return phase == status->end() || *phase == "Pending";
}

// 64 hex digits, the same for the same pod and container, as a runtime's container ids look.
std::string containerId(const std::string &seed)
{
    std::string id;
    for (int part = 0; part < 4; ++part) {
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(seed + "#" + std::to_string(part)));
        id += hex;
    }
    return id;
}

json condition(const char *type, const std::string &now)
{
    return {{"type", type}, {"status", "True"}, {"lastProbeTime", nullptr}, {"lastTransitionTime", now}};
}

// What the kubelet reports once every container runs: ready at once (the sim's images start at
// once and no probe fails), one status per container in the spec's order.
json runningStatus(const json &pod, const std::string &address, int node)
{
    const std::string now = utcNow(0);
    json statuses = json::array();
    const json containers = valueAt(pod, "/spec/containers", json::array());
    for (const json &container : containers.is_array() ? containers : json::array()) {
        const std::string name = textAt(container, "/name");
        const std::string image = textAt(container, "/image");
        statuses.push_back({{"name", name},
                            {"image", image},
                            {"imageID", image.empty() ? "" : image + "@sha256:" + std::string(64, '0')},
                            {"containerID", "containerd://" + containerId(textAt(pod, "/metadata/uid") + "/" + name)},
                            {"ready", true},
                            {"started", true},
                            {"restartCount", 0},
                            {"state", {{"running", {{"startedAt", now}}}}}});
    }
    return {{"phase", "Running"},
            {"conditions",
             json::array({condition("PodReadyToStartContainers", now), condition("Initialized", now),
                          condition("Ready", now), condition("ContainersReady", now), condition("PodScheduled", now)})},
            {"hostIP", Nodes::internalIp(node)},
            {"hostIPs", json::array({{{"ip", Nodes::internalIp(node)}}})},
            {"podIP", address},
            {"podIPs", json::array({{{"ip", address}}})},
            {"startTime", now},
            {"qosClass", textAt(pod, "/status/qosClass", "BestEffort")},
            {"containerStatuses", statuses}};
}

// The nodes the scheduler may bind `pod` to: those registered, not cordoned, whose labels carry
// the pod's nodeSelector (affinity and taints are not modelled); when there is none, why, in the
// scheduler's words.
struct Placement
{
    std::vector<int> nodes;
    std::string unschedulable;
};

Placement placementFor(const json &pod, const std::vector<json> &nodes)
{
    Placement placement;
    int cordoned = 0;
    int unmatched = 0;
    json selector = valueAt(pod, "/spec/nodeSelector", json::object());
    if (selector.is_null()) {
        selector = json::object(); // as none
    }
    for (const json &node : nodes) {
        const int number = Nodes::number(textAt(node, "/metadata/name"));
        if (number == 0) {
            continue;
        }
        const json labels = valueAt(node, "/metadata/labels", json::object());
        bool matches = selector.is_object() && labels.is_object();
        for (auto it = selector.begin(); matches && it != selector.end(); ++it) {
            const auto label = labels.find(it.key());
            matches = label != labels.end() && *label == it.value();
        }
        if (valueAt(node, "/spec/unschedulable", false) == true) {
            ++cordoned;
        } else if (!matches) {
            ++unmatched;
        } else {
            placement.nodes.push_back(number);
        }
    }
    if (placement.nodes.empty()) {
        std::string why;
        if (cordoned > 0) {
            why += std::to_string(cordoned) + " node(s) were unschedulable";
        }
        if (unmatched > 0) {
            why += (why.empty() ? "" : ", ") + std::to_string(unmatched) +
                   " node(s) didn't match Pod's node affinity/selector";
        }
        placement.unschedulable = "0/" + std::to_string(cordoned + unmatched) + " nodes are available" +
                                  (why.empty() ? "" : ": " + why) + ".";
    }
    return placement;
}

} // namespace

void PodModel::startStandalonePods()
{
    const std::vector<json> waiting = m_store.select(builtInType("Pod"), waitingToStart);
    const std::vector<json> nodes = waiting.empty() ? std::vector<json>() : m_store.all(builtInType("Node"));
    for (const json &pod : waiting) {
        const std::string ns = textAt(pod, "/metadata/namespace");
        const std::string name = textAt(pod, "/metadata/name");
        const std::string key = ns + "/" + name;
        if (m_podSlots.count(key) > 0) {
            continue; // one of the model's own
        }
        const std::string bound = textAt(pod, "/spec/nodeName"); // bound already: no scheduler asked
        int node = Nodes::number(bound);
        if (bound.empty()) {
            const Placement placement = placementFor(pod, nodes);
            if (placement.nodes.empty()) {
                markUnschedulable(ns, name, placement.unschedulable);
                continue;
            }
            node = placement.nodes[std::hash<std::string>{}(name) % placement.nodes.size()];
        }
        if (node == 0) {
            continue; // bound to a node the cluster does not have: Pending, as no kubelet runs it
        }
        const std::string address = m_addresses.take(key, node);
        if (PodAddresses::nodeOfAddress(address) != node) {
            m_addresses.release(key); // the node's range is full: no CNI there could start it
            continue;
        }
        const std::string uid = textAt(pod, "/metadata/uid");
        bool started = false;
        m_store.updateStatus(builtInType("Pod"), ns, name, [&](json &stored) {
            const auto spec = stored.find("spec");
            if (textAt(stored, "/metadata/uid") != uid || !waitingToStart(stored) || spec == stored.end() ||
                !spec->is_object()) {
                return; // deleted and made again since, or no longer waiting
            }
            (*spec)["nodeName"] = Nodes::name(node);
            stored["status"] = runningStatus(stored, address, node);
            started = true;
        });
        if (!started) {
            m_addresses.release(key);
            continue;
        }
        // What `kubectl describe pod` lists under Events, as the scheduler and the kubelet write them.
        const json regarding = {
            {"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}, {"namespace", ns}, {"uid", uid}}}};
        recordEvent(m_store, regarding, "Normal", "Scheduled",
                    "Successfully assigned " + key + " to " + Nodes::name(node), "default-scheduler");
        for (const json &container : valueAt(pod, "/spec/containers", json::array())) {
            const std::string containerName = textAt(container, "/name");
            recordEvent(m_store, regarding, "Normal", "Started", "Started container " + containerName, "kubelet");
        }
    }
}

void PodModel::markUnschedulable(const std::string &ns, const std::string &pod, const std::string &why)
{
    json marked;
    m_store.updateStatus(builtInType("Pod"), ns, pod, [&why, &marked](json &stored) {
        const auto status = stored.find("status");
        if (status == stored.end() || !status->is_object() || textAt(*status, "/conditions/0/message") == why) {
            return; // said already: no write, and no event, on every tick
        }
        marked = stored;
        (*status)["conditions"] = json::array({{{"type", "PodScheduled"},
                                                {"status", "False"},
                                                {"reason", "Unschedulable"},
                                                {"message", why},
                                                {"lastProbeTime", nullptr},
                                                {"lastTransitionTime", utcNow(0)}}});
    });
    if (!marked.is_null()) { // what `kubectl describe pod` shows under Events
        recordEvent(m_store, marked, "Warning", "FailedScheduling", why, "default-scheduler");
    }
}

} // namespace Curtain::Sim
