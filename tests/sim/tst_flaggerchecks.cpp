// What halts the demo cluster's Flagger and what it says: metric checks over the target's own
// traffic, webhooks to the loadtester and elsewhere, the loadtester's gate API, Flagger's Events, Go
// durations, and Canaries Flagger could not read.

#include "flaggertestbed.h"

#include "sim/flaggercanary.h"
#include "sim/jsonread.h"

#include <QTest>

#include <memory>

using namespace Curtain;
using nlohmann::json;
using Sim::integerAt;
using Sim::textAt;

namespace {

QByteArray eventLog(const Test::FlaggerTestbed &bed)
{
    std::string text;
    for (const std::string &message : bed.messages()) {
        text += "\n  " + message;
    }
    return QByteArray::fromStdString("events:" + text);
}

} // namespace

class TestFlaggerChecks : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::FlaggerTestbed> m_bed;

private Q_SLOTS:
    void init() { m_bed = std::make_unique<Test::FlaggerTestbed>(); }
    void cleanup() { m_bed.reset(); }

    // Each failed interval adds a check and holds the weight; at the threshold the canary fails.
    void failingMetrics_failTheCanaryAtTheThreshold_data()
    {
        QTest::addColumn<double>("errorRate");
        QTest::addColumn<double>("latency");
        QTest::addColumn<double>("requests");
        QTest::addColumn<QString>("halt");
        QTest::newRow("success rate") << 0.05 << 0.05 << 1000.0
                                      << QStringLiteral("Halt podinfo.test advancement success rate 95.00% < 99%");
        // All requests in the (0.75 s, 1 s] bucket: Prometheus puts the p99 at 997.5 ms, Flagger at 997ms.
        QTest::newRow("p99") << 0.0 << 0.8 << 1000.0
                             << QStringLiteral("Halt podinfo.test advancement request duration 997ms > 500ms");
        QTest::newRow("no traffic") << 0.0 << 0.05 << 0.0
                                    << QStringLiteral("Halt advancement no values found for gatewayapi:v1 metric "
                                                      "request-success-rate probably podinfo.test is not receiving "
                                                      "traffic: no values found");
    }
    void failingMetrics_failTheCanaryAtTheThreshold()
    {
        QFETCH(double, errorRate);
        QFETCH(double, latency);
        QFETCH(double, requests);
        QFETCH(QString, halt);
        m_bed->create(Test::FlaggerTestbed::canary());
        QVERIFY2(m_bed->progressTo(10), eventLog(*m_bed));
        m_bed->errorRate = errorRate;
        m_bed->latencySeconds = latency;
        m_bed->requestsPerStep = requests;
        for (long long failed = 1; failed <= 5; ++failed) {
            m_bed->step();
            QCOMPARE(integerAt(m_bed->status(), "/failedChecks", -1), failed);
            QCOMPARE(m_bed->weights(), std::make_pair(90LL, 10LL));
            QCOMPARE(m_bed->phase(), std::string("Progressing"));
        }
        QVERIFY2(m_bed->hasEvent(halt.toStdString()), eventLog(*m_bed));
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Failed"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QVERIFY2(m_bed->hasEvent("Rolling back podinfo.test failed checks threshold reached 5"), eventLog(*m_bed));
    }

    void healthyMetrics_passWithinTheThresholds()
    {
        m_bed->create(Test::FlaggerTestbed::canary());
        m_bed->errorRate = 0.009; // 99.1 %
        m_bed->latencySeconds = 0.45;
        QVERIFY2(m_bed->progressTo(50), eventLog(*m_bed));
        QCOMPARE(integerAt(m_bed->status(), "/failedChecks", -1), 0LL);
    }

    // Every Event is Flagger's: reason Synced on the Canary, from flagger; one said again is counted.
    void events_areSyncedFromFlagger_andCounted()
    {
        m_bed->create(Test::FlaggerTestbed::canary());
        QVERIFY2(m_bed->progressTo(30), eventLog(*m_bed));
        QVERIFY(!m_bed->events().empty());
        for (const json &event : m_bed->events()) {
            QCOMPARE(textAt(event, "/reason"), std::string("Synced"));
            QCOMPARE(textAt(event, "/source/component"), std::string("flagger"));
            QCOMPARE(textAt(event, "/involvedObject/kind"), std::string("Canary"));
            QCOMPARE(textAt(event, "/involvedObject/apiVersion"), std::string("flagger.app/v1beta1"));
            QCOMPARE(textAt(event, "/involvedObject/name"), std::string("podinfo"));
            QVERIFY(textAt(event, "/type") == "Normal" || textAt(event, "/type") == "Warning");
        }
        const auto all = m_bed->messages();
        QCOMPARE(std::count(all.begin(), all.end(), "Rollback hook rollback not signaling a rollback"), 1L);
        for (const json &event : m_bed->events()) {
            if (textAt(event, "/message") == "Rollback hook rollback not signaling a rollback") {
                QCOMPARE(integerAt(event, "/count", 0), 3LL); // at 10 %, 20 % and 30 %
                QVERIFY(textAt(event, "/lastTimestamp") > textAt(event, "/firstTimestamp"));
            }
        }
    }

    // Webhooks that cannot be reached fail like Flagger's HTTP client: a pre-rollout check counts.
    void unreachableWebhook_failsThePreRolloutCheck_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("error");
        QTest::newRow("no such Service") << QStringLiteral("http://flagger-loadtester.elsewhere/")
                                         << QStringLiteral(
                                                "Post \"http://flagger-loadtester.elsewhere/\": dial tcp: lookup "
                                                "flagger-loadtester.elsewhere: no such host");
        QTest::newRow("no such port") << QStringLiteral("http://flagger-loadtester.test:8080/")
                                      << QStringLiteral("Post \"http://flagger-loadtester.test:8080/\": dial tcp "
                                                        "flagger-loadtester.test:8080: connect: connection refused");
        QTest::newRow("halt") << QStringLiteral("http://flagger-loadtester.test/gate/halt")
                              << QStringLiteral("Forbidden");
    }
    void unreachableWebhook_failsThePreRolloutCheck()
    {
        QFETCH(QString, url);
        QFETCH(QString, error);
        json canary = Test::FlaggerTestbed::canary();
        canary["spec"]["analysis"]["webhooks"] = {
            {{"name", "smoke"}, {"type", "pre-rollout"}, {"url", url.toStdString()}}};
        m_bed->create(canary);
        QVERIFY(m_bed->stepUntil("Initialized"));
        m_bed->setImage("podinfo:6.1.0");
        m_bed->step(3);
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QCOMPARE(integerAt(m_bed->status(), "/failedChecks", -1), 2LL);
        QVERIFY2(m_bed->hasEvent("Halt podinfo.test advancement pre-rollout check smoke failed " + error.toStdString()),
                 eventLog(*m_bed));
    }

    // The same hook at the loadtester's full cluster name, port and approve path passes.
    void loadtesterAddresses_allReachTheGates_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("short") << QStringLiteral("http://flagger-loadtester/gate/approve");
        QTest::newRow("namespace and port") << QStringLiteral("http://flagger-loadtester.test:80/gate/approve");
        QTest::newRow("cluster name") << QStringLiteral(
            "http://flagger-loadtester.test.svc.cluster.local/gate/approve");
    }
    void loadtesterAddresses_allReachTheGates()
    {
        QFETCH(QString, url);
        json canary = Test::FlaggerTestbed::canary();
        canary["spec"]["analysis"]["webhooks"] = {
            {{"name", "smoke"}, {"type", "pre-rollout"}, {"url", url.toStdString()}}};
        m_bed->create(canary);
        QVERIFY2(m_bed->progressTo(10), eventLog(*m_bed));
        QVERIFY(m_bed->hasEvent("Pre-rollout check smoke passed"));
    }

    // confirm-traffic-increase holds the weight where it is, without a failed check.
    void confirmTrafficIncrease_holdsTheWeight()
    {
        json canary = Test::FlaggerTestbed::canary();
        // json::array: a braced list of one json is a copy under clang and an array under gcc.
        canary["spec"]["analysis"]["webhooks"] =
            json::array({Test::FlaggerTestbed::webhook("confirm-traffic-increase", "/gate/check")});
        m_bed->create(canary);
        QVERIFY(m_bed->stepUntil("Initialized"));
        m_bed->setImage("podinfo:6.1.0");
        m_bed->step(4);
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QCOMPARE(integerAt(m_bed->status(), "/failedChecks", -1), 0LL);
        QVERIFY2(m_bed->hasEvent("Halt podinfo.test advancement waiting for traffic increase approval "
                                 "confirm-traffic-increase"),
                 eventLog(*m_bed));
        QCOMPARE(m_bed->gate("/gate/open"), 202);
        m_bed->step(2);
        QCOMPARE(m_bed->weights(), std::make_pair(80LL, 20LL));
    }

    // The loadtester's API (pkg/loadtester/server.go) in process.
    void loadtesterGates_answerAsTheLoadtester()
    {
        Sim::LoadtesterGates &gates = m_bed->controller.gates();
        const std::string podinfo = R"({"name":"podinfo","namespace":"test"})";
        const std::string instance = Test::FlaggerTestbed::loadtester;
        QCOMPARE(gates.serve(instance, "/gate/check", podinfo).status, 403);
        QCOMPARE(gates.serve(instance, "/gate/check", podinfo).body, std::string("Forbidden"));
        QCOMPARE(gates.serve(instance, "/gate/open", podinfo).status, 202);
        QCOMPARE(gates.serve(instance, "/gate/check", podinfo).status, 200);
        QCOMPARE(gates.serve(instance, "/gate/check", podinfo).body, std::string("Approved"));
        QVERIFY(gates.isOpen(instance, "podinfo.test"));
        QCOMPARE(gates.serve(instance, "/rollback/check", podinfo).status, 403); // a key of its own
        QCOMPARE(gates.serve("other/flagger-loadtester", "/gate/check", podinfo).status, 403);
        QCOMPARE(gates.serve(instance, "/gate/close", podinfo).status, 202);
        QCOMPARE(gates.serve(instance, "/gate/check", podinfo).status, 403);
        QCOMPARE(gates.serve(instance, "/rollback/open", podinfo).status, 202);
        QVERIFY(gates.isOpen(instance, "rollback.podinfo.test"));
        QCOMPARE(gates.serve(instance, "/rollback/check", podinfo).body, std::string("Approved"));
        QCOMPARE(gates.serve(instance, "/gate/approve", "").status, 200);
        QCOMPARE(gates.serve(instance, "/gate/halt", podinfo).status, 403);
        for (const char *bad : {"", "{", "[]", R"({"name":5})", R"({"metadata":{"a":1}})"}) {
            QCOMPARE(gates.serve(instance, "/gate/open", bad).status, 400);
        }
        QCOMPARE(gates.serve(instance, "/gate/open", R"({"Name":"podinfo","NAMESPACE":"test"})").status, 202);
    }

    void goDurations_parseAsGo_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("milliseconds"); // -1: Go refuses it
        QTest::newRow("15s") << QStringLiteral("15s") << qint64(15'000);
        QTest::newRow("1m") << QStringLiteral("1m") << qint64(60'000);
        QTest::newRow("1m30s") << QStringLiteral("1m30s") << qint64(90'000);
        QTest::newRow("1.5h") << QStringLiteral("1.5h") << qint64(5'400'000);
        QTest::newRow("300ms") << QStringLiteral("300ms") << qint64(300);
        QTest::newRow("0") << QStringLiteral("0") << qint64(0);
        QTest::newRow("no unit") << QStringLiteral("10") << qint64(-1);
        QTest::newRow("unknown unit") << QStringLiteral("10d") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }
    void goDurations_parseAsGo()
    {
        QFETCH(QString, text);
        QFETCH(qint64, milliseconds);
        const auto parsed = Sim::parseGoDuration(text.toStdString());
        QCOMPARE(parsed.has_value(), milliseconds >= 0);
        if (parsed) {
            QCOMPARE(qint64(std::chrono::duration_cast<std::chrono::milliseconds>(*parsed).count()), milliseconds);
        }
    }

    // GetAnalysisInterval: 60 s without a valid interval, never under 10 s; Go's way of printing.
    void intervalsAndDurations_followFlagger()
    {
        Sim::FlaggerCanary canary;
        QCOMPARE(canary.interval(), std::chrono::milliseconds(60'000));
        canary.intervalText = "5s";
        QCOMPARE(canary.interval(), std::chrono::milliseconds(10'000));
        canary.intervalText = "ten seconds";
        QCOMPARE(canary.interval(), std::chrono::milliseconds(60'000));
        canary.intervalText = "1m30s";
        QCOMPARE(canary.interval(), std::chrono::milliseconds(90'000));
        QCOMPARE(Sim::goDuration(std::chrono::milliseconds(612)), std::string("612ms"));
        QCOMPARE(Sim::goDuration(std::chrono::milliseconds(1500)), std::string("1.5s"));
        QCOMPARE(Sim::goDuration(std::chrono::seconds(90)), std::string("1m30s"));
        QCOMPARE(Sim::goDuration(std::chrono::hours(1)), std::string("1h0m0s"));
        QCOMPARE(Sim::goFloat(99), std::string("99"));
        QCOMPARE(Sim::goFloat(99.5), std::string("99.5"));
    }

    // A Canary whose fields have the wrong types is one Flagger's informer cannot decode: left
    // alone, while a good one beside it goes on.
    void malformedCanary_isLeftAlone_data()
    {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::newRow("stepWeight") << QStringLiteral("/spec/analysis/stepWeight") << QStringLiteral(R"("ten")");
        QTest::newRow("targetRef") << QStringLiteral("/spec/targetRef") << QStringLiteral("5");
        QTest::newRow("webhooks") << QStringLiteral("/spec/analysis/webhooks") << QStringLiteral(R"("x")");
        QTest::newRow("metrics threshold")
            << QStringLiteral("/spec/analysis/metrics/0/thresholdRange") << QStringLiteral("[99]");
        QTest::newRow("status") << QStringLiteral("/status") << QStringLiteral(R"("Progressing")");
        QTest::newRow("weight") << QStringLiteral("/status/canaryWeight") << QStringLiteral("12.5");
    }
    void malformedCanary_isLeftAlone()
    {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        m_bed->store.setSchemalessCustomResources(true);
        json bad = Test::FlaggerTestbed::canary();
        bad["metadata"]["name"] = "broken";
        bad[json::json_pointer(pointer.toStdString())] = json::parse(value.toStdString());
        m_bed->create(bad);
        const json before = m_bed->object("Canary", "broken");
        QVERIFY(!before.is_null());
        m_bed->create(Test::FlaggerTestbed::canary());
        QVERIFY2(m_bed->progressTo(20), eventLog(*m_bed)); // the good one is not held up
        QVERIFY2(m_bed->object("Canary", "broken") == before, m_bed->object("Canary", "broken").dump().c_str());
        for (const json &event : m_bed->events()) {
            QCOMPARE(textAt(event, "/involvedObject/name"), std::string("podinfo"));
        }
    }
};

QTEST_GUILESS_MAIN(TestFlaggerChecks)
#include "tst_flaggerchecks.moc"
