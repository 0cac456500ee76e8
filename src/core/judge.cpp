#include "core/judge.h"

#include "core/judgetext.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Curtain::Core {

namespace {

constexpr double minStableRequestsForEdge = 200; // enough for ~2 requests beyond stable's p99
constexpr double rateTimeConstantSeconds = 60;

// The same bucket edge, whichever way it was printed and parsed ("0.25", "2.5e-01", "+Inf").
bool sameEdge(double a, double b)
{
    if (std::isinf(a) || std::isinf(b)) {
        return std::isinf(a) && std::isinf(b);
    }
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

QJsonArray bucketsToJson(const QList<HistogramBucket> &buckets)
{
    QJsonArray out;
    for (const HistogramBucket &b : buckets) {
        out.append(QJsonArray{std::isinf(b.le) ? QJsonValue(QStringLiteral("+Inf")) : QJsonValue(b.le), b.count});
    }
    return out;
}

QList<HistogramBucket> bucketsFromJson(const QJsonArray &array)
{
    QList<HistogramBucket> out;
    for (const QJsonValue &v : array) {
        const QJsonArray pair = v.toArray();
        const double le = pair.at(0).isString() ? std::numeric_limits<double>::infinity() : pair.at(0).toDouble();
        out.append({le, pair.at(1).toDouble()});
    }
    return out;
}

QJsonObject countersToJson(const ArmCounters &c)
{
    return {{QStringLiteral("requests"), c.requests},
            {QStringLiteral("errors"), c.errors},
            {QStringLiteral("buckets"), bucketsToJson(c.buckets)}};
}

ArmCounters countersFromJson(const QJsonObject &o)
{
    ArmCounters c;
    c.requests = o.value(QStringLiteral("requests")).toDouble();
    c.errors = o.value(QStringLiteral("errors")).toDouble();
    c.buckets = bucketsFromJson(o.value(QStringLiteral("buckets")).toArray());
    c.present = true;
    return c;
}

QJsonArray slicesToJson(const std::map<int, std::pair<double, double>> &slices)
{
    QJsonArray out;
    for (const auto &[share, counts] : slices) {
        out.append(QJsonArray{share, counts.first, counts.second});
    }
    return out;
}

// A time in ms as the state saved it (a JSON number; absent is 0). nullopt when no qint64 holds it
// exactly: converting such a double is undefined, and the state is damaged anyway.
std::optional<qint64> timeMs(const QJsonValue &value)
{
    const double ms = value.isUndefined() ? 0.0 : value.toDouble(std::numeric_limits<double>::quiet_NaN());
    constexpr double exact = 9007199254740992.0; // 2^53
    return std::abs(ms) <= exact ? std::optional<qint64>(qint64(ms)) : std::nullopt;
}

std::map<int, std::pair<double, double>> slicesFromJson(const QJsonArray &array)
{
    std::map<int, std::pair<double, double>> out;
    for (const QJsonValue &v : array) {
        const QJsonArray s = v.toArray();
        out[s.at(0).toInt()] = {s.at(1).toDouble(), s.at(2).toDouble()};
    }
    return out;
}

} // namespace

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Hold:
        return QStringLiteral("Hold");
    case Verdict::Pass:
        return QStringLiteral("Pass");
    case Verdict::Fail:
        return QStringLiteral("Fail");
    }
    return {};
}

const MetricEvidence *Judgement::metric(MetricKind kind) const
{
    for (const MetricEvidence &m : metrics) {
        if (m.kind == kind) {
            return &m;
        }
    }
    return nullptr;
}

QJsonObject JudgeSettings::toJson() const
{
    return {{QStringLiteral("alpha"), alpha},
            {QStringLiteral("beta"), beta},
            {QStringLiteral("maxErrorRatio"), maxErrorRatio},
            {QStringLiteral("maxLatencyRatio"), maxLatencyRatio},
            {QStringLiteral("warmupSeconds"), warmupSeconds},
            {QStringLiteral("warmupErrorRatio"), warmupErrorRatio},
            {QStringLiteral("maxErrorRate"), maxErrorRate ? QJsonValue(*maxErrorRate) : QJsonValue()},
            {QStringLiteral("maxP99Seconds"), maxP99Seconds ? QJsonValue(*maxP99Seconds) : QJsonValue()}};
}

