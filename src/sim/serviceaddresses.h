#pragma once

#include "sim/apistatus.h"
#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace Curtain::Sim {

// The cluster IPs of the store's Services, as kube-apiserver's allocator keeps them: which address
// each Service holds (an index kept with every write: a scan of every Service per create made
// thousands of them quadratic) and the next one offered. The store calls it under its own lock.
class ServiceAddresses
{
public:
    // A new Service's defaults and cluster IP: the next address no Service holds (a dry run takes
    // none). An address the writer asks for that is no IPv4 address, lies outside the service range
    // or that another Service holds is refused, with the allocator's error; anything else of the
    // core group passes untouched.
    std::optional<ApiStatus> assign(const ResourceType &type, nlohmann::json &object, bool dryRun);
    // Records that a Service went from `before` to `after` (either null for a create or a delete).
    void reindex(const ResourceType &type, const nlohmann::json *before, const nlohmann::json *after);

private:
    bool held(const std::string &address) const { return m_held.count(address) > 0; }

    std::uint32_t m_next = 0;                  // the next cluster IP a Service is offered
    std::map<std::string, std::size_t> m_held; // each cluster IP Services hold, and by how many
};

} // namespace Curtain::Sim
