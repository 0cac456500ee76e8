#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace Curtain::Sim {

// Pod IPs as a CNI's host-local IPAM hands them out: each node has a range of its own (sim-node-1
// 10.42.0.0/18, sim-node-2 10.42.64.0/18, sim-node-3 10.42.128.0/18), and a pod gets the next
// address of its node's range no live pod holds. An address a pod held is free again once the pod
// is gone. (Pod IPs came from a hash of the pod's name: 566 of 8,057 pods shared one at 2,000
// releases, so Endpoints listed one address for two pods.) The tick thread's own.
class PodAddresses
{
public:
    static constexpr int nodes = 3;

    // The address of the new pod `podKey` ("namespace/name") on node 1..nodes (another node's when
    // that one's range is full; "" when every range is); the one it holds if it has one already.
    std::string take(const std::string &podKey, int node);
    void release(const std::string &podKey);
    // The node whose range holds `address` (as take() gave it), or 0.
    static int nodeOfAddress(const std::string &address);
    // Node 1..nodes's range as a CIDR (its Node's spec.podCIDR), e.g. "10.42.64.0/18".
    static std::string rangeOf(int node);
    // Frees what the pods of a deleted namespace held.
    void forgetNamespace(const std::string &ns);
    // Starts over from the pods that exist (podKey → address), when their deletions cannot be followed.
    void rebuild(const std::map<std::string, std::string> &live);

private:
    static constexpr std::uint32_t perNode = 1u << 14; // a /18
    static std::uint32_t base(int node) { return (10u << 24) | (42u << 16) | std::uint32_t(node - 1) * perNode; }

    std::map<std::string, std::uint32_t> m_byPod;
    std::set<std::uint32_t> m_held;
    std::vector<std::uint32_t> m_next = std::vector<std::uint32_t>(nodes, 0);  // per node: the offset tried next
    std::vector<std::uint32_t> m_count = std::vector<std::uint32_t>(nodes, 0); // per node: addresses held
    static int nodeOf(std::uint32_t address) { return int((address - base(1)) / perNode) + 1; }
    void hold(const std::string &podKey, std::uint32_t address);
};

} // namespace Curtain::Sim
