// What a person may do with an Argo Rollout, and what one-click Rollback means for one, decided
// from its derived status alone.

#include "core/action.h"
#include "core/rolloutcontrol.h"

#include <QTest>

using namespace Curtain::Core;

namespace {

ReplicaSetInfo rs(int revision, const QString &hash, const QString &image, const QStringList &roles, int desired = 2)
{
    ReplicaSetInfo info;
    info.name = QStringLiteral("web-") + hash;
    info.podTemplateHash = hash;
    info.revision = revision;
    info.image = image;
    info.roles = roles;
    info.desired = desired;
    return info;
}

ReleaseSnapshot rollout(const QString &stable, const QString &current, bool aborted = false, bool paused = false)
{
    ReleaseSnapshot s;
    s.name = QStringLiteral("web");
    s.routeKind = RouteKind::ArgoRollout;
    RolloutStatus r;
    r.strategy = QStringLiteral("Canary");
    r.stableHash = stable;
    r.currentHash = current;
    r.aborted = aborted;
    r.manuallyPaused = paused;
    r.steps = {QStringLiteral("setWeight 20"), QStringLiteral("pause (until promoted)")};
    r.replicaSets = {rs(3, QStringLiteral("c"), QStringLiteral("registry.local/web:v3"), {QStringLiteral("canary")}),
                     rs(2, QStringLiteral("b"), QStringLiteral("registry.local/web:v2"), {QStringLiteral("stable")}),
                     rs(1, QStringLiteral("a"), QStringLiteral("registry.local/web:v1"), {}, 0)};
    if (stable == current) { // fully promoted on c
        r.replicaSets[0].roles = {QStringLiteral("stable")};
        r.replicaSets[1].roles = {};
    }
    s.rollout = r;
    s.capabilities = computeCapabilities(s);
    return s;
}

} // namespace

class TestRolloutControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Fully promoted on c, the revision before is b. While
    // the rollback's mark says "left b for c" and c is stable, Rollback would undo it: it is there
    // already. Once another template is stable (a later deploy), the mark no longer applies.
    void rolledBackMark_holdsOnlyWhileItsTargetIsStable()
    {
        ReleaseSnapshot rolledBack = rollout(QStringLiteral("c"), QStringLiteral("c"));
        rolledBack.rollout->rolledBackFrom = QStringLiteral("b");
        rolledBack.rollout->rolledBackTo = QStringLiteral("c");
        Capabilities caps = computeCapabilities(rolledBack);
        QVERIFY(!caps.rollback.enabled);
        QVERIFY(caps.rollback.already);
        QVERIFY2(caps.rollback.reason.contains(QStringLiteral("it was rolled back from revision 2 (v2)")),
                 qPrintable(caps.rollback.reason));

        ReleaseSnapshot redeployed = rolledBack; // b's template again, promoted: c is no longer what it went to
        redeployed.rollout->rolledBackTo = QStringLiteral("a");
        caps = computeCapabilities(redeployed);
        QVERIFY2(caps.rollback.enabled, qPrintable(caps.rollback.reason));
        QVERIFY(!caps.rollback.already);
        const auto plan = planRolloutRollback(redeployed);
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().undoRevision, 2);
    }

    void canaryInFlight_everyStepControlButRetry()
    {
        const Capabilities caps = rollout(QStringLiteral("b"), QStringLiteral("c")).capabilities;
        QVERIFY(!caps.setWeight.enabled);
        QVERIFY(caps.setWeight.reason.contains(QStringLiteral("owns the weights")));
        QVERIFY(!caps.flip.enabled);
        QVERIFY(caps.promote.enabled && caps.promoteFull.enabled && caps.abort.enabled && caps.pause.enabled);
        QVERIFY(!caps.retry.enabled && !caps.resume.enabled);
        QVERIFY(caps.rollback.enabled);
        QCOMPARE(caps.rollback.reason, QStringLiteral("abort (traffic back to stable), then undo the template to the "
                                                      "stable revision 2 (v2)"));
    }

    void aborted_retryOrRollback_noPromote()
    {
        const Capabilities caps = rollout(QStringLiteral("b"), QStringLiteral("c"), true).capabilities;
        QVERIFY(caps.retry.enabled);
        QVERIFY(!caps.abort.enabled);
        QVERIFY(!caps.promote.enabled);
        QVERIFY(caps.promote.reason.contains(QStringLiteral("Retry")));
        const auto plan = planRolloutRollback(rollout(QStringLiteral("b"), QStringLiteral("c"), true));
        QVERIFY(plan.ok());
        QVERIFY(!plan.value().abort); // already aborted: only the undo is left
        QCOMPARE(plan.value().undoRevision, 2);
    }

    void fullyPromoted_rollbackGoesToThePreviousRevisionAtOnce()
    {
        const ReleaseSnapshot s = rollout(QStringLiteral("c"), QStringLiteral("c"));
        QVERIFY(!s.capabilities.promote.enabled);
        QVERIFY(!s.capabilities.abort.enabled);
        const auto plan = planRolloutRollback(s);
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().undoRevision, 2);
        QVERIFY(plan.value().promoteFull);
        QVERIFY(!plan.value().abort);
    }

    void manualPause_resumeAndPromoteEndIt()
    {
        const Capabilities caps = rollout(QStringLiteral("b"), QStringLiteral("c"), false, true).capabilities;
        QVERIFY(caps.resume.enabled);
        QVERIFY(!caps.pause.enabled);
        QVERIFY(caps.promote.enabled);
    }

    void noStatus_everythingOffWithTheProblem()
    {
        ReleaseSnapshot s;
        s.name = QStringLiteral("web");
        s.routeKind = RouteKind::ArgoRollout;
        s.problem = QStringLiteral("Rollout web has no status");
        const Capabilities caps = computeCapabilities(s);
        for (const Capability *c : {&caps.promote, &caps.rollback, &caps.abort, &caps.undo}) {
            QVERIFY(!c->enabled);
            QCOMPARE(c->reason, s.problem);
        }
    }

    void argoActionsOnOtherRoutes_areRefusedByName()
    {
        ReleaseSnapshot s;
        s.name = QStringLiteral("shop");
        s.routeKind = RouteKind::HttpRoute;
        const auto refused = planAction(s, {ActionKind::Abort, s.name, 0, {}});
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.startsWith(QStringLiteral("abort is an Argo Rollouts action")));
    }
};

QTEST_GUILESS_MAIN(TestRolloutControl)
#include "tst_rolloutcontrol.moc"
