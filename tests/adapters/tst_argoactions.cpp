// Argo Rollouts actions produce the very requests the kubectl plugin sends (reference
// argo-rollouts.md §2): status patches with their unified fallback, spec patches, the undo JSON
// patch of the chosen ReplicaSet's template, and set image on the named container only.

#include "adapters/argo/rolloutactions.h"

#include <QTest>

using namespace Curtain;
using namespace Curtain::Adapters::Argo;
using Kube::Json;

namespace {

Json canary(const Json &status, bool paused = false)
{
    return {{"kind", "Rollout"},
            {"metadata", {{"name", "web"}, {"namespace", "shop"}}},
            {"spec",
             {{"paused", paused},
              {"strategy",
               {{"canary",
                 {{"steps", {{{"setWeight", 10}}, {{"pause", Json::object()}}, {{"analysis", Json::object()}}}}}}}},
              {"template",
               {{"metadata", {{"labels", {{"app", "web"}}}}},
                {"spec", {{"containers", {{{"name", "web"}, {"image", "web:2"}}}}}}}}}},
            {"status", status}};
}

Json replicaSet(int revision, const char *image)
{
    return {{"kind", "ReplicaSet"},
            {"metadata",
             {{"name", "web-" + std::to_string(revision)},
              {"annotations", {{"rollout.argoproj.io/revision", std::to_string(revision)}}},
              {"ownerReferences", {{{"kind", "Rollout"}, {"name", "web"}}}}}},
            {"spec",
             {{"template",
               {{"metadata",
                 {{"labels", {{"app", "web"}, {"rollouts-pod-template-hash", "h" + std::to_string(revision)}}}}},
                {"spec", {{"containers", {{{"name", "web"}, {"image", image}}}}}}}}}}};
}

} // namespace

class TestArgoActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void promote_endsThePause_withTheUnifiedFallback()
    {
        const auto plan = planPromote(
            canary({{"currentStepIndex", 1}, {"pauseConditions", {{{"reason", "CanaryPauseStep"}}}}}), false);
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().writes.size(), 1);
        const ArgoWrite &w = plan.value().writes.first();
        QCOMPARE(w.path, QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status"));
        QVERIFY(w.body == Json::parse(R"({"status":{"pauseConditions":null}})"));
        QVERIFY(*w.fallback == Json::parse(R"({"status":{"pauseConditions":null}})"));
    }

    void promote_duringAnAnalysisStep_skipsIt()
    {
        const auto plan = planPromote(canary({{"currentStepIndex", 2}}), false);
        QVERIFY(plan.value().writes.first().body ==
                Json::parse(R"({"status":{"pauseConditions":null,"currentStepIndex":3}})"));
    }

    void promote_ofAManuallyPausedRollout_alsoUnpausesTheSpec()
    {
        const auto plan = planPromote(
            canary({{"currentStepIndex", 1}, {"pauseConditions", {{{"reason", "CanaryPauseStep"}}}}}, true), false);
        QCOMPARE(plan.value().writes.size(), 2);
        QVERIFY(*plan.value().writes[0].fallback ==
                Json::parse(R"({"spec":{"paused":false},"status":{"pauseConditions":null}})"));
        QCOMPARE(plan.value().writes[1].path,
                 QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web"));
        QVERIFY(plan.value().writes[1].body == Json::parse(R"({"spec":{"paused":false}})"));
    }

    void promote_afterAnInconclusiveStepAnalysis_clearsTheControllerPause()
    {
        const auto plan =
            planPromote(canary({{"currentStepIndex", 2},
                                {"controllerPause", true},
                                {"pauseConditions", {{{"reason", "InconclusiveAnalysisRun"}}}},
                                {"canary", {{"currentStepAnalysisRunStatus", {{"status", "Inconclusive"}}}}}}),
                        false);
        QVERIFY(plan.value().writes.first().body ==
                Json::parse(R"({"status":{"pauseConditions":null,"controllerPause":false,"currentStepIndex":3}})"));
    }

    void promoteFull_abort_retry_pause_restart()
    {
        const Json r = canary({{"currentPodHash", "b"}, {"stableRS", "a"}});
        QVERIFY(planPromote(r, true).value().writes.first().body == Json::parse(R"({"status":{"promoteFull":true}})"));
        QVERIFY(planAbort(r).writes.first().body == Json::parse(R"({"status":{"abort":true}})"));
        QVERIFY(planRetry(r).writes.first().body == Json::parse(R"({"status":{"abort":false}})"));
        QVERIFY(planPause(r).writes.first().body == Json::parse(R"({"spec":{"paused":true}})"));
        const ArgoWrite restart =
            planRestart(r, QDateTime::fromString(QStringLiteral("2026-11-26T12:00:00Z"), Qt::ISODate)).writes.first();
        QVERIFY(restart.body == Json::parse(R"({"spec":{"restartAt":"2026-11-26T12:00:00Z"}})"));
        QVERIFY(!restart.fallback);
    }

    void undo_replacesTheTemplateWithThePreviousRevisionsWithoutItsHashLabel()
    {
        const auto plan =
            planUndo(canary({}), {replicaSet(3, "web:1"), replicaSet(4, "web:2"), replicaSet(2, "web:0")}, 0);
        QVERIFY(plan.ok());
        const ArgoWrite &w = plan.value().writes.first();
        QCOMPARE(w.type, Kube::PatchType::Json);
        QVERIFY2(
            w.body ==
                Json::parse(
                    R"([{"op":"replace","path":"/spec/template","value":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:1"}]}}}])"),
            w.body.dump().c_str());
        // Undo to what already runs writes nothing; a revision that is gone is an error naming those kept.
        QCOMPARE(planUndo(canary({}), {replicaSet(4, "web:2")}, 4).value().skipped.left(16),
                 QStringLiteral("skipped rollback"));
        const auto missing = planUndo(canary({}), {replicaSet(4, "web:2")}, 9);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().message,
                 QStringLiteral("web has no ReplicaSet for revision 9 to undo to (revisions kept: 4)"));
    }

    void setImage_changesOnlyTheNamedContainer()
    {
        const auto updated = withImage(canary({}), QStringLiteral("web"), QStringLiteral("web:3"));
        QVERIFY(updated.ok());
        QVERIFY(updated.value()["spec"]["template"]["spec"]["containers"][0]["image"] == "web:3");
        QVERIFY(!withImage(canary({}), QStringLiteral("sidecar"), QStringLiteral("x:1")).ok());
    }

    void rollback_isAbortThenUndo_andAfterAFullPromotionUndoThenPromoteFull()
    {
        const std::vector<Json> sets = {replicaSet(3, "web:1"), replicaSet(4, "web:2")};
        const Json inFlight = canary({{"currentPodHash", "h4"}, {"stableRS", "h3"}});
        auto plan = planRolloutAction(inFlight, sets, {Core::ActionKind::Rollback, QStringLiteral("web"), 0, {}},
                                      {true, 3, false, {}}, QDateTime::currentDateTimeUtc());
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().writes.size(), 2);
        QVERIFY(plan.value().writes[0].body == Json::parse(R"({"status":{"abort":true}})"));
        QCOMPARE(plan.value().writes[1].type, Kube::PatchType::Json);
        QVERIFY(plan.value().writes[1].body.dump().find("web:1") != std::string::npos);

        // Fully promoted on revision 4: back to 3, then promoteFull — but only after the controller
        // has observed the undo, which resets promoteFull.
        Json promoted = canary({{"currentPodHash", "h4"}, {"stableRS", "h4"}});
        plan = planRolloutAction(promoted, sets, {Core::ActionKind::Rollback, QStringLiteral("web"), 0, {}},
                                 {false, 3, true, {}}, QDateTime::currentDateTimeUtc());
        QCOMPARE(plan.value().writes.size(), 2);
        QCOMPARE(plan.value().writes[0].type, Kube::PatchType::Json);
        QVERIFY(!plan.value().writes[0].afterController);
        QVERIFY(plan.value().writes[1].body == Json::parse(R"({"status":{"promoteFull":true}})"));
        QVERIFY(plan.value().writes[1].afterController);
    }

    void setImageAndResume_asActions()
    {
        Core::ActionRequest request{Core::ActionKind::SetImage, QStringLiteral("web"), 0, {}};
        request.image = QStringLiteral("web=web:3");
        const auto plan = planRolloutAction(canary({}), {}, request, {}, QDateTime::currentDateTimeUtc());
        QVERIFY(plan.ok());
        QVERIFY(plan.value().writes[0].replace);
        QVERIFY(plan.value().writes[0].body["spec"]["template"]["spec"]["containers"][0]["image"] == "web:3");
        // The image it already runs: nothing to send, and said so.
        request.image = QStringLiteral("*=") +
                        QString::fromStdString(canary({})["spec"]["template"]["spec"]["containers"][0]["image"]);
        const auto same = planRolloutAction(canary({}), {}, request, {}, QDateTime::currentDateTimeUtc());
        QVERIFY(same.ok());
        QVERIFY(same.value().writes.isEmpty());
        QVERIFY2(same.value().skipped.contains(QStringLiteral("nothing was sent")), qPrintable(same.value().skipped));
        request.image = QStringLiteral("web:3");
        const auto bad = planRolloutAction(canary({}), {}, request, {}, QDateTime::currentDateTimeUtc());
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.contains(QStringLiteral("CONTAINER=IMAGE")));

        QVERIFY(planResume(canary({}, true)).writes.first().body == Json::parse(R"({"spec":{"paused":false}})"));
        QVERIFY(planResume(canary({}, false)).writes.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestArgoActions)
#include "tst_argoactions.moc"
