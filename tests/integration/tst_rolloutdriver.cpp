// The Argo Rollout driver in fake time against a real curtain-sim: every request is real, only
// the driver's clock is turned by hand, so "the controller did not react within 10 s" and "it
// reacted after 4 s" are tested in the time a few dozen GETs take.

#include "adapters/argo/rolloutadapter.h"
#include "core/clock.h"
#include "core/rolloutcontrol.h"
#include "engine/rolloutdriver.h"
#include "kube/kubeclient.h"
#include "net/httpclient.h"

#include "futurewait.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

#include <httplib.h>

#include <memory>

using namespace Curtain;
using Core::ActionKind;
using Kube::Json;

namespace {

const QString payments = QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/payments");

} // namespace

class TestRolloutDriver : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::SimProcess> m_sim;
    std::unique_ptr<Net::HttpClient> m_http;
    std::unique_ptr<Kube::KubeClient> m_client;

    // The cluster as the driver starts from: the Rollout, its ReplicaSets, the release read from them.
    struct Start
    {
        Json rollout;
        Adapters::ClusterView view;
        Core::ReleaseSnapshot release;
    };

    Core::Result<Start> readStart()
    {
        const auto rollout = Test::waitFor(m_client->get(payments));
        if (!rollout.ok()) {
            return rollout.error();
        }
        const auto sets = Test::waitFor(m_client->list(QStringLiteral("/apis/apps/v1/namespaces/demo/replicasets"),
                                                       QStringLiteral("rollouts-pod-template-hash")));
        if (!sets.ok()) {
            return sets.error();
        }
        Start start{rollout.value(), {}, {}};
        start.view.rollouts.push_back(rollout.value());
        start.view.replicaSets = Kube::ObjectList(sets.value().items);
        start.release = Adapters::RolloutAdapter().read(rollout.value(), start.view);
        start.release.capabilities = Core::computeCapabilities(start.release);
        return start;
    }

    void setFaults(const char *plan)
    {
        httplib::Client sim("127.0.0.1", m_sim->port());
        const auto reply = sim.Put("/curtain-sim/faults", plan, "application/json");
        QVERIFY(reply && reply->status == 200);
    }

    void setControllerDown(bool down)
    {
        httplib::Client sim("127.0.0.1", m_sim->port());
        const auto reply =
            sim.Put("/curtain-sim/faults", down ? R"({"argoControllerDown":true})" : R"({"argoControllerDown":false})",
                    "application/json");
        QVERIFY(reply && reply->status == 200);
    }

    // Turns the clock one poll at a time, each once the driver has asked for its next poll (its
    // real GET answered), until it finishes or `untilMs` of fake time have passed.
    static void pump(Core::ManualClock &clock, const QSignalSpy &finished, qint64 untilMs)
    {
        const qint64 end = clock.nowMs() + untilMs;
        while (finished.isEmpty() && clock.nowMs() < end) {
            // qWaitFor looks every 10 ms; QTRY_* every 50, which made each fake step cost 50 ms of real time.
            QVERIFY(QTest::qWaitFor([&] { return !finished.isEmpty() || clock.pending() > 0; }, 5000));
            if (finished.isEmpty()) {
                clock.advance(Engine::RolloutDriver::pollMs);
            }
        }
    }

