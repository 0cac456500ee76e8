#pragma once

#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace Curtain::Sim {

// kubectl asks for server-side printing (Accept: …;as=Table;g=meta.k8s.io;v=v1); these build the
// meta.k8s.io/v1 Table with the columns kubectl shows for each kind.
bool wantsTable(const std::string &accept);
nlohmann::json tableOf(const ResourceType &type, const std::vector<nlohmann::json> &objects,
                       std::uint64_t resourceVersion);

} // namespace Curtain::Sim
