// Malformed route objects and Rollouts on a real API server (curtain-sim serving its custom
// resources without a schema, its Argo controller stopped so a broken status stays broken):
// curtainctl and the engine keep listing every release, name each problem, and the sim survives.

#include "releasesseen.h"
#include "simengine.h"
#include "testsupport.h"

#include <QProcess>
#include <QTest>

using namespace Curtain;

namespace {

const QStringList simArguments = {QStringLiteral("--schemaless-crds"), QStringLiteral("--faults"),
                                  QStringLiteral(R"({"argoControllerDown":true})")};

// The four objects that used to end the console, and the sentence each release must now show.
const QList<std::pair<QString, QString>> expectedProblems = {
    {QStringLiteral("catalog"),
     QStringLiteral("HTTPRoute demo/catalog: spec.rules[0].backendRefs[0].weight is a string, expected an integer")},
    {QStringLiteral("ratings"),
     QStringLiteral("TrafficSplit demo/ratings: spec.backends[0] is a string, expected an object")},
    {QStringLiteral("reviews"),
     QStringLiteral("VirtualService demo/reviews: spec.http[0] is a string, expected an object")},
    {QStringLiteral("payments"),
     QStringLiteral("Rollout demo/payments: status.replicas is a string, expected an integer")},
};
// (ledger, the other Rollout, has no status at all while the controller is stopped.)
const QStringList healthyReleases = {QStringLiteral("checkout"), QStringLiteral("search"),
                                     QStringLiteral("storefront")};

// Stores the malformed objects as another client would; returns what failed.
QString breakObjects(const Test::ApiReader &api)
{
    const std::string jsonPatch = "application/json-patch+json";
    const std::string mergePatch = "application/merge-patch+json";
    const struct
    {
        std::string path, type, body;
    } writes[] = {
        {"/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog", jsonPatch,
         R"([{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":"90"}])"},
        {"/apis/split.smi-spec.io/v1alpha4/namespaces/demo/trafficsplits/ratings", jsonPatch,
         R"([{"op":"replace","path":"/spec/backends/0","value":"ratings-blue"}])"},
        {"/apis/networking.istio.io/v1/namespaces/demo/virtualservices/reviews", jsonPatch,
         R"([{"op":"replace","path":"/spec/http/0","value":"route"}])"},
        {"/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/payments/status", mergePatch,
         R"({"status":{"replicas":"2"}})"},
    };
    for (const auto &write : writes) {
        if (const int status = api.patch(write.path, write.type, write.body); status != 200) {
            return QStringLiteral("PATCH %1 answered %2").arg(QString::fromStdString(write.path)).arg(status);
        }
    }
    return {};
}

} // namespace

class TestMalformedObjects : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void curtainctl_listsEveryReleaseAndNamesEachProblem()
    {
        Test::SimProcess sim;
        QString error;
        QVERIFY2(sim.start(&error, simArguments), qPrintable(error));
        const Test::ApiReader api(sim.port());
        const QString broken = breakObjects(api);
        QVERIFY2(broken.isEmpty(), qPrintable(broken));

        QProcess ctl;
        ctl.start(Test::binary(QStringLiteral("curtainctl")),
                  {QStringLiteral("--server"), sim.url(), QStringLiteral("-o"), QStringLiteral("json"),
                   QStringLiteral("releases")});
        QVERIFY2(ctl.waitForFinished(60000), "curtainctl did not finish within 60 s");
        QCOMPARE(ctl.exitStatus(), QProcess::NormalExit);
        const QString err = QString::fromUtf8(ctl.readAllStandardError());
        QVERIFY2(ctl.exitCode() == 0, qPrintable(err));
        const auto json = nlohmann::json::parse(ctl.readAllStandardOutput().toStdString(), nullptr, false);
        QVERIFY2(json.is_object() && json.contains("releases"), qPrintable(err));
        QHash<QString, QString> problems;
        for (const auto &release : json["releases"]) {
            problems.insert(QString::fromStdString(release.value("name", "")),
                            QString::fromStdString(release.value("problem", "")));
        }
        for (const auto &[name, problem] : expectedProblems) {
            QVERIFY2(problems.contains(name), qPrintable(name + QStringLiteral(" is not listed")));
            QCOMPARE(problems.value(name), problem);
        }
        for (const QString &name : healthyReleases) {
            QVERIFY2(problems.contains(name) && problems.value(name).isEmpty(),
                     qPrintable(name + QStringLiteral(": ") + problems.value(name)));
        }
        QVERIFY2(api.get("/version").has_value(), "curtain-sim stopped answering");
    }

    void engine_keepsPublishingReleasesWithTheirProblems()
    {
        Test::SimEngine sim;
        QString error;
        QVERIFY2(sim.start(&error, simArguments), qPrintable(error));
        const Test::ReleasesSeen changed(sim.engine);
        const QString broken = breakObjects(*sim.api);
        QVERIFY2(broken.isEmpty(), qPrintable(broken));
        auto allNamed = [&] {
            for (const auto &[name, problem] : expectedProblems) {
                if (sim.snapshot(name).problem != problem) {
                    return false;
                }
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allNamed(), 20000);
        QVERIFY(!changed.all().isEmpty());
        for (const QString &name : healthyReleases) {
            const Core::ReleaseSnapshot release = sim.snapshot(name);
            QCOMPARE(release.name, name);
            QCOMPARE(release.problem, QString());
        }
        // A route emptied by a merge patch: the sim's traffic model and the engine both go on.
        const int before = int(changed.all().size());
        QCOMPARE(sim.api->patch("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/search",
                                "application/merge-patch+json", R"({"spec":null})"),
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(changed.all().size() > before, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!sim.snapshot(QStringLiteral("search")).problem.isEmpty(), 20000);
        QVERIFY2(sim.api->get("/version").has_value(), "curtain-sim stopped answering");
        QCOMPARE(sim.snapshot(QStringLiteral("checkout")).problem, QString());
    }
};

QTEST_GUILESS_MAIN(TestMalformedObjects)
#include "tst_malformed.moc"
