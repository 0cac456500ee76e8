#include "metrics/exposition.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace Curtain::Metrics {

using Core::ErrorKind;

namespace {

bool parseValue(const QByteArray &text, double *value)
{
    if (text == "+Inf" || text == "Inf") {
        *value = std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == "-Inf") {
        *value = -std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == "NaN") {
        *value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    bool ok = false;
    *value = text.toDouble(&ok);
    return ok;
}

// Parses `{a="x",b="y\"z"}` starting at `pos` (just after '{'); leaves `pos` after '}'.
bool parseLabels(const QByteArray &line, qsizetype &pos, QHash<QString, QString> &labels)
{
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == ',')) {
            ++pos;
        }
        if (pos < line.size() && line[pos] == '}') {
            ++pos;
            return true;
        }
        const qsizetype eq = line.indexOf('=', pos);
        if (eq < 0 || eq + 1 >= line.size() || line[eq + 1] != '"') {
            return false;
        }
        const QString name = QString::fromUtf8(line.mid(pos, eq - pos).trimmed());
        QByteArray value;
        qsizetype i = eq + 2;
        for (; i < line.size() && line[i] != '"'; ++i) {
            if (line[i] == '\\' && i + 1 < line.size()) {
                ++i;
                value.append(line[i] == 'n' ? '\n' : line[i]);
            } else {
                value.append(line[i]);
            }
        }
        if (i >= line.size()) {
            return false;
        }
        labels.insert(name, QString::fromUtf8(value));
        pos = i + 1;
    }
    return false;
}

} // namespace

Core::Result<QList<Sample>> parseExposition(const QByteArray &text)
{
    QList<Sample> samples;
    int lineNumber = 0;
    for (const QByteArray &raw : text.split('\n')) {
        ++lineNumber;
        const QByteArray line = raw.trimmed();
        if (line.isEmpty() || line.startsWith('#')) {
            continue;
        }
        Sample sample;
        qsizetype pos = 0;
        while (pos < line.size() && line[pos] != '{' && line[pos] != ' ' && line[pos] != '\t') {
            ++pos;
        }
        sample.name = QString::fromUtf8(line.left(pos));
        if (pos < line.size() && line[pos] == '{') {
            ++pos;
            if (!parseLabels(line, pos, sample.labels)) {
                return Core::makeError(ErrorKind::Protocol, QStringLiteral("metrics line %1 has malformed labels: %2")
                                                                .arg(lineNumber)
                                                                .arg(QString::fromUtf8(line.left(80))));
            }
        }
        const QList<QByteArray> rest = line.mid(pos).simplified().split(' ');
        if (sample.name.isEmpty() || rest.isEmpty() || !parseValue(rest.front(), &sample.value)) {
            return Core::makeError(ErrorKind::Protocol,
                                   QStringLiteral("metrics line %1 is not \"name{labels} value\": %2")
                                       .arg(lineNumber)
                                       .arg(QString::fromUtf8(line.left(80))));
        }
        samples.append(std::move(sample));
    }
    return samples;
}

CounterReading readCounters(const QList<Sample> &samples, qint64 timeMs, const QString &variant)
{
    CounterReading reading;
    reading.timeMs = timeMs;
    std::map<double, double> buckets;
    for (const Sample &s : samples) {
        if (!variant.isEmpty() && s.labels.value(QStringLiteral("variant")) != variant) {
            continue;
        }
        if (s.name == QLatin1String("http_requests_total")) {
            reading.requests += s.value;
            if (s.labels.value(QStringLiteral("code")).startsWith(QLatin1Char('5'))) {
                reading.errors += s.value;
            }
        } else if (s.name == QLatin1String("http_request_duration_seconds_bucket")) {
            double le = 0;
            if (parseValue(s.labels.value(QStringLiteral("le")).toUtf8(), &le)) {
                buckets[le] += s.value; // summed across other labels (e.g. per-pod series)
            }
        }
    }
    reading.buckets.assign(buckets.begin(), buckets.end());
    return reading;
}

double histogramQuantile(double q, const std::vector<std::pair<double, double>> &buckets)
{
    if (buckets.empty() || !std::isinf(buckets.back().first)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const double total = buckets.back().second;
    if (total <= 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    const double rank = q * total;
    double lowerEdge = 0.0;
    double lowerCount = 0.0;
    for (const auto &[le, count] : buckets) {
        if (count >= rank) {
            if (std::isinf(le)) {
                return lowerEdge; // like Prometheus: the highest finite bucket edge
            }
            const double inBucket = count - lowerCount;
            return inBucket <= 0 ? le : lowerEdge + (le - lowerEdge) * (rank - lowerCount) / inBucket;
        }
        lowerEdge = le;
        lowerCount = count;
    }
    return lowerEdge;
}

} // namespace Curtain::Metrics
