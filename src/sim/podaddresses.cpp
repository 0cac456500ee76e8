#include "sim/podaddresses.h"

#include "sim/ipv4.h"

#include <algorithm>

namespace Curtain::Sim {

std::string PodAddresses::rangeOf(int node)
{
    return formatIpv4(base(std::clamp(node, 1, nodes))) + "/18";
}

std::string PodAddresses::take(const std::string &podKey, int node)
{
    if (const auto held = m_byPod.find(podKey); held != m_byPod.end()) {
        return formatIpv4(held->second);
    }
    for (int step = 0; step < nodes; ++step) {
        const int on = (std::clamp(node, 1, nodes) - 1 + step) % nodes + 1;
        if (m_count[std::size_t(on - 1)] >= perNode - 3) {
            continue; // full: no scan of 16,381 held addresses per pod
        }
        std::uint32_t &next = m_next[std::size_t(on - 1)];
        // The range's first two addresses are the network's and its gateway's, the last its broadcast.
        for (std::uint32_t tried = 0; tried < perNode - 3; ++tried, ++next) {
            const std::uint32_t address = base(on) + 2 + next % (perNode - 3);
            if (m_held.count(address) == 0) {
                ++next;
                hold(podKey, address);
                return formatIpv4(address);
            }
        }
    }
    return {}; // 49,143 pods hold every address: this one has none, as a pod no CNI could serve
}

int PodAddresses::nodeOfAddress(const std::string &address)
{
    const auto parsed = parseIpv4(address);
    return parsed && *parsed >= base(1) && *parsed < base(1) + nodes * perNode ? nodeOf(*parsed) : 0;
}

void PodAddresses::hold(const std::string &podKey, std::uint32_t address)
{
    m_held.insert(address);
    m_byPod[podKey] = address;
    ++m_count[std::size_t(nodeOf(address) - 1)];
}

void PodAddresses::release(const std::string &podKey)
{
    if (const auto held = m_byPod.find(podKey); held != m_byPod.end()) {
        m_held.erase(held->second);
        --m_count[std::size_t(nodeOf(held->second) - 1)];
        m_byPod.erase(held);
    }
}

void PodAddresses::forgetNamespace(const std::string &ns)
{
    const std::string prefix = ns + "/";
    for (auto it = m_byPod.lower_bound(prefix); it != m_byPod.end() && it->first.rfind(prefix, 0) == 0;) {
        m_held.erase(it->second);
        --m_count[std::size_t(nodeOf(it->second) - 1)];
        it = m_byPod.erase(it);
    }
}

void PodAddresses::rebuild(const std::map<std::string, std::string> &live)
{
    m_byPod.clear();
    m_held.clear();
    m_count.assign(nodes, 0);
    for (const auto &[podKey, text] : live) {
        const auto address = parseIpv4(text);
        // Only the usable addresses of the nodes' ranges: a client's pod may carry any it likes.
        const std::uint32_t offset = address ? (*address - base(1)) % perNode : 0;
        if (address && *address >= base(1) && *address < base(1) + nodes * perNode && offset >= 2 &&
            offset < perNode - 1 && m_held.count(*address) == 0) {
            hold(podKey, *address);
        }
    }
}

} // namespace Curtain::Sim
