// Live state that survives the network: while curtain-sim throws 500s and plain-text 429s with
// Retry-After, drops watch streams and answers resumes with 410, another client keeps changing the
// routes. When the faults stop, Curtain's snapshot equals the cluster's, and no snapshot ever went
// back to an older version of a route.

#include "engine/releaseengine.h"
#include "engine/session.h"

#include "ctlrunner.h"
#include "futurewait.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace Curtain;

class TestWatchFaults : public QObject
{
    Q_OBJECT

    Test::SimProcess m_sim;

    int faults(const std::string &plan) { return Test::ApiReader(m_sim.port()).setFaults(plan); }

    // The test's own writes retry through the injected faults, as any client would.
    bool patchUntilAccepted(const std::string &path, const std::string &type, const std::string &body)
    {
        Test::ApiReader api(m_sim.port());
        for (int attempt = 0; attempt < 50; ++attempt) {
            if (api.patch(path, type, body) == 200) {
                return true;
            }
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sim.start(&error), qPrintable(error));
    }

    void faultsDuringChanges_endInTheClustersState()
    {
        const Engine::SessionPtr session = Engine::Session::openEndpoint({QStringLiteral("sim"), m_sim.url()});
        Engine::ReleaseEngine *engine = session->engine();
        // Collected on this thread: the engine publishes from its own, and a QSignalSpy there would
        // append while this thread reads it, and after it is gone (ASan saw both).
        QList<Core::ReleaseSnapshots> snapshots;
        QObject collector; // destroyed first: no snapshot arrives after the list is gone
        connect(engine, &Engine::ReleaseEngine::releasesChanged, &collector,
                [&snapshots](const Core::ReleaseSnapshots &releases) { snapshots.append(releases); });
        engine->start();
        QVERIFY(Test::waitFor(engine->whenSynced()).ok());

        const std::string route = "/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog";
        const std::string service = "/api/v1/namespaces/demo/services/checkout";
        auto setCatalog = [&](int green) {
            return patchUntilAccepted(route, "application/json-patch+json",
                                      R"([{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":)" +
                                          std::to_string(100 - green) +
                                          R"(},{"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":)" +
                                          std::to_string(green) + "}]");
        };
        auto engineSeesGreen = [&](int green) {
            const auto synced = Test::waitFor(engine->whenSynced());
            return synced.ok() &&
                   std::any_of(synced.value().begin(), synced.value().end(), [&](const Core::ReleaseSnapshot &r) {
                       return r.name == QLatin1String("catalog") && r.green.trafficPercent == green;
                   });
        };

        // 1. Every resume is refused as too old and the streams drop: only a relist can catch up.
        QCOMPARE(faults(R"({"expireResumes":true,"dropWatches":true})"), 200);
        QVERIFY(setCatalog(3));
        QTRY_VERIFY_WITH_TIMEOUT(engineSeesGreen(3), 30000);
        QCOMPARE(faults(R"({"expireResumes":false})"), 200);

        // 2. Changes keep coming through 503s and 429s with Retry-After and repeatedly dropped streams.
        QCOMPARE(faults(R"({"throttleRate":0.2,"errorRate":0.1,"errorStatus":503,"retryAfterSeconds":1})"), 200);
        for (int i = 1; i <= 12; ++i) {
            QVERIFY(setCatalog(i * 7));
            QVERIFY(patchUntilAccepted(service, "application/merge-patch+json",
                                       std::string(R"({"spec":{"selector":{"curtain.dev/color":")") +
                                           (i % 2 ? "green" : "blue") + "\"}}}"));
            if (i % 3 == 0) {
                QCOMPARE(faults(R"({"dropWatches":true})"), 200);
                QTRY_VERIFY_WITH_TIMEOUT(engineSeesGreen(i * 7), 30000); // it reconnects and resumes
            }
        }
        QCOMPARE(faults(R"({"throttleRate":0,"errorRate":0,"expireResumes":false})"), 200);