JudgeSettings JudgeSettings::fromJson(const QJsonObject &object, QString *error)
{
    JudgeSettings s;
    auto number = [&](const char *key, double &target, double low, double high, const char *range) {
        const QJsonValue v = object.value(QLatin1String(key));
        if (v.isUndefined()) {
            return;
        }
        // NaN (YAML's .nan) is in no range: as a threshold it would make every comparison false.
        if (!v.isDouble() || !(v.toDouble() >= low && v.toDouble() <= high)) {
            if (error->isEmpty()) {
                *error = QStringLiteral("%1 must be a number %2").arg(QLatin1String(key), QLatin1String(range));
            }
            return;
        }
        target = v.toDouble();
    };
    auto optionalNumber = [&](const char *key, std::optional<double> &target, double low, double high,
                              const char *range) {
        const QJsonValue v = object.value(QLatin1String(key));
        if (v.isNull()) {
            target.reset(); // an explicit null switches the backstop off
            return;
        }
        double value = target.value_or(0);
        number(key, value, low, high, range);
        target = value;
    };
    number("alpha", s.alpha, 1e-6, 0.2, "between 0.000001 and 0.2 (e.g. 0.01)");
    number("beta", s.beta, 1e-6, 0.5, "between 0.000001 and 0.5 (e.g. 0.05)");
    number("maxErrorRatio", s.maxErrorRatio, 1.01, 1000, "between 1.01 and 1000 (e.g. 2)");
    number("maxLatencyRatio", s.maxLatencyRatio, 1.01, 1000, "between 1.01 and 1000 (e.g. 2)");
    number("warmupSeconds", s.warmupSeconds, 0, 3600, "of seconds between 0 and 3600");
    number("warmupErrorRatio", s.warmupErrorRatio, 1, 1000, "between 1 and 1000 (e.g. 4)");
    optionalNumber("maxErrorRate", s.maxErrorRate, 1e-6, 0.5, "between 0.000001 and 0.5 (0.001 is 0.1 %), or null");
    optionalNumber("maxP99Seconds", s.maxP99Seconds, 0.001, 600, "of seconds between 0.001 and 600, or null");
    return s;
}

Judge::Judge(JudgeSettings settings)
    : m_settings(settings)
      // α is the budget for the whole rollout: most of it for the comparisons, a little for the warm-up
      // and the absolute backstops (Bonferroni: the union of all false alarms stays ≤ α).
      ,
      m_alphaComparative(settings.alpha * 0.3), m_alphaBudget(settings.alpha * 0.1),
      m_errors(m_alphaComparative, settings.beta, settings.maxErrorRatio),
      m_warmErrors(settings.alpha * 0.2, settings.beta, settings.maxErrorRatio, settings.warmupErrorRatio),
      m_latency(m_alphaComparative, settings.beta, settings.maxLatencyRatio)
{
    if (settings.maxErrorRate) {
        m_errorBudget.emplace(m_alphaBudget, settings.beta, *settings.maxErrorRate);
    }
    if (settings.maxP99Seconds) {
        m_latencyBudget.emplace(m_alphaBudget, settings.beta, 0.01);
    }
    m_current.reason = QStringLiteral("Waiting for a first reading of both versions.");
}

void Judge::setArmNames(const QString &candidate, const QString &stable)
{
    m_candidateName = candidate;
    m_stableName = stable;
}

Judge::Delta Judge::difference(const ArmCounters &now, const std::optional<ArmCounters> &before)
{
    // Counters only fall when a process restarted; then everything since the restart is new.
    auto diff = [](double n, double b) { return n >= b ? n - b : n; };
    Delta d;
    d.requests = diff(now.requests, before ? before->requests : 0);
    d.errors = std::min(d.requests, diff(now.errors, before ? before->errors : 0));
    for (const HistogramBucket &bucket : now.buckets) {
        double previous = 0;
        if (before) {
            for (const HistogramBucket &b : before->buckets) {
                if (sameEdge(b.le, bucket.le)) {
                    previous = b.count;
                }
            }
        }
        d.buckets.append({bucket.le, diff(bucket.count, previous)});
    }
    return d;
}

