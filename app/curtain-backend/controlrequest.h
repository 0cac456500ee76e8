#pragma once

#include "backendoptions.h"

#include <string>
#include <string_view>
#include <variant>

namespace Curtain::Backend {

// POST /control: the pod's new behaviour from a form (error-rate=0.03&latency=50ms) or a JSON object
// ({"error-rate": 0.03, "healthy": false}); fields not named keep their value, and a new latency
// without a p99 keeps the old spread. On any bad field nothing changes: the error names the field
// and what it should be.
std::variant<Behaviour, std::string> applyControl(const Behaviour &current, std::string_view contentType,
                                                  std::string_view body);

// The settings as the JSON object /control answers with.
std::string behaviourJson(const Behaviour &behaviour);

} // namespace Curtain::Backend
