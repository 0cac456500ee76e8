#pragma once

#include "core/metricpoint.h"

#include <QHash>
#include <QList>
#include <QPointF>

#include <deque>
#include <utility>

namespace Curtain::Models {

// The last `spanMs` of metric points per release (namespace and name) and color, for the charts.
class MetricHistory
{
public:
    enum class Series { ErrorRatio, P99Latency, RequestRate };

    explicit MetricHistory(qint64 spanMs = 10 * 60 * 1000) : m_spanMs(spanMs) {}

    void add(const Core::ReleaseMetrics &metrics);
    // Points as (seconds before `nowMs`, value), oldest first, at most `maxPoints` (downsampled by
    // keeping each bucket's maximum, so a spike never disappears from the chart).
    QList<QPointF> points(const Core::ReleaseKey &release, Core::Color color, Series series, qint64 nowMs,
                          int maxPoints = 300) const;
    Core::MetricPoint latest(const Core::ReleaseKey &release, Core::Color color) const;
    qint64 spanMs() const { return m_spanMs; }

private:
    using Key = std::pair<Core::ReleaseKey, Core::Color>;
    qint64 m_spanMs;
    QHash<Key, std::deque<Core::MetricPoint>> m_points;
};

} // namespace Curtain::Models
