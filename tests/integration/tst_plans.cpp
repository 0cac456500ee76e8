// Plans run as a pipeline would run them: `curtainctl run` against curtain-sim, with the direct
// scrape and with a real Prometheus scraping the sim. These prove the wiring in real time — the
// Lease and the progress annotation on a real API server, both metric sources, the exit codes and
// sentences; the step machine itself (pauses, deadlines, takeover, conflicts) is tested in fake
// time in tests/engine/tst_planrunner.cpp. Each function starts its own sim (and Prometheus).

#include "ctlrunner.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include <memory>

using namespace Curtain;
using Test::CtlRun;

class TestPlans : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::SimProcess> m_sim;
    std::unique_ptr<Test::ApiReader> m_api;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_prometheus;
    int m_prometheusPort = 0;

    QString planFile(const QString &name, const QByteArray &yaml)
    {
        const QString path = m_dir->filePath(name);
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(yaml);
        return path;
    }
    QStringList ctlArguments(const QStringList &arguments) const
    {
        return QStringList{QStringLiteral("--server"), m_sim->url()} + arguments;
    }
    CtlRun ctl(const QStringList &arguments, int timeoutMs = 60'000)
    {
        return Test::runCurtainctl(ctlArguments(arguments), timeoutMs);
    }
    std::string annotation(const std::string &route, const std::string &key) const
    {
        const auto r = m_api->get("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/" + route);
        return r ? r->value(nlohmann::json::json_pointer("/metadata/annotations/" + key), std::string())
                 : std::string();
    }
    std::pair<long long, long long> weights(const std::string &route) const
    {
        const auto r = m_api->get("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/" + route);
        if (!r) {
            return {-1, -1};
        }
        const auto &refs = (*r)["spec"]["rules"][0]["backendRefs"];
        return {refs[0].value("weight", 1LL), refs[1].value("weight", 1LL)};
    }
    // A Prometheus scraping catalog's two environments through the sim, once it has their data (or,
    // for a query Prometheus refuses whatever it holds, once it answers).
    enum class Wait { ForData, ForReady };
    void startPrometheus(Wait wait = Wait::ForData)
    {
        const QString program = Test::findProgram(QStringLiteral("prometheus"));
        QVERIFY2(!program.isEmpty(), "prometheus is not installed: apt-get install prometheus (./scripts/setup does)");
        m_prometheusPort = Test::freePort();
        QByteArray config = "global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n";
        for (const char *service : {"catalog-blue", "catalog-green"}) {
            config += QByteArray("  - job_name: ") + service + "\n    metrics_path: /api/v1/namespaces/demo/services/" +
                      service + "/proxy/metrics\n    static_configs: [{targets: ['127.0.0.1:" +
                      QByteArray::number(m_sim->port()) + "']}]\n";
        }
        const QString configFile = planFile(QStringLiteral("prometheus.yml"), config);
        m_prometheus = std::make_unique<QProcess>();
        m_prometheus->setProcessChannelMode(QProcess::MergedChannels);
        Test::endsWithTheTest(*m_prometheus);
        m_prometheus->start(program, {QStringLiteral("--config.file=") + configFile,
                                      QStringLiteral("--storage.tsdb.path=") + m_dir->filePath(QStringLiteral("tsdb")),
                                      QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_prometheusPort)});
        QVERIFY2(m_prometheus->waitForStarted(), qPrintable(m_prometheus->errorString()));
        httplib::Client client("127.0.0.1", m_prometheusPort);
        auto hasData = [&] {
            if (wait == Wait::ForReady) {
                const auto r = client.Get("/-/ready");
                return r && r->status == 200;
            }
            const auto r =
                client.Get("/api/v1/query?query=count(http_requests_total%7Bdeployment%3D%22catalog-green%22%7D)");
            return r && r->status == 200 && r->body.find("\"value\"") != std::string::npos;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(hasData(), qPrintable(QString::fromUtf8(m_prometheus->readAll())), 60'000);
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        qputenv("CURTAIN_JOURNAL", m_dir->filePath(QStringLiteral("journal.jsonl")).toUtf8());
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error), qPrintable(error));
        m_api = std::make_unique<Test::ApiReader>(m_sim->port());
    }
    void cleanup()
    {
        if (m_prometheus && m_prometheus->state() != QProcess::NotRunning) {
            m_prometheus->terminate();
            if (!m_prometheus->waitForFinished(10'000)) {
                m_prometheus->kill();
                m_prometheus->waitForFinished();
            }
        }
        m_prometheus.reset();
        m_api.reset();
        m_sim.reset();
        m_dir.reset();
    }

    void badPlan_isRefusedNamingTheStep_andChangesNothing()
    {
        const QString file = planFile(QStringLiteral("bad.yaml"), "steps:\n  - setWeight: 5\n  - setWeight: 130\n");
        const CtlRun run = ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), file});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(
            run.err.contains(QStringLiteral("step 2 (setWeight): weight 130 is not a whole number between 0 and 100")),
            qPrintable(run.err));
        QCOMPARE(weights("catalog"), std::make_pair(100LL, 0LL));

        const QString human = planFile(QStringLiteral("human.yaml"), "steps:\n  - setWeight: 5\n  - pause: {}\n");
        const CtlRun headless =
            ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), human});
        QCOMPARE(headless.exitCode, 2);
        QVERIFY2(headless.err.contains(QStringLiteral("step 2 (pause) waits for a human")), qPrintable(headless.err));
        QCOMPARE(weights("catalog"), std::make_pair(100LL, 0LL));
    }

    // The Lease on a real API server, between two processes: a second driver is refused, a weight
    // change is refused while the plan drives, and a rollback by hand works and ends the plan.
    void secondDriver_isReadOnly_butRollbackAlwaysWorks()
    {
        const QString file = planFile(QStringLiteral("long.yaml"),
                                      "steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n  - analysis: {}\n");
        QProcess driver;
        Test::startCurtainctl(
            driver, ctlArguments({QStringLiteral("run"), QStringLiteral("search"), QStringLiteral("--plan"), file}));
        QTRY_VERIFY_WITH_TIMEOUT(weights("search") == std::make_pair(95LL, 5LL), 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            annotation("search", "curtain.dev~1plan-progress").find("\"step\":1") != std::string::npos, 20'000);

        const CtlRun second = ctl({QStringLiteral("run"), QStringLiteral("search"), QStringLiteral("--plan"), file});
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains(QStringLiteral("is driven by curtainctl@")), qPrintable(second.err));
        const CtlRun weight = ctl({QStringLiteral("set-weight"), QStringLiteral("search"), QStringLiteral("50")});
        QCOMPARE(weight.exitCode, 1);
        QVERIFY2(weight.err.contains(QStringLiteral("driven by a plan")), qPrintable(weight.err));
        QCOMPARE(weights("search"), std::make_pair(95LL, 5LL));

        const CtlRun rollback = ctl({QStringLiteral("rollback"), QStringLiteral("search")});
        QVERIFY2(rollback.exitCode == 0, qPrintable(rollback.out + rollback.err));
        const CtlRun ended = Test::finishCurtainctl(driver, 30'000);
        QCOMPARE(ended.exitCode, 1);
        QVERIFY2(ended.out.contains(QStringLiteral("Rolled back by hand; the plan stopped.")), qPrintable(ended.out));
        QCOMPARE(weights("search"), std::make_pair(100LL, 0LL));
    }

    // The direct scrape through the sim's service proxy, judged to a Pass, and the promote written.
    void healthyCanary_isPromoted()
    {
        // No warm-up allowance: the sim's candidate is warm from its first request, and the Pass
        // comes as soon as the evidence is in rather than after a minute.
        const QString file =
            planFile(QStringLiteral("search.yaml"), "steps:\n  - setWeight: 50\njudge: {warmupSeconds: 0}\n");
        const CtlRun run =
            ctl({QStringLiteral("run"), QStringLiteral("search"), QStringLiteral("--plan"), file}, 400'000);
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("search: Promoted: green is no worse than blue")),
                 qPrintable(run.out));
        QCOMPARE(weights("search"), std::make_pair(0LL, 100LL));
        QCOMPARE(annotation("search", "curtain.dev~1stable-color"), std::string("green"));

        // The plan's history: its start, the weight it set, and its verdict, newest first.
        const CtlRun history =
            ctl({QStringLiteral("history"), QStringLiteral("search"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(history.exitCode, 0);
        QStringList actions;
        for (const QJsonValue &entry :
             QJsonDocument::fromJson(history.out.toUtf8()).object().value(QLatin1String("entries")).toArray()) {
            if (entry.toObject().value(QLatin1String("via")).toString() == QLatin1String("plan")) {
                actions << entry.toObject().value(QLatin1String("action")).toString();
            }
        }
        QVERIFY2(actions.size() >= 3, qPrintable(actions.join(QLatin1Char(' '))));
        QCOMPARE(actions.first(), QStringLiteral("PlanPromoted"));
        QVERIFY2(actions.contains(QStringLiteral("SetWeight")), qPrintable(actions.join(QLatin1Char(' '))));
        QCOMPARE(actions.last(), QStringLiteral("PlanStarted"));
    }

    // The same Pass on a green of 2 pods beside blue's 4: a promote would hand them blue's whole
    // load, so the plan waits at its last weight and says for what; once green has 4 ready pods it
    // promotes.
    void undersizedCandidate_isPromotedOnceItIsAsBigAsStable()
    {
        const std::string green = "/apis/apps/v1/namespaces/demo/deployments/search-green";
        QCOMPARE(m_api->patch(green, "application/strategic-merge-patch+json", R"({"spec":{"replicas":2}})"), 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_api->get(green)
                                      .value_or(nlohmann::json::object())
                                      .value(nlohmann::json::json_pointer("/status/readyReplicas"), -1),
                                  2, 20'000);
        const QString file =
            planFile(QStringLiteral("search.yaml"), "steps:\n  - setWeight: 50\njudge: {warmupSeconds: 0}\n");
        QProcess driver;
        Test::startCurtainctl(
            driver, ctlArguments({QStringLiteral("run"), QStringLiteral("search"), QStringLiteral("--plan"), file}));
        QTRY_VERIFY_WITH_TIMEOUT(annotation("search", "curtain.dev~1plan-progress")
                                         .find("green has 2 of the 4 ready replicas blue serves on") !=
                                     std::string::npos,
                                 120'000);
        QCOMPARE(weights("search"), std::make_pair(50LL, 50LL)); // nothing moved while it waits
        QCOMPARE(m_api->patch(green, "application/strategic-merge-patch+json", R"({"spec":{"replicas":4}})"), 200);
        const CtlRun ended = Test::finishCurtainctl(driver, 120'000);
        QVERIFY2(ended.exitCode == 0, qPrintable(ended.out + ended.err));
        QCOMPARE(weights("search"), std::make_pair(0LL, 100LL));
    }

    // Prometheus as the source: the faulty canary is rolled back, with the evidence for a pipeline. At
    // 25 % the candidate serves enough requests for the judge to decide within seconds.
    void prometheusSource_rollsBackTheFaultyCanary_withEvidence()
    {
        startPrometheus();
        const QString file = planFile(QStringLiteral("prom.yaml"),
                                      QStringLiteral("steps:\n  - setWeight: 25\n  - analysis: {timeout: 3m}\n"
                                                     "metrics:\n  source: http://127.0.0.1:%1\n")
                                          .arg(m_prometheusPort)
                                          .toUtf8());
        const CtlRun run = ctl({QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("run"),
                                QStringLiteral("catalog"), QStringLiteral("--plan"), file},
                               240'000);
        QVERIFY2(run.exitCode == 1, qPrintable(run.out + run.err));
        const auto out = nlohmann::json::parse(run.out.toStdString(), nullptr, false);
        QVERIFY2(!out.is_discarded(), qPrintable(run.out));
        QVERIFY2(out.value("outcome", std::string()).rfind("Rolled back automatically: green", 0) == 0,
                 qPrintable(run.out));
        QVERIFY(out["state"] == "rolled back");
        QVERIFY2(out.value("ok", true) == false && out.value("release", "") == "catalog" &&
                     out.value("namespace", "") == "demo",
                 qPrintable(run.out)); // as every action's object: a script checks "ok"
        QVERIFY(out["judgement"]["verdict"] == "Fail");
        bool failedMetric = false;
        for (const auto &metric : out["judgement"]["metrics"]) {
            if (metric["verdict"] == "Fail") {
                failedMetric = metric["candidateRequests"].get<double>() > 0 &&
                               metric["logEvidence"].get<double>() >= metric["decisionLine"].get<double>();
            }
        }
        QVERIFY2(failedMetric, qPrintable(run.out));
        QCOMPARE(weights("catalog"), std::make_pair(100LL, 0LL));
        // The route says how it ended, for every other console.
        const std::string progress = annotation("catalog", "curtain.dev~1plan-progress");
        QVERIFY2(progress.find("\"state\":\"rolled back\"") != std::string::npos, progress.c_str());
    }

    // A PromQL mistake is Prometheus' own error, shown as is; the plan holds (exit 4) and moves nothing.
    void promqlError_holdsAndSaysWhy()
    {
        startPrometheus(Wait::ForReady);
        const QString file =
            planFile(QStringLiteral("typo.yaml"),
                     QStringLiteral("steps:\n  - setWeight: 5\n  - analysis: {timeout: 4s}\nmetrics:\n"
                                    "  source: http://127.0.0.1:%1\n  requests: 'sum(http_requests_total{'\n")
                         .arg(m_prometheusPort)
                         .toUtf8());
        const CtlRun run = ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), file});
        QVERIFY2(run.exitCode == 4, qPrintable(run.out + run.err));
        QVERIFY2(run.out.contains(QStringLiteral("Prometheus rejected the query sum(http_requests_total{")) &&
                     run.out.contains(QStringLiteral("bad_data")),
                 qPrintable(run.out));
        QCOMPARE(weights("catalog"), std::make_pair(95LL, 5LL)); // held where it was: no blind move either way
    }
};

QTEST_GUILESS_MAIN(TestPlans)
#include "tst_plans.moc"
