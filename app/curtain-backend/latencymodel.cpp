#include "latencymodel.h"

#include <algorithm>
#include <cmath>

namespace Curtain::Backend {

LatencyModel::LatencyModel(Micros median, Micros p99) : m_median(median)
{
    if (median.count() > 0) {
        m_mu = std::log(double(median.count()));
        m_sigma = std::max(0.0, std::log(double(p99.count()) / double(median.count())) / z99);
    }
}

Micros LatencyModel::draw(std::mt19937_64 &random) const
{
    if (m_median.count() <= 0) {
        return Micros(0);
    }
    if (m_sigma <= 0.0) {
        return m_median;
    }
    std::normal_distribution<double> normal(m_mu, m_sigma);
    // A draw far in the tail is capped at a minute, so no request waits for ever.
    const double micros = std::min(std::exp(normal(random)), 60e6);
    return Micros(std::llround(micros));
}

} // namespace Curtain::Backend
