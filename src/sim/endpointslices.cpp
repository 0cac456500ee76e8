#include "sim/endpointslices.h"

#include "sim/jsonread.h"
#include "sim/namerules.h"

namespace Curtain::Sim::EndpointSlices {

using nlohmann::json;

namespace {

json endpointOf(const json &address, bool ready)
{
    json endpoint = {{"addresses", json::array({textAt(address, "/ip")})},
                     {"conditions", {{"ready", ready}, {"serving", ready}, {"terminating", false}}}};
    if (const json *node = fieldAt(address, "/nodeName")) {
        endpoint["nodeName"] = *node;
    }
    if (const json *target = fieldAt(address, "/targetRef")) {
        endpoint["targetRef"] = *target;
    }
    return endpoint;
}

json slice(const Service &service, const json &labels, std::size_t index, json endpoints, const json &ports)
{
    json sliceLabels = labels.is_object() ? labels : json::object();
    sliceLabels["kubernetes.io/service-name"] = service.name;
    sliceLabels["endpointslice.kubernetes.io/managed-by"] = managedBy;
    json object = {{"apiVersion", "discovery.k8s.io/v1"},
                   {"kind", "EndpointSlice"},
                   {"metadata",
                    {{"name", sliceName(service, index)},
                     {"generateName", service.name + "-"},
                     {"namespace", service.ns},
                     {"labels", sliceLabels},
                     {"ownerReferences", json::array({{{"apiVersion", "v1"},
                                                       {"kind", "Service"},
                                                       {"name", service.name},
                                                       {"uid", service.uid},
                                                       {"controller", true},
                                                       {"blockOwnerDeletion", true}}})}}},
                   {"addressType", "IPv4"},
                   {"endpoints", std::move(endpoints)}};
    if (ports.is_array() && !ports.empty()) {
        object["ports"] = ports;
    }
    return object;
}

} // namespace

std::string sliceName(const Service &service, std::size_t index)
{
    return service.name + "-" + generatedSuffix(service.ns + "/" + service.name + "#" + std::to_string(index));
}

std::vector<json> fromSubsets(const Service &service, const json &labels, const json &subsets)
{
    std::vector<json> slices;
    for (const json &subset : subsets.is_array() ? subsets : json::array()) {
        const json ports = valueAt(subset, "/ports", json::array());
        json endpoints = json::array();
        for (const auto &[list, ready] : {std::pair{"/addresses", true}, std::pair{"/notReadyAddresses", false}}) {
            const json addresses = valueAt(subset, list, json::array());
            for (const json &address : addresses.is_array() ? addresses : json::array()) {
                endpoints.push_back(endpointOf(address, ready));
                if (endpoints.size() == maxEndpoints) {
                    slices.push_back(slice(service, labels, slices.size(), std::move(endpoints), ports));
                    endpoints = json::array();
                }
            }
        }
        if (!endpoints.empty()) {
            slices.push_back(slice(service, labels, slices.size(), std::move(endpoints), ports));
        }
    }
    if (slices.empty()) { // a placeholder, as kube keeps one for a Service that selects no pod
        slices.push_back(slice(service, labels, 0, json::array(), json::array()));
    }
    return slices;
}

bool sameSlice(const json &a, const json &b)
{
    for (const char *pointer :
         {"/metadata/labels", "/metadata/ownerReferences", "/addressType", "/endpoints", "/ports"}) {
        const json *left = fieldAt(a, pointer);
        const json *right = fieldAt(b, pointer);
        if ((left == nullptr) != (right == nullptr) || (left && *left != *right)) {
            return false;
        }
    }
    return true;
}

} // namespace Curtain::Sim::EndpointSlices
