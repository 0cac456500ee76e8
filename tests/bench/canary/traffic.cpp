#include "traffic.h"

#include <cmath>

namespace Curtain::Bench {

namespace {

constexpr double medianSeconds = 0.050;
constexpr double sigma = 0.5;

double normalCdf(double z)
{
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

} // namespace

Core::ArmCounters Counters::toArm() const
{
    Core::ArmCounters arm;
    arm.present = true;
    arm.requests = requests;
    arm.errors = errors;
    for (std::size_t i = 0; i < defaultBuckets.size(); ++i) {
        arm.buckets.append({defaultBuckets[i], buckets[i]});
    }
    return arm;
}

Traffic::Traffic(const TrafficParams &params, std::uint64_t seed) : m_params(params), m_random(seed)
{
    m_outageStart = std::uniform_real_distribution<double>(60, 300)(m_random);
}

void Traffic::serve(Counters &arm, long long requests, double errorRate, double latencyFactor)
{
    if (requests <= 0) {
        return;
    }
    arm.requests += double(requests);
    arm.errors += double(std::binomial_distribution<long long>(requests, std::min(1.0, errorRate))(m_random));
    // Multinomial over the buckets as a chain of binomials: exact, and 11 draws instead of one per request.
    const double mu = std::log(medianSeconds * latencyFactor);
    long long left = requests;
    double below = 0; // probability mass already assigned
    double cumulative = 0;
    for (std::size_t i = 0; i < defaultBuckets.size(); ++i) {
        const double cdf = std::isinf(defaultBuckets[i]) ? 1.0 : normalCdf((std::log(defaultBuckets[i]) - mu) / sigma);
        const double p = below < 1.0 ? std::clamp((cdf - below) / (1.0 - below), 0.0, 1.0) : 1.0;
        const long long here = left > 0 ? std::binomial_distribution<long long>(left, p)(m_random) : 0;
        left -= here;
        cumulative += double(here);
        arm.buckets[i] += cumulative;
        below = cdf;
    }
}

void Traffic::advance(int canaryPercent)
{
    const long long n = std::poisson_distribution<long long>(m_params.rps)(m_random);
    const long long toCanary = canaryPercent <= 0 ? 0
                               : canaryPercent >= 100
                                   ? n
                                   : std::binomial_distribution<long long>(n, canaryPercent / 100.0)(m_random);
    serve(m_stable, n - toCanary, m_params.baselineErrorRate, 1.0);

    double errorRate = m_params.canaryErrorRate;
    double latency = m_params.latencyFactor;
    if (canaryPercent > 0 || m_canaryTrafficSeconds > 0) {
        if (m_canaryTrafficSeconds < m_params.warmupSeconds) {
            errorRate *= 3;
            latency *= 2;
        }
        m_canaryTrafficSeconds += 1;
    }
    if (m_params.outageSeconds > 0 && m_seconds >= m_outageStart &&
        m_seconds < m_outageStart + m_params.outageSeconds) {
        // One pod in four answers everything with an error.
        const long long onPod = std::binomial_distribution<long long>(toCanary, 0.25)(m_random);
        serve(m_canary, onPod, 1.0, latency);
        serve(m_canary, toCanary - onPod, errorRate, latency);
    } else {
        serve(m_canary, toCanary, errorRate, latency);
    }
    m_seconds += 1;
    if (m_params.scrapeSeconds > 0 && std::fmod(m_seconds, m_params.scrapeSeconds) < 0.5) {
        m_scrapedStable = m_stable;
        m_scrapedCanary = m_canary;
    }
}

} // namespace Curtain::Bench
