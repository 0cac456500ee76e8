#pragma once

#include "sim/apistatus.h"
#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace Curtain::Sim {

// One field's problem, e.g. ("spec.replicas", "Invalid value: -1: must be …").
struct FieldError
{
    std::string field;
    std::string detail;
    bool operator==(const FieldError &) const = default;
};

// The checks kube-apiserver (or a CRD's structural schema) makes before it stores an object, for the
// fields the demo's clients and its own model read: names, labels, sizes, and the shape and types of
// each kind's spec. Every problem, in the order kube finds them (the first thousand). Never throws.
// With `schemaless`, custom resources are checked only as far as their metadata, as a CRD without a
// schema does.
std::vector<FieldError> validationErrors(const ResourceType &type, const nlohmann::json &object, bool schemaless);
// The same as kube-apiserver's 422 Invalid Status ("Deployment.apps "x" is invalid: spec.replicas:
// Invalid value: …", or "… is invalid: [a, b]" with a cause each); nullopt when valid.
std::optional<ApiStatus> validateObject(const ResourceType &type, const nlohmann::json &object, bool schemaless);

// A 422 Invalid Status for these problems, in their order.
ApiStatus invalid(const ResourceType &type, const std::string &name, const std::vector<FieldError> &errors);
// A 422 Invalid Status for one field.
ApiStatus invalid(const ResourceType &type, const std::string &name, const std::string &field,
                  const std::string &detail);

} // namespace Curtain::Sim
