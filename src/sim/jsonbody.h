#pragma once

#include "sim/apistatus.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace Curtain::Sim {

// How deep a request body or a stored object may nest. Real objects stay under 20 levels; nlohmann
// copies, compares, dumps and destroys values recursively, so a 20,000-deep body would overflow the
// stack of whichever thread touched it next.
constexpr std::size_t maxJsonDepth = 100;

// A request body parsed as JSON, or the 400 Status its client gets: refused by a scan before
// nlohmann builds anything when it nests deeper than maxJsonDepth, refused when it is not JSON.
Outcome<nlohmann::json> parseBody(std::string_view text);

// Whether `value` nests objects and arrays deeper than `limit` levels, found without recursion
// (a patch can make a stored object deeper than the body that patched it).
bool nestedDeeperThan(const nlohmann::json &value, std::size_t limit);

} // namespace Curtain::Sim