double Judge::above(const Delta &delta, double le)
{
    double total = delta.requests;
    std::optional<double> atEdge;
    for (const HistogramBucket &b : delta.buckets) {
        if (std::isinf(b.le)) {
            total = b.count;
        } else if (sameEdge(b.le, le)) {
            atEdge = b.count;
        }
    }
    return atEdge ? std::max(0.0, total - *atEdge) : -1.0;
}

void Judge::chooseLatencyEdge(const Delta &stable)
{
    // Accumulate stable's histogram until it is big enough to say where its p99 lies, then fix the
    // edge for the rest of the rollout (moving it would break the test's guarantee).
    for (const HistogramBucket &b : stable.buckets) {
        auto it = std::find_if(m_stableHistory.begin(), m_stableHistory.end(),
                               [&](const HistogramBucket &h) { return sameEdge(h.le, b.le); });
        if (it == m_stableHistory.end()) {
            m_stableHistory.append(b);
        } else {
            it->count += b.count;
        }
    }
    std::sort(m_stableHistory.begin(), m_stableHistory.end(),
              [](const HistogramBucket &a, const HistogramBucket &b) { return a.le < b.le; });
    if (m_stableHistory.isEmpty() || !std::isinf(m_stableHistory.last().le)) {
        return;
    }
    const double total = m_stableHistory.last().count;
    if (total < minStableRequestsForEdge) {
        return;
    }
    for (const HistogramBucket &b : m_stableHistory) {
        if (!std::isinf(b.le) && b.count >= 0.99 * total) {
            m_latencyEdge = b.le;
            return;
        }
    }
    // Stable's p99 lies beyond the last finite edge: use that edge, the best the buckets allow.
    if (m_stableHistory.size() >= 2) {
        m_latencyEdge = m_stableHistory.at(m_stableHistory.size() - 2).le;
    }
}

Judgement Judge::observe(const CanarySample &sample)
{
    if (m_current.verdict == Verdict::Fail) {
        return m_current; // the test has stopped: a decision made is not taken back by later luck
    }
    if (!sample.stable.present || !sample.candidate.present) {
        m_current = judge(sample.timeMs);
        if (m_current.verdict != Verdict::Fail) {
            m_current.verdict = Verdict::Hold;
            m_current.reason = QStringLiteral("No data for %1 from the metrics source; holding.")
                                   .arg(!sample.candidate.present ? m_candidateName : m_stableName);
        }
        return m_current;
    }
    if (!m_lastStable || !m_lastCandidate) {
        m_lastStable = sample.stable;
        m_lastCandidate = sample.candidate;
        m_lastSampleMs = sample.timeMs;
        m_current = judge(sample.timeMs);
        return m_current;
    }
    const Delta stable = difference(sample.stable, m_lastStable);
    const Delta candidate = difference(sample.candidate, m_lastCandidate);
    const qint64 sliceStartMs = m_lastSampleMs;
    m_lastStable = sample.stable;
    m_lastCandidate = sample.candidate;
    m_lastSampleMs = sample.timeMs;

    const double total = stable.requests + candidate.requests;
    const double share = total > 0 ? candidate.requests / total : 0.0;
    if (candidate.requests > 0) {
        m_lastShare = share;
        if (!m_firstCandidateTrafficMs) {
            m_firstCandidateTrafficMs = sliceStartMs;
        }
    }
    const bool warm = m_firstCandidateTrafficMs &&
                      sliceStartMs >= *m_firstCandidateTrafficMs + qint64(m_settings.warmupSeconds * 1000);
    if (warm) {
        m_candidateRequests += candidate.requests;
        m_stableRequests += stable.requests;
        m_errors.add(candidate.errors, stable.errors, share);
    } else {
        m_warmCandidateRequests += candidate.requests;
        m_warmStableRequests += stable.requests;
        m_warmErrors.add(candidate.errors, stable.errors, share);
    }
    if (m_errorBudget) {
        m_errorBudget->add(candidate.errors, candidate.requests);
    }

    double slowEvents = 0;
    if (!m_latencyEdge) {
        chooseLatencyEdge(stable);
    }
    if (m_latencyEdge && warm) {
        const double slowCandidate = above(candidate, *m_latencyEdge);
        const double slowStable = above(stable, *m_latencyEdge);
        if (slowCandidate >= 0 && slowStable >= 0) {
            m_latency.add(slowCandidate, slowStable, share);
            m_latencyCandidateRequests += candidate.requests;
            m_latencyStableRequests += stable.requests;
            slowEvents = slowCandidate + slowStable;
        }
    }
    if (m_latencyBudget) {
        if (!m_budgetEdge) {
            for (const HistogramBucket &b : candidate.buckets) {
                if (!std::isinf(b.le) && b.le >= *m_settings.maxP99Seconds - 1e-9) {
                    m_budgetEdge = b.le;
                    break;
                }
            }
        }
        if (m_budgetEdge) {
            const double slow = above(candidate, *m_budgetEdge);
            if (slow >= 0) {
                m_latencyBudget->add(slow, candidate.requests);
            }
        }
    }

    const double seconds = double(sample.timeMs - sliceStartMs) / 1000.0;
    if (seconds > 0) {
        const double keep = std::exp(-seconds / rateTimeConstantSeconds);
        const double events[2] = {candidate.errors + stable.errors, slowEvents};
        for (int i = 0; i < 2; ++i) {
            m_eventRates[i] = keep * m_eventRates[i] + (1 - keep) * events[i] / seconds;
        }
    }
    m_current = judge(sample.timeMs);
    return m_current;
}

