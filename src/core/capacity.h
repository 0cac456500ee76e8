#pragma once

#include "core/release.h"

#include <QDateTime>

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
// The same for a promote, whose target is the candidate whatever its share.
std::optional<CapacityShortfall> promoteShortfall(const ReleaseSnapshot &release);

// After a flip or promote, the color that served before keeps running, serving nothing: Rollback to
// it is instant for as long as it does, and it costs what its pods reserve.
struct IdleWindow
{
    Color color; // the idle color (the release's previous one)
    QString version;
    int replicas = 0; // desired
    int ready = 0;
    double cpu = 0;    // cores requested by all its pods
    double memory = 0; // bytes requested by all its pods
    QDateTime since;   // when it stopped serving (curtain.dev/switched-at); invalid when unknown
};

// The release's idle color, or nothing (no flip recorded, the color has traffic or no pods, or an
// Argo Rollout, whose controller keeps its own scaleDownDelaySeconds).
std::optional<IdleWindow> idleWindow(const ReleaseSnapshot &release);

// "blue (v1.4.2) idle since 12:04 (43 min): 4 pods reserve 1 CPU and 1 GiB; Rollback to it is instant
// while they run"
QString idleWindowText(const IdleWindow &window, const QDateTime &now);

} // namespace Curtain::Core
