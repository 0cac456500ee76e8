#pragma once

#include "sim/scenario.h"

#include <string>

namespace Curtain::Sim {

// The demo's Flagger release, podinfo in namespace `ns`: the Deployment podinfo at 6.0.0, a
// flagger-loadtester Deployment and Service (port http, 80) whose gates Curtain opens through the
// service proxy, and a Canary (Gateway API, every 10 s up 10 % to 50 %, threshold 5, success rate
// ≥ 99 % and p99 ≤ 500 ms, a confirm-promotion and a rollback gate on the loadtester); the Canary
// and podinfo are labelled curtain.dev/release: podinfo. Flagger makes podinfo-primary, the
// Services podinfo, podinfo-primary and podinfo-canary, and the HTTPRoute podinfo, which takes 100
// requests/s. Once the Canary is initialized the sim sets podinfo's image to 6.1.0, so the demo
// shows a canary on its way to waiting for promotion.
void addFlaggerRelease(Scenario &scenario, const std::string &ns);

} // namespace Curtain::Sim
