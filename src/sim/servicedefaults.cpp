#include "sim/servicedefaults.h"

#include "sim/defaulting.h"
#include "sim/ipv4.h"

#include <string>

namespace Curtain::Sim {

using nlohmann::json;

std::string serviceAddress(std::uint32_t sequence)
{
    const std::uint32_t host = 256 + sequence % (16 * 65536 - 512);
    return formatIpv4((10u << 24) | (96u << 16) | host);
}

bool leftEmpty(const json &spec, const char *field)
{
    const auto it = spec.find(field);
    return it == spec.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string &>().empty()) ||
           (it->is_array() && it->empty());
}

void defaultService(const ResourceType &type, json &object, const std::function<std::string()> &allocate)
{
    if (!type.builtin || type.kind != "Service" || !object.is_object()) {
        return;
    }
    if (!object.contains("spec") || object["spec"].is_null()) {
        object["spec"] = json::object();
    }
    json &spec = object["spec"];
    if (!spec.is_object()) {
        return; // validation names it
    }
    keepOrSet(spec, "type", "ClusterIP");
    if (!spec["type"].is_string() || spec["type"] == "ExternalName") {
        return;
    }
    if (leftEmpty(spec, "clusterIP") && allocate) {
        spec["clusterIP"] = allocate();
    }
    if (spec.contains("clusterIP") && spec["clusterIP"].is_string() && leftEmpty(spec, "clusterIPs")) {
        spec["clusterIPs"] = json::array({spec["clusterIP"]});
    }
    keepOrSet(spec, "ipFamilies", json::array({"IPv4"}));
    keepOrSetUnlessGiven(spec, "ipFamilyPolicy", "SingleStack");
    keepOrSet(spec, "sessionAffinity", "None");
    keepOrSetUnlessGiven(spec, "internalTrafficPolicy", "Cluster");
    if (spec.contains("ports") && spec["ports"].is_array()) {
        for (json &port : spec["ports"]) {
            if (!port.is_object()) {
                continue;
            }
            keepOrSet(port, "protocol", "TCP");
            if (port.contains("port")) {
                keepOrSet(port, "targetPort", port["port"], true);
            }
        }
    }
}

} // namespace Curtain::Sim
