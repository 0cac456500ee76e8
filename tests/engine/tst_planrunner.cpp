// The plan runner's step machine in fake time: a fake release, an in-memory API object store for
// the Lease and the progress annotation, and the Canary Bench traffic generator for samples. What
// a plan does over minutes or hours runs here in milliseconds, the same way every time.

#include "core/clock.h"
#include "engine/planfile.h"
#include "engine/planrunner.h"
#include "fakeplanparts.h"

#include <QJsonDocument>
#include <QTest>

#include <memory>
#include <optional>

using namespace Curtain;
using Core::ActionKind;
using Core::PlanState;

namespace {

const QString leasePath = QStringLiteral("/apis/coordination.k8s.io/v1/namespaces/demo/leases/curtain-plan-catalog");
constexpr int tickMs = 2000;
constexpr int slowTickMs = 60'000; // for plans that wait an hour: the judge looks once a minute

// Thresholds the generator's healthy service meets (its baseline has 0.1 % errors, p99 ≈ 160 ms).
const QByteArray judge = "judge: {maxErrorRate: 0.01, maxP99Seconds: 0.5}\n";

Bench::TrafficParams traffic(double candidateErrorRate = 0.001, double rps = 1000)
{
    Bench::TrafficParams p;
    p.rps = rps;
    p.canaryErrorRate = candidateErrorRate;
    return p;
}

Kube::Json lease(const QString &holder, const QDateTime &renewed)
{
    const std::string time = renewed.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000Z")).toStdString();
    return {{"apiVersion", "coordination.k8s.io/v1"},
            {"kind", "Lease"},
            {"metadata", {{"name", "curtain-plan-catalog"}, {"namespace", "demo"}}},
            {"spec",
             {{"holderIdentity", holder.toStdString()},
              {"leaseDurationSeconds", 15},
              {"acquireTime", time},
              {"renewTime", time}}}};
}

} // namespace

class TestPlanRunner : public QObject
{
    Q_OBJECT

    std::unique_ptr<Core::ManualClock> m_clock;
    std::unique_ptr<Test::FakeReleases> m_releases;
    std::unique_ptr<Test::FakeObjects> m_objects;
    std::unique_ptr<Test::FakeTraffic> m_traffic;
    std::unique_ptr<Engine::PlanRunner> m_runner;
    std::optional<Core::Result<Core::PlanProgress>> m_end;
    Core::PlanProgress m_last;       // the last progress the runner reported
    Core::Judgement m_lastJudgement; // and the judgement the console shows with it
    int m_tickMs = tickMs;

    void start(const QByteArray &yaml, const Bench::TrafficParams &params = traffic(), bool headless = false,
               int tick = tickMs)
    {
        m_tickMs = tick;
        const auto plan = Engine::parsePlanText(yaml, QStringLiteral("the test's plan"));
        QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
        m_runner.reset();
        m_end.reset();
        m_traffic = std::make_unique<Test::FakeTraffic>(params, m_releases.get(), m_clock.get());
        Engine::PlanOptions options;
        options.identity = QStringLiteral("curtain@test/1");
        options.headless = headless;
        options.tickMs = m_tickMs;
        m_runner = std::make_unique<Engine::PlanRunner>(
            Engine::PlanParts{m_releases.get(), m_objects.get(), m_traffic.get(), m_clock.get()},
            QStringLiteral("catalog"), plan.value(), options);
        connect(m_runner.get(), &Engine::PlanRunner::updated, this,
                [this](const Core::PlanProgress &progress, const Core::Judgement &judgement) {
                    m_last = progress;
                    m_lastJudgement = judgement;
                });
        connect(m_runner.get(), &Engine::PlanRunner::finished, this,
                [this](const Core::Result<Core::PlanProgress> &end) { m_end = end; });
        m_runner->start();
        settle();
    }
    // Lets every answer the fakes gave (ready futures, queued calls) arrive; no time passes.
    static void settle()
    {
        for (int i = 0; i < 30; ++i) {
            QCoreApplication::processEvents();
        }
    }
    void runFor(qint64 ms)
    {
        for (qint64 done = 0; done < ms && !m_end; done += m_tickMs) {
            m_clock->advance(std::min<qint64>(m_tickMs, ms - done));
            settle();
        }
    }
    // Runs until the plan ends, at most `ms` of fake time; how much fake time it took.
    qint64 runToEnd(qint64 ms)
    {
        const qint64 began = m_clock->nowMs();
        runFor(ms);
        return m_clock->nowMs() - began;
    }
    int weight() const { return m_releases->release.candidateWeight(); }
    QList<ActionKind> actions() const
    {
        QList<ActionKind> kinds;
        for (const auto &request : m_releases->performed) {
            kinds << request.kind;
        }
        return kinds;
    }
    // The plan's progress as the route says it, for every other console.
    std::optional<Core::PlanProgress> routeProgress() const
    {
        const Kube::Json route = m_objects->object(m_releases->release.routePath);
        const QString text = Kube::stringAt(route, "/metadata/annotations/curtain.dev~1plan-progress");
        const auto parsed = Core::PlanProgress::fromJson(QJsonDocument::fromJson(text.toUtf8()).object());
        return parsed.ok() ? std::optional<Core::PlanProgress>(parsed.value()) : std::nullopt;
    }
    QString leaseHolder() const { return Kube::stringAt(m_objects->object(leasePath), "/spec/holderIdentity"); }
    QString outcome() const { return m_end && m_end->ok() ? m_end->value().outcome : QString(); }
    std::optional<PlanState> endState() const
    {
        return m_end && m_end->ok() ? std::optional<PlanState>(m_end->value().state) : std::nullopt;
    }

private Q_SLOTS:
    void init()
    {
        m_clock = std::make_unique<Core::ManualClock>();
        m_releases = std::make_unique<Test::FakeReleases>();
        m_objects = std::make_unique<Test::FakeObjects>();
        m_objects->put(m_releases->release.routePath,
                       {{"kind", "HTTPRoute"}, {"metadata", {{"name", "catalog"}, {"namespace", "demo"}}}});
        m_last = {};
    }
    void cleanup()
    {
        m_runner.reset(); // first: it uses all the others
        m_traffic.reset();
        m_objects.reset();
        m_releases.reset();
        m_clock.reset();
        m_end.reset();
    }

