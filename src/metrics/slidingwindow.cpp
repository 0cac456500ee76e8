#include "metrics/slidingwindow.h"

#include <cmath>

namespace Curtain::Metrics {

void SlidingWindow::add(CounterReading reading)
{
    if (!m_readings.empty() && reading.requests < m_readings.back().requests) {
        m_readings.clear(); // the counters went backwards: the process restarted, start a new window
    }
    m_readings.push_back(std::move(reading));
    const qint64 newest = m_readings.back().timeMs;
    // Keep one reading at or before the window's start so the window is fully covered.
    while (m_readings.size() > 2 && m_readings[1].timeMs <= newest - m_windowMs) {
        m_readings.pop_front();
    }
}

Core::MetricPoint SlidingWindow::point() const
{
    Core::MetricPoint point;
    if (m_readings.empty()) {
        return point;
    }
    const CounterReading &last = m_readings.back();
    point.timeMs = last.timeMs;
    if (m_readings.size() < 2) {
        return point;
    }
    const CounterReading &first = m_readings.front();
    const double seconds = double(last.timeMs - first.timeMs) / 1000.0;
    const double requests = last.requests - first.requests;
    if (seconds <= 0 || requests <= 0) {
        return point;
    }
    point.hasTraffic = true;
    point.requestsPerSecond = requests / seconds;
    point.requests = requests;
    point.errorRatio = (last.errors - first.errors) / requests;
    std::vector<std::pair<double, double>> delta;
    if (first.buckets.size() == last.buckets.size()) {
        for (std::size_t i = 0; i < last.buckets.size(); ++i) {
            delta.emplace_back(last.buckets[i].first, last.buckets[i].second - first.buckets[i].second);
        }
    } else {
        delta = last.buckets;
    }
    const double p50 = histogramQuantile(0.50, delta);
    const double p99 = histogramQuantile(0.99, delta);
    point.p50Seconds = std::isnan(p50) ? 0.0 : p50;
    point.p99Seconds = std::isnan(p99) ? 0.0 : p99;
    return point;
}

} // namespace Curtain::Metrics
