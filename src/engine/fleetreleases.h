#pragma once

#include "core/metricpoint.h"
#include "core/release.h"
#include "haproxy/fleetstate.h"
#include "kube/json.h"

#include <QDateTime>

#include <optional>

namespace Curtain::Engine {

// An HAProxy fleet's releases in the console's terms. Pure: readings in, snapshots out.
//
// A weighted release (blue-* and green-* servers of one backend) is a canary route the slider moves;
// a map-switched one is a blue-green switch. Its environments are its colors' servers: "ready" is
// how many are UP and in the ready state, the traffic share is what their weights give them. The
// stable color is the one HAProxy's configuration weights (the last known-good, where Rollback
// returns); without it, the color that serves. A fleet's instances that disagree make a named
// problem, and still every action but a refused one stays on: Rollback above all.
Core::ReleaseSnapshot fleetRelease(const HAProxy::ReleaseState &release, std::optional<HAProxy::Color> configuredColor,
                                   const QDateTime &observedAt);

// Where a plan on the release keeps its Lease and progress in the fleet's plan file: the object a
// cluster's route would be (FilePlanObjects).
QString fleetPlanPath(const QString &release);

// The plan that object holds: what ran, where it is, and who drives it. While a driver's heartbeat is
// recent the weights are its own: every action but Rollback is off, as on a cluster.
void applyFleetPlan(Core::ReleaseSnapshot &snapshot, const Kube::Json &planObject);
// Who drives a plan on the release now, by that object (empty: nobody, or a driver gone quiet).
QString fleetPlanDriver(const Kube::Json &planObject);

// A fingerprint of what a write would change (each server's weight, admin state and status, the map
// entry): the release's "resource version", so an action confirmed on one reading is refused when the
// fleet moved meanwhile.
QString fleetVersion(const HAProxy::ReleaseState &release);

// Each color's request rate and 5xx ratio between two readings of HAProxy's counters (show stat,
// summed over servers and instances). HAProxy keeps no latency quantiles, so the points have none.
// A counter that went down (an HAProxy reload) gives no traffic for that round, not a negative one.
Core::ReleaseMetrics fleetMetrics(const HAProxy::ReleaseState &before, const HAProxy::ReleaseState &now, double seconds,
                                  qint64 nowMs);

Core::Color coreColor(HAProxy::Color color);
HAProxy::Color haproxyColor(Core::Color color);

} // namespace Curtain::Engine
