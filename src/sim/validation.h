#pragma once

#include "sim/apistatus.h"
#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace Curtain::Sim {

// The checks kube-apiserver (or a CRD's structural schema) makes before it stores an object, for the
// fields the demo's clients and its own model read: names, labels, sizes, and the shape and types of
// each kind's spec. The first problem found comes back as kube-apiserver's 422 Invalid Status
// ("Deployment.apps "x" is invalid: spec.replicas: Invalid value: …"). Never throws.
// With `schemaless`, custom resources are checked only as far as their metadata, as a CRD without a
// schema does.
std::optional<ApiStatus> validateObject(const ResourceType &type, const nlohmann::json &object, bool schemaless);

// A 422 Invalid Status for one field, e.g. ("spec.replicas", "Invalid value: -1: must be …").
ApiStatus invalid(const ResourceType &type, const std::string &name, const std::string &field,
                  const std::string &detail);

} // namespace Curtain::Sim