    void stepMachine_setsWeight_pauses_analyses_andPromotes()
    {
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 30s}\n  - analysis: {timeout: 1h}\n"
              "  - setWeight: 25\n  - analysis: {timeout: 1h}\n" +
              judge);
        QCOMPARE(weight(), 5);
        QCOMPARE(m_last.step, 1);
        QCOMPARE(leaseHolder(), QStringLiteral("curtain@test/1"));
        runFor(26'000);
        QCOMPARE(m_last.step, 1); // still pausing
        QCOMPARE(routeProgress()->step, 1);
        runFor(6'000);
        QVERIFY2(m_last.step >= 2, qPrintable(QString::number(m_last.step)));

        runToEnd(4 * 3600'000);
        QVERIFY2(endState() == PlanState::Promoted, qPrintable(outcome()));
        QVERIFY2(outcome().startsWith(QStringLiteral("Promoted: green is no worse than blue")), qPrintable(outcome()));
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight, ActionKind::SetWeight, ActionKind::Promote}));
        QCOMPARE(m_releases->performed.at(1).weight, 25);
        QVERIFY(m_releases->performed.at(0).fromPlan);
        QCOMPARE(m_releases->release.stable, Core::Color::Green);
        QCOMPARE(routeProgress()->state, PlanState::Promoted); // every console sees how it ended
        QCOMPARE(leaseHolder(), QString());                    // and the Lease is free again
        const qsizetype sent = m_releases->performed.size();
        runFor(60'000);
        QCOMPARE(m_releases->performed.size(), sent); // nothing ticks after the end
    }

    // A check after a higher weight judges that weight: it once passed in no time on the evidence of
    // the weight before, so 50 % was never looked at before the promote.
    void analysisAfterAHigherWeight_waitsForThatWeightsOwnPass()
    {
        start("steps:\n  - setWeight: 10\n  - analysis: {timeout: 1h}\n  - setWeight: 50\n"
              "  - analysis: {timeout: 1h}\n" +
              judge);
        for (int ticks = 0; ticks < 3600 && m_last.step < 3 && !m_end; ++ticks) {
            runFor(m_tickMs);
        }
        QVERIFY2(!m_end, qPrintable(outcome()));
        QCOMPARE(m_last.step, 3);
        QCOMPARE(weight(), 50);
        runFor(m_tickMs);
        QCOMPARE(m_last.step, 3);
        QCOMPARE(m_lastJudgement.verdict, Core::Verdict::Hold);
        QVERIFY2(m_lastJudgement.reason.startsWith(QStringLiteral("The rollout so far passes; 50 % is judged on its "
                                                                  "own requests before the plan goes on: ")),
                 qPrintable(m_lastJudgement.reason));

        const qint64 judgingFifty = m_tickMs + runToEnd(4 * 3600'000);
        QVERIFY2(endState() == PlanState::Promoted, qPrintable(outcome()));
        QVERIFY2(judgingFifty >= 10 * m_tickMs, qPrintable(QString::number(judgingFifty)));
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight, ActionKind::SetWeight, ActionKind::Promote}));
    }

    // At 100 % stable serves nothing: that weight has no comparison of its own, and the plan promotes
    // on the rollout's evidence (a review found it held for the hour instead).
    void planEndingAtAHundred_promotes()
    {
        start("steps:\n  - setWeight: 10\n  - analysis: {timeout: 1h}\n  - setWeight: 100\n" + judge);
        runToEnd(4 * 3600'000);
        QVERIFY2(endState() == PlanState::Promoted, qPrintable(outcome()));
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight, ActionKind::SetWeight, ActionKind::Promote}));
        QCOMPARE(m_releases->performed.at(1).weight, 100);
    }

    void lease_isRenewedWhileDriving()
    {
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        const QString acquired = Kube::stringAt(m_objects->object(leasePath), "/spec/renewTime");
        runFor(60'000);
        const QDateTime renewed =
            QDateTime::fromString(Kube::stringAt(m_objects->object(leasePath), "/spec/renewTime"), Qt::ISODateWithMs);
        QVERIFY(renewed.isValid());
        QVERIFY2(renewed.secsTo(m_clock->now()) <= 5, qPrintable(acquired)); // a third of 15 s
        QVERIFY(!m_end);
    }

    void analysisTimeout_holdsAtTheDeadline()
    {
        // No traffic: no evidence either way, so the analysis can only reach its limit.
        start("steps:\n  - setWeight: 5\n  - analysis: {timeout: 90s}\n" + judge, traffic(0.001, 0));
        const qint64 took = runToEnd(3600'000);
        QVERIFY2(endState() == PlanState::Held, qPrintable(outcome()));
        QVERIFY2(outcome().startsWith(QStringLiteral("Held: step 2 (analysis) reached its 90 s limit.")),
                 qPrintable(outcome()));
        QVERIFY2(took >= 90'000 && took <= 90'000 + 2 * tickMs, qPrintable(QString::number(took)));
        QCOMPARE(weight(), 5); // held where it was: no blind move either way
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight}));
    }

    void unreadableMetrics_holdAndSayWhy()
    {
        start("steps:\n  - setWeight: 5\n  - analysis: {timeout: 30s}\n" + judge);
        m_traffic->down = true;
        runToEnd(600'000);
        QVERIFY2(endState() == PlanState::Held, qPrintable(outcome()));
        QVERIFY2(outcome().contains(QStringLiteral("Holding: cannot read metrics from the test's traffic: "
                                                   "connection refused")),
                 qPrintable(outcome()));
        QCOMPARE(weight(), 5);
    }

    void failingCanary_isRolledBackOnce_duringAPause()
    {
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n  - analysis: {}\n" + judge, traffic(0.05));
        const qint64 took = runToEnd(3600'000);
        QVERIFY2(endState() == PlanState::RolledBack, qPrintable(outcome()));
        QVERIFY2(took < 600'000, qPrintable(QString::number(took))); // the judge watches during every step
        QVERIFY2(outcome().startsWith(QStringLiteral("Rolled back automatically: green")), qPrintable(outcome()));
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight, ActionKind::Rollback}));
        QCOMPARE(weight(), 0);
        QCOMPARE(m_end->value().verdict, Core::Verdict::Fail);
        QCOMPARE(routeProgress()->state, PlanState::RolledBack);
        runFor(60'000);
        QCOMPARE(actions().size(), 2); // one rollback, never a second
    }

    void passAfterTheLastStep_promotes()
    {
        start("steps:\n  - setWeight: 25\n" + judge);
        runToEnd(4 * 3600'000);
        QVERIFY2(endState() == PlanState::Promoted, qPrintable(outcome()));
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight, ActionKind::Promote}));
        QCOMPARE(m_end->value().verdict, Core::Verdict::Pass); // only a Pass promotes
        QCOMPARE(m_releases->release.green.trafficPercent, 100);
    }

    // A promote hands the candidate everything at once: with fewer ready pods than stable it waits
    // (a pod restarting, an autoscaler growing it), says for what, and promotes once they are there.
    void passWithASmallerCandidate_waitsForItsPods_thenPromotes()
    {
        m_releases->release.green.readyReplicas = 1; // blue has 2
        // 50 requests a second, looked at once a minute: see the next test.
        start("steps:\n  - setWeight: 25\n" + judge, traffic(0.001, 50), false, slowTickMs);
        runFor(3 * 3600'000 / 4);
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight}));
        QVERIFY(!m_end);
        QVERIFY2(m_last.reason.contains(QStringLiteral("green has 1 of the 2 ready replicas blue serves on")),
                 qPrintable(m_last.reason));
        m_releases->release.green.readyReplicas = 2;
        runToEnd(3600'000);
        QVERIFY2(endState() == PlanState::Promoted, qPrintable(outcome()));
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight, ActionKind::Promote}));
    }

    void passWithACandidateThatNeverGrows_holdsAfterAnHour()
    {
        m_releases->release.green.readyReplicas = 1;
        // Hours of traffic at 1,000 requests a second, looked at every 2 s, took 10–15 s of CPU per
        // test (1–2 min under the sanitizers) for a judgement 50 a second, once a minute, gives as well.
        start("steps:\n  - setWeight: 25\n" + judge, traffic(0.001, 50), false, slowTickMs);
        runToEnd(4 * 3600'000);
        QVERIFY2(endState() == PlanState::Held, qPrintable(outcome()));
        QVERIFY2(outcome().startsWith(QStringLiteral("Held at the end of the plan for an hour: the judge passed the "
                                                     "candidate, but green has 1 of the 2 ready replicas")),
                 qPrintable(outcome()));
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight}));
    }

    void noEvidenceAfterTheLastStep_holdsAfterAnHour_neverPromotes()
    {
        start("steps:\n  - setWeight: 5\n" + judge, traffic(0.001, 0), false, slowTickMs);
        const qint64 took = runToEnd(2 * 3600'000);
        QVERIFY2(endState() == PlanState::Held, qPrintable(outcome()));
        QVERIFY2(outcome().startsWith(QStringLiteral("Held at the end of the plan for an hour")),
                 qPrintable(outcome()));
        QVERIFY(took >= 3600'000 && took <= 3600'000 + 2 * slowTickMs);
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight}));
    }

    void conflictOnItsOwnWrite_isRetried()
    {
        m_releases->conflicts = 3; // e.g. our own progress annotation moved the route's resourceVersion
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        runFor(10 * tickMs);
        QCOMPARE(weight(), 5);
        QCOMPARE(actions(), QList<ActionKind>(4, ActionKind::SetWeight));
        QVERIFY(!m_end);
        QCOMPARE(m_last.step, 1);
    }

    void conflictThatPersists_holds()
    {
        m_releases->conflicts = 100;
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        runToEnd(60'000);
        QVERIFY2(endState() == PlanState::Held, qPrintable(outcome()));
        QVERIFY2(outcome().startsWith(QStringLiteral("Could not set the weight to 5 %: catalog was changed")),
                 qPrintable(outcome()));
        QCOMPARE(actions().size(), 6);
        QCOMPARE(weight(), 0);
    }

    void liveHolder_keepsTheRelease_silentHolderIsTakenOver()
    {
        m_objects->put(leasePath, lease(QStringLiteral("curtainctl@ci/812"), m_clock->now()));
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        QVERIFY(m_end && !m_end->ok());
        QVERIFY2(m_end->error().message.contains(QStringLiteral("is driven by curtainctl@ci/812")),
                 qPrintable(m_end->error().message));
        QCOMPARE(weight(), 0);
        QVERIFY(actions().isEmpty());

        m_clock->advance(10'000); // still within its 15 s
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        QVERIFY(m_end && !m_end->ok());

        m_clock->advance(6'000); // silent for 16 s: gone
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        QVERIFY(!m_end);
        QCOMPARE(leaseHolder(), QStringLiteral("curtain@test/1"));
        QCOMPARE(Kube::intAt(m_objects->object(leasePath), "/spec/leaseTransitions"), 1);
        QCOMPARE(weight(), 5);
    }

    void restartedDriver_resumesFromTheRoute()
    {
        // A driver vanished at step 2 (a 20 s pause, 5 s in); the route remembers where it was.
        const auto plan = Engine::parsePlanText(
            "steps:\n  - setWeight: 5\n  - pause: {duration: 20s}\n  - analysis: {timeout: 5m}\n" + judge, {});
        Core::PlanProgress progress;
        progress.plan = plan.value();
        progress.step = 1;
        progress.state = PlanState::Running;
        progress.startedAt = m_clock->now().addSecs(-30);
        progress.stepStartedAt = m_clock->now().addSecs(-5);
        progress.driver = QStringLiteral("curtainctl@ci/812");
        m_releases->release.planProgress = progress;
        m_releases->setCandidateWeight(5);
        m_objects->put(leasePath, lease(progress.driver, m_clock->now().addSecs(-16)));

        start("steps:\n  - setWeight: 50\n" + judge); // its own plan is not used: the route's is
        QVERIFY(!m_end);
        QCOMPARE(m_last.step, 1);
        QCOMPARE(m_last.driver, QStringLiteral("curtain@test/1"));
        QVERIFY(actions().isEmpty()); // the weight was already where the plan had it
        runFor(16'000);
        QCOMPARE(m_last.step, 2); // the pause ended on time, counted from before the restart
        QCOMPARE(weight(), 5);
    }

    void anotherDriverTakingTheLease_stopsThisOne()
    {
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        QVERIFY(!m_end);
        m_objects->put(leasePath, lease(QStringLiteral("curtain@colleague/7"), m_clock->now()));
        runFor(10'000);
        QVERIFY(m_end && !m_end->ok());
        QVERIFY2(m_end->error().message.contains(QStringLiteral("lost the plan's Lease to another driver")),
                 qPrintable(m_end->error().message));
        QCOMPARE(leaseHolder(), QStringLiteral("curtain@colleague/7")); // left alone
        QCOMPARE(weight(), 5);
    }

    void humanChangingTheWeight_stopsThePlan()
    {
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        m_releases->setCandidateWeight(50);
        runToEnd(10'000);
        QVERIFY2(endState() == PlanState::Stopped, qPrintable(outcome()));
        QCOMPARE(outcome(), QStringLiteral("The weight was changed outside the plan (50 % now, the plan had set 5 %); "
                                           "the plan stopped."));
        QCOMPARE(weight(), 50);
        QCOMPARE(actions(), QList<ActionKind>({ActionKind::SetWeight}));
        QCOMPARE(leaseHolder(), QString());
    }

    void humanRollingBack_stopsThePlan()
    {
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        m_releases->setCandidateWeight(0);
        runToEnd(10'000);
        QCOMPARE(outcome(), QStringLiteral("Rolled back by hand; the plan stopped."));
        QCOMPARE(routeProgress()->state, PlanState::Stopped);
    }

    void pauseForAHuman_waitsUntilResumed()
    {
        start("steps:\n  - setWeight: 5\n  - pause: {}\n  - setWeight: 25\n  - pause: {duration: 1h}\n" + judge,
              traffic(0.001, 0), false, slowTickMs);
        runFor(2 * 3600'000); // far past any limit: only a human ends this pause
        QCOMPARE(m_last.state, PlanState::Paused);
        QCOMPARE(weight(), 5);
        m_runner->resume();
        settle();
        runFor(tickMs);
        QCOMPARE(m_last.state, PlanState::Running);
        QCOMPARE(weight(), 25);
    }

    void stop_holdsTheWeight_andFreesTheLease()
    {
        start("steps:\n  - setWeight: 5\n  - pause: {duration: 10m}\n" + judge);
        m_runner->stop(QStringLiteral("Stopped from the console."));
        settle();
        QCOMPARE(endState(), PlanState::Stopped);
        QCOMPARE(weight(), 5);
        QCOMPARE(leaseHolder(), QString());
    }

    void refusals_nameTheReason_andChangeNothing_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("headless");
        QTest::addColumn<QByteArray>("plan");
        QTest::addColumn<QString>("message");
        QTest::addRow("service selector")
            << int(Core::RouteKind::ServiceSelector) << false << QByteArray("steps:\n  - setWeight: 5\n")
            << QStringLiteral("Use Flip instead");
        QTest::addRow("argo rollout") << int(Core::RouteKind::ArgoRollout) << false
                                      << QByteArray("steps:\n  - setWeight: 5\n")
                                      << QStringLiteral("its controller walks the Rollout's own steps");
        QTest::addRow("headless human pause")
            << int(Core::RouteKind::HttpRoute) << true << QByteArray("steps:\n  - setWeight: 5\n  - pause: {}\n")
            << QStringLiteral("step 2 (pause) waits for a human");
    }
    void refusals_nameTheReason_andChangeNothing()
    {
        QFETCH(int, kind);
        QFETCH(bool, headless);
        QFETCH(QByteArray, plan);
        QFETCH(QString, message);
        m_releases->release.routeKind = Core::RouteKind(kind);
        start(plan, traffic(), headless);
        QVERIFY(m_end && !m_end->ok());
        QVERIFY2(m_end->error().message.contains(message), qPrintable(m_end->error().message));
        QVERIFY(actions().isEmpty());
        QCOMPARE(m_objects->writes, 0);
    }
};

QTEST_GUILESS_MAIN(TestPlanRunner)
#include "tst_planrunner.moc"
