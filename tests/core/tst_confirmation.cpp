// Which actions ask first: every move towards a version that is not the known-good one, named with
// what changes; never a move back towards it. And which contexts are protected.

#include "core/confirmation.h"

#include <QTest>

using namespace Curtain::Core;

namespace {

ReleaseSnapshot route(RouteKind kind, int greenWeight, Color stable = Color::Blue)
{
    ReleaseSnapshot r;
    r.name = QStringLiteral("catalog");
    r.namespaceName = QStringLiteral("demo");
    r.routeKind = kind;
    r.blue = {
        Color::Blue, true, QStringLiteral("catalog-blue"), QStringLiteral("v2.3.0"), 4, 4, 100 - greenWeight, {}, true,
        {},          {}};
    r.green = {
        Color::Green, true, QStringLiteral("catalog-green"), QStringLiteral("v2.4.0"), 4, 4, greenWeight, {}, true,
        {},           {}};
    r.stable = stable;
    return r;
}

ReleaseSnapshot rollout()
{
    ReleaseSnapshot r = route(RouteKind::ArgoRollout, 20);
    r.name = QStringLiteral("payments");
    r.green.version = QStringLiteral("v4.2.0");
    RolloutStatus status;
    status.strategy = QStringLiteral("Canary");
    status.step = QStringLiteral("1/6");
    status.actualWeight = 20;
    ReplicaSetInfo stable;
    stable.roles = {QStringLiteral("stable")};
    stable.revision = 3;
    status.replicaSets = {stable};
    r.rollout = status;
    return r;
}

ActionRequest request(ActionKind kind, int weight = 0, int revision = 0)
{
    ActionRequest r{kind, QStringLiteral("demo/catalog"), weight, {}};
    r.revision = revision;
    return r;
}

} // namespace

