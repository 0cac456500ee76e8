#include "core/health.h"

#include <algorithm>
#include <cmath>

namespace Curtain::Core {

namespace {

constexpr double minimumRequestsPerSecond = 0.5;

// The error ratio the window's requests prove at least, with 99.9 % confidence (Wilson's lower
// bound): a health that follows the raw ratio would flap on every unlucky window of a small service.
double provenErrorRatio(const MetricPoint &point)
{
    const double n = point.requests;
    if (n <= 0) {
        return 0.0;
    }
    constexpr double z = 3.29;
    const double p = point.errorRatio;
    const double centre = p + z * z / (2 * n);
    const double margin = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    return std::max(0.0, (centre - margin) / (1 + z * z / n));
}

QString percent(double ratio)
{
    return QStringLiteral("%1 %").arg(ratio * 100.0, 0, 'f', ratio < 0.01 ? 2 : 1);
}

} // namespace

MetricBudget metricBudget(const ReleaseSnapshot &release)
{
    MetricBudget budget;
    if (release.savedPlan) {
        budget.maxP99Seconds = release.savedPlan->judge.maxP99Seconds;
    }
    return budget;
}

QString overBudget(const ReleaseSnapshot &release, const ReleaseMetrics &metrics)
{
    const MetricBudget budget = metricBudget(release);
    QStringList reasons;
    for (Color color : {Color::Blue, Color::Green}) {
        const Environment &env = release.environment(color);
        const MetricPoint &point = metrics.point(color);
        if (env.trafficPercent == 0 || !point.hasTraffic || point.requestsPerSecond < minimumRequestsPerSecond) {
            continue;
        }
        const QString serving =
            QStringLiteral("%1 serves %2 %").arg(colorName(color), QString::number(env.trafficPercent));
        if (provenErrorRatio(point) > budget.maxErrorRatio) {
            reasons << QStringLiteral("%1 at %2 errors (budget %3)")
                           .arg(serving, percent(point.errorRatio), percent(budget.maxErrorRatio));
        } else if (budget.maxP99Seconds && point.hasLatency && point.p99Seconds > *budget.maxP99Seconds) {
            reasons << QStringLiteral("%1 with p99 %2 ms (budget %3 ms)")
                           .arg(serving)
                           .arg(point.p99Seconds * 1000.0, 0, 'f', 0)
                           .arg(*budget.maxP99Seconds * 1000.0, 0, 'f', 0);
        }
    }
    return reasons.join(QStringLiteral("; "));
}

QString unacknowledgedRollback(const ReleaseSnapshot &release, const QDateTime &acknowledged)
{
    const std::optional<PlanProgress> &progress = release.planProgress;
    if (!progress || progress->state != PlanState::RolledBack ||
        (acknowledged.isValid() && acknowledged == progress->startedAt)) {
        return {};
    }
    const QDateTime at = progress->heartbeat.isValid() ? progress->heartbeat : progress->stepStartedAt;
    QString why = progress->outcome;
    if (const QString said = QStringLiteral("Rolled back automatically: "); why.startsWith(said)) {
        why.remove(0, said.size()); // the plan's own sentence: its reason is what is new here
    }
    return QStringLiteral("rolled back automatically %1 — %2")
        .arg(at.toLocalTime().toString(QStringLiteral("HH:mm")), why);
}

QString healthWithMetrics(const ReleaseSnapshot &release, const ReleaseMetrics *metrics,
                          const QDateTime &acknowledgedRollback)
{
    const QString health = release.health();
    if (health != QLatin1String("healthy") && health != QLatin1String("canary")) {
        return health;
    }
    if (metrics && !overBudget(release, *metrics).isEmpty()) {
        return QStringLiteral("degraded (metrics)");
    }
    // "rolled back" while the rollback's state holds: once the candidate has traffic again (a new
    // canary), the list says what runs now; the mark above the panels keeps the story.
    const bool stillRolledBack = release.candidateWeight() == 0;
    return !stillRolledBack || unacknowledgedRollback(release, acknowledgedRollback).isEmpty()
               ? health
               : QStringLiteral("rolled back");
}

} // namespace Curtain::Core
