// Flagger's own definitions (../shared/fixtures/flagger): every example Canary is a release with
// the Deployments Flagger would make of it (primary stable and blue, target the candidate), its
// analysis read as Flagger reads it; and the CRD's status schema and printer columns hold every
// field Curtain reads, under the names Curtain reads them by.

#include "adapters/clusterview.h"
#include "adapters/flagger/canaryadapter.h"
#include "core/action.h"

#include "upstreamfiles.h"

#include <QTest>

using namespace Curtain;
using Kube::Json;

namespace {

QString examples()
{
    return Test::upstreamFixtures() + QStringLiteral("/flagger/examples/");
}

// A Deployment as Flagger's target or generated primary, labelled so Curtain watches it.
Json deployment(const std::string &ns, const std::string &name, const std::string &image)
{
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"curtain.dev/release", "podinfo"}}}}},
            {"spec",
             {{"replicas", 2},
              {"template", {{"spec", {{"containers", Json::array({{{"name", "app"}, {"image", image}}})}}}}}}},
            {"status", {{"replicas", 2}, {"updatedReplicas", 2}, {"readyReplicas", 2}, {"availableReplicas", 2}}}};
}

// The example as the only Canary of a cluster that has its target and Flagger's primary.
Core::ReleaseSnapshot readExample(const QString &file, const Json &status = nullptr)
{
    Json canary = Test::yamlObject(examples() + file);
    if (!status.is_null()) {
        canary["status"] = status;
    }
    const std::string ns = canary["metadata"].value("namespace", "");
    const std::string target = canary["spec"]["targetRef"].value("name", "");
    Adapters::ClusterView view;
    view.canaries.push_back(canary);
    view.deployments.push_back(deployment(ns, target, "ghcr.io/stefanprodan/podinfo:6.0.1"));
    view.deployments.push_back(deployment(ns, target + "-primary", "ghcr.io/stefanprodan/podinfo:6.0.0"));
    const Core::ReleaseSnapshots releases = Adapters::discoverReleases(view);
    return releases.size() == 1 ? releases.front() : Core::ReleaseSnapshot();
}

} // namespace

class TestFlaggerExamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (Test::upstreamFixtures().isEmpty()) {
            QSKIP(Test::upstreamFixturesMissing().constData());
        }
    }

    void example_isARelease_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("steps"); // stepWeight/maxWeight, stepWeights, or iterations
        QTest::newRow("istio canary") << "istio-canary.yaml"
                                      << "podinfo"
                                      << "5/50";
        QTest::newRow("istio A/B") << "istio-abtest.yaml"
                                   << "podinfo"
                                   << "iterations 10";
        QTest::newRow("kuma") << "kuma-canary.yaml"
                              << "podinfo"
                              << "10/50";
        QTest::newRow("linkerd") << "linkerd-canary.yaml"
                                 << "podinfo"
                                 << "5/50";
        QTest::newRow("linkerd stepWeights") << "linkerd-canary-steps.yaml"
                                             << "podinfo"
                                             << "5,10,15,20,25,30,35,40,45,50,55";
    }

    void example_isARelease()
    {
        QFETCH(QString, file);
        QFETCH(QString, name);
        QFETCH(QString, steps);
        const Core::ReleaseSnapshot r = readExample(file);
        QCOMPARE(r.name, name);
        QCOMPARE(r.namespaceName, QStringLiteral("test"));
        QCOMPARE(r.routeKind, Core::RouteKind::FlaggerCanary);
        QVERIFY2(r.problem.isEmpty(), qPrintable(r.problem));
        QVERIFY(r.canary);
        QCOMPARE(r.stable, Core::Color::Blue);
        QCOMPARE(r.blue.deployment, r.canary->target + QStringLiteral("-primary"));
        QCOMPARE(r.blue.version, QStringLiteral("6.0.0"));
        QCOMPARE(r.green.deployment, r.canary->target);
        QCOMPARE(r.green.version, QStringLiteral("6.0.1"));
        QCOMPARE(r.blue.trafficPercent, 100);
        QVERIFY(
            r.green.metricsPath.endsWith(QStringLiteral("/services/%1-canary/proxy/metrics").arg(r.canary->target)));
        QString shown;
        if (r.canary->blueGreen()) {
            shown = QStringLiteral("iterations %1").arg(r.canary->analysisIterations);
        } else if (!r.canary->stepWeights.isEmpty()) {
            QStringList weights;
            for (int w : r.canary->stepWeights) {
                weights << QString::number(w);
            }
            shown = weights.join(QLatin1Char(','));
        } else {
            shown = QStringLiteral("%1/%2").arg(r.canary->stepWeight).arg(r.canary->maxWeight);
        }
        QCOMPARE(shown, steps);
        QVERIFY(r.canary->threshold > 0);
        QVERIFY(!r.canary->interval.isEmpty());
        // The examples' webhooks are the loadtester's task runner ("/"), not gates: nothing to open.
        QVERIFY(r.canary->gates.isEmpty());
        QVERIFY(!r.capabilities.promote.enabled);
        QVERIFY(!r.capabilities.setWeight.enabled);
    }

    // The same example as Flagger leaves it mid-analysis: its status read under the CRD's names.
    void example_midAnalysis_showsFlaggersStatus()
    {
        const Json status = {
            {"phase", "Progressing"},
            {"canaryWeight", 20},
            {"failedChecks", 1},
            {"iterations", 0},
            {"lastAppliedSpec", "5d8f7b9c4"},
            {"lastPromotedSpec", "6c7d8e9f1"},
            {"lastTransitionTime", "2026-12-03T10:00:00Z"},
            {"conditions", Json::array({{{"type", "Promoted"},
                                         {"status", "Unknown"},
                                         {"reason", "Progressing"},
                                         {"message", "New revision detected, progressing canary analysis."}}})}};
        const Core::ReleaseSnapshot r = readExample(QStringLiteral("istio-canary.yaml"), status);
        QVERIFY(r.canary);
        QCOMPARE(r.green.trafficPercent, 20);
        QCOMPARE(r.blue.trafficPercent, 80);
        QCOMPARE(r.canary->failedChecks, 1);
        QCOMPARE(r.canary->promoted, QStringLiteral("Unknown"));
        QVERIFY(r.capabilities.rollback.enabled);
        QVERIFY2(r.capabilities.rollback.reason.contains(QLatin1String("failedChecks")),
                 qPrintable(r.capabilities.rollback.reason));
        QVERIFY2(r.routeDetail.contains(QStringLiteral("Progressing · weight 20 % of 50 · failed checks 1/10")),
                 qPrintable(r.routeDetail));
    }

    void crd_namesEveryFieldCurtainReads()
    {
        const std::vector<Json> crds =
            Test::yamlObjects(Test::upstreamFixtures() + QStringLiteral("/flagger/crd.yaml"));
        const Json *canaries = nullptr;
        for (const Json &crd : crds) {
            if (crd["metadata"].value("name", "") == "canaries.flagger.app") {
                canaries = &crd;
            }
        }
        QVERIFY(canaries);
        const Json &version = (*canaries)["spec"]["versions"][0];
        QCOMPARE(version.value("name", ""), std::string("v1beta1"));
        QVERIFY(version["subresources"].contains("status")); // the status patch Rollback may send
        const Json &status = version["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"];
        for (const char *field : {"phase", "canaryWeight", "failedChecks", "iterations", "lastAppliedSpec",
                                  "lastPromotedSpec", "lastTransitionTime", "conditions"}) {
            QVERIFY2(status.contains(field), field);
        }
        const Json &spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"];
        for (const char *field : {"targetRef", "suspend", "skipAnalysis", "analysis"}) {
            QVERIFY2(spec.contains(field), field);
        }
        const Json &analysis = spec["analysis"]["properties"];
        for (const char *field :
             {"interval", "threshold", "maxWeight", "stepWeight", "stepWeights", "iterations", "webhooks"}) {
            QVERIFY2(analysis.contains(field), field);
        }
        const Json &webhookTypes = analysis["webhooks"]["items"]["properties"]["type"]["enum"];
        for (const char *type : {"confirm-rollout", "confirm-traffic-increase", "confirm-promotion", "rollback"}) {
            QVERIFY2(std::find(webhookTypes.begin(), webhookTypes.end(), type) != webhookTypes.end(), type);
        }
    }
};

QTEST_GUILESS_MAIN(TestFlaggerExamples)
#include "tst_flaggerexamples.moc"
