#include "methods.h"

#include "metrics/exposition.h"

#include <cmath>

namespace Curtain::Bench {

namespace {

int seconds(const Traffic &traffic)
{
    return int(std::lround(traffic.now()));
}

double p99(const Counters &window)
{
    std::vector<std::pair<double, double>> buckets;
    for (std::size_t i = 0; i < defaultBuckets.size(); ++i) {
        buckets.emplace_back(defaultBuckets[i], window.buckets[i]);
    }
    return Metrics::histogramQuantile(0.99, buckets);
}

// Flagger's tutorial: interval 1m, threshold 5, stepWeight 10, maxWeight 50, request-success-rate
// ≥ 99 % over 1m, request-duration p99 ≤ 500 ms over 30s. A failed check (no data included) holds
// the weight and adds to a cumulative counter; the rollback comes at the tick after it reaches 5.
class Flagger final : public Method
{
public:
    int weight() const override { return m_weight; }
    Outcome step(const Traffic &traffic) override
    {
        record(traffic);
        if (seconds(traffic) % 60 != 0) {
            return Outcome::Running;
        }
        if (m_failed >= 5) {
            return Outcome::RolledBack;
        }
        const Counters minute = increase(60, true);
        const Counters halfMinute = increase(30, true);
        const bool noValues = minute.requests <= 0 || halfMinute.requests <= 0; // "no values found"
        const double successRate = noValues ? NAN : 100.0 * (1.0 - minute.errors / minute.requests);
        const double latency = noValues ? NAN : p99(halfMinute);
        if (noValues || successRate < 99.0 || latency > 0.5) {
            ++m_failed;
            return Outcome::Running;
        }
        if (m_weight >= 50) {
            return Outcome::Promoted;
        }
        m_weight += 10;
        return Outcome::Running;
    }

private:
    int m_weight = 10;
    int m_failed = 0;
};

// Argo Rollouts' docs example: setWeight 20/40/60/80 with 10-minute pauses, background analysis every
// 5 minutes over [5m]; Failed when failed > failureLimit (cumulative). The weight moves on the timer.
class Argo final : public Method
{
public:
    Argo(double minSuccess, int failureLimit) : m_minSuccess(minSuccess), m_failureLimit(failureLimit) {}
    int weight() const override { return m_weight; }
    Outcome step(const Traffic &traffic) override
    {
        record(traffic);
        const int t = seconds(traffic);
        if (t % 300 == 0) {
            const Counters window = increase(300, true);
            // successCondition `result[0] >= x` with no data: NaN compares false, so Failed.
            const bool ok = window.requests > 0 && 1.0 - window.errors / window.requests >= m_minSuccess;
            if (!ok && ++m_failed > m_failureLimit) {
                return Outcome::RolledBack;
            }
        }
        if (t >= 2400) {
            return Outcome::Promoted;
        }
        m_weight = 20 * (1 + t / 600);
        return Outcome::Running;
    }

private:
    double m_minSuccess;
    int m_failureLimit;
    int m_weight = 20;
    int m_failed = 0;
};

// CodeDeploy Canary10Percent5Minutes with CloudWatch alarms on the deployment's aggregate error rate
// (> 1 %) and p99 (> 500 ms), 60-s periods, 1 of 1 datapoints; missing data does not alarm.
class CodeDeploy final : public Method
{
public:
    int weight() const override { return 10; }
    Outcome step(const Traffic &traffic) override
    {
        record(traffic);
        const int t = seconds(traffic);
        if (t % 60 == 0) {
            const Counters period = increase(60, false);
            if (period.requests > 0 && (period.errors / period.requests > 0.01 || p99(period) > 0.5)) {
                return Outcome::RolledBack;
            }
        }
        return t >= 300 ? Outcome::Promoted : Outcome::Running;
    }
};

// Curtain's judge on Flagger's weight schedule, looked at every 5 s (the console looks at every
// scrape; the test is valid however often it looks): roll back the moment it says
// Fail; promote only when it says Pass once the weight has baked a minute at 50 %; otherwise hold.
class CurtainJudge final : public Method
{
    static constexpr int evaluationSeconds = 5;

public:
    explicit CurtainJudge(double maxMinutes) : m_maxSeconds(int(maxMinutes * 60))
    {
        Core::JudgeSettings settings;
        settings.maxErrorRate = 0.01; // the same absolute backstops as the Flagger tutorial
        settings.maxP99Seconds = 0.5;
        m_judge = Core::Judge(settings);
    }
    int weight() const override { return m_weight; }
    Outcome step(const Traffic &traffic) override
    {
        const int t = seconds(traffic);
        if (t % evaluationSeconds != 0) {
            return Outcome::Running;
        }
        const Core::Judgement j =
            m_judge.observe({qint64(t) * 1000, traffic.stable().toArm(), traffic.canary().toArm()});
        if (j.verdict == Core::Verdict::Fail) {
            return Outcome::RolledBack;
        }
        if (t % 60 == 0 && m_weight < 50) {
            m_weight += 10;
            m_atMaxSince = m_weight == 50 ? t : -1;
        } else if (m_weight == 50 && t - m_atMaxSince >= 60 && j.verdict == Core::Verdict::Pass) {
            return Outcome::Promoted;
        }
        return t >= m_maxSeconds ? Outcome::Held : Outcome::Running;
    }

private:
    Core::Judge m_judge;
    int m_weight = 10;
    int m_atMaxSince = -1;
    int m_maxSeconds;
};

} // namespace

void Method::record(const Traffic &traffic)
{
    m_readings.push_back({traffic.stable(), traffic.canary()});
}

Counters Method::increase(double window, bool canaryOnly) const
{
    Counters out;
    if (m_readings.empty()) {
        return out;
    }
    const std::size_t back = std::size_t(window);
    const Reading &now = m_readings.back();
    const Reading *then = m_readings.size() > back ? &m_readings[m_readings.size() - 1 - back] : nullptr;
    auto add = [&](const Counters &a, const Counters *b) {
        out.requests += a.requests - (b ? b->requests : 0);
        out.errors += a.errors - (b ? b->errors : 0);
        for (std::size_t i = 0; i < out.buckets.size(); ++i) {
            out.buckets[i] += a.buckets[i] - (b ? b->buckets[i] : 0);
        }
    };
    add(now.canary, then ? &then->canary : nullptr);
    if (!canaryOnly) {
        add(now.stable, then ? &then->stable : nullptr);
    }
    return out;
}

const std::vector<std::string> &methodNames()
{
    static const std::vector<std::string> names = {"curtain", "flagger", "argo", "argo-default", "codedeploy"};
    return names;
}

std::unique_ptr<Method> makeMethod(const std::string &name, double maxMinutes)
{
    if (name == "curtain") {
        return std::make_unique<CurtainJudge>(maxMinutes);
    }
    if (name == "flagger") {
        return std::make_unique<Flagger>();
    }
    if (name == "argo") {
        return std::make_unique<Argo>(0.95, 3);
    }
    if (name == "argo-default") {
        return std::make_unique<Argo>(0.99, 0);
    }
    if (name == "codedeploy") {
        return std::make_unique<CodeDeploy>();
    }
    return nullptr;
}

} // namespace Curtain::Bench
