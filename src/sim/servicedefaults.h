#pragma once

#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace Curtain::Sim {

// What kube-apiserver fills in on a Service that its writer left out: the type, a cluster IP (on a
// create only: `allocate` gives the next free one; "None" stays headless), its families and
// policies, and each port's protocol and target port. Anything the writer set is kept; only a
// Service of the core group is touched.
void defaultService(const ResourceType &type, nlohmann::json &object,
                    const std::function<std::string()> &allocate = {});
// The address the `sequence`-th allocation tries: within kube's default range 10.96.0.0/12, above
// 10.96.0.x, where clusters keep the kubernetes Service's and the DNS Service's addresses.
std::string serviceAddress(std::uint32_t sequence);
// True for a cluster IP field a writer left empty: absent, null, "" or [] (kube keeps the stored one).
bool leftEmpty(const nlohmann::json &spec, const char *field);

} // namespace Curtain::Sim
