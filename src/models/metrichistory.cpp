#include "models/metrichistory.h"

#include <algorithm>

namespace Curtain::Models {

void MetricHistory::add(const Core::ReleaseMetrics &metrics)
{
    for (Core::Color color : {Core::Color::Blue, Core::Color::Green}) {
        const Core::MetricPoint &point = metrics.point(color);
        if (point.timeMs == 0) {
            continue;
        }
        std::deque<Core::MetricPoint> &series = m_points[Key{metrics.release, color}];
        if (!series.empty() && series.back().timeMs >= point.timeMs) {
            continue;
        }
        series.push_back(point);
        while (!series.empty() && series.front().timeMs < point.timeMs - m_spanMs) {
            series.pop_front();
        }
    }
}

Core::MetricPoint MetricHistory::latest(const Core::ReleaseKey &release, Core::Color color) const
{
    const auto it = m_points.constFind(Key{release, color});
    return it == m_points.cend() || it->empty() ? Core::MetricPoint{} : it->back();
}

QList<QPointF> MetricHistory::points(const Core::ReleaseKey &release, Core::Color color, Series series, qint64 nowMs,
                                     int maxPoints) const
{
    QList<QPointF> out;
    const auto it = m_points.constFind(Key{release, color});
    if (it == m_points.cend()) {
        return out;
    }
    auto valueOf = [series](const Core::MetricPoint &p) {
        switch (series) {
        case Series::ErrorRatio:
            return p.errorRatio * 100.0;
        case Series::P99Latency:
            return p.p99Seconds * 1000.0;
        case Series::RequestRate:
            return p.requestsPerSecond;
        }
        return 0.0;
    };
    const auto &all = *it;
    std::vector<const Core::MetricPoint *> visible;
    for (const Core::MetricPoint &p : all) {
        // A source without latency quantiles (HAProxy's counters) draws no latency line, not a zero one.
        if (p.hasTraffic && p.timeMs >= nowMs - m_spanMs && (series != Series::P99Latency || p.hasLatency)) {
            visible.push_back(&p);
        }
    }
    const std::size_t stride =
        std::max<std::size_t>(1, (visible.size() + std::size_t(maxPoints) - 1) / std::size_t(maxPoints));
    for (std::size_t i = 0; i < visible.size(); i += stride) {
        const Core::MetricPoint *peak = visible[i];
        for (std::size_t j = i; j < std::min(visible.size(), i + stride); ++j) {
            if (valueOf(*visible[j]) > valueOf(*peak)) {
                peak = visible[j];
            }
        }
        out.append(QPointF(double(peak->timeMs - nowMs) / 1000.0, valueOf(*peak)));
    }
    return out;
}

} // namespace Curtain::Models
