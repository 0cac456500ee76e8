#include "core/sequentialtest.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace Curtain::Core {

namespace {

constexpr int mixtureSize = int(std::size(mixtureMultipliers));
constexpr double shareScale = 10000.0; // slices pool by share to 1e-4

double theta(double share, double rho)
{
    return share * rho / (share * rho + 1.0 - share);
}

// Expected log-likelihood ratio per event of alternative ρa against null ρ0, when the truth is ρ.
double driftPerEvent(double share, double rho, double rhoAlternative, double rhoNull)
{
    const double t = theta(share, rho);
    const double a = theta(share, rhoAlternative);
    const double n = theta(share, rhoNull);
    return t * std::log(a / n) + (1.0 - t) * std::log((1.0 - a) / (1.0 - n));
}

} // namespace

double logSumExp(const double *values, int count)
{
    double top = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < count; ++i) {
        top = std::max(top, values[i]);
    }
    if (!std::isfinite(top)) {
        return top;
    }
    double sum = 0;
    for (int i = 0; i < count; ++i) {
        sum += std::exp(values[i] - top);
    }
    return top + std::log(sum);
}

AttributionTest::AttributionTest(double alpha, double beta, double maxRatio, double nullRatio)
    : m_alpha(alpha), m_beta(beta), m_maxRatio(maxRatio), m_nullRatio(nullRatio)
{}

void AttributionTest::add(double candidateEvents, double stableEvents, double candidateShare)
{
    // A slice where one side served nothing says nothing about which side is worse.
    if (!(candidateShare > 0.0 && candidateShare < 1.0) || candidateEvents + stableEvents <= 0) {
        return;
    }
    const int key = std::clamp(int(std::lround(candidateShare * shareScale)), 1, int(shareScale) - 1);
    auto &slice = m_slices[key];
    slice.first += candidateEvents;
    slice.second += stableEvents;
    m_candidateEvents += candidateEvents;
    m_stableEvents += stableEvents;
}

void AttributionTest::restore(const std::map<int, std::pair<double, double>> &slices)
{
    m_slices = slices;
    m_candidateEvents = 0;
    m_stableEvents = 0;
    for (const auto &[key, counts] : m_slices) {
        m_candidateEvents += counts.first;
        m_stableEvents += counts.second;
    }
}

double AttributionTest::logLikelihood(double rho) const
{
    double sum = 0;
    for (const auto &[key, counts] : m_slices) {
        const double t = theta(key / shareScale, rho);
        if (counts.first > 0) {
            sum += counts.first * std::log(t);
        }
        if (counts.second > 0) {
            sum += counts.second * std::log1p(-t);
        }
    }
    return sum;
}

double AttributionTest::logMixture(double nullRho, bool alternativesAbove, bool alternativesBelow) const
{
    const double null = logLikelihood(nullRho);
    double terms[2 * mixtureSize];
    int count = 0;
    for (double m : mixtureMultipliers) {
        if (alternativesAbove) {
            terms[count++] = logLikelihood(nullRho * m) - null;
        }
        if (alternativesBelow) {
            terms[count++] = logLikelihood(nullRho / m) - null;
        }
    }
    return logSumExp(terms, count) - std::log(double(count));
}

double AttributionTest::logFailEvidence() const
{
    return m_slices.empty() ? 0.0 : logMixture(m_nullRatio, true, false);
}

double AttributionTest::logPassEvidence() const
{
    return m_slices.empty() ? 0.0 : logMixture(m_maxRatio, false, true);
}

double AttributionTest::failLine() const
{
    return std::log(1.0 / m_alpha);
}

double AttributionTest::passLine() const
{
    return std::log(1.0 / m_beta);
}

std::optional<double> AttributionTest::ratioEstimate() const
{
    if (m_candidateEvents + m_stableEvents <= 0) {
        return std::nullopt;
    }
    if (m_candidateEvents <= 0) {
        return 0.0;
    }
    if (m_stableEvents <= 0) {
        return std::numeric_limits<double>::infinity();
    }
    // The log-likelihood is concave in log ρ: golden-section search over 1e-6 … 1e6.
    double lo = std::log(1e-6);
    double hi = std::log(1e6);
    const double golden = (std::sqrt(5.0) - 1.0) / 2.0;
    double a = hi - golden * (hi - lo);
    double b = lo + golden * (hi - lo);
    double fa = logLikelihood(std::exp(a));
    double fb = logLikelihood(std::exp(b));
    for (int i = 0; i < 80 && hi - lo > 1e-6; ++i) {
        if (fa < fb) {
            lo = a;
            a = b;
            fa = fb;
            b = lo + golden * (hi - lo);
            fb = logLikelihood(std::exp(b));
        } else {
            hi = b;
            b = a;
            fb = fa;
            a = hi - golden * (hi - lo);
            fa = logLikelihood(std::exp(a));
        }
    }
    return std::exp((lo + hi) / 2.0);
}

