#pragma once

#include "sim/apistatus.h"
#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace Curtain::Sim {

// Resource quantities ("250m", "1.5Gi", 2) as kube-apiserver stores requests and limits: parsed,
// rounded up to milli, and written back in canonical form — the largest suffix of the same family
// that keeps the number whole ("1.5" → "1500m", "1000" → "1k", "0.5Gi" → "512Mi", 1 → "1") —
// unless apimachinery keeps the client's text ("1.250", "+1", "1E3" read as canonical enough). A
// client that decodes an object into typed structs and sends it back (`kubectl rollout undo`,
// `kubectl edit`) sends this form, so the template a ReplicaSet was made from compares equal again.

// The canonical text of a quantity given as a JSON string or number; nullopt when it is not one
// (kube's "quantities must match the regular expression …"). Values past 64 bits of
// mantissa are kept as written. Never throws.
std::optional<std::string> canonicalQuantity(const nlohmann::json &value);

// How two quantities compare: -1, 0 or 1 as `a` is less than, equal to or greater than `b` ("500m"
// < "1" = "1000m" < "1Ki"), each rounded up to milli first as kube's defaulting rounds requests and
// limits before they are validated ("1n" = "1m"); nullopt when either is not a quantity. Past 19
// digits or an exponent of ±100 the order is that of long doubles: the sign and any wide gap are
// right, two such values within a rounding error of each other may compare equal. Never throws.
std::optional<int> compareQuantities(const nlohmann::json &a, const nlohmann::json &b);

// Whether a huge-page quantity is a whole number of pages of `pageSize` ("2Mi" for hugepages-2Mi),
// as kube's IsHugePageResourceValueDivisible reads it: a page size that is not a positive whole
// quantity divides nothing. nullopt when the value is not a quantity or is past 64 bits.
std::optional<bool> isHugePageMultiple(const std::string &pageSize, const nlohmann::json &value);

// A Pod's containers and init containers request what they limit unless they request otherwise, as
// kube's defaulting (SetDefaults_Pod) sets it; only for Pods, not pod templates. Never throws.
void defaultPodRequests(const ResourceType &type, nlohmann::json &object);

// Whether a quantity, rounded up to milli as kube reads it, is a whole number ("3", "3000m", "1Ki";
// not "1500m" or "0.5"): extended resources must be. Exact past 64 bits of mantissa too (kube's cap
// of such values at 2^63-1 is not modelled). nullopt when it is not a quantity. Never throws.
std::optional<bool> isWholeQuantity(const nlohmann::json &value);

// Every quantity of a Pod's spec, or of a Deployment's or ReplicaSet's pod template (containers',
// init containers' and ephemeral containers' requests and limits; the pod overhead), rewritten in
// canonical form; a value that is not a quantity is kube's 400 BadRequest and changes nothing.
// Other kinds pass untouched.
std::optional<ApiStatus> canonicalizeQuantities(const ResourceType &type, nlohmann::json &object);

} // namespace Curtain::Sim