MetricEvidence Judge::comparative(MetricKind kind, const AttributionTest &test, double candidateRequests,
                                  double stableRequests, double share) const
{
    MetricEvidence m;
    m.kind = kind;
    m.candidateEvents = test.candidateEvents();
    m.stableEvents = test.stableEvents();
    m.candidateRequests = candidateRequests;
    m.stableRequests = stableRequests;
    m.logEvidence = test.logFailEvidence();
    m.decisionLine = test.failLine();
    m.logPassEvidence = test.logPassEvidence();
    m.passLine = test.passLine();
    if (candidateRequests > 0 && stableRequests > 0 && m.stableEvents > 0) {
        m.ratio = (m.candidateEvents / candidateRequests) / (m.stableEvents / stableRequests);
    }
    const auto interval = test.confidenceInterval(m_alphaComparative);
    m.ratioLow = interval.first;
    m.ratioHigh = interval.second;
    const double rate = m_eventRates[kind == MetricKind::Errors ? 0 : 1];
    if (const auto events = test.expectedEventsToDecision(share); events && rate > 0) {
        m.secondsToDecision = *events / rate;
    }
    return m;
}

MetricEvidence Judge::budget(MetricKind kind, const RateTest &test) const
{
    MetricEvidence m;
    m.kind = kind;
    m.candidateEvents = test.events();
    m.candidateRequests = test.trials();
    m.logEvidence = test.logFailEvidence();
    m.decisionLine = test.failLine();
    m.logPassEvidence = test.logPassEvidence();
    m.passLine = test.passLine();
    if (test.trials() > 0) {
        m.ratio = (test.events() / test.trials()) / test.threshold();
    }
    m.ratioHigh = std::numeric_limits<double>::infinity();
    if (test.logFailEvidence() >= test.failLine()) {
        m.verdict = Verdict::Fail;
    } else if (test.logPassEvidence() >= test.passLine()) {
        m.verdict = Verdict::Pass;
    }
    return m;
}