std::pair<double, double> AttributionTest::confidenceInterval(double alpha) const
{
    const auto estimate = ratioEstimate();
    if (!estimate) {
        return {0.0, std::numeric_limits<double>::infinity()};
    }
    const double line = std::log(1.0 / alpha);
    const double lowest = std::log(1e-6);
    const double highest = std::log(1e6);
    const double center = std::log(std::clamp(*estimate, 1e-6, 1e6));
    // Each bound is where the one-sided test against it stops rejecting: the lower bound is the
    // largest ρ0 that "worse than ρ0" is proven against, so at a Fail it is ≥ the null by construction.
    auto bound = [&](double outer, bool above) {
        auto rejected = [&](double logRho) { return logMixture(std::exp(logRho), above, !above) >= line; };
        if (!rejected(outer)) {
            return outer;
        }
        double inside = center;
        for (int i = 0; i < 60 && std::abs(outer - inside) > 1e-4; ++i) {
            const double mid = (inside + outer) / 2.0;
            (rejected(mid) ? outer : inside) = mid;
        }
        return inside;
    };
    const double low = bound(lowest, true);
    const double high = bound(highest, false);
    return {low <= lowest ? 0.0 : std::exp(low),
            high >= highest ? std::numeric_limits<double>::infinity() : std::exp(high)};
}

std::optional<double> AttributionTest::expectedEventsToDecision(double candidateShare) const
{
    if (!(candidateShare > 0.0 && candidateShare < 1.0)) {
        return std::nullopt;
    }
    const double rho = std::clamp(ratioEstimate().value_or(1.0), 0.05, 200.0);
    std::optional<double> best;
    auto consider = [&](double remaining, double drift) {
        if (drift > 1e-12) {
            const double events = std::max(0.0, remaining) / drift;
            best = best ? std::min(*best, events) : events;
        }
    };
    double failDrift = 0;
    double passDrift = 0;
    for (double m : mixtureMultipliers) {
        failDrift = std::max(failDrift, driftPerEvent(candidateShare, rho, m_nullRatio * m, m_nullRatio));
        passDrift = std::max(passDrift, driftPerEvent(candidateShare, rho, m_maxRatio / m, m_maxRatio));
    }
    consider(failLine() - logFailEvidence(), failDrift); // the best alternative carries the mixture
    consider(passLine() - logPassEvidence(), passDrift);
    return best;
}

RateTest::RateTest(double alpha, double beta, double p0) : m_alpha(alpha), m_beta(beta), m_p0(p0)
{}

void RateTest::add(double events, double trials)
{
    if (trials <= 0) {
        return;
    }
    m_events += std::clamp(events, 0.0, trials);
    m_trials += trials;
}

double RateTest::logLikelihood(double p) const
{
    double sum = 0;
    if (m_events > 0) {
        sum += m_events * std::log(p);
    }
    if (m_trials - m_events > 0) {
        sum += (m_trials - m_events) * std::log1p(-p);
    }
    return sum;
}

double RateTest::logFailEvidence() const
{
    if (m_trials <= 0) {
        return 0.0;
    }
    const double null = logLikelihood(m_p0);
    double terms[mixtureSize];
    int count = 0;
    for (double m : mixtureMultipliers) {
        const double p = m_p0 * m;
        if (p < 1.0) {
            terms[count++] = logLikelihood(p) - null;
        }
    }
    return count == 0 ? 0.0 : logSumExp(terms, count) - std::log(double(count));
}

double RateTest::logPassEvidence() const
{
    if (m_trials <= 0) {
        return 0.0;
    }
    const double null = logLikelihood(m_p0);
    double terms[mixtureSize];
    for (int i = 0; i < mixtureSize; ++i) {
        terms[i] = logLikelihood(m_p0 / mixtureMultipliers[i]) - null;
    }
    return logSumExp(terms, mixtureSize) - std::log(double(mixtureSize));
}

double RateTest::failLine() const
{
    return std::log(1.0 / m_alpha);
}

double RateTest::passLine() const
{
    return std::log(1.0 / m_beta);
}

} // namespace Curtain::Core
