// A Flagger Canary as a release: which Deployment is which color, what Flagger's status says a
// person can do, and the requests each action sends — the loadtester gate the canary waits at,
// closed again afterwards, or a conditional patch.

#include "adapters/flagger/canaryactions.h"
#include "adapters/flagger/canaryadapter.h"
#include "core/canarycontrol.h"

#include <QTest>

using namespace Curtain;
using Core::ActionKind;
using Kube::Json;

namespace {

Json canary(const std::string &phase, const Json &webhooks = Json::array(), int weight = 0)
{
    return {
        {"apiVersion", "flagger.app/v1beta1"},
        {"kind", "Canary"},
        {"metadata", {{"name", "podinfo"}, {"namespace", "test"}, {"resourceVersion", "41"}}},
        {"spec",
         {{"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "podinfo"}}},
          {"analysis",
           {{"interval", "30s"}, {"threshold", 5}, {"stepWeight", 10}, {"maxWeight", 50}, {"webhooks", webhooks}}}}},
        {"status", {{"phase", phase}, {"canaryWeight", weight}, {"failedChecks", 0}}}};
}

Json gates()
{
    return Json::array(
        {{{"name", "ask"}, {"type", "confirm-promotion"}, {"url", "http://flagger-loadtester.test/gate/check"}},
         {{"name", "undo"}, {"type", "rollback"}, {"url", "http://flagger-loadtester.test/rollback/check"}},
         {{"name", "load"}, {"type", "rollout"}, {"url", "http://flagger-loadtester.test/"}}});
}

Json deployment(const std::string &name, const std::string &image)
{
    return {{"metadata", {{"name", name}, {"namespace", "test"}, {"labels", {{"curtain.dev/release", "podinfo"}}}}},
            {"spec",
             {{"replicas", 3},
              {"template", {{"spec", {{"containers", Json::array({{{"name", "app"}, {"image", image}}})}}}}}}},
            {"status", {{"replicas", 3}, {"updatedReplicas", 3}, {"readyReplicas", 3}, {"availableReplicas", 3}}}};
}

Core::ReleaseSnapshot read(const Json &object, bool withDeployments = true)
{
    Adapters::ClusterView view;
    if (withDeployments) {
        view.deployments.push_back(deployment("podinfo-primary", "podinfo:6.0.0"));
        view.deployments.push_back(deployment("podinfo", "podinfo:6.1.0"));
    }
    Core::ReleaseSnapshot r = Adapters::CanaryAdapter().read(object, view);
    r.capabilities = Core::computeCapabilities(r);
    return r;
}

// A request body as text, keys sorted, to compare with the JSON expected.
QString body(const QByteArray &bytes)
{
    return QString::fromStdString(Json::parse(bytes.toStdString(), nullptr, false).dump());
}

QString text(const Json &json)
{
    return QString::fromStdString(json.dump());
}

Core::ActionRequest action(ActionKind kind)
{
    return {kind, QStringLiteral("test/podinfo"), 0, {}};
}

} // namespace

class TestCanary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void read_primaryIsStableBlue_targetIsTheCandidate()
    {
        const Core::ReleaseSnapshot r = read(canary("Progressing", gates(), 30));
        QVERIFY2(r.problem.isEmpty(), qPrintable(r.problem));
        QCOMPARE(r.name, QStringLiteral("podinfo"));
        QCOMPARE(r.stable, Core::Color::Blue);
        QCOMPARE(r.blue.version, QStringLiteral("6.0.0"));
        QCOMPARE(r.green.version, QStringLiteral("6.1.0"));
        QCOMPARE(r.green.trafficPercent, 30);
        QCOMPARE(r.blue.trafficPercent, 70);
        QCOMPARE(r.blue.metricsPath, QStringLiteral("/api/v1/namespaces/test/services/podinfo-primary/proxy/metrics"));
        QCOMPARE(r.green.metricsPath, QStringLiteral("/api/v1/namespaces/test/services/podinfo-canary/proxy/metrics"));
        QCOMPARE(r.canary->gates.size(), 2); // the task runner at "/" is no gate
        QVERIFY(!r.capabilities.setWeight.enabled);
        QVERIFY(!r.capabilities.flip.enabled);
    }

    // From WaitingPromotion on Flagger writes canaryWeight 0 and iterations -1 (analysis.iterations
    // - 1) while the route still holds the last step: the release shows the route's share.
    void read_waitingPromotion_showsTheHeldStep()
    {
        Json object = canary("WaitingPromotion", gates(), 0);
        object["status"]["iterations"] = -1;
        Core::ReleaseSnapshot r = read(object);
        QVERIFY2(r.problem.isEmpty(), qPrintable(r.problem));
        QCOMPARE(r.green.trafficPercent, 50);
        QCOMPARE(r.health(), QStringLiteral("paused")); // waits for a person
        QVERIFY2(r.canary->weightNote().contains(QLatin1String("the route holds 50 %")),
                 qPrintable(r.canary->weightNote()));
        object["status"]["phase"] = "Succeeded";
        QCOMPARE(read(object).green.trafficPercent, 0);
        object["status"]["iterations"] = -2;
        QVERIFY(!read(object).problem.isEmpty()); // no phase of Flagger's writes that
    }