private Q_SLOTS:
    void init()
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error), qPrintable(error));
        m_http = std::make_unique<Net::HttpClient>();
        m_client = std::make_unique<Kube::KubeClient>(m_http.get(),
                                                      Core::ClusterEndpoint{QStringLiteral("sim"), m_sim->url()});
        // The demo updates payments to v4.2.0 and stops at its first pause.
        QTRY_VERIFY_WITH_TIMEOUT(readStart().ok() && readStart().value().release.rollout &&
                                     readStart().value().release.rollout->step == QLatin1String("1/6"),
                                 20000);
    }

    void cleanup()
    {
        m_client.reset();
        m_http.reset();
        m_sim.reset();
    }

    void controllerThatNeverReacts_isReportedAfterTheWaitInFakeTime()
    {
        setControllerDown(true);
        const auto start = readStart();
        QVERIFY(start.ok());
        Core::ManualClock clock;
        Engine::RolloutDriver driver(m_client.get(), start.value().view, start.value().release, start.value().rollout,
                                     {ActionKind::Pause, QStringLiteral("payments"), 0, {}}, nullptr, &clock);
        QSignalSpy finished(&driver, &Engine::RolloutDriver::finished);
        driver.start();
        pump(clock, finished, 60'000);
        QCOMPARE(finished.size(), 1);
        const auto outcome = finished.first().first().value<Core::Result<Core::ActionOutcome>>();
        QVERIFY(outcome.ok()); // the write was accepted…
        QVERIFY2(outcome.value().summary.contains(QStringLiteral("waiting for the controller: no reaction after 10 s")),
                 qPrintable(outcome.value().summary)); // …and the driver gave up on the controller at 10 s
        QVERIFY(clock.nowMs() - Core::ManualClock().nowMs() < 11'000);
    }

    // A refused write is named by method and path, never by its request body.
    void refusedWrite_namesTheRequestNotItsBody()
    {
        const auto start = readStart();
        QVERIFY(start.ok());
        setFaults(R"({"errorRate":1.0,"errorStatus":422})");
        Core::ManualClock clock;
        Engine::RolloutDriver driver(m_client.get(), start.value().view, start.value().release, start.value().rollout,
                                     {ActionKind::Restart, QStringLiteral("payments"), 0, {}}, nullptr, &clock);
        QSignalSpy finished(&driver, &Engine::RolloutDriver::finished);
        driver.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        setFaults("{}");
        const auto outcome = finished.first().first().value<Core::Result<Core::ActionOutcome>>();
        QVERIFY(!outcome.ok());
        const QString message = outcome.error().message;
        QVERIFY2(message.startsWith(QStringLiteral("restart on payments failed: PATCH %1").arg(payments)),
                 qPrintable(message));
        QVERIFY2(!message.contains(QLatin1Char('{')) && !message.contains(QStringLiteral("restartAt")),
                 qPrintable(message));
        QVERIFY2(message.endsWith(QStringLiteral("(nothing was changed)")), qPrintable(message));
    }

    void controllerThatReactsLate_isWaitedFor()
    {
        setControllerDown(true);
        const auto start = readStart();
        QVERIFY(start.ok());
        Core::ManualClock clock;
        Engine::RolloutDriver driver(m_client.get(), start.value().view, start.value().release, start.value().rollout,
                                     {ActionKind::Pause, QStringLiteral("payments"), 0, {}}, nullptr, &clock);
        QSignalSpy finished(&driver, &Engine::RolloutDriver::finished);
        driver.start();
        pump(clock, finished, 4'000);
        QVERIFY(finished.isEmpty()); // 4 s without a reaction: still waiting, not yet a verdict

        setControllerDown(false);
        // Real time for the sim's controller to act; the driver's clock stands still meanwhile.
        QTRY_VERIFY_WITH_TIMEOUT(readStart().value().release.rollout->message == QLatin1String("manually paused"),
                                 10000);
        pump(clock, finished, 6'000);
        QCOMPARE(finished.size(), 1);
        const auto outcome = finished.first().first().value<Core::Result<Core::ActionOutcome>>();
        QVERIFY(outcome.ok());
        QVERIFY2(!outcome.value().summary.contains(QStringLiteral("waiting for the controller")),
                 qPrintable(outcome.value().summary));
        QCOMPARE(outcome.value().after.rollout->status, QStringLiteral("Paused"));
    }
};

QTEST_GUILESS_MAIN(TestRolloutDriver)
#include "tst_rolloutdriver.moc"
