#pragma once

#include "sim/objectstore.h"

#include <nlohmann/json.hpp>

#include <string>

namespace Curtain::Sim {

// The Events the Argo Rollouts controller records on a Rollout when its status moves, in its reasons
// and words (utils/conditions): RolloutUpdated, RolloutStepCompleted, RolloutPaused, RolloutAborted
// (Warning), RolloutCompleted. Written as kube's event recorder writes them: core/v1, source and
// reportingComponent rollouts-controller. A console's history reads them like a real cluster's.
void recordRolloutEvents(ObjectStore &store, const nlohmann::json &rollout, const nlohmann::json &before,
                         const nlohmann::json &after, int revision);

// Now in UTC as RFC 3339, with `fractionDigits` (0–6) of the second: the sim's controllers' clock text.
std::string utcNow(int fractionDigits);

// One Event on an object, as a controller's recorder writes it (for the sim's own controllers).
void recordEvent(ObjectStore &store, const nlohmann::json &regarding, const std::string &type,
                 const std::string &reason, const std::string &message, const std::string &component);

} // namespace Curtain::Sim
