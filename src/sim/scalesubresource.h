#pragma once

#include "sim/apistatus.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace Curtain::Sim {

class ObjectStore;
struct ResourceType;
struct Target;

// The /scale subresource of Deployments and ReplicaSets: an autoscaling/v1 Scale, as `kubectl scale`
// and autoscalers read and write it. A write changes the object's spec.replicas and nothing else.
bool isScaleTarget(const Target &target);
// autoscaling/v1 Scale, the kind the subresource reads and writes: what fieldValidation checks a
// write's body against.
const ResourceType &scaleType();
Outcome<nlohmann::json> getScale(const ObjectStore &store, const Target &target);
// PATCH (merge, strategic merge or JSON patch of the Scale) and PUT (a whole Scale; its
// metadata.resourceVersion, when set, must be the object's). `admitPatched`, when given, sees the
// Scale a JSON patch made before anything is written, and may refuse it (fieldValidation).
using AdmitScale = std::function<std::optional<ApiStatus>(const nlohmann::json &scale)>;
Outcome<nlohmann::json> patchScale(ObjectStore &store, const Target &target, const std::string &contentType,
                                   const std::string &body, bool dryRun = false, const AdmitScale &admitPatched = {});
Outcome<nlohmann::json> updateScale(ObjectStore &store, const Target &target, const std::string &body,
                                    bool dryRun = false);

} // namespace Curtain::Sim
