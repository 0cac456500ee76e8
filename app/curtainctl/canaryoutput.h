#pragma once

#include "core/canary.h"

#include <nlohmann/json.hpp>

#include <QString>

namespace Curtain::Ctl {

// A Flagger Canary's status as `curtainctl status` prints it, and as its -o json "canary" object.
QString canaryText(const Core::CanaryStatus &canary);
nlohmann::json canaryJson(const Core::CanaryStatus &canary);

} // namespace Curtain::Ctl