    void read_unwatchedTarget_saysWhichLabelToAdd()
    {
        const Core::ReleaseSnapshot r = read(canary("Initialized"), false);
        QVERIFY2(r.problem.contains(QLatin1String("label it curtain.dev/release=podinfo")), qPrintable(r.problem));
        QVERIFY(r.canary); // the status still shows
        QVERIFY(!r.capabilities.rollback.enabled);
    }

    void gateUrl_namesServiceNamespaceAndPort_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected"); // service|namespace|port|path, or "-" for no gate
        QTest::newRow("service.namespace") << "http://flagger-loadtester.test/gate/check"
                                           << "flagger-loadtester|test||/gate/check";
        QTest::newRow("bare name: the Canary's namespace") << "http://flagger-loadtester/rollback/check"
                                                           << "flagger-loadtester|shop||/rollback/check";
        QTest::newRow("cluster domain and port") << "http://lt.qa.svc.cluster.local:8080/gate/check/"
                                                 << "lt|qa|8080|/gate/check";
        QTest::newRow("task runner") << "http://flagger-loadtester.test/"
                                     << "-";
        QTest::newRow("a host outside the cluster") << "http://gate.example.org/gate/check"
                                                    << "-";
        QTest::newRow("not http") << "ftp://flagger-loadtester.test/gate/check"
                                  << "-";
        QTest::newRow("garbage") << "::"
                                 << "-";
    }

    void gateUrl_namesServiceNamespaceAndPort()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        const auto gate = Core::parseGateUrl(url, QStringLiteral("shop"));
        const QString shown = gate ? QStringLiteral("%1|%2|%3|%4")
                                         .arg(gate->serviceName, gate->serviceNamespace, gate->servicePort, gate->path)
                                   : QStringLiteral("-");
        QCOMPARE(shown, expected);
    }

    void interval_readsGoDurations()
    {
        Core::CanaryStatus c;
        for (const auto &[text, ms] :
             std::initializer_list<std::pair<const char *, qint64>>{{"15s", 15'000},
                                                                    {"1m", 60'000},
                                                                    {"1m30s", 90'000},
                                                                    {"500ms", 500},
                                                                    {"", 60'000},
                                                                    {"ten", 60'000},
                                                                    {"5x", 60'000},
                                                                    {"999999h", 60'000},
                                                                    // past a qint64 in ms
                                                                    {"99999999999999999999h", 60'000}}) {
            c.interval = QString::fromLatin1(text);
            QCOMPARE(c.intervalMs(), ms);
        }
    }

    void promote_opensTheGateThatWaits_andClosesItAfter()
    {
        const Core::ReleaseSnapshot r = read(canary("WaitingPromotion", gates(), 50));
        QVERIFY2(r.capabilities.promote.enabled, qPrintable(r.capabilities.promote.reason));
        const auto plan = Adapters::Flagger::planCanaryAction(r, action(ActionKind::Promote));
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().writes.size(), 1);
        const auto &open = plan.value().writes.front();
        QVERIFY(open.gate);
        QCOMPARE(open.path, QStringLiteral("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/open"));
        QCOMPARE(body(open.body), text(Json{{"name", "podinfo"}, {"namespace", "test"}}));
        QCOMPARE(plan.value().closeAfter.size(), 1);
        QCOMPARE(plan.value().closeAfter.front().path,
                 QStringLiteral("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/close"));
    }

    void promote_withoutAGateToOpen_isRefusedWithWhy()
    {
        Core::ReleaseSnapshot r = read(canary("Progressing", gates(), 20));
        QVERIFY(!r.capabilities.promote.enabled); // no confirm-traffic-increase gate: Flagger steps by itself
        QVERIFY2(r.capabilities.promote.reason.contains(QLatin1String("steps the weight itself")),
                 qPrintable(r.capabilities.promote.reason));
        QVERIFY(!Adapters::Flagger::planCanaryAction(r, action(ActionKind::Promote)).ok());
        r = read(canary("Succeeded", gates()));
        QVERIFY(!r.capabilities.promote.enabled);
        QVERIFY(!r.capabilities.rollback.enabled);
        QVERIFY2(r.capabilities.rollback.reason.contains(QLatin1String("only way back is a new release")),
                 qPrintable(r.capabilities.rollback.reason));
    }

    void rollback_usesTheRollbackGate_elseRaisesFailedChecks()
    {
        auto plan =
            Adapters::Flagger::planCanaryAction(read(canary("Progressing", gates(), 20)), action(ActionKind::Rollback));
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().writes.front().path,
                 QStringLiteral("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/rollback/open"));
        QCOMPARE(plan.value().closeAfter.front().path,
                 QStringLiteral("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/rollback/close"));

        const Core::ReleaseSnapshot r = read(canary("WaitingPromotion", Json::array(), 50));
        QVERIFY2(r.capabilities.rollback.reason.contains(QLatin1String("failedChecks to the threshold (5)")),
                 qPrintable(r.capabilities.rollback.reason));
        plan = Adapters::Flagger::planCanaryAction(r, action(ActionKind::Rollback));
        QVERIFY(plan.ok());
        const auto &patch = plan.value().writes.front();
        QVERIFY(!patch.gate);
        QCOMPARE(patch.path, QStringLiteral("/apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo/status"));
        QCOMPARE(body(patch.body),
                 text(Json{{"metadata", {{"resourceVersion", "41"}}}, {"status", {{"failedChecks", 5}}}}));
        QVERIFY(plan.value().closeAfter.isEmpty());
    }

    void suspend_andResume_patchSpecSuspendConditionally()
    {
        Json object = canary("Progressing", gates(), 20);
        auto plan = Adapters::Flagger::planCanaryAction(read(object), action(ActionKind::Pause));
        QVERIFY(plan.ok());
        QCOMPARE(plan.value().writes.front().path,
                 QStringLiteral("/apis/flagger.app/v1beta1/namespaces/test/canaries/podinfo"));
        QCOMPARE(body(plan.value().writes.front().body),
                 text(Json{{"metadata", {{"resourceVersion", "41"}}}, {"spec", {{"suspend", true}}}}));
        QVERIFY(!Adapters::Flagger::planCanaryAction(read(object), action(ActionKind::Resume)).ok());

        object["spec"]["suspend"] = true;
        const Core::ReleaseSnapshot suspended = read(object);
        QVERIFY(!suspended.capabilities.pause.enabled);
        QVERIFY(!suspended.capabilities.promote.enabled || suspended.canary->phase != QLatin1String("Progressing"));
        plan = Adapters::Flagger::planCanaryAction(suspended, action(ActionKind::Resume));
        QVERIFY(plan.ok());
        QCOMPARE(body(plan.value().writes.front().body),
                 text({{"metadata", {{"resourceVersion", "41"}}}, {"spec", {{"suspend", false}}}}));
    }

    // Close-gates closes the /gate and the /rollback gate of the loadtester, in any phase (a gate
    // someone left open after a release would pass the next one); fixed answers are no gates.
    void closeGates_closesEveryManualGateInAnyPhase()
    {
        for (const char *phase : {"Succeeded", "Progressing", "Failed"}) {
            const Core::ReleaseSnapshot r = read(canary(phase, gates(), 0));
            QVERIFY2(r.capabilities.closeGates.enabled, qPrintable(r.capabilities.closeGates.reason));
            const auto plan = Adapters::Flagger::planCanaryAction(r, action(ActionKind::CloseGates));
            QVERIFY(plan.ok());
            QStringList paths;
            for (const auto &write : plan.value().writes) {
                QVERIFY(write.gate);
                QCOMPARE(body(write.body), text(Json{{"name", "podinfo"}, {"namespace", "test"}}));
                paths << write.path;
            }
            QCOMPARE(paths, QStringList({QStringLiteral("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/"
                                                        "gate/close"),
                                         QStringLiteral("/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/"
                                                        "rollback/close")}));
            QVERIFY(plan.value().closeAfter.isEmpty());
        }
        const Core::ReleaseSnapshot none =
            read(canary("Progressing",
                        Json::array({{{"name", "go"},
                                      {"type", "confirm-rollout"},
                                      {"url", "http://flagger-loadtester.test/gate/approve"}}}),
                        0));
        QVERIFY(!none.capabilities.closeGates.enabled);
        QVERIFY2(none.capabilities.closeGates.reason.contains(QLatin1String("names no flagger-loadtester gate")),
                 qPrintable(none.capabilities.closeGates.reason));
        QCOMPARE(Core::parseActionName(QStringLiteral("close-gates")), std::optional(ActionKind::CloseGates));
        Core::ReleaseSnapshot routed;
        routed.name = QStringLiteral("catalog");
        routed.routeKind = Core::RouteKind::HttpRoute;
        const auto refused = Core::planAction(routed, {ActionKind::CloseGates, routed.name, 0, {}});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QLatin1String("closes a Flagger canary's loadtester gates")),
                 qPrintable(refused.error().message));
    }

    void otherActions_areRefusedNamingFlagger()
    {
        const Core::ReleaseSnapshot r = read(canary("Progressing", gates(), 20));
        for (ActionKind kind : {ActionKind::SetWeight, ActionKind::Flip, ActionKind::Abort, ActionKind::Undo}) {
            const auto plan = Adapters::Flagger::planCanaryAction(r, action(kind));
            QVERIFY(!plan.ok());
            QVERIFY2(plan.error().message.contains(QLatin1String("Flagger")), qPrintable(plan.error().message));
        }
        QVERIFY(!Core::planAction(r, {ActionKind::SetWeight, r.name, 30, {}}).ok());
    }
};

QTEST_GUILESS_MAIN(TestCanary)
#include "tst_canary.moc"