        Test::ApiReader api(m_sim.port());
        const auto weights = api.catalogWeights();
        const std::string color = api.checkoutColor();
        auto matches = [&] {
            const auto [blue, green] = weights; // clang 14 cannot capture structured bindings
            const auto synced = Test::waitFor(engine->whenSynced());
            if (!synced.ok()) {
                return false;
            }
            for (const auto &release : synced.value()) {
                if (release.name == QLatin1String("catalog") &&
                    (release.blue.trafficPercent != blue || release.green.trafficPercent != green)) {
                    return false;
                }
                if (release.name == QLatin1String("checkout") &&
                    Core::colorName(release.stable).toStdString() != color) {
                    return false;
                }
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(matches(), 60000);

        // Never back in time: the route versions Curtain published only ever grew.
        long long last = 0;
        for (const Core::ReleaseSnapshots &snapshot : std::as_const(snapshots)) {
            for (const auto &release : snapshot) {
                if (release.name == QLatin1String("catalog")) {
                    const long long version = release.routeResourceVersion.toLongLong();
                    QVERIFY2(
                        version >= last,
                        qPrintable(QStringLiteral("route version went from %1 back to %2").arg(last).arg(version)));
                    last = version;
                }
            }
        }
        QCOMPARE(QString::number(last), QString::fromStdString(api.resourceVersion(route)));
    }

    // The first sync while Rollouts list slowly (each request to their API group held 3 s) and the
    // other collections, already listed, keep losing their watches: those list again by themselves,
    // so the wait ends in a sync that includes the Rollouts, not in a dropped stream's error.
    void firstSyncWhileOtherWatchesDrop_waitsForTheSlowList()
    {
        QCOMPARE(faults(R"({"delayMs":3000,"delayPathPrefix":"/apis/argoproj.io/"})"), 200);
        const Engine::SessionPtr session = Engine::Session::openEndpoint({QStringLiteral("sim"), m_sim.url()});
        Engine::ReleaseEngine *engine = session->engine();
        engine->start();
        QFuture<Core::Result<Core::ReleaseSnapshots>> synced = engine->whenSynced();
        int drops = 0;
        while (!synced.isFinished() && drops < 300) {
            QCOMPARE(faults(R"({"dropWatches":true})"), 200);
            ++drops;
            // Paces the drops (each 100 ms) and returns as soon as the sync ends.
            (void)Test::waitFor(synced, 100);
        }
        QCOMPARE(faults(R"({"delayMs":0,"delayPathPrefix":""})"), 200);
        const Core::Result<Core::ReleaseSnapshots> result = Test::waitFor(synced);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QVERIFY2(drops >= 10, qPrintable(QStringLiteral("only %1 drops before the sync").arg(drops)));
        const bool hasRollout = std::any_of(result.value().begin(), result.value().end(), [](const auto &release) {
            return release.name == QLatin1String("payments");
        });
        QVERIFY2(hasRollout, "the Rollout release payments is missing from the first sync");
    }

    // A write while every watch keeps being dropped (each 100 ms, the PATCH itself held 1 s in
    // flight): curtainctl still applies it, confirms it and says so, and the cluster holds it.
    void actionWhileWatchesKeepDropping_isAppliedAndConfirmed()
    {
        QCOMPARE(faults(R"({"writeDelayMs":1000})"), 200);
        QProcess ctl;
        Test::startCurtainctl(ctl, {QStringLiteral("--server"), m_sim.url(), QStringLiteral("set-weight"),
                                    QStringLiteral("catalog"), QStringLiteral("35")});
        int drops = 0;
        while (!ctl.waitForFinished(100) && drops < 600) {
            QCOMPARE(faults(R"({"dropWatches":true})"), 200);
            ++drops;
        }
        QCOMPARE(faults(R"({"writeDelayMs":0})"), 200);
        QVERIFY2(ctl.state() == QProcess::NotRunning, "curtainctl did not finish within 60 s");
        const QString out = QString::fromUtf8(ctl.readAllStandardOutput());
        QVERIFY2(drops >= 5, qPrintable(QString::number(drops)));
        QVERIFY2(ctl.exitStatus() == QProcess::NormalExit && ctl.exitCode() == 0,
                 ctl.readAllStandardError().constData());
        QVERIFY2(out.contains(QStringLiteral("catalog: ")) && out.contains(QStringLiteral("→ 35 %")), qPrintable(out));
        QCOMPARE(Test::ApiReader(m_sim.port()).catalogWeights().second, 35LL);
    }
};

QTEST_GUILESS_MAIN(TestWatchFaults)
#include "tst_watchfaults.moc"
