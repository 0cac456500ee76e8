#pragma once

#include "core/judge.h"

#include <QString>

#include <optional>

namespace Curtain::Core {

// Numbers as a release engineer reads them: "3.1 %", "1,204", "about 3 min", "×15".
QString formatPercent(double fraction);
QString formatCount(double count);
QString formatDuration(double seconds);
QString formatRatio(double ratio);
QString formatSeconds(double seconds); // 0.15 → "150 ms"

// The judge's sentences, kept apart from its arithmetic.
struct JudgeText
{
    QString candidate;
    QString stable;

    void describeErrors(MetricEvidence &m) const;
    void describeLatency(MetricEvidence &m, std::optional<double> edge, std::optional<qint64> firstTrafficMs,
                         double warmupSeconds, qint64 nowMs, bool hasHistogram) const;
    void describeBudget(MetricEvidence &m, double threshold, std::optional<double> edge) const;
    QString passSentence(const MetricEvidence &errors, const MetricEvidence &latency) const;
    QString holdSentence(const MetricEvidence &errors, const MetricEvidence &latency, double candidateRequests) const;
    // While the candidate warms up: what is compared from when, what is tolerated until then, and
    // that the counts start again then (`warmEndsMs` is a wall-clock time, shown in local time).
    QString warmupSentence(qint64 warmEndsMs, double toleratedRatio, double warmRequests) const;
};

} // namespace Curtain::Core
