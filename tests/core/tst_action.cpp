// The role and weight logic behind every action: what each button does in each state, and why not.

#include "core/action.h"
#include "core/canarycontrol.h"

#include <QTest>

using namespace Curtain::Core;

namespace {

ReleaseSnapshot release(RouteKind kind, int blueWeight, Color stable, std::optional<Color> previous = std::nullopt,
                        int greenReady = 2)
{
    ReleaseSnapshot r;
    r.name = QStringLiteral("catalog");
    r.namespaceName = QStringLiteral("demo");
    r.routeKind = kind;
    r.blue = {Color::Blue, true, QStringLiteral("catalog-blue"), QStringLiteral("v2.3.0"), 4, 4, blueWeight, {}, true,
              {},          {}};
    r.green = {Color::Green,
               true,
               QStringLiteral("catalog-green"),
               QStringLiteral("v2.4.0"),
               2,
               greenReady,
               100 - blueWeight,
               {},
               true,
               {},
               {}};
    r.stable = stable;
    r.previous = previous;
    return r;
}

// Why a Rollback of `release` is refused; empty when it is not.
QString rollbackRefusal(const ReleaseSnapshot &release)
{
    const auto plan = planAction(release, {ActionKind::Rollback, {}, 0, {}});
    return plan.ok() ? QString() : plan.error().message;
}

} // namespace