class TestConfirmation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void towardsTheCandidate_asksAndNamesTheChange_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("weight");
        QTest::addColumn<int>("greenWeight");
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("verb");
        QTest::newRow("raise") << int(ActionKind::SetWeight) << 25 << 10 << QStringLiteral("green v2.4.0 10 % → 25 %")
                               << QStringLiteral("Set 25 %");
        QTest::newRow("flip to candidate")
            << int(ActionKind::Flip) << 0 << 0 << QStringLiteral("green v2.4.0 0 % → 100 %, and it becomes stable")
            << QStringLiteral("Flip");
        QTest::newRow("promote") << int(ActionKind::Promote) << 0 << 25
                                 << QStringLiteral("green v2.4.0 25 % → 100 %, and it becomes stable")
                                 << QStringLiteral("Promote");
        QTest::newRow("promote at 100") << int(ActionKind::Promote) << 0 << 100
                                        << QStringLiteral("green v2.4.0 at 100 % becomes stable")
                                        << QStringLiteral("Promote");
    }

    void towardsTheCandidate_asksAndNamesTheChange()
    {
        QFETCH(int, kind);
        QFETCH(int, weight);
        QFETCH(int, greenWeight);
        const auto move = unprovenMove(route(RouteKind::HttpRoute, greenWeight), request(ActionKind(kind), weight));
        QVERIFY(move);
        QTEST(move->change, "change");
        QTEST(move->verb, "verb");
    }

    void towardsStable_neverAsks_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("weight");
        QTest::addColumn<int>("greenWeight");
        QTest::newRow("rollback") << int(ActionKind::Rollback) << 0 << 25;
        QTest::newRow("lower") << int(ActionKind::SetWeight) << 5 << 25;
        QTest::newRow("same") << int(ActionKind::SetWeight) << 25 << 25;
        QTest::newRow("to zero") << int(ActionKind::SetWeight) << 0 << 25;
        // An unpromoted candidate serving most traffic: Flip sends it all back to stable.
        QTest::newRow("flip back to stable") << int(ActionKind::Flip) << 0 << 80;
    }

    void towardsStable_neverAsks()
    {
        QFETCH(int, kind);
        QFETCH(int, weight);
        QFETCH(int, greenWeight);
        QVERIFY(!unprovenMove(route(RouteKind::HttpRoute, greenWeight), request(ActionKind(kind), weight)));
    }

    // A refused action changes nothing, so there is nothing to confirm: the refusal says why.
    void refusedAction_doesNotAsk()
    {
        ReleaseSnapshot release = route(RouteKind::HttpRoute, 0);
        release.green.readyReplicas = 0;
        QVERIFY(!unprovenMove(release, request(ActionKind::SetWeight, 50)));
        QVERIFY(!unprovenMove(route(RouteKind::ServiceSelector, 0), request(ActionKind::SetWeight, 50)));
    }

    void serviceSelectorFlip_asksForTheCandidate()
    {
        const auto move = unprovenMove(route(RouteKind::ServiceSelector, 0), request(ActionKind::Flip));
        QVERIFY(move);
        QCOMPARE(move->change, QStringLiteral("green v2.4.0 0 % → 100 %, and it becomes stable"));
    }

    void argoActions_askExceptTowardsStable()
    {
        const ReleaseSnapshot payments = rollout();
        for (ActionKind kind : {ActionKind::Promote, ActionKind::PromoteFull, ActionKind::Retry, ActionKind::Resume,
                                ActionKind::Restart, ActionKind::SetImage}) {
            QVERIFY2(unprovenMove(payments, request(kind)), qPrintable(actionName(kind)));
        }
        for (ActionKind kind : {ActionKind::Abort, ActionKind::Pause, ActionKind::Rollback}) {
            QVERIFY2(!unprovenMove(payments, request(kind)), qPrintable(actionName(kind)));
        }
        QCOMPARE(unprovenMove(payments, request(ActionKind::PromoteFull))->change,
                 QStringLiteral("canary v4.2.0 20 % → 100 %, every remaining step and analysis skipped"));
        QVERIFY(!unprovenMove(payments, request(ActionKind::Undo, 0, 3))); // the stable revision
        QVERIFY(unprovenMove(payments, request(ActionKind::Undo, 0, 4)));
    }

    void startingAPlan_alwaysAsksAndNamesItsSteps()
    {
        Plan plan;
        PlanStep five{StepKind::SetWeight, 5, std::nullopt, 3600};
        PlanStep pause{StepKind::Pause, 0, 900, 3600};
        PlanStep quarter{StepKind::SetWeight, 25, std::nullopt, 3600};
        plan.steps = {five, pause, quarter};
        const UnprovenMove move = unprovenPlan(route(RouteKind::HttpRoute, 0), plan);
        QCOMPARE(move.change,
                 QStringLiteral("plan moves green v2.4.0 from 0 % through 5 %, 25 %, 100 %, checked at each "
                                "step"));
        QCOMPARE(move.verb, QStringLiteral("Start plan"));
    }

    void protectedContexts_matchWildcardsWithoutCase()
    {
        const QStringList patterns = defaultProtectedContexts();
        QVERIFY(isProtectedContext(QStringLiteral("prod-eu"), patterns));
        QVERIFY(isProtectedContext(QStringLiteral("eu-Production"), patterns));
        QVERIFY(isProtectedContext(QStringLiteral("arn:aws:eks:eu-west-1:1:cluster/prod"), patterns));
        QVERIFY(!isProtectedContext(QStringLiteral("staging"), patterns));
        QVERIFY(!isProtectedContext(QStringLiteral("demo"), patterns));
        QVERIFY(isProtectedContext(QStringLiteral("live.eu"), {QStringLiteral("live.*")}));
        QVERIFY(!isProtectedContext(QStringLiteral("liveXeu"), {QStringLiteral("live.*")})); // '.' is no wildcard
        QVERIFY(!isProtectedContext(QStringLiteral("prod"), {QString(), QStringLiteral("  ")}));
        QVERIFY(isProtectedContext(QStringLiteral("p1"), {QStringLiteral("p?")}));
    }
};

QTEST_GUILESS_MAIN(TestConfirmation)
#include "tst_confirmation.moc"
