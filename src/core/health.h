#pragma once

#include "core/metricpoint.h"
#include "core/release.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace Curtain::Core {

// What an environment that serves traffic may cost before the release reads as degraded: errors
// over 1 % of requests (proven by the window's count, not one unlucky window), and p99 over the
// saved plan's latency budget when the release has one.
struct MetricBudget
{
    double maxErrorRatio = 0.01;
    std::optional<double> maxP99Seconds;
};

MetricBudget metricBudget(const ReleaseSnapshot &release);

// Why the release is over budget now, e.g. "green serves 100 % at 3.1 % errors (budget 1 %)"; empty
// when no environment with traffic is. Below half a request a second the figures mean nothing.
QString overBudget(const ReleaseSnapshot &release, const ReleaseMetrics &metrics);

// A plan's automatic rollback, until a person acknowledges it ("rolled back automatically 12:03 —
// green failed …"); empty when the release's last plan did not roll back, or when that rollback
// (known by its plan's start) is `acknowledged`.
QString unacknowledgedRollback(const ReleaseSnapshot &release, const QDateTime &acknowledged);

// The health a person reads: the snapshot's; "degraded (metrics)" when an environment that serves
// traffic is over budget, or "rolled back" after an unacknowledged automatic rollback, where the
// snapshot alone would say healthy or canary.
QString healthWithMetrics(const ReleaseSnapshot &release, const ReleaseMetrics *metrics,
                          const QDateTime &acknowledgedRollback = {});

} // namespace Curtain::Core