class TestAction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseWeight_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("expected"); // -1: rejected
        QTest::newRow("plain") << QStringLiteral("25") << 25;
        QTest::newRow("percent") << QStringLiteral("25%") << 25;
        QTest::newRow("spaces") << QStringLiteral(" 5 % ") << 5;
        QTest::newRow("zero") << QStringLiteral("0") << 0;
        QTest::newRow("hundred") << QStringLiteral("100") << 100;
        QTest::newRow("too high") << QStringLiteral("130") << -1;
        QTest::newRow("negative") << QStringLiteral("-5") << -1;
        QTest::newRow("word") << QStringLiteral("half") << -1;
        QTest::newRow("fraction") << QStringLiteral("2.5") << -1;
        QTest::newRow("empty") << QString() << -1;
    }

    void parseWeight()
    {
        QFETCH(QString, text);
        QFETCH(int, expected);
        const Result<int> weight = Curtain::Core::parseWeight(text);
        if (expected < 0) {
            QVERIFY(!weight.ok());
            QCOMPARE(weight.error().kind, ErrorKind::InvalidInput);
            QVERIFY2(weight.error().message.contains(QStringLiteral("0")), qPrintable(weight.error().message));
        } else {
            QVERIFY(weight.ok());
            QCOMPARE(weight.value(), expected);
        }
    }

    void setWeight_movesCandidateAndStableTogether()
    {
        const auto plan =
            planAction(release(RouteKind::HttpRoute, 100, Color::Blue), {ActionKind::SetWeight, {}, 25, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().greenWeight, 25);
        QCOMPARE(plan.value().blueWeight, 75);
        QCOMPARE(plan.value().stable, Color::Blue);
    }

    void setWeight_whenGreenIsStable_weightsBlue()
    {
        const auto plan =
            planAction(release(RouteKind::HttpRoute, 0, Color::Green), {ActionKind::SetWeight, {}, 5, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().blueWeight, 5);
        QCOMPARE(plan.value().greenWeight, 95);
    }

    void setWeight_onServiceSelector_isRefusedWithReason()
    {
        const auto plan =
            planAction(release(RouteKind::ServiceSelector, 100, Color::Blue), {ActionKind::SetWeight, {}, 30, {}});
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().kind, ErrorKind::Refused);
        QVERIFY(plan.error().message.contains(QStringLiteral("flip")));
    }

    void setWeight_outOfRange_isInvalidInput()
    {
        const auto plan =
            planAction(release(RouteKind::HttpRoute, 100, Color::Blue), {ActionKind::SetWeight, {}, 130, {}});
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().kind, ErrorKind::InvalidInput);
        QVERIFY(plan.error().message.contains(QStringLiteral("130")));
    }

    void setWeight_toUnreadyCandidate_isRefused()
    {
        const auto plan = planAction(release(RouteKind::HttpRoute, 100, Color::Blue, std::nullopt, 0),
                                     {ActionKind::SetWeight, {}, 5, {}});
        QVERIFY(!plan.ok());
        QVERIFY(plan.error().message.contains(QStringLiteral("0 of 2 replicas ready")));
    }

    // A Deployment being deleted (its finalizers keep it, its pods still answer) takes no traffic,
    // whatever button asks; the release serving from one is degraded; Rollback away from it works.
    void anEnvironmentBeingDeleted_takesNoTraffic()
    {
        ReleaseSnapshot r = release(RouteKind::HttpRoute, 100, Color::Blue);
        r.green.deleting = true;
        r.green.rolloutMessage = QStringLiteral("being deleted since 2026-12-07T21:08:35Z, held by example.com/hold");
        for (const ActionRequest &request :
             {ActionRequest{ActionKind::SetWeight, {}, 5, {}}, ActionRequest{ActionKind::Promote, {}, 0, {}},
              ActionRequest{ActionKind::Flip, {}, 0, {}}}) {
            const auto plan = planAction(r, request);
            QVERIFY(!plan.ok());
            QCOMPARE(plan.error().kind, ErrorKind::Refused);
            QVERIFY2(plan.error().message.contains(QStringLiteral(
                         "green's Deployment catalog-green is being deleted since 2026-12-07T21:08:35Z, held by "
                         "example.com/hold, and no traffic may move to what is going away (deploy green again first)")),
                     qPrintable(plan.error().message));
        }
        QVERIFY(planAction(r, {ActionKind::SetWeight, {}, 0, {}}).ok()); // back to none stays possible
        QCOMPARE(r.health(), QStringLiteral("healthy"));                 // it serves nothing yet
        ReleaseSnapshot serving = release(RouteKind::HttpRoute, 75, Color::Blue);
        serving.green.deleting = true;
        QCOMPARE(serving.health(), QStringLiteral("degraded"));
        QVERIFY(planAction(serving, {ActionKind::Rollback, {}, 0, {}}).ok()); // a canary's: back to stable
        // A Rollback that would flip back to a color going away is refused like any other move.
        ReleaseSnapshot flipped = release(RouteKind::HttpRoute, 0, Color::Green, Color::Blue);
        QCOMPARE(rollbackRefusal(flipped), QString());
        flipped.blue.deleting = true;
        const QString refusal = rollbackRefusal(flipped);
        QVERIFY2(refusal.startsWith(QStringLiteral("cannot roll back catalog: blue's Deployment catalog-blue is ")),
                 qPrintable(refusal));
    }

    // A Flagger canary waiting at a gate: the gate does not open towards a target being deleted.
    void flaggerGate_doesNotOpenTowardsATargetBeingDeleted()
    {
        ReleaseSnapshot r;
        r.name = QStringLiteral("podinfo");
        r.namespaceName = QStringLiteral("demo");
        r.routeKind = RouteKind::FlaggerCanary;
        r.green = {Color::Green, true, QStringLiteral("podinfo"), QStringLiteral("6.0.1"), 2, 2, 10, {}, true, {}, {}};
        CanaryStatus canary;
        canary.name = r.name;
        canary.namespaceName = r.namespaceName;
        canary.target = QStringLiteral("podinfo");
        canary.phase = QStringLiteral("WaitingPromotion");
        canary.gates.append(
            *parseGateUrl(QStringLiteral("http://flagger-loadtester.demo/gate/check"), r.namespaceName));
        canary.gates.front().type = QStringLiteral("confirm-promotion");
        r.canary = canary;
        QVERIFY(canaryCapabilities(r).promote.enabled);
        r.green.deleting = true;
        r.green.rolloutMessage = QStringLiteral("being deleted since 2026-12-07T21:08:35Z");
        const Capability promote = canaryCapabilities(r).promote;
        QVERIFY(!promote.enabled);
        QCOMPARE(promote.reason, QStringLiteral("Canary podinfo's Deployment podinfo is being deleted since "
                                                "2026-12-07T21:08:35Z: no gate opens towards what is going away"));
    }

    void promote_makesCandidateStableAndRemembersThePrevious()
    {
        const auto plan = planAction(release(RouteKind::HttpRoute, 75, Color::Blue, std::nullopt, 4),
                                     {ActionKind::Promote, {}, 0, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value(), (TargetState{0, 100, Color::Green, Color::Blue, {}, {}, {}}));
        // The version it replaced is written beside the previous color.
        QCOMPARE(plan.value().previousVersion, QStringLiteral("v2.3.0"));
    }

    // A retried promote once handed everything back to the version it had just replaced, exit 0.
    void promote_again_changesNothingAndSaysRollbackGoesBack()
    {
        ReleaseSnapshot promoted = release(RouteKind::HttpRoute, 0, Color::Green, Color::Blue);
        promoted.previousVersion = QStringLiteral("v2.3.0");
        const auto plan = planAction(promoted, {ActionKind::Promote, {}, 0, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value(), currentState(promoted));
        const Capabilities caps = computeCapabilities(promoted);
        QVERIFY(!caps.promote.enabled);
        QCOMPARE(caps.promote.reason,
                 QStringLiteral("catalog is promoted already: green (v2.4.0) serves all traffic, and blue still runs "
                                "v2.3.0, the version it replaced; promoting that would be a rollback (Rollback goes "
                                "back; deploy a new version on blue to promote it)"));
        QVERIFY(caps.rollback.enabled);
        QVERIFY(caps.flip.enabled); // a flip is a switch, both ways, by name
    }

    // A new build under the same version string (a mutable tag, an unbumped label, a new env) is a
    // new pod template: it is promoted, not taken for the build it replaced.
    void promote_newBuildUnderTheSameVersion_promotes()
    {
        ReleaseSnapshot promoted = release(RouteKind::HttpRoute, 0, Color::Green, Color::Blue);
        promoted.previousVersion = QStringLiteral("v2.3.0");
        promoted.previousTemplate = QStringLiteral("aaaa");
        promoted.blue.templateHash = QStringLiteral("aaaa");
        QVERIFY(isPromotedAlready(promoted));
        promoted.blue.templateHash = QStringLiteral("bbbb"); // rolled out again as v2.3.0
        QVERIFY(!isPromotedAlready(promoted));
        const auto plan = planAction(promoted, {ActionKind::Promote, {}, 0, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().stable, Color::Blue);
    }

    // A flip back to stable from a candidate that carried most traffic abandons the candidate: it
    // was never promoted, so it is no version "replaced", and promoting it later is a promote.
    void flipBackToStable_leavesTheCandidatePromotable()
    {
        const ReleaseSnapshot canary = release(RouteKind::HttpRoute, 30, Color::Blue); // green 70 %
        const auto back = planAction(canary, {ActionKind::Flip, {}, 0, {}});
        QVERIFY(back.ok());
        QCOMPARE(back.value(), (TargetState{100, 0, Color::Blue, std::nullopt, {}, {}, {}}));
        ReleaseSnapshot after = release(RouteKind::HttpRoute, 100, Color::Blue, std::nullopt, 4);
        QVERIFY(!isPromotedAlready(after));
        QVERIFY(computeCapabilities(after).promote.enabled);
    }

    // The blue-green cycle: after a promote, the next version is deployed on the idle color and promoted.
    void promote_newVersionOnTheIdleColor_promotes()
    {
        ReleaseSnapshot next = release(RouteKind::HttpRoute, 0, Color::Green, Color::Blue);
        next.previousVersion = QStringLiteral("v2.3.0");
        next.blue.version = QStringLiteral("v2.5.0");
        const auto plan = planAction(next, {ActionKind::Promote, {}, 0, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value(), (TargetState{100, 0, Color::Blue, Color::Green, {}, {}, {}}));
        QCOMPARE(plan.value().previousVersion, QStringLiteral("v2.4.0"));
        QVERIFY(computeCapabilities(next).promote.enabled);

        // A route promoted before the version was recorded (or with versions unknown) promotes as it did.
        ReleaseSnapshot unrecorded = release(RouteKind::HttpRoute, 0, Color::Green, Color::Blue);
        QVERIFY(computeCapabilities(unrecorded).promote.enabled);
        unrecorded.green.version = QStringLiteral("unknown"); // the one it replaces
        const auto unknown = planAction(unrecorded, {ActionKind::Promote, {}, 0, {}});
        QVERIFY(unknown.ok());
        QVERIFY(unknown.value().previousVersion.isEmpty()); // "unknown" is no version to compare with

        // A canary of the old version (someone sent it traffic again) may still be promoted.
        ReleaseSnapshot canaryOfOld = release(RouteKind::HttpRoute, 10, Color::Green, Color::Blue);
        canaryOfOld.previousVersion = QStringLiteral("v2.3.0");
        const auto again = planAction(canaryOfOld, {ActionKind::Promote, {}, 0, {}});
        QVERIFY(again.ok());
        QCOMPARE(again.value(), (TargetState{100, 0, Color::Blue, Color::Green, {}, {}, {}}));
    }

    // A promote sends the candidate everything at once, as a flip does: a candidate smaller than
    // stable is refused with the way to grow it (it went through, and 2 pods took 4 pods' load).
    void promote_toASmallerCandidate_isRefusedWithTheWayToScaleIt()
    {
        const auto plan = planAction(release(RouteKind::HttpRoute, 75, Color::Blue), {ActionKind::Promote, {}, 0, {}});
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().kind, ErrorKind::Refused);
        QCOMPARE(plan.error().message,
                 QStringLiteral("cannot promote catalog: green (v2.4.0) has 2 ready replicas, and blue (v2.3.0) "
                                "carries 75 % of the traffic on 4; scale green to 4 first — curtainctl scale catalog "
                                "green 4 -n demo (or kubectl scale deployment catalog-green --replicas=4 -n demo) — "
                                "and promote when they are ready; or both in one step: curtainctl promote catalog "
                                "--scale-first -n demo"));
        // Rollback is never refused for capacity: the way back always goes.
        QVERIFY(planAction(release(RouteKind::HttpRoute, 75, Color::Blue), {ActionKind::Rollback, {}, 0, {}}).ok());
    }

    void flip_movesEverythingToTheOtherColor()
    {
        const auto plan = planAction(release(RouteKind::ServiceSelector, 100, Color::Blue, std::nullopt, 4),
                                     {ActionKind::Flip, {}, 0, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value(), (TargetState{0, 100, Color::Green, Color::Blue, {}, {}, {}}));
    }

    void flip_toASmallerColor_isRefusedWithTheWayToScaleIt()
    {
        // Blue carries everything on 4 ready replicas; green has 2.
        const auto plan =
            planAction(release(RouteKind::ServiceSelector, 100, Color::Blue), {ActionKind::Flip, {}, 0, {}});
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().kind, ErrorKind::Refused);
        QCOMPARE(plan.error().message,
                 QStringLiteral("cannot flip catalog: green (v2.4.0) has 2 ready replicas, and blue (v2.3.0) carries "
                                "all traffic on 4; scale green to 4 first — curtainctl scale catalog green 4 -n demo "
                                "(or kubectl scale deployment catalog-green --replicas=4 -n demo) — and flip when "
                                "they are ready; or both in one step: curtainctl flip catalog --scale-first -n "
                                "demo"));
        // During a canary it said "all traffic" of a blue that carried 95 %.
        const auto split = planAction(release(RouteKind::HttpRoute, 95, Color::Blue), {ActionKind::Flip, {}, 0, {}});
        QVERIFY(!split.ok());
        QVERIFY2(split.error().message.contains(QStringLiteral("blue (v2.3.0) carries 95 % of the traffic on 4;")),
                 qPrintable(split.error().message));
        // The way back is never refused for capacity: after a flip to green, rollback to a smaller blue goes.
        ReleaseSnapshot flipped = release(RouteKind::ServiceSelector, 0, Color::Green, Color::Blue, 4);
        flipped.blue.readyReplicas = 1;
        QVERIFY(planAction(flipped, {ActionKind::Rollback, {}, 0, {}}).ok());
    }

    void rollback_duringCanary_returnsAllTrafficToStable()
    {
        const auto plan = planAction(release(RouteKind::HttpRoute, 75, Color::Blue), {ActionKind::Rollback, {}, 0, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value(), (TargetState{100, 0, Color::Blue, std::nullopt, {}, {}, {}}));
    }

    void rollback_afterFlip_returnsToThePreviousColor()
    {
        const auto plan = planAction(release(RouteKind::ServiceSelector, 0, Color::Green, Color::Blue),
                                     {ActionKind::Rollback, {}, 0, {}});
        QVERIFY(plan.ok());
        QCOMPARE(plan.value(), (TargetState{100, 0, Color::Blue, std::nullopt, {}, {}, {}}));
    }

    // Waiting would never end for a color scaled to zero: the refusal gives the command that sizes it.
    void rollback_toAColorScaledToZero_namesTheScaleCommand()
    {
        ReleaseSnapshot flipped = release(RouteKind::ServiceSelector, 0, Color::Green, Color::Blue);
        flipped.blue.readyReplicas = 0;
        flipped.blue.desiredReplicas = 0;
        flipped.green.desiredReplicas = 4;
        flipped.namespaceName = QStringLiteral("shop"); // the command must work outside the default namespace
        const QString refusal = rollbackRefusal(flipped);
        QVERIFY2(refusal.contains(QStringLiteral("is scaled to 0 replicas; scale it up first (curtainctl scale catalog "
                                                 "blue 4 -n shop), then try again")),
                 qPrintable(refusal));
    }

    void rollback_withNothingToRollBack_isRefusedAndSaysWhy()
    {
        const auto plan =
            planAction(release(RouteKind::HttpRoute, 100, Color::Blue), {ActionKind::Rollback, {}, 0, {}});
        QVERIFY(!plan.ok());
        QVERIFY(plan.error().message.contains(QStringLiteral("nothing to roll back")));
    }

    void noPlan_everLeavesBothWeightsAtZero_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("blueWeight");
        QTest::addColumn<int>("weight");
        for (int kind = 0; kind < 4; ++kind) {
            for (int blue : {0, 1, 50, 99, 100}) {
                for (int weight : {0, 1, 50, 100}) {
                    QTest::addRow("%d/%d/%d", kind, blue, weight) << kind << blue << weight;
                }
            }
        }
    }

    void noPlan_everLeavesBothWeightsAtZero()
    {
        QFETCH(int, kind);
        QFETCH(int, blueWeight);
        QFETCH(int, weight);
        for (Color stable : {Color::Blue, Color::Green}) {
            const auto plan = planAction(release(RouteKind::HttpRoute, blueWeight, stable, otherColor(stable)),
                                         {ActionKind(kind), {}, weight, {}});
            if (plan.ok()) {
                QCOMPARE(plan.value().blueWeight + plan.value().greenWeight, 100);
            }
        }
    }

    void capabilities_followThePlans()
    {
        const Capabilities selector =
            computeCapabilities(release(RouteKind::ServiceSelector, 100, Color::Blue, std::nullopt, 4));
        QVERIFY(!selector.setWeight.enabled);
        QVERIFY(selector.setWeight.reason.contains(QStringLiteral("Flip")));
        QVERIFY(selector.flip.enabled);
        QVERIFY(!selector.rollback.enabled);
        // Green with half of blue's ready replicas: Flip is off and says how to scale it.
        const Capabilities smaller = computeCapabilities(release(RouteKind::ServiceSelector, 100, Color::Blue));
        QVERIFY(!smaller.flip.enabled);
        QVERIFY2(smaller.flip.reason.contains(QStringLiteral("scale green to 4 first")),
                 qPrintable(smaller.flip.reason));

        const Capabilities canary =
            computeCapabilities(release(RouteKind::HttpRoute, 95, Color::Blue, std::nullopt, 4));
        QVERIFY(canary.setWeight.enabled);
        QVERIFY(canary.rollback.enabled);
        QVERIFY(canary.promote.enabled);
        // The same canary on a green of 2 pods: Promote would hand them blue's load of 4.
        const Capabilities small = computeCapabilities(release(RouteKind::HttpRoute, 95, Color::Blue));
        QVERIFY(small.setWeight.enabled);
        QVERIFY(!small.promote.enabled);
        QVERIFY2(small.promote.reason.contains(QStringLiteral("curtainctl promote catalog --scale-first")),
                 qPrintable(small.promote.reason));
    }

    void describeChange_namesWhatMoved()
    {
        const QString text = describeChange(release(RouteKind::HttpRoute, 75, Color::Blue),
                                            release(RouteKind::HttpRoute, 100, Color::Blue));
        QCOMPARE(text, QStringLiteral("catalog: blue 75 % → 100 %, green 25 % → 0 %"));
    }

    void health_reportsCanaryAndDown()
    {
        QCOMPARE(release(RouteKind::HttpRoute, 100, Color::Blue).health(), QStringLiteral("healthy"));
        QCOMPARE(release(RouteKind::HttpRoute, 90, Color::Blue).health(), QStringLiteral("canary"));
        QCOMPARE(release(RouteKind::HttpRoute, 90, Color::Blue, std::nullopt, 0).health(), QStringLiteral("degraded"));
    }
};

QTEST_GUILESS_MAIN(TestAction)
#include "tst_action.moc"
