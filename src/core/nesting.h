#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace Curtain::Core {

// Whether a parsed JSON-like tree (nlohmann::json or anything iterable the same way, with
// is_structured()) nests deeper than `limit` levels — found without recursion, since copying or
// comparing such a value recurses once per level and can exhaust the stack.
template <typename Tree>
bool nestedDeeperThan(const Tree &value, std::size_t limit)
{
    std::vector<std::pair<const Tree *, std::size_t>> pending{{&value, 0}};
    while (!pending.empty()) {
        const auto [node, depth] = pending.back();
        pending.pop_back();
        if (!node->is_structured()) {
            continue;
        }
        if (depth >= limit) {
            return true;
        }
        for (const Tree &child : *node) {
            pending.emplace_back(&child, depth + 1);
        }
    }
    return false;
}

} // namespace Curtain::Core
