// The Prometheus HTTP API client against a loopback server speaking the API's wire format: the
// credentials it sends (and never prints), instant and range results, NaN, and the API's errors.
// The real Prometheus is exercised end to end in tst_plans.

#include "metrics/prometheusclient.h"
#include "net/httpclient.h"

#include "futurewait.h"

#include <QTest>

#include <httplib.h>

#include <cmath>
#include <thread>

using namespace Curtain;

class TestPrometheusClient : public QObject
{
    Q_OBJECT

    httplib::Server m_server;
    std::thread m_serving;
    int m_port = 0;
    std::string m_lastAuthorization;
    std::string m_lastQuery;

    Metrics::PrometheusEndpoint endpoint() const
    {
        return {QStringLiteral("http://127.0.0.1:%1/prefix/").arg(m_port), {}, {}, {}, {}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto answer = [this](const httplib::Request &req, httplib::Response &res) {
            m_lastAuthorization = req.get_header_value("Authorization");
            m_lastQuery = req.get_param_value("query");
            const std::string q = m_lastQuery;
            if (q == "up{") {
                res.status = 400;
                res.set_content(
                    R"({"status":"error","errorType":"bad_data","error":"1:4: parse error: unexpected end of input"})",
                    "application/json");
            } else if (q == "secret") {
                res.status = m_lastAuthorization == "Bearer t0ken" ? 200 : 401;
                res.set_content(R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"1"]}})",
                                "application/json");
            } else if (q == "nan") {
                res.set_content(
                    R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"le":"+Inf"},"value":[1700000000,"NaN"]}]}})",
                    "application/json");
            } else if (req.path == "/prefix/api/v1/query_range") {
                res.set_content(
                    R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"deployment":"catalog-green"},"values":[[1700000000,"1"],[1700000015,"2.5"]]}]}})",
                    "application/json");
            } else {
                res.set_content(
                    R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"deployment":"catalog-green","code":"500"},"value":[1700000000,"42"]}]}})",
                    "application/json");
            }
        };
        m_server.Post("/prefix/api/v1/query", answer);
        m_server.Post("/prefix/api/v1/query_range", answer);
        m_server.Post("/not-prometheus/api/v1/query", [](const httplib::Request &, httplib::Response &res) {
            res.set_content("<html>login</html>", "text/html");
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        QVERIFY(m_port > 0);
        m_serving = std::thread([this] { m_server.listen_after_bind(); });
    }

    void cleanupTestCase()
    {
        m_server.stop();
        m_serving.join();
    }

    void instantQuery_readsLabelsAndValue()
    {
        Net::HttpClient http;
        Metrics::PrometheusClient client(&http, endpoint());
        const auto reply = Test::waitFor(client.query(QStringLiteral("sum(http_requests_total{code=~\"5..\"})")));
        QVERIFY2(reply.ok(), qPrintable(reply.ok() ? QString() : reply.error().message));
        QCOMPARE(m_lastQuery, std::string("sum(http_requests_total{code=~\"5..\"})")); // survives form encoding
        QCOMPARE(reply.value().size(), 1);
        QCOMPARE(reply.value().first().labels.value(QStringLiteral("code")), QStringLiteral("500"));
        QCOMPARE(reply.value().first().values.first().second, 42.0);
    }

    void rangeQuery_readsEveryPoint()
    {
        Net::HttpClient http;
        Metrics::PrometheusClient client(&http, endpoint());
        const auto reply =
            Test::waitFor(client.queryRange(QStringLiteral("rate(x[1m])"), 1'700'000'000'000, 1'700'000'015'000, 15));
        QVERIFY(reply.ok());
        QCOMPARE(reply.value().first().values.size(), 2);
        QCOMPARE(reply.value().first().values.at(1).second, 2.5);
    }

    void deeplyNestedReply_isAnErrorNotACrash()
    {
        // Copying a label set nested 200,000 levels deep recursed once per level: a stack overflow.
        const int depth = 200'000;
        const QByteArray body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
                                "{\"a\":" +
                                QByteArray(depth, '[') + QByteArray(depth, ']') + "},\"value\":[1,\"1\"]}]}}";
        const auto reply = Metrics::PrometheusClient::parseReply(200, body, QStringLiteral("up"));
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().kind, Core::ErrorKind::Protocol);
        QVERIFY2(reply.error().message.contains(QStringLiteral("deeper than 100 levels")),
                 qPrintable(reply.error().message));
    }

    void nan_isKeptAsNan()
    {
        Net::HttpClient http;
        Metrics::PrometheusClient client(&http, endpoint());
        const auto reply = Test::waitFor(client.query(QStringLiteral("nan")));
        QVERIFY(reply.ok());
        QVERIFY(std::isnan(reply.value().first().values.first().second));
    }

    void promqlError_carriesPrometheusWords()
    {
        Net::HttpClient http;
        Metrics::PrometheusClient client(&http, endpoint());
        const auto reply = Test::waitFor(client.query(QStringLiteral("up{")));
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().kind, Core::ErrorKind::InvalidInput);
        QCOMPARE(
            reply.error().message,
            QStringLiteral("Prometheus rejected the query up{: bad_data: 1:4: parse error: unexpected end of input"));
    }

    void credentials_areSent_andNeverPrinted()
    {
        Net::HttpClient http;
        Metrics::PrometheusEndpoint bearer = endpoint();
        bearer.bearerToken = "t0ken";
        Metrics::PrometheusClient withToken(&http, bearer);
        QVERIFY(Test::waitFor(withToken.query(QStringLiteral("secret"))).ok());
        QCOMPARE(m_lastAuthorization, std::string("Bearer t0ken"));

        Metrics::PrometheusEndpoint basic = endpoint();
        basic.basicUser = QStringLiteral("curtain");
        basic.basicPassword = "pa55";
        Metrics::PrometheusClient withBasic(&http, basic);
        const auto refused = Test::waitFor(withBasic.query(QStringLiteral("secret")));
        QCOMPARE(m_lastAuthorization, std::string("Basic ") + QByteArray("curtain:pa55").toBase64().toStdString());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, Core::ErrorKind::Unauthorized);
        QVERIFY2(refused.error().message.contains(QStringLiteral("--prometheus-basic-auth-file")) &&
                     !refused.error().message.contains(QStringLiteral("pa55")),
                 qPrintable(refused.error().message));
    }

    void notPrometheus_saysSo()
    {
        Net::HttpClient http;
        Metrics::PrometheusClient client(
            &http, {QStringLiteral("http://127.0.0.1:%1/not-prometheus").arg(m_port), {}, {}, {}, {}});
        const auto reply = Test::waitFor(client.query(QStringLiteral("up")));
        QVERIFY(!reply.ok());
        QVERIFY2(reply.error().message.contains(QStringLiteral("is the URL a Prometheus server?")),
                 qPrintable(reply.error().message));
    }
};

QTEST_GUILESS_MAIN(TestPrometheusClient)
#include "tst_prometheusclient.moc"
