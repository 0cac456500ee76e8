// curtain-sim's Flagger as its clients meet it: the flagger-loadtester's gate API through the API
// server's service proxy (with the sim's RBAC), a Canary created over the API that the sim's
// controller initializes and kubectl lists with Flagger's printer columns, and curtainctl rolling a
// canary back through the rollback gate. Each test starts its own sim.

#include "adapters/flagger/canaryadapter.h"
#include "core/action.h"
#include "core/clock.h"
#include "engine/canarydriver.h"
#include "kube/kubeclient.h"
#include "net/httpclient.h"

#include "ctlrunner.h"
#include "futurewait.h"
#include "testsupport.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include <memory>

using namespace Curtain;
using nlohmann::json;

namespace {

const std::string proxy = "/api/v1/namespaces/demo/services/flagger-loadtester:http/proxy";
const std::string podinfoGate = R"({"name":"podinfo","namespace":"demo"})";

struct Reply
{
    int code = -1;
    std::string body;
    json status() const { return json::parse(body, nullptr, false); } // a Kubernetes Status, if it is one
};

json deployment(const std::string &name)
{
    const json labels = {{"app", name}};
    return {
        {"metadata", {{"name", name}}},
        {"spec",
         {{"replicas", 2},
          {"selector", {{"matchLabels", labels}}},
          {"template",
           {{"metadata", {{"labels", labels}}},
            {"spec", {{"containers", {{{"name", name}, {"image", "registry.demo.local/" + name + ":1.0.0"}}}}}}}}}}};
}

json canary(const std::string &name)
{
    return {{"apiVersion", "flagger.app/v1beta1"},
            {"kind", "Canary"},
            {"metadata", {{"name", name}}},
            {"spec",
             {{"provider", "gatewayapi:v1"},
              {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
              {"service", {{"port", 80}, {"gatewayRefs", {{{"name", "demo-gateway"}}}}}},
              {"analysis", {{"interval", "1s"}, {"threshold", 5}, {"maxWeight", 50}, {"stepWeight", 10}}}}}};
}

} // namespace

class TestFlagger : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::SimProcess> m_sim;
    QTemporaryDir m_dir;

