#pragma once

#include <map>
#include <optional>
#include <utility>

namespace Curtain::Core {

// The relative risks ρ a mixture test bets on, equally weighted (canary-analysis.md §6.3). Mixing
// instead of picking one ρ means no "minimum detectable effect" to choose, at a small cost in speed.
inline constexpr double mixtureMultipliers[] = {1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0};

// Which arm did each event (an error, a slow request) come from? Given the share of requests the
// candidate served in a slice of time, an event is the candidate's with probability
//   θ(ρ) = sρ / (sρ + 1 − s)
// where ρ is the candidate's event rate relative to stable's. The mixture of likelihood ratios over
// ρ is a non-negative martingale under the null, so by Ville's inequality crossing 1/α happens with
// probability ≤ α however often it is looked at: the false-rollback rate holds per rollout.
//
// Two one-sided tests share the data: "fail" rejects ρ = 1 in favour of ρ > 1, and "pass" rejects
// ρ = maxRatio in favour of ρ < maxRatio (the candidate is not worse than allowed). Only the counts
// matter, so diurnal load or weight changes do not bias it (Lindon & Malek's counting-process view).
class AttributionTest
{
public:
    // nullRatio: the ratio the fail test takes as innocent (1, or more while a new version warms up).
    AttributionTest(double alpha, double beta, double maxRatio, double nullRatio = 1.0);

    // Events seen on each side during one slice, and the candidate's share of requests in it (0–1).
    void add(double candidateEvents, double stableEvents, double candidateShare);

    double candidateEvents() const { return m_candidateEvents; }
    double stableEvents() const { return m_stableEvents; }

    double logFailEvidence() const; // log of the mixture likelihood ratio against ρ = nullRatio
    double logPassEvidence() const; // log of the mixture likelihood ratio against ρ = maxRatio
    double failLine() const;        // log(1/α)
    double passLine() const;        // log(1/β)

    // Maximum-likelihood ρ; nullopt without events, +inf when only the candidate had events.
    std::optional<double> ratioEstimate() const;
    // An anytime-valid confidence interval for ρ at level 1 − alpha (0 or +inf when unbounded).
    std::pair<double, double> confidenceInterval(double alpha) const;
    // Wald's approximation of the events still needed before either line is crossed, if the true ρ
    // were the current estimate; nullopt when neither test is drifting towards its line.
    std::optional<double> expectedEventsToDecision(double candidateShare) const;

    // The compact state (share bucket → counts) for resuming after a restart.
    const std::map<int, std::pair<double, double>> &slices() const { return m_slices; }
    void restore(const std::map<int, std::pair<double, double>> &slices);

private:
    double logLikelihood(double rho) const;
    double logMixture(double nullRho, bool alternativesAbove, bool alternativesBelow) const;

    double m_alpha;
    double m_beta;
    double m_maxRatio;
    double m_nullRatio;
    double m_candidateEvents = 0;
    double m_stableEvents = 0;
    // Slices with the same share (to 1e-4) pool exactly: the likelihood only depends on the sums.
    std::map<int, std::pair<double, double>> m_slices;
};

// One arm against a fixed rate: "is the candidate's error rate above the SLO's p0?". The absolute
// backstop of the analysis: fail rejects p = p0 for p > p0, pass rejects p = p0 for p < p0.
class RateTest
{
public:
    RateTest(double alpha, double beta, double p0);

    void add(double events, double trials);
    double events() const { return m_events; }
    double trials() const { return m_trials; }
    double threshold() const { return m_p0; }

    double logFailEvidence() const;
    double logPassEvidence() const;
    double failLine() const;
    double passLine() const;

private:
    double logLikelihood(double p) const;

    double m_alpha;
    double m_beta;
    double m_p0;
    double m_events = 0;
    double m_trials = 0;
};

double logSumExp(const double *values, int count);

} // namespace Curtain::Core
