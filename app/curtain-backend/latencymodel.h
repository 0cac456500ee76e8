#pragma once

#include "backendoptions.h"

#include <random>

namespace Curtain::Backend {

// Service times drawn from a log-normal fitted to a median and a 99th percentile:
// median = e^mu and p99 = e^(mu + z·sigma), with z = 2.3263 the standard normal's 99th percentile,
// so mu = ln(median) and sigma = ln(p99 / median) / z. A log-normal is skewed right like real
// service times, and two numbers a release engineer knows fix it. A median of 0 means no delay;
// p99 equal to the median means a constant delay.
class LatencyModel
{
public:
    static constexpr double z99 = 2.3263478740408408;

    LatencyModel(Micros median, Micros p99);

    Micros draw(std::mt19937_64 &random) const;
    double mu() const { return m_mu; }
    double sigma() const { return m_sigma; }

private:
    Micros m_median;
    double m_mu = 0.0;
    double m_sigma = 0.0;
};

} // namespace Curtain::Backend
