#pragma once

#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace Curtain::Sim {

// What kube-apiserver fills in on a new Service that its writer left out: the type, a cluster IP
// from the service range (the `sequence`-th the store hands out; "None" stays headless), its
// families and policies, and each port's protocol and target port. Anything the writer set is kept;
// only a Service of the core group is touched.
void defaultService(const ResourceType &type, nlohmann::json &object, std::uint32_t sequence);

} // namespace Curtain::Sim
