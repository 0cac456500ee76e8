#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <vector>

namespace Curtain::Metrics {

struct Sample
{
    QString name;
    QHash<QString, QString> labels;
    double value = 0.0;
};

// Parses the Prometheus text exposition format (version 0.0.4): comments, labels with escapes,
// special values (+Inf, NaN). A malformed line is an error naming the line number.
Core::Result<QList<Sample>> parseExposition(const QByteArray &text);

// What Curtain reads from one environment's exposition at one moment: cumulative counters.
struct CounterReading
{
    qint64 timeMs = 0;
    double requests = 0.0;                          // sum of http_requests_total over all codes
    double errors = 0.0;                            // the 5xx part of it
    std::vector<std::pair<double, double>> buckets; // http_request_duration_seconds_bucket: (le, cumulative count)
};

// With `variant`, only the samples labelled variant="<variant>" count (a flag rollout's variant).
CounterReading readCounters(const QList<Sample> &samples, qint64 timeMs, const QString &variant = {});

// Prometheus' histogram_quantile over cumulative buckets (linear within a bucket). NaN when empty.
double histogramQuantile(double q, const std::vector<std::pair<double, double>> &buckets);

} // namespace Curtain::Metrics
