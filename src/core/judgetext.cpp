#include "core/judgetext.h"

#include <QDateTime>

#include <cmath>

namespace Curtain::Core {

QString formatPercent(double fraction)
{
    const double percent = fraction * 100.0;
    const int decimals = percent >= 10 ? 0 : percent >= 1 ? 1 : 2;
    return QString::number(percent, 'f', decimals) + QStringLiteral(" %");
}

QString formatCount(double count)
{
    QString digits = QString::number(std::llround(count));
    for (int i = digits.size() - 3; i > (digits.startsWith(QLatin1Char('-')) ? 1 : 0); i -= 3) {
        digits.insert(i, QLatin1Char(','));
    }
    return digits;
}

QString formatDuration(double seconds)
{
    if (seconds < 90) {
        return QStringLiteral("%1 s").arg(std::max(1.0, std::round(seconds)));
    }
    if (seconds < 90 * 60) {
        return QStringLiteral("%1 min").arg(std::round(seconds / 60));
    }
    return QStringLiteral("%1 h").arg(QString::number(seconds / 3600, 'f', 1));
}

QString formatRatio(double ratio)
{
    if (std::isinf(ratio)) {
        return QStringLiteral("∞");
    }
    return QStringLiteral("×") + QString::number(ratio, 'f', ratio >= 10 ? 0 : ratio >= 1 ? 1 : 2);
}

QString formatSeconds(double seconds)
{
    return seconds < 1 ? QStringLiteral("%1 ms").arg(std::round(seconds * 1000))
                       : QStringLiteral("%1 s").arg(QString::number(seconds, 'g', 3));
}

namespace {

QString comparison(const MetricEvidence &m, const QString &candidate, const QString &stable)
{
    const QString c =
        m.candidateRequests > 0 ? formatPercent(m.candidateEvents / m.candidateRequests) : QStringLiteral("–");
    const QString s = m.stableRequests > 0 ? formatPercent(m.stableEvents / m.stableRequests) : QStringLiteral("–");
    QString line = QStringLiteral("%1 %2 (%3 of %4) vs %5 %6 (%7 of %8)")
                       .arg(candidate, c, formatCount(m.candidateEvents), formatCount(m.candidateRequests), stable, s,
                            formatCount(m.stableEvents), formatCount(m.stableRequests));
    if (m.ratio) {
        line += QStringLiteral(", %1 [%2 – %3]")
                    .arg(formatRatio(*m.ratio), formatRatio(m.ratioLow), formatRatio(m.ratioHigh));
    }
    return line;
}

} // namespace

void JudgeText::describeErrors(MetricEvidence &m) const
{
    m.name = QStringLiteral("errors");
    m.detail = comparison(m, candidate, stable);
}

void JudgeText::describeLatency(MetricEvidence &m, std::optional<double> edge, std::optional<qint64> firstTrafficMs,
                                double warmupSeconds, qint64 nowMs, bool hasHistogram) const
{
    if (!hasHistogram) {
        m.name = QStringLiteral("latency");
        m.detail = QStringLiteral("no latency histogram from the metrics source");
        return;
    }
    if (!edge) {
        m.name = QStringLiteral("latency");
        m.detail = QStringLiteral("learning %1's p99 (needs 200 of its requests)").arg(stable);
        return;
    }
    m.name = QStringLiteral("latency > %1").arg(formatSeconds(*edge));
    if (!firstTrafficMs) {
        m.detail = QStringLiteral("%1 has served no requests yet").arg(candidate);
        return;
    }
    const double warmLeft = warmupSeconds - double(nowMs - *firstTrafficMs) / 1000.0;
    if (warmLeft > 0 && m.candidateRequests <= 0) {
        m.detail = QStringLiteral("%1 warming up, %2 left").arg(candidate, formatDuration(warmLeft));
        return;
    }
    m.detail = comparison(m, candidate, stable);
}

void JudgeText::describeBudget(MetricEvidence &m, double threshold, std::optional<double> edge) const
{
    if (m.kind == MetricKind::ErrorBudget) {
        m.name = QStringLiteral("error rate < %1").arg(formatPercent(threshold));
        m.detail = m.candidateRequests > 0 ? QStringLiteral("%1 %2 (%3 of %4)")
                                                 .arg(candidate, formatPercent(m.candidateEvents / m.candidateRequests),
                                                      formatCount(m.candidateEvents), formatCount(m.candidateRequests))
                                           : QStringLiteral("%1 has served no requests yet").arg(candidate);
        return;
    }
    m.name = QStringLiteral("p99 < %1").arg(formatSeconds(threshold));
    if (!edge) {
        m.detail = QStringLiteral("no histogram bucket at or above %1 to check it with").arg(formatSeconds(threshold));
        return;
    }
    m.detail = m.candidateRequests > 0
                   ? QStringLiteral("%1: %2 of requests over %3 (%4 of %5)")
                         .arg(candidate, formatPercent(m.candidateEvents / m.candidateRequests), formatSeconds(*edge),
                              formatCount(m.candidateEvents), formatCount(m.candidateRequests))
                   : QStringLiteral("%1 has served no requests yet").arg(candidate);
}

QString JudgeText::passSentence(const MetricEvidence &errors, const MetricEvidence &latency) const
{
    const QString errorPart =
        errors.ratioHigh < 1e6 ? QStringLiteral("errors at most %1").arg(formatRatio(errors.ratioHigh))
                               : QStringLiteral("errors within budget (%1 of %2 requests)")
                                     .arg(formatCount(errors.candidateEvents), formatCount(errors.candidateRequests));
    return QStringLiteral("%1 is no worse than %2: %3, slow requests at most %4 of %2's.")
        .arg(candidate, stable, errorPart, formatRatio(std::min(latency.ratioHigh, 1e9)));
}

QString JudgeText::warmupSentence(qint64 warmEndsMs, double toleratedRatio, double warmRequests) const
{
    const QString at = QDateTime::fromMSecsSinceEpoch(warmEndsMs).toLocalTime().toString(QStringLiteral("HH:mm"));
    return QStringLiteral("Warming up: %1 has served %2 requests. Latency is compared from %3; until then errors are "
                          "tolerated up to %4× %5's rate, and the counts start again at %3.")
        .arg(candidate, formatCount(warmRequests), at, QString::number(toleratedRatio), stable);
}

QString JudgeText::holdSentence(const MetricEvidence &errors, const MetricEvidence &latency,
                                double candidateRequests) const
{
    if (candidateRequests <= 0) {
        return QStringLiteral("Holding: %1 has served no requests yet, so there is nothing to judge.").arg(candidate);
    }
    QStringList waiting;
    std::optional<double> longest;
    for (const MetricEvidence *m : {&errors, &latency}) {
        if (m->verdict == Verdict::Hold) {
            waiting << m->name;
            if (m->secondsToDecision) {
                longest = std::max(longest.value_or(0), *m->secondsToDecision);
            } else {
                longest.reset();
                break;
            }
        }
    }
    const QString what = waiting.join(QStringLiteral(" and "));
    return longest ? QStringLiteral("Holding: not enough evidence on %1 yet; a decision is expected in about %2 at "
                                    "this traffic.")
                         .arg(what, formatDuration(*longest))
                   : QStringLiteral("Holding: not enough evidence on %1 yet, and too little traffic to say when there "
                                    "will be.")
                         .arg(what);
}

QString explainFailure(const Judgement &judgement, const QString &candidate, const QString &stable)
{
    const MetricEvidence *failed = nullptr;
    for (const MetricEvidence &m : judgement.metrics) {
        if (m.verdict == Verdict::Fail &&
            (!failed || m.logEvidence - m.decisionLine > failed->logEvidence - failed->decisionLine)) {
            failed = &m;
        }
    }
    if (!failed) {
        return {};
    }
    const double c = failed->candidateRequests > 0 ? failed->candidateEvents / failed->candidateRequests : 0;
    const double s = failed->stableRequests > 0 ? failed->stableEvents / failed->stableRequests : 0;
    switch (failed->kind) {
    case MetricKind::Errors:
        return QStringLiteral("%1 failed %2 of its requests against %3's %4 (%5, at least %6) on %7 requests.")
            .arg(candidate, formatPercent(c), stable, formatPercent(s),
                 failed->ratio ? formatRatio(*failed->ratio) : QStringLiteral("errors only on %1").arg(candidate),
                 formatRatio(failed->ratioLow), formatCount(failed->candidateRequests));
    case MetricKind::Latency:
        return QStringLiteral("%1 answered %2 of its requests slower than %3 against %4's %5 (%6, at least %7) on %8 "
                              "requests.")
            .arg(candidate, formatPercent(c), failed->name.mid(failed->name.indexOf(QLatin1Char('>')) + 2), stable,
                 formatPercent(s),
                 failed->ratio ? formatRatio(*failed->ratio) : QStringLiteral("only %1 was slow").arg(candidate),
                 formatRatio(failed->ratioLow), formatCount(failed->candidateRequests));
    case MetricKind::ErrorBudget:
    case MetricKind::LatencyBudget:
        if (failed->kind == MetricKind::ErrorBudget) {
            return QStringLiteral("%1 failed %2 of %3 requests (%4), over its %5 error budget.")
                .arg(candidate, formatPercent(c), formatCount(failed->candidateRequests),
                     formatCount(failed->candidateEvents), failed->name.section(QLatin1Char('<'), 1).trimmed());
        }
        return QStringLiteral("%1 answered %2 of %3 requests over its p99 budget (%4), where at most 1 % may be.")
            .arg(candidate, formatPercent(c), formatCount(failed->candidateRequests), failed->name);
    }
    return {};
}

} // namespace Curtain::Core
