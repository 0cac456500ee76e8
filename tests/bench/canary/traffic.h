#pragma once

#include "core/judge.h"

#include <array>
#include <random>

namespace Curtain::Bench {

// The synthetic service of canary-analysis.md §6.1: Poisson arrivals at R requests/s split by the
// weight the method under test sets, Bernoulli errors per arm, lognormal latencies (median 50 ms,
// σ 0.5, so p99 ≈ 160 ms) counted into Prometheus' default histogram buckets.
struct TrafficParams
{
    double rps = 100;
    double baselineErrorRate = 0.001;
    double canaryErrorRate = 0.001;
    double latencyFactor = 1.0; // canary's latency multiplier (×1.5 is regression (a))
    double warmupSeconds = 0;   // canary: ×3 errors and ×2 latency for its first N seconds of traffic
    double outageSeconds = 0;   // one total outage of one canary pod in four, at a random time in minute 1–5
    double scrapeSeconds = 0;   // 0: methods read exact counters; N: counters as of the last scrape
};

inline constexpr std::array<double, 12> defaultBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,  0.25,
                                                          0.5,   1.0,  2.5,   5.0,  10.0, INFINITY};

// Cumulative counters for both arms; what a Prometheus scrape of each arm would show.
struct Counters
{
    double requests = 0;
    double errors = 0;
    std::array<double, defaultBuckets.size()> buckets{}; // cumulative per le

    Core::ArmCounters toArm() const;
};

class Traffic
{
public:
    Traffic(const TrafficParams &params, std::uint64_t seed);

    // One second of traffic with the canary at `canaryPercent`.
    void advance(int canaryPercent);
    double now() const { return m_seconds; }
    // What a method sees: exact counters, or those of the last scrape.
    const Counters &stable() const { return m_params.scrapeSeconds > 0 ? m_scrapedStable : m_stable; }
    const Counters &canary() const { return m_params.scrapeSeconds > 0 ? m_scrapedCanary : m_canary; }
    double canaryRequests() const { return m_canary.requests; } // ground truth, for blast radius

private:
    void serve(Counters &arm, long long requests, double errorRate, double latencyFactor);

    TrafficParams m_params;
    std::mt19937_64 m_random;
    double m_seconds = 0;
    double m_canaryTrafficSeconds = 0; // seconds since the canary first got traffic
    double m_outageStart;
    Counters m_stable;
    Counters m_canary;
    Counters m_scrapedStable;
    Counters m_scrapedCanary;
};

} // namespace Curtain::Bench
