#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace Curtain::Sim::EndpointSlices {

// What kube's EndpointSlice controller writes for a Service with a selector, made from the subsets
// the endpoints controller computed for its Endpoints: one slice per port set, at most
// maxEndpoints endpoints each (kube's default), a ready address ready and serving, a not-ready one
// neither; one slice without endpoints when the selector picks no pod. Each is labelled with its
// Service's name and this controller, owned by the Service, named `<service>-<five characters>`,
// the same name for the same slice every time. `kubectl get endpointslices` and kubectl 1.33's
// `describe service` read them.
constexpr std::size_t maxEndpoints = 100;
constexpr const char *managedBy = "endpointslice-controller.k8s.io";

struct Service
{
    std::string ns;
    std::string name;
    std::string uid;
};

std::vector<nlohmann::json> fromSubsets(const Service &service, const nlohmann::json &labels,
                                        const nlohmann::json &subsets);
std::string sliceName(const Service &service, std::size_t index);
// Whether two slices say the same: labels, owner, address type, endpoints and ports.
bool sameSlice(const nlohmann::json &a, const nlohmann::json &b);

} // namespace Curtain::Sim::EndpointSlices