Judgement Judge::judge(qint64 timeMs) const
{
    Judgement j;
    j.timeMs = timeMs;
    const JudgeText text{m_candidateName, m_stableName};

    std::optional<MetricEvidence> errorBudget;
    if (m_errorBudget) {
        errorBudget = budget(MetricKind::ErrorBudget, *m_errorBudget);
        text.describeBudget(*errorBudget, *m_settings.maxErrorRate, m_budgetEdge);
    }
    std::optional<MetricEvidence> latencyBudget;
    if (m_latencyBudget) {
        latencyBudget = budget(MetricKind::LatencyBudget, *m_latencyBudget);
        text.describeBudget(*latencyBudget, *m_settings.maxP99Seconds, m_budgetEdge);
    }

    MetricEvidence errors =
        comparative(MetricKind::Errors, m_errors, m_candidateRequests, m_stableRequests, m_lastShare);
    const bool warmFailed = m_warmErrors.logFailEvidence() >= m_warmErrors.failLine();
    if (warmFailed || (m_candidateRequests <= 0 && m_warmCandidateRequests > 0)) {
        errors =
            comparative(MetricKind::Errors, m_warmErrors, m_warmCandidateRequests, m_warmStableRequests, m_lastShare);
        errors.logPassEvidence = 0; // warm-up data never passes a candidate
    }
    MetricEvidence latency =
        comparative(MetricKind::Latency, m_latency, m_latencyCandidateRequests, m_latencyStableRequests, m_lastShare);
    // A comparison passes when the candidate is shown to be no worse than allowed.
    // A budget stricter than maxRatio × stable's rate says as much as the ratio would; and when stable
    // has had no errors at all there is no ratio to show, only the budget.
    const double stableErrorRate = m_stableRequests > 0 ? errors.stableEvents / m_stableRequests : 0;
    const bool budgetDecides =
        errorBudget && errorBudget->verdict == Verdict::Pass &&
        (errors.stableEvents <= 0 || *m_settings.maxErrorRate <= m_settings.maxErrorRatio * stableErrorRate);
    auto settle = [](MetricEvidence &m, bool budgetPassed) {
        if (m.logEvidence >= m.decisionLine) {
            m.verdict = Verdict::Fail;
        } else if (m.logPassEvidence >= m.passLine || budgetPassed) {
            m.verdict = Verdict::Pass;
        }
    };
    settle(errors, budgetDecides);
    settle(latency, false);
    text.describeErrors(errors);
    text.describeLatency(latency, m_latencyEdge, m_firstCandidateTrafficMs, m_settings.warmupSeconds, timeMs,
                         !m_lastCandidate || !m_lastCandidate->buckets.isEmpty());

    j.metrics = {errors, latency};
    if (errorBudget) {
        j.metrics.append(*errorBudget);
    }
    if (latencyBudget) {
        j.metrics.append(*latencyBudget);
    }

    const MetricEvidence *failed = nullptr;
    for (const MetricEvidence &m : j.metrics) {
        if (m.verdict == Verdict::Fail &&
            (!failed || m.logEvidence - m.decisionLine > failed->logEvidence - failed->decisionLine)) {
            failed = &m;
        }
    }
    if (failed) {
        j.verdict = Verdict::Fail;
        j.reason = explainFailure(j, m_candidateName, m_stableName);
    } else if (errors.verdict == Verdict::Pass && latency.verdict == Verdict::Pass) {
        j.verdict = Verdict::Pass;
        j.reason = text.passSentence(errors, latency);
    } else {
        j.verdict = Verdict::Hold;
        const bool warmingUp = m_candidateRequests <= 0 && m_warmCandidateRequests > 0 && m_firstCandidateTrafficMs;
        j.reason = warmingUp ? text.warmupSentence(*m_firstCandidateTrafficMs + qint64(m_settings.warmupSeconds * 1000),
                                                   m_settings.warmupErrorRatio, m_warmCandidateRequests)
                             : text.holdSentence(errors, latency, m_candidateRequests);
    }
    return j;
}

