#pragma once

// curtainctl on an HAProxy fleet (--haproxy FILE [--fleet NAME]): releases, status, set-weight,
// promote, flip and rollback through every instance's runtime API.

#include "commandline.h"

namespace Curtain::HAProxy {
class FleetWriter;
struct FleetConfig;
} // namespace Curtain::HAProxy

namespace Curtain::Ctl {

int onHAProxyFleet(const Invocation &invocation);
// The command on an opened fleet; exit codes as for a cluster (README "Exit codes").
int runOnFleet(HAProxy::FleetWriter &writer, const HAProxy::FleetConfig &fleet, const Invocation &invocation);

} // namespace Curtain::Ctl
