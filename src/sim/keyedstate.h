#pragma once

#include <string>

namespace Curtain::Sim {

// Drops the entries of a controller's state (a std::map keyed "namespace/name", "kind/namespace/name"…)
// whose key starts with `prefix`: what it kept of a namespace that was deleted, so that one made again
// under that name starts as new (fresh pod names, no old log lines, counters from zero).
template <typename Map>
void eraseKeysStartingWith(Map &map, const std::string &prefix)
{
    for (auto it = map.lower_bound(prefix); it != map.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
        it = map.erase(it);
    }
}

} // namespace Curtain::Sim
