#pragma once

#include "sim/objectstore.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace Curtain::Sim {

// The Events the Argo Rollouts controller records on a Rollout when its status moves, in its reasons
// and words (utils/conditions): RolloutUpdated, RolloutStepCompleted, RolloutPaused, RolloutAborted
// (Warning), RolloutCompleted. Written as kube's event recorder writes them: core/v1, source and
// reportingComponent rollouts-controller. A console's history reads them like a real cluster's.
void recordRolloutEvents(ObjectStore &store, const nlohmann::json &rollout, const nlohmann::json &before,
                         const nlohmann::json &after, int revision);

// A time in UTC as RFC 3339, with `fractionDigits` (0–9) of the second: the sim's controllers' clock
// text (9 is kubelet's RFC3339Nano of `kubectl logs --timestamps`).
std::string utcText(std::chrono::system_clock::time_point at, int fractionDigits);
inline std::string utcNow(int fractionDigits)
{
    return utcText(std::chrono::system_clock::now(), fractionDigits);
}
// RFC 3339 text ("2026-12-07T10:11:12Z", "…12.5+01:00") as a time; nullopt when it is not that.
std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string &text);

// One Event on an object, as a controller's recorder writes it (for the sim's own controllers).
void recordEvent(ObjectStore &store, const nlohmann::json &regarding, const std::string &type,
                 const std::string &reason, const std::string &message, const std::string &component);

} // namespace Curtain::Sim
