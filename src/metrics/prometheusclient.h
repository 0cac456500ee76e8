#pragma once

#include "core/result.h"
#include "net/httpclient.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

namespace Curtain::Metrics {

// Where Prometheus is and how to prove who we are. Secrets stay in memory and out of every message.
struct PrometheusEndpoint
{
    QString url; // e.g. http://prometheus.monitoring:9090 (a path prefix is kept)
    QByteArray bearerToken;
    QString basicUser;
    QByteArray basicPassword;
    Net::TlsSettings tls;
};

struct PromSeries
{
    QHash<QString, QString> labels;
    QList<QPair<double, double>> values; // (unix seconds, value); one entry for an instant query
};

// The Prometheus HTTP API (/api/v1/query and /api/v1/query_range). Errors carry Prometheus' own
// errorType and message ("bad_data: 1:5: parse error: …"), so a typo in a query reads as one.
class PrometheusClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PrometheusClient)

public:
    PrometheusClient(Net::HttpClient *http, PrometheusEndpoint endpoint, QObject *parent = nullptr);

    const PrometheusEndpoint &endpoint() const { return m_endpoint; }
    QFuture<Core::Result<QList<PromSeries>>> query(const QString &promql, qint64 timeMs = 0);
    QFuture<Core::Result<QList<PromSeries>>> queryRange(const QString &promql, qint64 startMs, qint64 endMs,
                                                        int stepSeconds);

    // Parses an API reply; public for tests.
    static Core::Result<QList<PromSeries>> parseReply(int httpStatus, const QByteArray &body, const QString &promql);

private:
    QFuture<Core::Result<QList<PromSeries>>> call(const QString &path, const QList<QPair<QString, QString>> &form,
                                                  const QString &promql);

    Net::HttpClient *m_http;
    PrometheusEndpoint m_endpoint;
};

} // namespace Curtain::Metrics
