// Argo Rollout status over the project's own objects, one rule of GetRolloutPhase per row; the
// upstream objects are checked in conformance/tst_argostatus.

#include "adapters/argo/rolloutstatus.h"

#include <QTest>

using namespace Curtain;
using Kube::Json;

namespace {

Json rollout(const Json &status, const Json &specExtra = Json::object())
{
    Json r = {
        {"kind", "Rollout"},
        {"metadata", {{"name", "web"}, {"namespace", "shop"}, {"generation", 3}}},
        {"spec",
         {{"replicas", 2},
          {"strategy",
           {{"canary", {{"steps", {{{"setWeight", 25}}, {{"pause", {{"duration", "10m"}}}}, {{"setWeight", 50}}}}}}}}}},
        {"status", status}};
    r["spec"].update(specExtra);
    return r;
}

} // namespace

class TestRolloutStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void phase_data()
    {
        QTest::addColumn<QByteArray>("status");
        QTest::addColumn<QByteArray>("spec");
        QTest::addColumn<QString>("expected");
        const QByteArray settled =
            R"("observedGeneration":"3","replicas":2,"updatedReplicas":2,"availableReplicas":2,"currentPodHash":"b","stableRS":"b","currentStepIndex":3)";
        QTest::newRow("healthy") << "{" + settled + "}" << QByteArray("{}") << "Healthy / ";
        QTest::newRow("spec not yet observed") << QByteArray(R"({"observedGeneration":"2"})") << QByteArray("{}")
                                               << "Progressing / waiting for rollout spec update to be observed";
        QTest::newRow("resumed, controller not yet reacted")
            << QByteArray(R"({"observedGeneration":"3","controllerPause":true})") << QByteArray("{}")
            << "Progressing / waiting for rollout to unpause";
        QTest::newRow("the controller's own phase wins")
            << QByteArray(R"({"observedGeneration":"3","phase":"Paused","message":"CanaryPauseStep"})")
            << QByteArray("{}") << "Paused / CanaryPauseStep";
        QTest::newRow("aborted outranks paused")
            << QByteArray(
                   R"({"observedGeneration":"3","abort":true,"pauseConditions":[{"reason":"CanaryPauseStep"}],"conditions":[{"type":"Progressing","reason":"RolloutAborted","message":"Rollout aborted update to revision 4"}]})")
            << QByteArray("{}") << "Degraded / RolloutAborted: Rollout aborted update to revision 4";
        QTest::newRow("manually paused") << QByteArray(R"({"observedGeneration":"3"})")
                                         << QByteArray(R"({"paused":true})") << "Paused / manually paused";
        QTest::newRow("updating")
            << QByteArray(R"({"observedGeneration":"3","replicas":3,"updatedReplicas":1,"availableReplicas":3})")
            << QByteArray("{}") << "Progressing / more replicas need to be updated";
        QTest::newRow("steps left")
            << QByteArray(
                   R"({"observedGeneration":"3","replicas":2,"updatedReplicas":2,"availableReplicas":2,"currentPodHash":"b","stableRS":"a"})")
            << QByteArray("{}") << "Progressing / waiting for all steps to complete";
    }
    void phase()
    {
        QFETCH(QByteArray, status);
        QFETCH(QByteArray, spec);
        QFETCH(QString, expected);
        const auto s = Adapters::Argo::deriveRolloutStatus(
            rollout(Json::parse(status.toStdString()), Json::parse(spec.toStdString())), {}, {});
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s.value().status + QStringLiteral(" / ") + s.value().message, expected);
    }

    void weights_andTheTimedPause()
    {
        const auto paused = Adapters::Argo::deriveRolloutStatus(
            rollout(Json::parse(
                R"({"observedGeneration":"3","currentStepIndex":1,"pauseConditions":[{"reason":"CanaryPauseStep","startTime":"2026-11-26T10:00:00Z"}]})")),
            {}, {});
        QCOMPARE(paused.value().step, QStringLiteral("1/3"));
        QCOMPARE(paused.value().setWeight, 25);
        QCOMPARE(paused.value().actualWeight, 0); // no canary ReplicaSet available yet
        QVERIFY(paused.value().pauseEndsAt);
        QCOMPARE(*paused.value().pauseEndsAt,
                 QDateTime::fromString(QStringLiteral("2026-11-26T10:10:00Z"), Qt::ISODate));
        QVERIFY(paused.value().needsHuman.isEmpty());

        const auto aborted = Adapters::Argo::deriveRolloutStatus(
            rollout(Json::parse(R"({"observedGeneration":"3","currentStepIndex":2,"abort":true})")), {}, {});
        QCOMPARE(aborted.value().setWeight, 0);

        const auto done = Adapters::Argo::deriveRolloutStatus(
            rollout(Json::parse(R"({"observedGeneration":"3","currentStepIndex":3})")), {}, {});
        QCOMPARE(done.value().setWeight, 100);
        QCOMPARE(done.value().actualWeight, 100);
    }
};

QTEST_GUILESS_MAIN(TestRolloutStatus)
#include "tst_rolloutstatus.moc"
