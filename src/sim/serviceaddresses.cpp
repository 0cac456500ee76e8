#include "sim/serviceaddresses.h"

#include "sim/ipv4.h"
#include "sim/jsonread.h"
#include "sim/servicedefaults.h"
#include "sim/validation.h"

#include <algorithm>
#include <functional>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

// The address a new Service asks for, as kube-apiserver's allocator takes it: clusterIP, or else the
// first of clusterIPs (copied into clusterIP); it must be an IPv4 address in the service range and
// held by no other Service. Headless ("None") and empty ask for nothing.
std::optional<ApiStatus> checkAskedAddress(const ResourceType &type, json &object,
                                           const std::function<bool(const std::string &)> &held)
{
    std::string asked = textAt(object, "/spec/clusterIP");
    const json *listed = fieldAt(object, "/spec/clusterIPs");
    if (asked.empty() && listed && listed->is_array() && !listed->empty() && listed->front().is_string()) {
        asked = listed->front().get<std::string>();
        object["spec"]["clusterIP"] = asked;
    }
    if (asked.empty() || asked == "None") {
        return std::nullopt;
    }
    const std::string name = textAt(object, "/metadata/name");
    const std::optional<std::uint32_t> parsed = parseIpv4(asked);
    if (!parsed) {
        return invalid(type, name, "spec.clusterIPs[0]",
                       "Invalid value: \"" + asked +
                           "\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    }
    const std::string failed = "Invalid value: []string{\"" + asked + "\"}: failed to allocate IP " + asked + ": ";
    if ((*parsed & 0xfff00000u) != 0x0a600000u) { // 10.96.0.0/12
        return invalid(type, name, "spec.clusterIPs",
                       failed + "the provided IP (" + asked +
                           ") is not in the valid range. The range of valid IPs is 10.96.0.0/12");
    }
    if (held(asked)) {
        return invalid(type, name, "spec.clusterIPs", failed + "provided IP is already allocated");
    }
    return std::nullopt;
}

} // namespace

std::optional<ApiStatus> ServiceAddresses::assign(const ResourceType &type, json &object, bool dryRun)
{
    if (!type.builtin || type.kind != "Service") {
        return std::nullopt;
    }
    const auto held = [this](const std::string &address) { return this->held(address); };
    if (auto refused = checkAskedAddress(type, object, held)) {
        return refused;
    }
    std::uint32_t next = m_next;
    defaultService(type, object, [&] {
        std::string address = serviceAddress(next);
        for (std::uint32_t tries = 0; held(address) && tries < 16 * 65536; ++tries) {
            address = serviceAddress(++next);
        }
        ++next;
        return address;
    });
    if (!dryRun) {
        m_next = next;
    }
    return std::nullopt;
}

void ServiceAddresses::reindex(const ResourceType &type, const json *before, const json *after)
{
    if (!type.builtin || type.kind != "Service") {
        return;
    }
    const std::string was = before ? textAt(*before, "/spec/clusterIP") : std::string();
    const std::string is = after ? textAt(*after, "/spec/clusterIP") : std::string();
    if (was == is) {
        return;
    }
    if (const auto held = m_held.find(was); held != m_held.end() && --held->second == 0) {
        m_held.erase(held);
    }
    if (!is.empty() && is != "None") {
        ++m_held[is];
    }
}

} // namespace Curtain::Sim
