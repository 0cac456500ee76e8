#include "metrics/countersource.h"

#include "core/futures.h"
#include "metrics/exposition.h"
#include "metrics/prometheusclient.h"

#include <QDateTime>

#include <cmath>
#include <memory>

namespace Curtain::Metrics {

using Core::ArmCounters;
using Core::CanarySample;
using Core::Color;
using Core::Result;

namespace {

// Collects the answers of several requests and calls back once, with the first error if any.
struct Gather
{
    CanarySample sample;
    int pending = 0;
    std::optional<Core::Error> error;
    CounterSource::Callback done;

    void finish()
    {
        if (--pending == 0) {
            done(error ? Result<CanarySample>(*error) : Result<CanarySample>(sample));
        }
    }
};

ArmCounters &arm(CanarySample &sample, const Core::ReleaseSnapshot &release, Color color)
{
    return color == release.stable ? sample.stable : sample.candidate;
}

} // namespace

QString QueryTemplates::render(const QString &templ, const Core::ReleaseSnapshot &release, Color color) const
{
    const Core::Environment &env = release.environment(color);
    QString out = templ;
    out.replace(QStringLiteral("{{namespace}}"), release.namespaceName);
    out.replace(QStringLiteral("{{release}}"), release.name);
    out.replace(QStringLiteral("{{deployment}}"), env.deployment);
    out.replace(QStringLiteral("{{color}}"), Core::colorName(color));
    out.replace(QStringLiteral("{{version}}"), env.version);
    return out;
}

ScrapeCounters::ScrapeCounters(FetchRaw fetch, QObject *parent) : CounterSource(parent), m_fetch(std::move(fetch))
{}

QString ScrapeCounters::describe() const
{
    return QStringLiteral("each environment's /metrics, scraped through the API server");
}

void ScrapeCounters::sample(const Core::ReleaseSnapshot &release, Callback done)
{
    auto gather = std::make_shared<Gather>();
    gather->done = std::move(done);
    gather->sample.timeMs = QDateTime::currentMSecsSinceEpoch();
    gather->pending = 2;
    for (Color color : {Color::Blue, Color::Green}) {
        const QString path = release.environment(color).metricsPath;
        if (path.isEmpty()) {
            gather->finish(); // absent arm: the judge holds and says so
            continue;
        }
        Core::onFinished(m_fetch(path), this, [gather, release, color](const Result<QByteArray> &reply) {
            if (!reply.ok()) {
                gather->error = reply.error();
            } else if (const auto samples = parseExposition(reply.value()); !samples.ok()) {
                gather->error = samples.error();
            } else {
                const CounterReading reading = readCounters(samples.value(), gather->sample.timeMs);
                ArmCounters &target = arm(gather->sample, release, color);
                target.present = true;
                target.requests = reading.requests;
                target.errors = reading.errors;
                for (const auto &[le, count] : reading.buckets) {
                    target.buckets.append({le, count});
                }
            }
            gather->finish();
        });
    }
}

PrometheusCounters::PrometheusCounters(PrometheusClient *client, QueryTemplates templates, QObject *parent)
    : CounterSource(parent), m_client(client), m_templates(std::move(templates))
{}

QString PrometheusCounters::describe() const
{
    return QStringLiteral("Prometheus at %1").arg(m_client->endpoint().url);
}

void PrometheusCounters::sample(const Core::ReleaseSnapshot &release, Callback done)
{
    auto gather = std::make_shared<Gather>();
    gather->done = std::move(done);
    // One evaluation time for all six queries, so both arms are read at the same instant.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    gather->sample.timeMs = now;
    gather->pending = 6;
    for (Color color : {Color::Blue, Color::Green}) {
        auto ask = [&](const QString &templ, std::function<void(ArmCounters &, const QList<PromSeries> &)> use) {
            const QString promql = m_templates.render(templ, release, color);
            Core::onFinished(m_client->query(promql, now), this,
                             [gather, release, color, use](const Result<QList<PromSeries>> &reply) {
                                 if (!reply.ok()) {
                                     gather->error = reply.error();
                                 } else {
                                     use(arm(gather->sample, release, color), reply.value());
                                 }
                                 gather->finish();
                             });
        };
        // An empty result means the arm has no data (yet): `present` stays false and the judge holds.
        auto single = [](const QList<PromSeries> &series) -> std::optional<double> {
            if (series.isEmpty() || series.first().values.isEmpty() ||
                std::isnan(series.first().values.first().second)) {
                return std::nullopt;
            }
            return series.first().values.first().second;
        };
        ask(m_templates.requests, [single](ArmCounters &a, const QList<PromSeries> &s) {
            if (const auto v = single(s)) {
                a.requests = *v;
                a.present = true;
            }
        });
        ask(m_templates.errors, [single](ArmCounters &a, const QList<PromSeries> &s) {
            // sum() over no 5xx series yet is an empty vector: zero errors, not missing data.
            a.errors = single(s).value_or(0.0);
        });
        ask(m_templates.buckets, [](ArmCounters &a, const QList<PromSeries> &s) {
            for (const PromSeries &series : s) {
                if (series.values.isEmpty()) {
                    continue;
                }
                const QString le = series.labels.value(QStringLiteral("le"));
                const double bound = le == QLatin1String("+Inf") ? INFINITY : le.toDouble();
                a.buckets.append({bound, series.values.first().second});
            }
            std::sort(a.buckets.begin(), a.buckets.end(),
                      [](const Core::HistogramBucket &x, const Core::HistogramBucket &y) { return x.le < y.le; });
        });
    }
}

} // namespace Curtain::Metrics
