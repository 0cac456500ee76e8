#pragma once

#include "core/metricpoint.h"
#include "metrics/exposition.h"

#include <deque>

namespace Curtain::Metrics {

// Turns successive cumulative readings of one environment into rates and quantiles over the last
// `windowMs`, the way rate() and histogram_quantile() would, including counter resets (a restart).
class SlidingWindow
{
public:
    explicit SlidingWindow(qint64 windowMs = 30'000) : m_windowMs(windowMs) {}

    void add(CounterReading reading);
    Core::MetricPoint point() const;
    void clear() { m_readings.clear(); }

private:
    qint64 m_windowMs;
    std::deque<CounterReading> m_readings;
};

} // namespace Curtain::Metrics
