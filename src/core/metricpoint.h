#pragma once

#include "core/release.h"

#include <QList>
#include <QMetaType>

namespace Curtain::Core {

// One environment's traffic over the sliding window that ends at `timeMs`.
struct MetricPoint
{
    qint64 timeMs = 0;
    double requestsPerSecond = 0.0;
    double errorRatio = 0.0; // 5xx responses / all responses
    double p50Seconds = 0.0;
    double p99Seconds = 0.0;
    bool hasTraffic = false; // false: no requests in the window, so ratio and quantiles mean nothing
    double requests = 0.0;   // how many the window held: what a ratio's certainty rests on
    bool hasLatency = true;  // false: the source keeps no latency quantiles (HAProxy's counters)
};

struct ReleaseMetrics
{
    ReleaseKey release; // never the bare name: same-named releases of two namespaces are two series
    MetricPoint blue;
    MetricPoint green;
    const MetricPoint &point(Color color) const { return color == Color::Blue ? blue : green; }
};

} // namespace Curtain::Core

Q_DECLARE_METATYPE(Curtain::Core::ReleaseMetrics)
