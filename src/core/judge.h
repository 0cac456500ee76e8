#pragma once

#include "core/sequentialtest.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Curtain::Core {

// One cumulative histogram bucket as Prometheus exposes it: requests that took ≤ le seconds.
struct HistogramBucket
{
    double le = 0;
    double count = 0;
};

// One arm's cumulative counters at one instant (they only grow, except across a restart).
struct ArmCounters
{
    double requests = 0;
    double errors = 0;
    QList<HistogramBucket> buckets; // ascending le; empty when the source has no histogram
    bool present = false;           // false when the source returned nothing for this arm
};

struct CanarySample
{
    qint64 timeMs = 0;
    ArmCounters stable;
    ArmCounters candidate;
};

// What the judge checks and how sure it must be. Defaults are the classic recipe's thresholds.
struct JudgeSettings
{
    double alpha = 0.01;          // chance of rolling back a candidate as good as stable, per rollout
    double beta = 0.05;           // chance of passing a candidate exactly as bad as the allowed ratio
    double maxErrorRatio = 2.0;   // candidate's error rate may be up to this × stable's
    double maxLatencyRatio = 2.0; // same, for requests slower than stable's p99
    // A new version's first minute: caches are cold, so its latency is not compared and its errors may
    // be up to warmupErrorRatio × stable's before that alone fails it. Budgets apply throughout.
    double warmupSeconds = 60;
    double warmupErrorRatio = 4.0;
    std::optional<double> maxErrorRate = 0.001; // absolute backstop: error rate < 0.1 %
    std::optional<double> maxP99Seconds = 0.2;  // absolute backstop: p99 < 200 ms

    QJsonObject toJson() const;
    static JudgeSettings fromJson(const QJsonObject &object, QString *error);
};

enum class Verdict { Hold, Pass, Fail };
QString verdictName(Verdict verdict);

enum class MetricKind { Errors, Latency, ErrorBudget, LatencyBudget };

// Everything a user needs to believe one metric's verdict.
struct MetricEvidence
{
    MetricKind kind = MetricKind::Errors;
    QString name; // "errors", "latency > 150 ms", "error rate < 0.1 %", "p99 < 200 ms"
    Verdict verdict = Verdict::Hold;
    double candidateEvents = 0;
    double candidateRequests = 0;
    double stableEvents = 0;
    double stableRequests = 0;
    std::optional<double> ratio; // candidate rate / stable rate (or / the budget, for budgets)
    double ratioLow = 0;         // anytime-valid 1 − α interval for the ratio
    double ratioHigh = 0;        // +inf when unbounded
    double logEvidence = 0;      // towards Fail
    double decisionLine = 0;     // Fail when logEvidence reaches it
    double logPassEvidence = 0;
    double passLine = 0;
    std::optional<double> secondsToDecision; // when holding: the expected wait at the current rates
    QString detail;                          // one line: counts, ratio, or why it holds
};

struct Judgement
{
    qint64 timeMs = 0;
    Verdict verdict = Verdict::Hold;
    QList<MetricEvidence> metrics;
    QString reason; // one sentence: which metric decided, or what it waits for

    const MetricEvidence *metric(MetricKind kind) const;
};

// Compares the candidate with stable continuously and says Pass, Fail or Hold with its evidence.
// Pure: feed it cumulative counters (from Prometheus or a direct scrape) as often as you like; the
// false-rollback rate stays ≤ α for the whole rollout (see AttributionTest). No data is Hold.
class Judge
{
public:
    explicit Judge(JudgeSettings settings = {});

    const JudgeSettings &settings() const { return m_settings; }
    Judgement observe(const CanarySample &sample);
    const Judgement &current() const { return m_current; }
    // Names for the arms in sentences ("green", "blue").
    void setArmNames(const QString &candidate, const QString &stable);

    // The accumulated evidence, so a restarted console resumes the same test instead of a new one.
    QJsonObject saveState() const;
    bool restoreState(const QJsonObject &state);

private:
    struct Delta
    {
        double requests = 0;
        double errors = 0;
        QList<HistogramBucket> buckets;
    };
    static Delta difference(const ArmCounters &now, const std::optional<ArmCounters> &before);
    static double above(const Delta &delta, double le);
    void chooseLatencyEdge(const Delta &stable);
    Judgement judge(qint64 timeMs) const;
    MetricEvidence comparative(MetricKind kind, const AttributionTest &test, double candidateRequests,
                               double stableRequests, double share) const;
    MetricEvidence budget(MetricKind kind, const RateTest &test) const;

    JudgeSettings m_settings;
    double m_alphaComparative;
    double m_alphaBudget;
    AttributionTest m_errors;
    AttributionTest m_warmErrors;
    AttributionTest m_latency;
    std::optional<RateTest> m_errorBudget;
    std::optional<RateTest> m_latencyBudget;
    std::optional<double> m_latencyEdge;    // chosen once from stable's own histogram
    std::optional<double> m_budgetEdge;     // the bucket edge the p99 budget is checked at
    QList<HistogramBucket> m_stableHistory; // stable's buckets until the latency edge is chosen
    std::optional<ArmCounters> m_lastStable;
    std::optional<ArmCounters> m_lastCandidate;
    std::optional<qint64> m_firstCandidateTrafficMs;
    double m_candidateRequests = 0;
    double m_stableRequests = 0;
    double m_warmCandidateRequests = 0;
    double m_warmStableRequests = 0;
    double m_latencyCandidateRequests = 0;
    double m_latencyStableRequests = 0;
    double m_lastShare = 0;
    double m_eventRates[2] = {0, 0}; // errors, slow requests: events per second over the last minute
    qint64 m_lastSampleMs = 0;
    QString m_candidateName = QStringLiteral("candidate");
    QString m_stableName = QStringLiteral("stable");
    Judgement m_current;
};

// "errors: green 3.1 % vs blue 0.2 % …" — the sentence shown after an automatic rollback.
QString explainFailure(const Judgement &judgement, const QString &candidate, const QString &stable);

} // namespace Curtain::Core

Q_DECLARE_METATYPE(Curtain::Core::Judgement)