    // A sim with the namespace demo and one plain release, catalog: the built-in demo has a podinfo
    // canary and a loadtester, which these tests make themselves. Its Flagger takes intervals down to
    // 1 s (Flagger's floor is 10 s), so the Canaries here step every second.
    void start(const QStringList &arguments = {})
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QVERIFY(m_dir.isValid());
        const QString scenario = Test::writeFile(m_dir.filePath(QStringLiteral("empty.yaml")),
                                                 QByteArrayLiteral("namespace: demo\n"
                                                                   "flaggerMinimumIntervalSeconds: 1\n"
                                                                   "releases:\n"
                                                                   "  - name: catalog\n"
                                                                   "    route: httproute\n"
                                                                   "    weights: {blue: 100, green: 0}\n"
                                                                   "    environments:\n"
                                                                   "      blue:  {version: v1, replicas: 1}\n"
                                                                   "      green: {version: v2, replicas: 1}\n"));
        QString error;
        if (!m_sim->start(&error, QStringList{QStringLiteral("--scenario"), scenario} + arguments)) {
            QFAIL(qPrintable(error));
        }
    }
    Reply request(const std::string &method, const std::string &path, const std::string &body = {}) const
    {
        httplib::Client client("127.0.0.1", m_sim->port());
        client.set_read_timeout(10);
        const auto res = method == "GET" ? client.Get(path.c_str())
                                         : client.Post(path.c_str(), body, "application/x-www-form-urlencoded");
        return res ? Reply{res->status, res->body} : Reply{};
    }
    Reply post(const std::string &path, const json &object) const
    {
        httplib::Client client("127.0.0.1", m_sim->port());
        const auto res = client.Post(path.c_str(), object.dump(), "application/json");
        return res ? Reply{res->status, res->body} : Reply{};
    }
    void addLoadtester()
    {
        const json service = {{"metadata", {{"name", "flagger-loadtester"}}},
                              {"spec",
                               {{"selector", {{"app", "flagger-loadtester"}}},
                                {"ports", {{{"name", "http"}, {"port", 80}, {"targetPort", 8080}}}}}}};
        QCOMPARE(post("/api/v1/namespaces/demo/services", service).code, 201);
    }

    // A Canary podinfo over a Deployment podinfo labelled for Curtain, updated once initialized, so
    // Flagger starts an analysis of 2.0.0 at once.
    void addUpdatingCanary(const json &webhooks, long long stepWeight = 10)
    {
        const json release = {{"curtain.dev/release", "podinfo"}};
        json target = deployment("podinfo");
        target["metadata"]["labels"] = release;
        json podinfo = canary("podinfo");
        podinfo["metadata"]["labels"] = release;
        podinfo["metadata"]["annotations"] = {{"sim.curtain.dev/then-set-image", "registry.demo.local/podinfo:2.0.0"}};
        podinfo["spec"]["analysis"]["webhooks"] = webhooks;
        podinfo["spec"]["analysis"]["stepWeight"] = stepWeight;
        QCOMPARE(post("/apis/apps/v1/namespaces/demo/deployments", target).code, 201);
        QCOMPARE(post("/apis/flagger.app/v1beta1/namespaces/demo/canaries", podinfo).code, 201);
    }
    // A sim whose canary podinfo, behind the loadtester's rollback gate, is Progressing in steps of
    // 1 %: it stays so for 50 intervals, longer than a test's curtainctl runs take on a loaded
    // machine (a rollback is refused once the canary is promoted).
    void startProgressingBehindARollbackGate()
    {
        start();
        addLoadtester();
        addUpdatingCanary(
            {{{"name", "rollback"}, {"type", "rollback"}, {"url", "http://flagger-loadtester.demo/rollback/check"}}},
            1);
        QTRY_VERIFY_WITH_TIMEOUT(phase() == "Progressing", 40'000); // initialized, then the new revision
    }
    json podinfo() const
    {
        return Test::ApiReader(m_sim->port())
            .get("/apis/flagger.app/v1beta1/namespaces/demo/canaries/podinfo")
            .value_or(json::object());
    }
    std::string phase() const { return podinfo().value(json::json_pointer("/status/phase"), ""); }
    Test::CtlRun ctl(const QStringList &arguments) const
    {
        return Test::runCurtainctl(
            QStringList{QStringLiteral("--server"), m_sim->url(), QStringLiteral("-n"), QStringLiteral("demo")} +
                arguments,
            60'000);
    }

private Q_SLOTS:
    void cleanup() { m_sim.reset(); }

    // The loadtester's answers (pkg/loadtester/server.go), reached as `kubectl proxy` users reach it.
    void gates_answerThroughTheServiceProxy()
    {
        start();
        const Reply missing = request("POST", proxy + "/gate/open", podinfoGate);
        QCOMPARE(missing.code, 404);
        QCOMPARE(missing.status().value("message", ""), std::string(R"(services "flagger-loadtester" not found)"));
        addLoadtester();
        QCOMPARE(request("POST", proxy + "/gate/check", podinfoGate).code, 403);
        QCOMPARE(request("POST", proxy + "/gate/check", podinfoGate).body, std::string("Forbidden"));
        QCOMPARE(request("POST", proxy + "/gate/open", podinfoGate).code, 202);
        const Reply approved = request("POST", proxy + "/gate/check", podinfoGate);
        QCOMPARE(approved.code, 200);
        QCOMPARE(approved.body, std::string("Approved"));
        // The same pod by port number, and by the Service's name alone.
        QCOMPARE(request("POST", "/api/v1/namespaces/demo/services/flagger-loadtester:80/proxy/gate/check", podinfoGate)
                     .code,
                 200);
        QCOMPARE(
            request("POST", "/api/v1/namespaces/demo/services/flagger-loadtester/proxy/gate/close", podinfoGate).code,
            202);
        QCOMPARE(request("POST", proxy + "/gate/check", podinfoGate).code, 403);
        QCOMPARE(request("POST", proxy + "/rollback/open", podinfoGate).code, 202);
        QCOMPARE(request("POST", proxy + "/rollback/check", podinfoGate).body, std::string("Approved"));
        QCOMPARE(request("POST", proxy + "/rollback/close", podinfoGate).code, 202);
        QCOMPARE(request("POST", proxy + "/rollback/check", podinfoGate).code, 403);
        QCOMPARE(request("GET", proxy + "/gate/approve").code, 200);
        QCOMPARE(request("POST", proxy + "/gate/halt", podinfoGate).code, 403);
        for (const char *bad : {"{name:podinfo}", "", R"({"name":["podinfo"]})"}) {
            QCOMPARE(request("POST", proxy + "/gate/open", bad).code, 400);
        }
        const Reply noPort =
            request("POST", "/api/v1/namespaces/demo/services/flagger-loadtester:grpc/proxy/gate/open");
        QCOMPARE(noPort.code, 503);
        QCOMPARE(noPort.status().value("message", ""),
                 std::string(R"(no service port "grpc" found for service "flagger-loadtester")"));
        // Every other Service still serves its metrics through the proxy.
        const Reply metrics = request("GET", "/api/v1/namespaces/demo/services/catalog-blue/proxy/metrics");
        QCOMPARE(metrics.code, 200);
        QVERIFY2(metrics.body.find("http_requests_total") != std::string::npos, metrics.body.c_str());
    }

    // The proxy is services/proxy to the sim's RBAC: a POST needs create, a GET needs get.
    void gates_areBehindRbac()
    {
        const QString rules = m_dir.filePath(QStringLiteral("rbac.yaml"));
        QVERIFY(!Test::writeFile(rules, "deny:\n  - {verb: create, resource: services/proxy, namespace: demo}\n")
                     .isEmpty());
        start({QStringLiteral("--rbac"), rules});
        addLoadtester();
        const Reply denied = request("POST", proxy + "/gate/open", podinfoGate);
        QCOMPARE(denied.code, 403);
        QVERIFY2(denied.status().value("message", "").find(R"(cannot create resource "services/proxy")") !=
                     std::string::npos,
                 denied.body.c_str());
        QCOMPARE(request("GET", proxy + "/gate/approve").code, 200);
    }

    // A Canary written over the API: the controller initializes it, and kubectl reads it as it reads
    // Flagger's (printer columns, category all, the Promoted condition CI waits on).
    void canary_isInitializedAndReadByKubectl()
    {
        const QString kubectl = Test::findProgram(QStringLiteral("kubectl"));
        if (kubectl.isEmpty()) {
            QFAIL("kubectl is not installed: install the Debian package kubernetes-client (./scripts/setup does)");
        }
        start();
        QCOMPARE(post("/apis/apps/v1/namespaces/demo/deployments", deployment("web")).code, 201);
        QCOMPARE(post("/apis/flagger.app/v1beta1/namespaces/demo/canaries", canary("web")).code, 201);
        const Test::ApiReader api(m_sim->port());
        const std::string path = "/apis/flagger.app/v1beta1/namespaces/demo/canaries/web";
        QTRY_VERIFY_WITH_TIMEOUT(api.get(path).value_or(json()).value(json::json_pointer("/status/phase"), "") ==
                                     "Initialized",
                                 30'000); // the primary's two pods, then the next interval
        const auto route = api.get("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/web");
        QVERIFY(route);
        QCOMPARE(route->value(json::json_pointer("/spec/rules/0/backendRefs/0/weight"), -1), 100);
        QVERIFY(api.get("/api/v1/namespaces/demo/services/web-canary"));

        const auto run = [&](const QStringList &arguments) {
            int code = -1;
            const QString out = Test::runKubectl(kubectl, m_sim->url(), m_dir.path(), arguments, &code);
            return std::make_pair(code, out);
        };
        const QStringList inDemo = {QStringLiteral("-n"), QStringLiteral("demo")};
        auto [code, out] = run(QStringList{QStringLiteral("get"), QStringLiteral("canaries")} + inDemo);
        QVERIFY2(code == 0, qPrintable(out));
        const QString header = out.section(QLatin1Char('\n'), 0, 0).simplified();
        QCOMPARE(header, QStringLiteral("NAME STATUS WEIGHT LASTTRANSITIONTIME"));
        QVERIFY2(out.section(QLatin1Char('\n'), 1, 1).simplified().startsWith(QLatin1String("web Initialized 0 ")),
                 qPrintable(out));
        std::tie(code, out) = run(QStringList{QStringLiteral("get"), QStringLiteral("canaries"), QStringLiteral("-o"),
                                              QStringLiteral("wide")} +
                                  inDemo);
        QCOMPARE(out.section(QLatin1Char('\n'), 0, 0).simplified(),
                 QStringLiteral("NAME STATUS WEIGHT SUSPENDED FAILEDCHECKS INTERVAL MIRROR STEPWEIGHT STEPWEIGHTS "
                                "MAXWEIGHT LASTTRANSITIONTIME"));
        for (const QString &kinds : {QStringLiteral("canaries,featureflags"), QStringLiteral("all")}) {
            std::tie(code, out) = run(QStringList{QStringLiteral("get"), kinds} + inDemo);
            QVERIFY2(code == 0 && out.contains(QLatin1String("canary.flagger.app/web")), qPrintable(out));
        }
        QVERIFY2(out.contains(QLatin1String("deployment.apps/web-primary")), qPrintable(out));
        std::tie(code, out) =
            run(QStringList{QStringLiteral("wait"), QStringLiteral("canary/web"),
                            QStringLiteral("--for=condition=promoted"), QStringLiteral("--timeout=10s")} +
                inDemo);
        QVERIFY2(code == 0 && out.contains(QLatin1String("condition met")), qPrintable(out));
    }

    // Curtain's own client on the sim's Flagger: curtainctl suspends and resumes a progressing
    // canary, then rolls it back through the loadtester's rollback gate, waits for Flagger to act,
    // and closes the gate again.
    void curtainctlSuspendResumeAndRollback_throughTheRollbackGate()
    {
        startProgressingBehindARollbackGate();
        const Test::ApiReader api(m_sim->port());

        // Suspend freezes it (spec.suspend) and status says so; Resume lets it go on.
        Test::CtlRun suspended = ctl({QStringLiteral("suspend"), QStringLiteral("podinfo")});
        QVERIFY2(suspended.exitCode == 0 && suspended.out.contains(QLatin1String("set spec.suspend to true")),
                 qPrintable(suspended.out + suspended.err));
        QCOMPARE(podinfo().value(json::json_pointer("/spec/suspend"), false), true);
        suspended = ctl({QStringLiteral("status"), QStringLiteral("podinfo")});
        QVERIFY2(suspended.out.contains(QLatin1String("Suspended:     yes")), qPrintable(suspended.out));
        QVERIFY2(suspended.out.contains(QStringLiteral("suspend        no — already suspended")),
                 qPrintable(suspended.out));
        // Run again (a retried pipeline step), each finds the canary where it would put it: exit 0,
        // nothing sent.
        suspended = ctl({QStringLiteral("suspend"), QStringLiteral("podinfo")});
        QVERIFY2(suspended.exitCode == 0 &&
                     suspended.out.contains(QLatin1String("already suspended; nothing was sent")),
                 qPrintable(suspended.out + suspended.err));
        Test::CtlRun resumed = ctl({QStringLiteral("resume"), QStringLiteral("podinfo")});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.out + resumed.err));
        QCOMPARE(podinfo().value(json::json_pointer("/spec/suspend"), true), false);
        resumed = ctl({QStringLiteral("resume"), QStringLiteral("podinfo")});
        QVERIFY2(resumed.exitCode == 0 && resumed.out.contains(QLatin1String("not suspended (phase ")) &&
                     resumed.out.contains(QLatin1String("; nothing was sent")),
                 qPrintable(resumed.out + resumed.err));

        const Test::CtlRun run = ctl({QStringLiteral("rollback"), QStringLiteral("podinfo")});
        QVERIFY2(run.exitCode == 0 && run.out.contains(QLatin1String("opened the rollback gate")),
                 qPrintable(run.out + run.err));
        QCOMPARE(phase(), std::string("Failed"));
        const auto route = api.get("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/podinfo");
        QVERIFY(route);
        QCOMPARE(route->value(json::json_pointer("/spec/rules/0/backendRefs/0/weight"), -1), 100);
        QCOMPARE(request("POST", proxy + "/rollback/check", podinfoGate).code, 403); // closed again
    }

    // Promote at WaitingPromotion opens the confirm-promotion gate, sees Flagger pass it, and closes
    // it again: the loadtester would otherwise wave the next release through.
    void curtainctlPromote_opensTheGateAndClosesIt()
    {
        start();
        addLoadtester();
        addUpdatingCanary(
            {{{"name", "ask"}, {"type", "confirm-promotion"}, {"url", "http://flagger-loadtester.demo/gate/check"}}},
            50);
        QTRY_VERIFY_WITH_TIMEOUT(phase() == "WaitingPromotion", 60'000);
        Test::CtlRun run = ctl({QStringLiteral("status"), QStringLiteral("podinfo")});
        QVERIFY2(run.out.contains(QLatin1String("Waiting for:   confirm-promotion (gate at flagger-loadtester.demo)")),
                 qPrintable(run.out));
        // Flagger writes canaryWeight 0 while it waits; the route still holds the last step.
        QVERIFY2(run.out.contains(QRegularExpression(QStringLiteral("green +candidate +2\\.0\\.0 +2/2 +50 %"))),
                 qPrintable(run.out));

        run = ctl({QStringLiteral("promote"), QStringLiteral("podinfo")});
        QVERIFY2(run.exitCode == 0 && run.out.contains(QLatin1String("opened the gate (confirm-promotion)")) &&
                     run.out.contains(QLatin1String("again")),
                 qPrintable(run.out + run.err));
        QCOMPARE(request("POST", proxy + "/gate/check", podinfoGate).code, 403); // closed again
        // Flagger passed the gate: the primary takes the candidate's template now.
        QVERIFY2(run.out.contains(QLatin1String("now Promoting")) ||
                     run.out.contains(QLatin1String("now Finalising")) ||
                     run.out.contains(QLatin1String("now Succeeded")),
                 qPrintable(run.out));
    }

    // Two rollback webhooks, the second naming a loadtester that is not there. Rollback opens the
    // first gate, fails on the second, and closes the first again before it reports. Then someone
    // opens a gate by hand: close-gates closes it, and says which gate it could not reach.
    void failedRollback_closesWhatItOpened_andCloseGatesClosesOthers()
    {
        start();
        addLoadtester();
        addUpdatingCanary(
            {{{"name", "rollback"}, {"type", "rollback"}, {"url", "http://flagger-loadtester.demo/rollback/check"}},
             {{"name", "elsewhere"}, {"type", "rollback"}, {"url", "http://missing-loadtester.demo/rollback/check"}}},
            1); // Progressing for 50 intervals, as above
        QTRY_VERIFY_WITH_TIMEOUT(phase() == "Progressing", 40'000);

        Test::CtlRun run = ctl({QStringLiteral("rollback"), QStringLiteral("podinfo")});
        QVERIFY2(run.exitCode != 0, qPrintable(run.out + run.err));
        QVERIFY2(run.err.contains(QLatin1String("missing-loadtester")) &&
                     run.err.contains(QLatin1String("closed the rollback gate at flagger-loadtester.demo again")),
                 qPrintable(run.err));
        QCOMPARE(request("POST", proxy + "/rollback/check", podinfoGate).code, 403);

        QCOMPARE(request("POST", proxy + "/rollback/open", podinfoGate).code, 202); // by hand, with curl
        QCOMPARE(request("POST", proxy + "/rollback/check", podinfoGate).code, 200);
        run = ctl({QStringLiteral("close-gates"), QStringLiteral("podinfo")});
        QVERIFY2(run.exitCode != 0, qPrintable(run.out + run.err));
        QVERIFY2(run.err.contains(QLatin1String("1 could not be closed")) &&
                     run.err.contains(QLatin1String("missing-loadtester")) &&
                     run.err.contains(QLatin1String("closed the rollback gate at flagger-loadtester.demo")),
                 qPrintable(run.err));
        QCOMPARE(request("POST", proxy + "/rollback/check", podinfoGate).code, 403);
    }

    // --reaction-timeout on a canary, in fake time: the wait for Flagger is never shorter than an
    // interval and 15 s, whatever shorter time is asked (a gate closed before Flagger looks would
    // make the action do nothing); then the action is reported as sent, not confirmed, and the gate
    // it opened is closed again. The sim's Flagger is stopped, so that however slowly this machine
    // runs, it cannot act within the driver's wait.
    void reactionTimeout_isAtLeastAnIntervalAnd15s_thenNotConfirmed()
    {
        startProgressingBehindARollbackGate();
        httplib::Client sim("127.0.0.1", m_sim->port());
        const auto stopped = sim.Put("/curtain-sim/faults", R"({"flaggerControllerDown":true})", "application/json");
        QVERIFY(stopped && stopped->status == 200);

        Net::HttpClient http;
        Kube::KubeClient client(&http, Core::ClusterEndpoint{QStringLiteral("sim"), m_sim->url()});
        const auto deployments = Test::waitFor(client.list(QStringLiteral("/apis/apps/v1/namespaces/demo/deployments"),
                                                           QStringLiteral("curtain.dev/release")));
        QVERIFY(deployments.ok());
        Adapters::ClusterView view;
        view.deployments = Kube::ObjectList(deployments.value().items);
        Core::ReleaseSnapshot before = Adapters::CanaryAdapter().read(podinfo(), view);
        before.capabilities = Core::computeCapabilities(before);
        QVERIFY2(before.canary && before.capabilities.rollback.enabled, qPrintable(before.problem));
        Core::ManualClock clock;
        const qint64 startMs = clock.nowMs();
        Engine::CanaryDriver driver(&client, before, {Core::ActionKind::Rollback, QStringLiteral("podinfo"), 0, {}},
                                    nullptr, &clock);
        driver.setReactionWaitMs(2'000); // --reaction-timeout 2s
        QSignalSpy finished(&driver, &Engine::CanaryDriver::finished);
        driver.start();
        // The clock turns only while the driver waits on it (not while its requests are out).
        while (finished.isEmpty() && clock.nowMs() - startMs < 60'000) {
            QVERIFY(QTest::qWaitFor([&] { return !finished.isEmpty() || clock.pending() > 0; }, 5000));
            if (finished.isEmpty()) {
                clock.advance(100);
            }
        }
        QCOMPARE(finished.size(), 1);
        const auto outcome = finished.first().first().value<Core::Result<Core::ActionOutcome>>();
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().message));
        QVERIFY(!outcome.value().confirmed);
        const qint64 waited = clock.nowMs() - startMs;
        QVERIFY2(waited >= 16'000 && waited <= 17'000, qPrintable(QString::number(waited)));
        QVERIFY2(outcome.value().summary.contains(QStringLiteral("opened the rollback gate")) &&
                     outcome.value().summary.contains(
                         QStringLiteral("Flagger has not acted after 16 s (its interval is 1s) — is Flagger running?")),
                 qPrintable(outcome.value().summary));
        QCOMPARE(request("POST", proxy + "/rollback/check", podinfoGate).code, 403); // closed again
        QCOMPARE(phase(), std::string("Progressing"));                               // nothing happened
    }
};

QTEST_GUILESS_MAIN(TestFlagger)
#include "tst_flagger.moc"
