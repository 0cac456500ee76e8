#include "sim/podaddresses.h"

#include "sim/ipv4.h"

#include <algorithm>

namespace Curtain::Sim {

std::string PodAddresses::take(const std::string &podKey, int node)
{
    if (const auto held = m_byPod.find(podKey); held != m_byPod.end()) {
        return formatIpv4(held->second);
    }
    node = std::clamp(node, 1, nodes);
    std::uint32_t &next = m_next[std::size_t(node - 1)];
    // The range's first two addresses are the network's and its gateway's, the last its broadcast.
    for (std::uint32_t tried = 0; tried < perNode; ++tried, ++next) {
        const std::uint32_t offset = 2 + next % (perNode - 3);
        const std::uint32_t address = base(node) + offset;
        if (m_held.insert(address).second) {
            ++next;
            m_byPod[podKey] = address;
            return formatIpv4(address);
        }
    }
    return formatIpv4(base(node) + 2); // every address of the node is held: 16,381 pods on one node
}

void PodAddresses::release(const std::string &podKey)
{
    if (const auto held = m_byPod.find(podKey); held != m_byPod.end()) {
        m_held.erase(held->second);
        m_byPod.erase(held);
    }
}

void PodAddresses::rebuild(const std::map<std::string, std::string> &live)
{
    m_byPod.clear();
    m_held.clear();
    for (const auto &[podKey, text] : live) {
        if (const auto address = parseIpv4(text); address && m_held.insert(*address).second) {
            m_byPod[podKey] = *address;
        }
    }
}

} // namespace Curtain::Sim
