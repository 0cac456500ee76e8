#include "metrics/prometheusclient.h"

#include "core/displaytext.h"
#include "core/inputlimits.h"
#include "core/nesting.h"

#include <QUrlQuery>

#include <nlohmann/json.hpp>

#include <cmath>

namespace Curtain::Metrics {

using Core::Error;
using Core::ErrorKind;
using nlohmann::json;

namespace {

double sampleValue(const json &pair)
{
    // Values arrive as strings so that NaN and ±Inf survive JSON.
    const std::string text = pair.at(1).get<std::string>();
    if (text == "NaN") {
        return NAN;
    }
    if (text == "+Inf") {
        return INFINITY;
    }
    if (text == "-Inf") {
        return -INFINITY;
    }
    return std::stod(text);
}

} // namespace

PrometheusClient::PrometheusClient(Net::HttpClient *http, PrometheusEndpoint endpoint, QObject *parent)
    : QObject(parent), m_http(http), m_endpoint(std::move(endpoint))
{
    while (m_endpoint.url.endsWith(QLatin1Char('/'))) {
        m_endpoint.url.chop(1);
    }
}

QFuture<Core::Result<QList<PromSeries>>> PrometheusClient::query(const QString &promql, qint64 timeMs)
{
    QList<QPair<QString, QString>> form{{QStringLiteral("query"), promql}};
    if (timeMs > 0) {
        form.append({QStringLiteral("time"), QString::number(double(timeMs) / 1000.0, 'f', 3)});
    }
    return call(QStringLiteral("/api/v1/query"), form, promql);
}

QFuture<Core::Result<QList<PromSeries>>> PrometheusClient::queryRange(const QString &promql, qint64 startMs,
                                                                      qint64 endMs, int stepSeconds)
{
    return call(QStringLiteral("/api/v1/query_range"),
                {{QStringLiteral("query"), promql},
                 {QStringLiteral("start"), QString::number(double(startMs) / 1000.0, 'f', 3)},
                 {QStringLiteral("end"), QString::number(double(endMs) / 1000.0, 'f', 3)},
                 {QStringLiteral("step"), QString::number(std::max(1, stepSeconds))}},
                promql);
}

QFuture<Core::Result<QList<PromSeries>>>
PrometheusClient::call(const QString &path, const QList<QPair<QString, QString>> &form, const QString &promql)
{
    // POST with a form body: queries can be long, and the API accepts both.
    QUrlQuery body;
    for (const auto &[key, value] : form) {
        body.addQueryItem(key, QString::fromUtf8(QUrl::toPercentEncoding(value)));
    }
    Net::HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_endpoint.url + path;
    request.body = body.query(QUrl::FullyEncoded).toUtf8();
    request.headers = {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/x-www-form-urlencoded")},
                       {QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    if (!m_endpoint.bearerToken.isEmpty()) {
        request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + m_endpoint.bearerToken});
    } else if (!m_endpoint.basicUser.isEmpty()) {
        const QByteArray pair = m_endpoint.basicUser.toUtf8() + ':' + m_endpoint.basicPassword;
        request.headers.append({QByteArrayLiteral("Authorization"), QByteArray("Basic " + pair.toBase64())});
    }
    request.tls = m_endpoint.tls;
    request.timeoutMs = 15000;
    const QString url = m_endpoint.url;
    return m_http->send(request).then([promql, url](const Core::Result<Net::HttpResponse> &reply) {
        if (!reply.ok()) {
            Error e = reply.error();
            e.message = QStringLiteral("Prometheus at %1: %2").arg(url, e.message);
            return Core::Result<QList<PromSeries>>(e);
        }
        return parseReply(reply.value().status, reply.value().body, promql);
    });
}

Core::Result<QList<PromSeries>> PrometheusClient::parseReply(int httpStatus, const QByteArray &body,
                                                             const QString &promql)
{
    auto fail = [&](ErrorKind kind, const QString &message) {
        return Core::Result<QList<PromSeries>>(Error{kind, httpStatus, message, 0});
    };
    if (httpStatus == 401 || httpStatus == 403) {
        return fail(httpStatus == 401 ? ErrorKind::Unauthorized : ErrorKind::Forbidden,
                    QStringLiteral("Prometheus refused the query (HTTP %1): check the bearer token or basic-auth "
                                   "credentials given with --prometheus-token-file / --prometheus-basic-auth-file")
                        .arg(httpStatus));
    }
    try {
        const json reply = json::parse(body.constBegin(), body.constEnd());
        if (Core::nestedDeeperThan(reply, Core::Limits::maxJsonDepth)) { // copying it would recurse per level
            return fail(ErrorKind::Protocol, QStringLiteral("the Prometheus reply to %1 nests deeper than %2 levels, "
                                                            "the limit")
                                                 .arg(Core::shown(promql))
                                                 .arg(Core::Limits::maxJsonDepth));
        }
        if (reply.value("status", "") != "success") {
            // {"status":"error","errorType":"bad_data","error":"1:5: parse error: …"}
            return fail(httpStatus >= 500 ? ErrorKind::Server : ErrorKind::InvalidInput,
                        QStringLiteral("Prometheus rejected the query %1: %2: %3")
                            .arg(promql, QString::fromStdString(reply.value("errorType", "error")),
                                 QString::fromStdString(reply.value("error", "no message"))));
        }
        const json &data = reply.at("data");
        const std::string type = data.value("resultType", "");
        QList<PromSeries> out;
        if (type == "scalar") {
            out.append({{}, {{data.at("result").at(0).get<double>(), sampleValue(data.at("result"))}}});
            return out;
        }
        for (const json &item : data.at("result")) {
            PromSeries series;
            const json labels = item.value("metric", json::object()); // items() must not outlive it
            for (const auto &[key, value] : labels.items()) {
                series.labels.insert(QString::fromStdString(key), QString::fromStdString(value.get<std::string>()));
            }
            if (item.contains("value")) {
                series.values.append({item.at("value").at(0).get<double>(), sampleValue(item.at("value"))});
            }
            for (const json &point : item.value("values", json::array())) {
                series.values.append({point.at(0).get<double>(), sampleValue(point)});
            }
            out.append(series);
        }
        return out;
    } catch (const std::exception &e) {
        return fail(ErrorKind::Protocol, QStringLiteral("Prometheus answered HTTP %1 with something that is not its "
                                                        "API's JSON (%2); is the URL a Prometheus server?")
                                             .arg(httpStatus)
                                             .arg(QString::fromUtf8(e.what())));
    }
}

} // namespace Curtain::Metrics
