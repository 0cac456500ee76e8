#pragma once

#include "core/judge.h"
#include "core/release.h"
#include "core/result.h"
#include "metrics/fetch.h"

#include <QObject>
#include <QString>

#include <functional>

namespace Curtain::Metrics {

class PrometheusClient;

// The PromQL a release's counters are read with. {{namespace}}, {{release}}, {{deployment}},
// {{color}} and {{version}} are replaced per environment. Each query must return one series (or one
// per `le` for the buckets) of cumulative counters — not rate(): the judge takes its own differences.
struct QueryTemplates
{
    QString requests = QStringLiteral("sum(http_requests_total{deployment=\"{{deployment}}\"})");
    QString errors = QStringLiteral("sum(http_requests_total{deployment=\"{{deployment}}\",code=~\"5..\"})");
    QString buckets =
        QStringLiteral("sum by (le) (http_request_duration_seconds_bucket{deployment=\"{{deployment}}\"})");

    QString render(const QString &templ, const Core::ReleaseSnapshot &release, Core::Color color) const;
};

// Reads both arms' cumulative counters at one moment, stable and candidate named by the release.
class CounterSource : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const Core::Result<Core::CanarySample> &)>;
    using QObject::QObject;

    virtual QString describe() const = 0; // for the UI: "Prometheus at http://…", "direct scrape"
    virtual void sample(const Core::ReleaseSnapshot &release, Callback done) = 0;
};

// Each environment's own /metrics, through the API server's service proxy (the foundation's source).
class ScrapeCounters final : public CounterSource
{
    Q_OBJECT

public:
    explicit ScrapeCounters(FetchRaw fetch, QObject *parent = nullptr);
    QString describe() const override;
    void sample(const Core::ReleaseSnapshot &release, Callback done) override;

private:
    FetchRaw m_fetch;
};

// The Prometheus HTTP API with the release's query templates.
class PrometheusCounters final : public CounterSource
{
    Q_OBJECT

public:
    PrometheusCounters(PrometheusClient *client, QueryTemplates templates, QObject *parent = nullptr);
    QString describe() const override;
    void sample(const Core::ReleaseSnapshot &release, Callback done) override;

private:
    PrometheusClient *m_client;
    QueryTemplates m_templates;
};

} // namespace Curtain::Metrics
