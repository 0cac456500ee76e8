#pragma once

#include "core/release.h"

#include <optional>

namespace Curtain::Core {

// A flip sends everything at once, so the color taking over must be as big as the one serving.
struct CapacityShortfall
{
    Color target;   // the color a flip would send all traffic to
    int ready = 0;  // its ready replicas
    Color serving;  // the color carrying the traffic now
    int needed = 0; // the serving color's ready replicas: what the target must reach
};

// What stands between this release and a flip, capacity-wise; nothing when the target is big enough.
std::optional<CapacityShortfall> flipShortfall(const ReleaseSnapshot &release);

} // namespace Curtain::Core
