// Plans run as a pipeline would run them: `curtainctl run` against curtain-sim, with the direct
// scrape and with a real Prometheus scraping the sim. What is asserted is what users see: the exit
// code, the sentence, and the route really rolled back or promoted (read back independently).

#include "testsupport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Curtain;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run finish(QProcess &process, int timeoutMs)
{
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("curtainctl did not finish in time\n");
    } else {
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err += QString::fromUtf8(process.readAllStandardError());
    return run;
}

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

} // namespace

class TestPlans : public QObject
{
    Q_OBJECT

    Test::SimProcess m_sim;
    std::unique_ptr<Test::ApiReader> m_api;
    QTemporaryDir m_dir;
    QProcess m_prometheus;
    int m_prometheusPort = 0;

    QString planFile(const QString &name, const QByteArray &yaml)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(yaml);
        return path;
    }
    QStringList ctlArguments(const QStringList &arguments) const
    {
        return QStringList{QStringLiteral("--server"), m_sim.url()} + arguments;
    }
    Run ctl(const QStringList &arguments, int timeoutMs = 60'000)
    {
        QProcess process;
        process.start(Test::binary(QStringLiteral("curtainctl")), ctlArguments(arguments));
        return finish(process, timeoutMs);
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
        const auto &refs = (*r)["spec"]["rules"][0]["backendRefs"];
        return {refs[0].value("weight", 1LL), refs[1].value("weight", 1LL)};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sim.start(&error), qPrintable(error));
        m_api = std::make_unique<Test::ApiReader>(m_sim.port());
    }

    void badPlan_isRefusedNamingTheStep_andChangesNothing()
    {
        const QString file = planFile(QStringLiteral("bad.yaml"), "steps:\n  - setWeight: 5\n  - setWeight: 130\n");
        const Run run = ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), file});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(
            run.err.contains(QStringLiteral("step 2 (setWeight): weight 130 is not a whole number between 0 and 100")),
            qPrintable(run.err));
        QCOMPARE(weights("catalog"), std::make_pair(100LL, 0LL));

        const QString human = planFile(QStringLiteral("human.yaml"), "steps:\n  - setWeight: 5\n  - pause: {}\n");
        const Run headless = ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), human});
        QCOMPARE(headless.exitCode, 2);
        QVERIFY2(headless.err.contains(QStringLiteral("step 2 (pause) waits for a human")), qPrintable(headless.err));
        QCOMPARE(weights("catalog"), std::make_pair(100LL, 0LL));
    }

    void faultyCanary_isRolledBackAutomatically_withOneSentence()
    {
        const QString file =
            planFile(QStringLiteral("catalog.yaml"),
                     "steps:\n  - setWeight: 5\n  - pause: {duration: 30s}\n  - analysis: {timeout: 2m}\n");
        const Run run = ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), file});
        QVERIFY2(run.exitCode == 1, qPrintable(run.out + run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("catalog: Rolled back automatically: green")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral(" requests")), qPrintable(run.out));
        QCOMPARE(weights("catalog"), std::make_pair(100LL, 0LL));
        // The route says how it ended, for every other console.
        const std::string progress = annotation("catalog", "curtain.dev~1plan-progress");
        QVERIFY2(progress.find("\"state\":\"rolled back\"") != std::string::npos, progress.c_str());

        // The same verdict for a pipeline, as JSON with the evidence behind it.
        const Run json = ctl({QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("run"),
                              QStringLiteral("catalog"), QStringLiteral("--plan"), file});
        QCOMPARE(json.exitCode, 1);
        const auto out = nlohmann::json::parse(json.out.toStdString(), nullptr, false);
        QVERIFY2(!out.is_discarded(), qPrintable(json.out));
        QVERIFY(out["state"] == "rolled back");
        QVERIFY(out["judgement"]["verdict"] == "Fail");
        bool failedMetric = false;
        for (const auto &metric : out["judgement"]["metrics"]) {
            if (metric["verdict"] == "Fail") {
                failedMetric = metric["candidateRequests"].get<double>() > 0 &&
                               metric["logEvidence"].get<double>() >= metric["decisionLine"].get<double>();
            }
        }
        QVERIFY2(failedMetric, qPrintable(json.out));
        QCOMPARE(weights("catalog"), std::make_pair(100LL, 0LL));
    }

    void secondDriver_isReadOnly_butRollbackAlwaysWorks()
    {
        const QString file = planFile(QStringLiteral("long.yaml"),
                                      "steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n  - analysis: {}\n");
        QProcess driver;
        driver.start(Test::binary(QStringLiteral("curtainctl")),
                     ctlArguments({QStringLiteral("run"), QStringLiteral("search"), QStringLiteral("--plan"), file}));
        QTRY_VERIFY_WITH_TIMEOUT(weights("search") == std::make_pair(95LL, 5LL), 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            annotation("search", "curtain.dev~1plan-progress").find("\"step\":1") != std::string::npos, 20'000);

        const Run second = ctl({QStringLiteral("run"), QStringLiteral("search"), QStringLiteral("--plan"), file});
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains(QStringLiteral("is driven by curtainctl@")), qPrintable(second.err));
        const Run weight = ctl({QStringLiteral("set-weight"), QStringLiteral("search"), QStringLiteral("50")});
        QCOMPARE(weight.exitCode, 1);
        QVERIFY2(weight.err.contains(QStringLiteral("driven by a plan")), qPrintable(weight.err));
        QCOMPARE(weights("search"), std::make_pair(95LL, 5LL));

        QCOMPARE(ctl({QStringLiteral("rollback"), QStringLiteral("search")}).exitCode, 0);
        const Run ended = finish(driver, 30'000);
        QCOMPARE(ended.exitCode, 1);
        QVERIFY2(ended.out.contains(QStringLiteral("Rolled back by hand; the plan stopped.")), qPrintable(ended.out));
        QCOMPARE(weights("search"), std::make_pair(100LL, 0LL));
    }

    void healthyCanary_isPromoted()
    {
        const QString file =
            planFile(QStringLiteral("search.yaml"), "steps:\n  - setWeight: 5\n  - pause: {duration: 5s}\n"
                                                    "  - analysis: {timeout: 5m}\n  - setWeight: 25\n"
                                                    "  - analysis: {timeout: 5m}\n");
        const Run run = ctl({QStringLiteral("run"), QStringLiteral("search"), QStringLiteral("--plan"), file}, 400'000);
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("search: Promoted: green is no worse than blue")),
                 qPrintable(run.out));
        QCOMPARE(weights("search"), std::make_pair(0LL, 100LL));
        QCOMPARE(annotation("search", "curtain.dev~1stable-color"), std::string("green"));
    }

    void vanishedDriver_holdsTheWeight_andARestartResumes()
    {
        // After healthyCanary_isPromoted, green is stable: blue is search's candidate now.
        QCOMPARE(weights("search"), std::make_pair(0LL, 100LL));
        const QString file =
            planFile(QStringLiteral("resume.yaml"), "steps:\n  - setWeight: 5\n"
                                                    "  - pause: {duration: 20s}\n  - analysis: {timeout: 5m}\n");
        QProcess driver;
        driver.start(Test::binary(QStringLiteral("curtainctl")),
                     ctlArguments({QStringLiteral("run"), QStringLiteral("search"), QStringLiteral("--plan"), file}));
        QTRY_VERIFY_WITH_TIMEOUT(
            annotation("search", "curtain.dev~1plan-progress").find("\"step\":1") != std::string::npos, 20'000);
        driver.kill(); // the console vanishes mid-plan: no goodbye, the Lease just stops being renewed
        driver.waitForFinished();
        QCOMPARE(weights("search"), std::make_pair(5LL, 95LL));

        // A new driver waits for the Lease to lapse (15 s), then resumes from the route — at the
        // pause, with the plan saved there — instead of starting over.
        Run first = ctl({QStringLiteral("run"), QStringLiteral("search")});
        QCOMPARE(first.exitCode, 1);
        QVERIFY2(first.err.contains(QStringLiteral("is driven by curtainctl@")), qPrintable(first.err));
        QCOMPARE(weights("search"), std::make_pair(5LL, 95LL)); // held while nobody judges
        QDeadlineTimer lapse(40'000);
        while (first.err.contains(QStringLiteral("is driven by")) && !lapse.hasExpired()) {
            QTest::qWait(1000);
            first = ctl({QStringLiteral("run"), QStringLiteral("search")}, 300'000);
        }
        QVERIFY2(first.exitCode == 0, qPrintable(first.out + first.err));
        QVERIFY2(first.err.section(QLatin1Char('\n'), 0, 0).contains(QStringLiteral("step 2/3 pause 20 s")),
                 qPrintable(first.err));
        QCOMPARE(weights("search"), std::make_pair(100LL, 0LL));
    }

    void prometheus_startsScrapingTheSim()
    {
        const QString program = Test::findProgram(QStringLiteral("prometheus"));
        QVERIFY2(!program.isEmpty(), "prometheus is not installed: apt-get install prometheus (./scripts/setup does)");
        m_prometheusPort = freePort();
        QByteArray config = "global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n";
        for (const char *service : {"catalog-blue", "catalog-green"}) {
            config += QByteArray("  - job_name: ") + service + "\n    metrics_path: /api/v1/namespaces/demo/services/" +
                      service +
                      "/proxy/metrics\n    static_configs: [{targets: ['127.0.0.1:" + QByteArray::number(m_sim.port()) +
                      "']}]\n";
        }
        const QString configFile = m_dir.filePath(QStringLiteral("prometheus.yml"));
        QFile file(configFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(config);
        file.close();
        m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
        m_prometheus.start(program, {QStringLiteral("--config.file=") + configFile,
                                     QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("tsdb")),
                                     QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_prometheusPort)});
        QVERIFY2(m_prometheus.waitForStarted(), qPrintable(m_prometheus.errorString()));
        httplib::Client client("127.0.0.1", m_prometheusPort);
        auto hasData = [&] {
            const auto r =
                client.Get("/api/v1/query?query=count(http_requests_total%7Bdeployment%3D%22catalog-green%22%7D)");
            return r && r->status == 200 && r->body.find("\"value\"") != std::string::npos;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(hasData(), qPrintable(QString::fromUtf8(m_prometheus.readAll())), 60'000);
    }

    void prometheusSource_runsThePlanToItsVerdict()
    {
        QVERIFY(m_prometheusPort > 0);
        const QString file =
            planFile(QStringLiteral("prom.yaml"),
                     QStringLiteral("steps:\n  - setWeight: 5\n  - pause: {duration: 30s}\n"
                                    "  - analysis: {timeout: 2m}\nmetrics:\n  source: http://127.0.0.1:%1\n")
                         .arg(m_prometheusPort)
                         .toUtf8());
        const Run run =
            ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), file}, 180'000);
        QVERIFY2(run.exitCode == 1, qPrintable(run.out + run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("catalog: Rolled back automatically: green")), qPrintable(run.out));
        QCOMPARE(weights("catalog"), std::make_pair(100LL, 0LL));
    }

    void promqlError_holdsAndSaysWhy()
    {
        QVERIFY(m_prometheusPort > 0);
        const QString file =
            planFile(QStringLiteral("typo.yaml"),
                     QStringLiteral("steps:\n  - setWeight: 5\n  - analysis: {timeout: 8s}\nmetrics:\n"
                                    "  source: http://127.0.0.1:%1\n  requests: 'sum(http_requests_total{'\n")
                         .arg(m_prometheusPort)
                         .toUtf8());
        const Run run = ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), file});
        QVERIFY2(run.exitCode == 4, qPrintable(run.out + run.err));
        QVERIFY2(run.out.contains(QStringLiteral("Prometheus rejected the query sum(http_requests_total{")) &&
                     run.out.contains(QStringLiteral("bad_data")),
                 qPrintable(run.out));
        QCOMPARE(weights("catalog"), std::make_pair(95LL, 5LL)); // held where it was: no blind move either way
        QCOMPARE(ctl({QStringLiteral("rollback"), QStringLiteral("catalog")}).exitCode, 0);
    }

    void unreachablePrometheus_holds()
    {
        const QString file = planFile(QStringLiteral("down.yaml"),
                                      QStringLiteral("steps:\n  - setWeight: 5\n  - analysis: {timeout: 6s}\n"
                                                     "metrics:\n  source: http://127.0.0.1:%1\n")
                                          .arg(freePort())
                                          .toUtf8());
        const Run run = ctl({QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"), file});
        QVERIFY2(run.exitCode == 4, qPrintable(run.out + run.err));
        QVERIFY2(run.out.contains(QStringLiteral("cannot read metrics from Prometheus at http://127.0.0.1:")),
                 qPrintable(run.out));
        QCOMPARE(ctl({QStringLiteral("rollback"), QStringLiteral("catalog")}).exitCode, 0);
    }

    void cleanupTestCase()
    {
        if (m_prometheus.state() != QProcess::NotRunning) {
            m_prometheus.terminate();
            if (!m_prometheus.waitForFinished(10'000)) {
                m_prometheus.kill();
                m_prometheus.waitForFinished();
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestPlans)
#include "tst_plans.moc"