QJsonObject Judge::saveState() const
{
    QJsonObject o;
    o[QStringLiteral("errors")] = slicesToJson(m_errors.slices());
    o[QStringLiteral("warmErrors")] = slicesToJson(m_warmErrors.slices());
    o[QStringLiteral("latency")] = slicesToJson(m_latency.slices());
    if (m_errorBudget) {
        o[QStringLiteral("errorBudget")] = QJsonArray{m_errorBudget->events(), m_errorBudget->trials()};
    }
    if (m_latencyBudget) {
        o[QStringLiteral("latencyBudget")] = QJsonArray{m_latencyBudget->events(), m_latencyBudget->trials()};
    }
    if (m_latencyEdge) {
        o[QStringLiteral("latencyEdge")] = *m_latencyEdge;
    }
    if (m_budgetEdge) {
        o[QStringLiteral("budgetEdge")] = *m_budgetEdge;
    }
    if (m_firstCandidateTrafficMs) {
        o[QStringLiteral("firstCandidateTrafficMs")] = double(*m_firstCandidateTrafficMs);
    }
    o[QStringLiteral("requests")] =
        QJsonArray{m_candidateRequests,     m_stableRequests,        m_latencyCandidateRequests,
                   m_latencyStableRequests, m_warmCandidateRequests, m_warmStableRequests};
    o[QStringLiteral("stableHistory")] = bucketsToJson(m_stableHistory);
    if (m_lastStable && m_lastCandidate) {
        o[QStringLiteral("lastStable")] = countersToJson(*m_lastStable);
        o[QStringLiteral("lastCandidate")] = countersToJson(*m_lastCandidate);
        o[QStringLiteral("lastSampleMs")] = double(m_lastSampleMs);
    }
    o[QStringLiteral("share")] = m_lastShare;
    return o;
}

bool Judge::restoreState(const QJsonObject &o)
{
    const auto firstCandidateTrafficMs = timeMs(o.value(QStringLiteral("firstCandidateTrafficMs")));
    const auto lastSampleMs = timeMs(o.value(QStringLiteral("lastSampleMs")));
    if (!o.value(QStringLiteral("errors")).isArray() || !o.value(QStringLiteral("requests")).isArray() ||
        !firstCandidateTrafficMs || !lastSampleMs) {
        return false;
    }
    m_errors.restore(slicesFromJson(o.value(QStringLiteral("errors")).toArray()));
    m_warmErrors.restore(slicesFromJson(o.value(QStringLiteral("warmErrors")).toArray()));
    m_latency.restore(slicesFromJson(o.value(QStringLiteral("latency")).toArray()));
    const QJsonArray eb = o.value(QStringLiteral("errorBudget")).toArray();
    if (m_errorBudget && eb.size() == 2) {
        m_errorBudget->add(eb.at(0).toDouble(), eb.at(1).toDouble());
    }
    const QJsonArray lb = o.value(QStringLiteral("latencyBudget")).toArray();
    if (m_latencyBudget && lb.size() == 2) {
        m_latencyBudget->add(lb.at(0).toDouble(), lb.at(1).toDouble());
    }
    if (o.contains(QStringLiteral("latencyEdge"))) {
        m_latencyEdge = o.value(QStringLiteral("latencyEdge")).toDouble();
    }
    if (o.contains(QStringLiteral("budgetEdge"))) {
        m_budgetEdge = o.value(QStringLiteral("budgetEdge")).toDouble();
    }
    if (o.contains(QStringLiteral("firstCandidateTrafficMs"))) {
        m_firstCandidateTrafficMs = *firstCandidateTrafficMs;
    }
    const QJsonArray r = o.value(QStringLiteral("requests")).toArray();
    m_candidateRequests = r.at(0).toDouble();
    m_stableRequests = r.at(1).toDouble();
    m_latencyCandidateRequests = r.at(2).toDouble();
    m_latencyStableRequests = r.at(3).toDouble();
    m_warmCandidateRequests = r.at(4).toDouble();
    m_warmStableRequests = r.at(5).toDouble();
    m_stableHistory = bucketsFromJson(o.value(QStringLiteral("stableHistory")).toArray());
    if (o.contains(QStringLiteral("lastStable"))) {
        m_lastStable = countersFromJson(o.value(QStringLiteral("lastStable")).toObject());
        m_lastCandidate = countersFromJson(o.value(QStringLiteral("lastCandidate")).toObject());
        m_lastSampleMs = *lastSampleMs;
    }
    m_lastShare = o.value(QStringLiteral("share")).toDouble();
    m_current = judge(m_lastSampleMs);
    return true;
}

} // namespace Curtain::Core
