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
// Each row carries its object's metadata (includeObject=Metadata, kubectl's default), or the whole
// object with `wholeObjects` (includeObject=Object, which kubectl asks for to --sort-by a field).
nlohmann::json tableOf(const ResourceType &type, const std::vector<nlohmann::json> &objects,
                       std::uint64_t resourceVersion, bool wholeObjects = false);

// A workload's spec.selector as kube's FormatLabelSelector writes it ("app=web,tier in (a,b)"); ""
// when it selects by nothing. The Selector column and a Scale's status.selector.
std::string formatLabelSelector(const nlohmann::json &workload);

} // namespace Curtain::Sim
