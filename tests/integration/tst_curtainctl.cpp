// curtainctl as a script would run it against a running curtain-sim: output, exit codes, and the
// route really changing on the cluster (read back independently).

#include "ctlrunner.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

namespace {

using Run = Test::CtlRun;

Run curtainctl(const QStringList &arguments)
{
    return Test::runCurtainctl(arguments);
}

} // namespace

class TestCurtainctl : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::SimProcess> m_sim; // a fresh cluster for every test function
    std::unique_ptr<Test::ApiReader> m_api;

    Run ctl(QStringList arguments)
    {
        return curtainctl(QStringList{QStringLiteral("--server"), m_sim->url()} + arguments);
    }

private Q_SLOTS:
    void init()
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error), qPrintable(error));
        m_api = std::make_unique<Test::ApiReader>(m_sim->port());
    }
    void cleanup()
    {
        m_api.reset();
        m_sim.reset();
    }

    void inspect_derivesArgoStatusOffline()
    {
        // A canary paused at its second step, traffic split by a router, one stable and one canary
        // ReplicaSet: the fields `kubectl argo rollouts get` shows, read from files, no cluster.
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("web.yaml"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web, namespace: shop, generation: 4}\n"
            "spec:\n  replicas: 4\n  strategy:\n    canary:\n      trafficRouting: {nginx: {stableIngress: web}}\n"
            "      steps:\n      - setWeight: 10\n      - pause: {}\n      - setWeight: 50\n      - pause: {duration: "
            "10m}\n"
            "status:\n  observedGeneration: '4'\n  currentStepIndex: 1\n  currentPodHash: bbb\n  stableRS: aaa\n"
            "  replicas: 5\n  updatedReplicas: 1\n  readyReplicas: 5\n  availableReplicas: 5\n"
            "  canary: {weights: {canary: {weight: 10}, stable: {weight: 90}}}\n"
            "  pauseConditions: [{reason: CanaryPauseStep, startTime: '2026-11-26T10:00:00Z'}]\n"
            "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-bbb\n  generation: 1\n"
            "  labels: {rollouts-pod-template-hash: bbb}\n  annotations: {rollout.argoproj.io/revision: '2'}\n"
            "  ownerReferences: [{kind: Rollout, name: web}]\nspec: {replicas: 1}\n"
            "status: {observedGeneration: 1, readyReplicas: 1, availableReplicas: 1}\n");
        out.close();
        const Run run = curtainctl({QStringLiteral("inspect"), file});
        QCOMPARE(run.exitCode, 0);
        for (const char *expected :
             {"Status:         Paused", "Message:        CanaryPauseStep", "Step:         1/4", "SetWeight:    10",
              "ActualWeight: 10", "Needs a human:  step 1 pauses until someone promotes", "web-bbb", "canary"}) {
            QVERIFY2(run.out.contains(QLatin1String(expected)),
                     qPrintable(QLatin1String(expected) + QLatin1Char('\n') + run.out));
        }
        const Run json = curtainctl({QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("inspect"), file});
        const auto parsed = nlohmann::json::parse(json.out.toStdString(), nullptr, false);
        QVERIFY(parsed["status"] == "Paused" && parsed["actualWeight"] == 10 &&
                parsed["replicaSets"][0]["roles"][0] == "canary");

        const Run none = curtainctl({QStringLiteral("inspect"), QStringLiteral("/dev/null")});
        QCOMPARE(none.exitCode, 2);
        QVERIFY2(none.err.contains(QStringLiteral("no Rollout in /dev/null")), qPrintable(none.err));
    }

    void releases_listsBothWithVersionsAndWeights()
    {
        const Run run = ctl({QStringLiteral("releases")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("catalog")) && run.out.contains(QStringLiteral("checkout")),
                 qPrintable(run.out));
        QVERIFY(run.out.contains(QStringLiteral("blue v2.3.0")));
        QVERIFY(run.out.contains(QStringLiteral("HTTPRoute/catalog")));
    }

    void releases_asJson_isMachineReadable()
    {
        const Run run = ctl({QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("releases")});
        QCOMPARE(run.exitCode, 0);
        const auto json = nlohmann::json::parse(run.out.toStdString(), nullptr, false);
        QVERIFY2(!json.is_discarded(), qPrintable(run.out));
        QStringList names;
        for (const auto &release : json["releases"]) {
            names << QString::fromStdString(release["name"]);
        }
        QCOMPARE(
            names.join(QLatin1Char(' ')),
            QStringLiteral(
                "catalog checkout ledger offers payments podinfo ratings recommendations reviews search storefront"));
        QVERIFY(json["releases"][1]["environments"][1]["version"] == "v1.5.0");
    }

    void status_showsBothEnvironmentsAndTheActions()
    {
        const Run run = ctl({QStringLiteral("status"), QStringLiteral("checkout")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("v1.4.2")) && run.out.contains(QStringLiteral("3/3")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("set-weight     no")), qPrintable(run.out));
    }

    void setWeight_thenRollback_moveTheCanary()
    {
        Run run = ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("25")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(run.out.trimmed(), QStringLiteral("catalog: blue 100 % → 75 %, green 0 % → 25 %"));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(75LL, 25LL));
        run = ctl({QStringLiteral("rollback"), QStringLiteral("catalog")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
    }

    void flip_thenRollback_moveTheSelector()
    {
        Run run =
            ctl({QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("flip"), QStringLiteral("checkout")});
        QCOMPARE(run.exitCode, 0);
        const auto json = nlohmann::json::parse(run.out.toStdString(), nullptr, false);
        QVERIFY(json["ok"] == true);
        QVERIFY(json["after"]["stable"] == "green");
        QCOMPARE(m_api->checkoutColor(), std::string("green"));
        run = ctl({QStringLiteral("rollback"), QStringLiteral("checkout")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(m_api->checkoutColor(), std::string("blue"));
    }

    // A flip to a smaller color is refused; curtainctl scale is the way out, and afterwards the idle
    // color may shrink — but never the one with traffic.
    void scale_makesRoomForAFlip_andShrinksOnlyTheIdleColor()
    {
        Run run = ctl({QStringLiteral("flip"), QStringLiteral("catalog")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("scale green to 4 first — curtainctl scale catalog green 4")),
                 qPrintable(run.err));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));

        run = ctl({QStringLiteral("scale"), QStringLiteral("catalog"), QStringLiteral("green"), QStringLiteral("4")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("catalog green (v2.4.0) scaled from 2 to 4 replicas")),
                 qPrintable(run.out));
        const auto greenReady = [this] {
            const Run status = ctl({QStringLiteral("status"), QStringLiteral("catalog")});
            static const QRegularExpression ready(QStringLiteral("green +candidate +v2\\.4\\.0 +4/4 "));
            return status.out.contains(ready);
        };
        QTRY_VERIFY_WITH_TIMEOUT(greenReady(), 30000);

        run = ctl({QStringLiteral("scale"), QStringLiteral("catalog"), QStringLiteral("blue"), QStringLiteral("0")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("it carries 100 % of traffic; move the traffic away first")),
                 qPrintable(run.err));

        run = ctl({QStringLiteral("flip"), QStringLiteral("catalog")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(0LL, 100LL));
        run = ctl({QStringLiteral("scale"), QStringLiteral("catalog"), QStringLiteral("blue"), QStringLiteral("0")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("catalog blue (v2.3.0) scaled from 4 to 0 replicas")),
                 qPrintable(run.out));
        // Run again: nothing written, and said so.
        run = ctl({QStringLiteral("scale"), QStringLiteral("catalog"), QStringLiteral("blue"), QStringLiteral("0")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("catalog blue (v2.3.0) has 0 replicas already, nothing to change")),
                 qPrintable(run.out));

        run =
            ctl({QStringLiteral("scale"), QStringLiteral("catalog"), QStringLiteral("green"), QStringLiteral("many")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("\"many\" is not a replica count from 0 to 10000")),
                 qPrintable(run.err));
    }

    // "Scale green to 4, flip when ready" in one command; then the idle blue with its cost, and its
    // scale-down after a delay, which is skipped if blue took the traffic back meanwhile.
    void flipScaleFirst_thenTheIdleColorAndItsDelayedScaleDown()
    {
        Run run = ctl({QStringLiteral("flip"), QStringLiteral("catalog"), QStringLiteral("--scale-first")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("waiting for green,")), qPrintable(run.err));
        QVERIFY2(run.out.contains(QStringLiteral("stable is now green (v2.4.0)")), qPrintable(run.out));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(0LL, 100LL));

        run = ctl({QStringLiteral("status"), QStringLiteral("catalog")});
        QVERIFY2(run.out.contains(QStringLiteral("Idle:      blue (v2.3.0) idle since ")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("4 pods reserving 1 CPU and 1 GiB; Rollback to it is instant")),
                 qPrintable(run.out));
        run = ctl({QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("status"), QStringLiteral("catalog")});
        const QJsonObject idle = QJsonDocument::fromJson(run.out.toUtf8()).object()[QStringLiteral("idle")].toObject();
        QCOMPARE(idle[QStringLiteral("color")].toString(), QStringLiteral("blue"));
        QCOMPARE(idle[QStringLiteral("cpuRequested")].toDouble(), 1.0);
        QCOMPARE(idle[QStringLiteral("memoryRequestedBytes")].toDouble(), 1024.0 * 1024 * 1024);
        QVERIFY(QDateTime::fromString(idle[QStringLiteral("since")].toString(), Qt::ISODate).isValid());

        run = ctl({QStringLiteral("scale"), QStringLiteral("catalog"), QStringLiteral("blue"), QStringLiteral("0"),
                   QStringLiteral("--after"), QStringLiteral("1s")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("catalog blue scales to 0 at")), qPrintable(run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("catalog blue (v2.3.0) scaled from 4 to 0 replicas")),
                 qPrintable(run.out));
        run = ctl({QStringLiteral("status"), QStringLiteral("catalog")});
        QVERIFY2(!run.out.contains(QStringLiteral("Idle:")), qPrintable(run.out)); // no pods: no window
        QCOMPARE(ctl({QStringLiteral("scale"), QStringLiteral("catalog"), QStringLiteral("blue"), QStringLiteral("1"),
                      QStringLiteral("--after"), QStringLiteral("soon")})
                     .exitCode,
                 2);
    }

    // Pods that are not ready in time: the flip is refused (exit 1, not 3: the cluster answered all
    // along), no traffic moves, and the history has it beside the scale.
    void flipScaleFirst_notReadyInTime_isRefusedAndRecorded()
    {
        QTemporaryDir dir;
        qputenv("CURTAIN_JOURNAL", dir.filePath(QStringLiteral("journal.jsonl")).toUtf8());
        // Green grows from 2 to 4 replicas, one every 0.6 s: not within 1 s.
        const Run run = ctl({QStringLiteral("flip"), QStringLiteral("catalog"), QStringLiteral("--scale-first"),
                             QStringLiteral("--ready-timeout"), QStringLiteral("1s")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("was not flipped: green had ")) &&
                     run.err.contains(QStringLiteral("of 4 replicas ready after 1 s; look at its pods and their "
                                                     "Events — the scale stays, no traffic moved")),
                 qPrintable(run.err));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        const Run history = ctl({QStringLiteral("history"), QStringLiteral("catalog")});
        qunsetenv("CURTAIN_JOURNAL");
        QVERIFY2(history.out.contains(QRegularExpression(QStringLiteral("Flip\\s+refused\\s+curtainctl.*was not "
                                                                        "flipped"))),
                 qPrintable(history.out));
        QVERIFY2(history.out.contains(QRegularExpression(QStringLiteral("Scaled\\s+applied"))),
                 qPrintable(history.out));
    }

    // "curtainctl help" as well as --help, and every exit code a script may meet (5 was missing).
    void help_printsUsageAndEveryExitCode()
    {
        for (const QString &asked : {QStringLiteral("help"), QStringLiteral("--help")}) {
            const Run run = curtainctl({asked});
            QCOMPARE(run.exitCode, 0);
            QVERIFY2(run.out.startsWith(QStringLiteral("Usage: curtainctl")), qPrintable(run.out));
            QVERIFY2(run.out.contains(QStringLiteral("5 sent, not confirmed")), qPrintable(run.out));
        }
    }

    // Green has 2 pods and blue 4: a promote would hand green everything at once, so it is refused
    // (nothing changes) with the way to grow it; --scale-first grows green, waits, then promotes.
    void promote_thenRollback_restoreStable()
    {
        const Run refused = ctl({QStringLiteral("promote"), QStringLiteral("catalog")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("scale green to 4 first")), qPrintable(refused.err));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        const Run promoted =
            ctl({QStringLiteral("promote"), QStringLiteral("catalog"), QStringLiteral("--scale-first")});
        QVERIFY2(promoted.exitCode == 0, qPrintable(promoted.out + promoted.err));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(0LL, 100LL));
        QCOMPARE(ctl({QStringLiteral("rollback"), QStringLiteral("catalog")}).exitCode, 0);
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
    }

    // A pipeline that retries a promote (say after exit 5) once handed everything back to the version
    // the first run had replaced, exit 0. The blue-green cycle must still work: the next version,
    // deployed on the idle color, is promoted.
    void promote_again_changesNothing_untilANewVersionIsOnTheIdleColor()
    {
        QCOMPARE(ctl({QStringLiteral("promote"), QStringLiteral("catalog"), QStringLiteral("--scale-first")}).exitCode,
                 0);
        QCOMPARE(m_api->catalogWeights(), std::make_pair(0LL, 100LL));
        const Run again = ctl({QStringLiteral("promote"), QStringLiteral("catalog")});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QVERIFY2(again.out.contains(QStringLiteral("catalog is promoted already: green (v2.4.0) serves all traffic, "
                                                   "and blue still runs v2.3.0")),
                 qPrintable(again.out));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(0LL, 100LL));

        // A new build rolls out on blue under the same version string (a mutable tag, an unbumped
        // label): its pod template is new, so it is promoted, not taken for the one replaced.
        QCOMPARE(m_api->patch("/apis/apps/v1/namespaces/demo/deployments/catalog-blue",
                              "application/strategic-merge-patch+json",
                              R"({"spec":{"template":{"metadata":{"annotations":{"build":"2026-12-05.2"}}}}})"),
                 200);
        const Run next = ctl({QStringLiteral("promote"), QStringLiteral("catalog")});
        QVERIFY2(next.exitCode == 0, qPrintable(next.err));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        const auto route = m_api->get("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog");
        QVERIFY(route);
        QCOMPARE((*route)["metadata"]["annotations"].value("curtain.dev/previous-version", ""), "v2.4.0");
        QCOMPARE((*route)["metadata"]["annotations"].value("curtain.dev/previous-template", "").size(), 16u);

        // A rollback forgets the previous color, and the version with it.
        QCOMPARE(ctl({QStringLiteral("rollback"), QStringLiteral("catalog")}).exitCode, 0);
        QCOMPARE(m_api->catalogWeights(), std::make_pair(0LL, 100LL));
        const auto rolledBack = m_api->get("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog");
        QVERIFY(rolledBack);
        QVERIFY(!(*rolledBack)["metadata"]["annotations"].contains("curtain.dev/previous-version"));
    }

    void failures_haveTheirExitCodeAndChangeNothing_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("weight too high") << QStringList{QStringLiteral("set-weight"), QStringLiteral("catalog"),
                                                        QStringLiteral("130")}
                                         << 2 << QStringLiteral("outside 0–100");
        QTest::newRow("weight not a number")
            << QStringList{QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("lots")} << 2
            << QStringLiteral("not a whole number");
        QTest::newRow("weight missing") << QStringList{QStringLiteral("set-weight"), QStringLiteral("catalog")} << 2
                                        << QStringLiteral("usage: curtainctl set-weight RELEASE N");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("deploy")} << 2
                                         << QStringLiteral("unknown command");
        QTest::newRow("unknown release") << QStringList{QStringLiteral("promote"), QStringLiteral("billing")} << 1
                                         << QStringLiteral("known releases: catalog, checkout");
        QTest::newRow("weight on a selector")
            << QStringList{QStringLiteral("set-weight"), QStringLiteral("checkout"), QStringLiteral("20")} << 1
            << QStringLiteral("use flip");
        QTest::newRow("argo action on an HTTPRoute") << QStringList{QStringLiteral("abort"), QStringLiteral("catalog")}
                                                     << 1 << QStringLiteral("abort is an Argo Rollouts action");
        QTest::newRow("weight on a Rollout")
            << QStringList{QStringLiteral("set-weight"), QStringLiteral("payments"), QStringLiteral("20")} << 1
            << QStringLiteral("Argo Rollouts owns the weights");
        QTest::newRow("namespace without releases") // once "known releases: " and nothing after it
            << QStringList{QStringLiteral("-n"), QStringLiteral("elsewhere"), QStringLiteral("status"),
                           QStringLiteral("catalog")}
            << 1 << QStringLiteral("no release named \"catalog\" in namespace elsewhere: it has no releases");
        QTest::newRow("pause on an HTTPRoute") << QStringList{QStringLiteral("suspend"), QStringLiteral("catalog")} << 1
                                               << QStringLiteral("(and a Flagger canary's: suspend, resume), and "
                                                                 "catalog is routed by its HTTPRoute");
        QTest::newRow("scale a Rollout") // once a raw 404 for a Deployment named after a ReplicaSet
            << QStringList{QStringLiteral("scale"), QStringLiteral("payments"), QStringLiteral("green"),
                           QStringLiteral("3")}
            << 1 << QStringLiteral("payments is an Argo Rollout, whose controller sizes its ReplicaSets");
        QTest::newRow("--full elsewhere")
            << QStringList{QStringLiteral("abort"), QStringLiteral("payments"), QStringLiteral("--full")} << 2
            << QStringLiteral("--full goes with promote only");
        QTest::newRow("bad revision") << QStringList{QStringLiteral("undo"), QStringLiteral("payments"),
                                                     QStringLiteral("--to-revision"), QStringLiteral("latest")}
                                      << 2 << QStringLiteral("is not a revision number");
        QTest::newRow("set-image without =")
            << QStringList{QStringLiteral("set-image"), QStringLiteral("payments"), QStringLiteral("payments:v9")} << 2
            << QStringLiteral("CONTAINER=IMAGE");
        QTest::newRow("request timeout of 0")
            << QStringList{QStringLiteral("--request-timeout"), QStringLiteral("0s"), QStringLiteral("set-weight"),
                           QStringLiteral("catalog"), QStringLiteral("20")}
            << 2 << QStringLiteral("--request-timeout \"0s\" must be from 1s to 1h");
        QTest::newRow("request timeout without unit")
            << QStringList{QStringLiteral("--request-timeout"), QStringLiteral("soon"), QStringLiteral("set-weight"),
                           QStringLiteral("catalog"), QStringLiteral("20")}
            << 2 << QStringLiteral("is not a duration");
        QTest::newRow("sync timeout of 2h")
            << QStringList{QStringLiteral("--sync-timeout"), QStringLiteral("2h"), QStringLiteral("set-weight"),
                           QStringLiteral("catalog"), QStringLiteral("20")}
            << 2 << QStringLiteral("--sync-timeout \"2h\" must be from 1s to 1h");
        QTest::newRow("reaction timeout of 0")
            << QStringList{QStringLiteral("--reaction-timeout"), QStringLiteral("0s"), QStringLiteral("pause"),
                           QStringLiteral("payments")}
            << 2 << QStringLiteral("--reaction-timeout \"0s\" must be from 1s to 1h");
    }

    void failures_haveTheirExitCodeAndChangeNothing()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        const auto before = m_api->catalogWeights();
        const std::string color = m_api->checkoutColor();
        const Run run = ctl(arguments);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(mentions), qPrintable(run.err));
        QCOMPARE(m_api->catalogWeights(), before);
        QCOMPARE(m_api->checkoutColor(), color);
    }

    void unreachableCluster_exitsWith3()
    {
        const Run run =
            curtainctl({QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("releases")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(QStringLiteral("cannot reach")), qPrintable(run.err));
    }

    // A password typed into --server is refused without being printed back (CI logs keep stderr).
    void passwordInServerUrl_isNeverPrinted()
    {
        for (const QString &format : {QStringLiteral("table"), QStringLiteral("json")}) {
            const Run run = curtainctl({QStringLiteral("--server"), QStringLiteral("http://admin:hunter2@127.0.0.1:1"),
                                        QStringLiteral("-o"), format, QStringLiteral("releases")});
            QCOMPARE(run.exitCode, 2);
            QVERIFY2(run.err.contains(QStringLiteral("\"http://***@127.0.0.1:1\" carries a user name or password")) ||
                         run.out.contains(QStringLiteral("http://***@127.0.0.1:1")),
                     qPrintable(run.out + run.err));
            const QString printed = run.out + run.err;
            QVERIFY2(!printed.contains(QStringLiteral("hunter2")), qPrintable(printed));
        }
    }

    // A script asking for JSON gets JSON for a usage error too, not an empty stdout.
    void usageError_withJson_isAJsonObject()
    {
        const Run run = curtainctl({QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"),
                                    QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("set-weight"),
                                    QStringLiteral("catalog"), QStringLiteral("130")});
        QCOMPARE(run.exitCode, 2);
        const auto json = nlohmann::json::parse(run.out.toStdString(), nullptr, false);
        QVERIFY2(json.is_object() && json.value("ok", true) == false &&
                     json["error"].value("message", "").find("130") != std::string::npos,
                 qPrintable(run.out));
    }

    void noCluster_isAUsageError()
    {
        const Run run = curtainctl({QStringLiteral("releases")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains(QStringLiteral("--server URL")));
    }

    void fleet_listsEveryContextNeedingAttentionFirst()
    {
        QTemporaryDir dir;
        QFile config(dir.filePath(QStringLiteral("fleet.yaml")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(
            QStringLiteral(
                "clusters:\n- {name: eu, cluster: {server: %1}}\n- {name: us, cluster: {server: http://127.0.0.1:1}}\n"
                "contexts:\n- {name: prod-eu, context: {cluster: eu}}\n- {name: prod-us, context: {cluster: us}}\n")
                .arg(m_sim->url())
                .toUtf8());
        config.close();
        QCOMPARE(ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("5")}).exitCode, 0);
        const Run run = curtainctl({QStringLiteral("--kubeconfig"), config.fileName(), QStringLiteral("--context"),
                                    QStringLiteral("prod-eu"), QStringLiteral("--context"), QStringLiteral("prod-us"),
                                    QStringLiteral("releases")});
        QCOMPARE(run.exitCode, 3); // one context could not be read: scripts must notice
        const QStringList lines = run.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 13); // header, the unreachable context, the demo's 11 releases
        QVERIFY2(lines[1].startsWith(QLatin1String("prod-us")) && lines[1].contains(QStringLiteral("unreachable")),
                 qPrintable(run.out));
        // Needing attention first (the canary, the paused Rollouts), then the settled ones.
        const qsizetype firstHealthy = lines.indexOf(QRegularExpression(QStringLiteral(".*healthy$")));
        QVERIFY2(firstHealthy > 2, qPrintable(run.out));
        QVERIFY2(lines.indexOf(QRegularExpression(QStringLiteral(".*catalog.*canary.*"))) < firstHealthy,
                 qPrintable(run.out));
        for (qsizetype i = firstHealthy; i < lines.size(); ++i) {
            QVERIFY2(lines[i].endsWith(QStringLiteral("healthy")), qPrintable(run.out));
        }
        QCOMPARE(ctl({QStringLiteral("rollback"), QStringLiteral("catalog")}).exitCode, 0);
    }

    void argo_stepControlFromTheCli()
    {
        // The demo's payments canary waits at its first pause once its update is rolled out.
        QTRY_VERIFY_WITH_TIMEOUT(ctl({QStringLiteral("status"), QStringLiteral("payments")})
                                     .out.contains(QStringLiteral("▶ 1. pause (until promoted)")),
                                 20000);
        Run run = ctl({QStringLiteral("promote"), QStringLiteral("payments")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.startsWith(QStringLiteral("payments: promote sent")), qPrintable(run.out));
        run = ctl({QStringLiteral("abort"), QStringLiteral("payments")});
        QVERIFY2(run.exitCode == 0 && run.out.contains(QStringLiteral("Degraded")), qPrintable(run.out + run.err));
        run = ctl({QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("status"), QStringLiteral("payments")});
        const auto status = nlohmann::json::parse(run.out.toStdString(), nullptr, false);
        QVERIFY2(status.value(nlohmann::json::json_pointer("/rollout/aborted"), false), qPrintable(run.out));
        QVERIFY(status.value(nlohmann::json::json_pointer("/actions/retry/enabled"), false));
        run = ctl({QStringLiteral("rollback"), QStringLiteral("payments")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains(QStringLiteral("v4.1.0 serves all traffic")) &&
                     run.out.contains(QStringLiteral("revert the change in Git")),
                 qPrintable(run.out));
    }

    void demo_runsTheBuiltInClusterInProcess()
    {
        const Run run = curtainctl(
            {QStringLiteral("--demo"), QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("5")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(QStringLiteral("green 0 % → 5 %")));
        // The README's Argo example: the demo's update stands at its pause before the command acts
        // (it once ran the moment the demo started, and found nothing to promote).
        const Run promote =
            curtainctl({QStringLiteral("--demo"), QStringLiteral("promote"), QStringLiteral("payments")});
        QVERIFY2(promote.exitCode == 0, qPrintable(promote.err));
        QVERIFY2(promote.out.contains(QStringLiteral("payments: promote sent")), qPrintable(promote.out));
    }
};

QTEST_GUILESS_MAIN(TestCurtainctl)
#include "tst_curtainctl.moc"
