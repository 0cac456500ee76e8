#pragma once

#include "core/action.h"
#include "core/result.h"
#include "haproxy/fleetstate.h"

namespace Curtain::Engine {

// What an action does to a fleet release, decided before anything is sent; curtainctl and the
// console decide the same way.
struct FleetMove
{
    enum class Kind { Share, Map };
    Kind kind = Kind::Share;
    double greenShare = 0;                       // Share: green's share of the release's traffic, 0..1
    HAProxy::Color mapTo = HAProxy::Color::Blue; // Map: the backend the entry points at afterwards
};

// `configured` is the color HAProxy's configuration weights (FleetWriter::configuredColor): Rollback
// returns there and Promote leaves it; `setWeightGreenShare` is what a SetWeight asks of green. A
// flip of a split release, of one neither color serves, or any action but Flip on a map-switched
// release is refused, with the reason and what to do instead.
Core::Result<FleetMove> planFleetMove(const HAProxy::ReleaseState &release,
                                      const Core::Result<HAProxy::Color> &configured, const Core::ActionRequest &action,
                                      double setWeightGreenShare);

} // namespace Curtain::Engine
