#pragma once

#include "core/action.h"
#include "core/result.h"
#include "haproxy/fleetstate.h"

#include <optional>

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

// The stable color of a fleet release: the one HAProxy's configuration weights (the known-good one)
// or, when it weights both or neither, the one carrying more traffic. The other is the candidate,
// whose share a SetWeight gives — in the console and in curtainctl alike.
HAProxy::Color fleetStableColor(const HAProxy::ReleaseState &release, std::optional<HAProxy::Color> configured);

// `configured` is the color HAProxy's configuration weights (FleetWriter::configuredColor): Rollback
// returns there and Promote leaves it; a SetWeight's weight is the candidate's share. A flip of a
// split release, of one neither color serves, or any action but Flip on a map-switched release is
// refused, with the reason and what to do instead.
Core::Result<FleetMove> planFleetMove(const HAProxy::ReleaseState &release,
                                      const Core::Result<HAProxy::Color> &configured,
                                      const Core::ActionRequest &action);

} // namespace Curtain::Engine
