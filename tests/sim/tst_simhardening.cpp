// curtain-sim exposed to a test network (issue 12, point 5): no single request ends it, every error
// is a Kubernetes Status, invalid objects are refused in kube-apiserver's words, and neither open
// watches nor slow clients can take every worker. Each test starts its own sim and asserts what a
// client sees.

#include "simhttp.h"

#include <QProcess>
#include <QTest>

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <memory>

using namespace Curtain;
using nlohmann::json;
using Test::RawConnection;
using Test::replyOf;
using Test::SimReply;

namespace {

const std::string deployments = "/apis/apps/v1/namespaces/demo/deployments";
const std::string catalogBlue = deployments + "/catalog-blue";
const std::string mergePatch = "application/merge-patch+json";
const std::string jsonPatch = "application/json-patch+json";

std::string watchRequest(const std::string &query)
{
    return "GET /api/v1/namespaces/demo/services?watch=true" + query + " HTTP/1.1\r\nHost: sim\r\n\r\n";
}

// A Deployment kube-apiserver would accept, but for its name.
std::string deploymentNamed(const std::string &name)
{
    const json labels = {{"app", "web"}};
    const json podSpec = {{"containers", {{{"name", "web"}, {"image", "nginx"}}}}};
    return json{{"metadata", {{"name", name}}},
                {"spec",
                 {{"selector", {{"matchLabels", labels}}},
                  {"template", {{"metadata", {{"labels", labels}}}, {"spec", podSpec}}}}}}
        .dump();
}

// Whether a chunked reply has ended: its last, empty chunk has arrived.
bool streamEnded(const std::string &text)
{
    const auto body = text.find("\r\n\r\n");
    return body != std::string::npos &&
           (text.compare(body + 4, 5, "0\r\n\r\n") == 0 || text.find("\r\n0\r\n\r\n", body) != std::string::npos);
}

bool hasStatusLine(const std::string &text)
{
    return text.find("\r\n") != std::string::npos;
}

} // namespace

class TestSimHardening : public QObject
{
    Q_OBJECT

    Test::SimHttp m_sim;

    // The model thread is alive when a Deployment scaled up now becomes ready (one pod per 600 ms).
    bool modelStillRuns() const
    {
        const int wanted = m_sim.get(catalogBlue).body.value(json::json_pointer("/spec/replicas"), 0) + 1;
        if (m_sim.patch(catalogBlue, mergePatch, json{{"spec", {{"replicas", wanted}}}}.dump()).code != 200) {
            return false;
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        for (SimReply d = m_sim.get(catalogBlue); d.code == 200; d = m_sim.get(catalogBlue)) {
            if (d.body.value(json::json_pointer("/status/readyReplicas"), 0) == wanted) {
                return true;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            QTest::qWait(100);
        }
        return false; // the sim stopped answering
    }

private Q_SLOTS:
    void cleanup() { m_sim.stop(); }

    // A test that crashes or is killed by ctest's timeout runs no destructor: its sim must still go.
    void aTestThatDies_leavesNoSimBehind()
    {
        QProcess dying;
        dying.start(Test::binary(QStringLiteral("curtain-dyingtest")), {});
        QVERIFY2(dying.waitForFinished(20000), "curtain-dyingtest did not end");
        QCOMPARE(dying.exitStatus(), QProcess::CrashExit);
        const QByteArray pid = dying.readAllStandardOutput().trimmed();
        QVERIFY2(pid.toLongLong() > 0, dying.readAllStandardError().constData());
        // Gone, or a zombie waiting for its new parent to reap it: either way no longer running.
        const auto running = [&pid] {
            const QByteArray stat = Test::readFile(QStringLiteral("/proc/%1/stat").arg(QString::fromLatin1(pid)));
            const qsizetype state = stat.lastIndexOf(')') + 2;
            return !stat.isEmpty() && stat.size() > state && stat.at(state) != 'Z';
        };
        QTRY_VERIFY_WITH_TIMEOUT(!running(), 10000);
    }

    void mergePatchNullSpec_isInvalidAndTheModelGoesOn()
    {
        QVERIFY(m_sim.start());
        const SimReply reply = m_sim.patch(catalogBlue, mergePatch, R"({"spec":null})");
        QCOMPARE(reply.code, 422);
        QVERIFY2(reply.isStatus("Invalid"), reply.body.dump().c_str());
        QVERIFY2(reply.message().find(R"(Deployment.apps "catalog-blue" is invalid: spec)") == 0,
                 reply.message().c_str());
        QVERIFY(modelStillRuns());
    }

    void schemalessRolloutWithoutSpec_doesNotStopTheModel()
    {
        QVERIFY(m_sim.start({QStringLiteral("--schemaless-crds")}));
        QCOMPARE(
            m_sim.patch("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/payments", mergePatch, R"({"spec":null})")
                .code,
            200);
        QVERIFY(modelStillRuns());
    }

    // A Canary Flagger's Go types cannot hold: refused in the words of the CRD's structural schema,
    // and, where the CRD has none, stored and left alone by the sim's Flagger while the model goes on.
    void malformedCanary_isRefusedOrLeftAlone_data()
    {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("types"); // expected, found
        QTest::newRow("stepWeight") << QStringLiteral("/spec/analysis/stepWeight") << QStringLiteral(R"("ten")")
                                    << QStringLiteral("spec.analysis.stepWeight") << QStringLiteral("number string");
        QTest::newRow("targetRef") << QStringLiteral("/spec/targetRef") << QStringLiteral("5")
                                   << QStringLiteral("spec.targetRef") << QStringLiteral("object integer");
        QTest::newRow("webhooks") << QStringLiteral("/spec/analysis/webhooks") << QStringLiteral(R"("x")")
                                  << QStringLiteral("spec.analysis.webhooks") << QStringLiteral("array string");
    }
    void malformedCanary_isRefusedOrLeftAlone()
    {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, field);
        QFETCH(QString, types);
        json canary = {{"metadata", {{"name", "broken"}}},
                       {"spec",
                        {{"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "catalog-blue"}}},
                         {"analysis", {{"interval", "10s"}, {"stepWeight", 10}, {"webhooks", json::array()}}}}}};
        canary[json::json_pointer(pointer.toStdString())] = json::parse(value.toStdString());
        const std::string canaries = "/apis/flagger.app/v1beta1/namespaces/demo/canaries";
        QVERIFY(m_sim.start());
        const SimReply refused = m_sim.post(canaries, canary.dump());
        QCOMPARE(refused.code, 422);
        const std::string expected = field.section(QLatin1Char(' '), 0, 0).toStdString() + ": Invalid value: \"" +
                                     types.section(QLatin1Char(' '), 1).toStdString() + "\": " + field.toStdString() +
                                     " in body must be of type " + types.section(QLatin1Char(' '), 0, 0).toStdString();
        QVERIFY2(refused.message().find(expected) != std::string::npos, refused.message().c_str());

        QVERIFY(m_sim.start({QStringLiteral("--schemaless-crds")}));
        const SimReply stored = m_sim.post(canaries, canary.dump());
        QCOMPARE(stored.code, 201);
        QVERIFY(modelStillRuns()); // more than a second of the model's ticks
        const SimReply after = m_sim.get(canaries + "/broken");
        QCOMPARE(after.body.value(json::json_pointer("/metadata/resourceVersion"), ""),
                 stored.body.value(json::json_pointer("/metadata/resourceVersion"), "-"));
        QVERIFY2(!after.body.contains("status"), after.body.dump().c_str());
        QCOMPARE(m_sim.get(deployments + "/catalog-blue-primary").code, 404);
    }

    void deeplyNestedBody_is400_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("POST") << QStringLiteral("POST");
        QTest::newRow("PUT") << QStringLiteral("PUT");
        QTest::newRow("merge PATCH") << QStringLiteral("PATCH");
    }
    void deeplyNestedBody_is400()
    {
        QFETCH(QString, method);
        QVERIFY(m_sim.start());
        std::string deep;
        for (int i = 0; i < 20000; ++i) {
            deep += R"({"a":)";
        }
        deep += "1" + std::string(20000, '}');
        const SimReply reply = method == QLatin1String("POST")  ? m_sim.post(deployments, deep)
                               : method == QLatin1String("PUT") ? m_sim.put(catalogBlue, deep)
                                                                : m_sim.patch(catalogBlue, mergePatch, deep);
        QCOMPARE(reply.code, 400);
        QVERIFY2(reply.isStatus("BadRequest"), reply.body.dump().c_str());
        QVERIFY2(reply.message().find("100 levels") != std::string::npos, reply.message().c_str());
        QCOMPARE(m_sim.get("/version").code, 200);
    }

    void numericBackendName_isInvalidAndTheModelGoesOn_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("field");
        QTest::newRow("HTTPRoute") << QStringLiteral("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/"
                                                     "catalog")
                                   << QStringLiteral("/spec/rules/0/backendRefs/0/name")
                                   << QStringLiteral("spec.rules[0].backendRefs[0].name");
        QTest::newRow("TrafficSplit") << QStringLiteral("/apis/split.smi-spec.io/v1alpha4/namespaces/demo/"
                                                        "trafficsplits/ratings")
                                      << QStringLiteral("/spec/backends/0/service")
                                      << QStringLiteral("spec.backends[0].service");
    }
    void numericBackendName_isInvalidAndTheModelGoesOn()
    {
        QFETCH(QString, path);
        QFETCH(QString, pointer);
        QFETCH(QString, field);
        QVERIFY(m_sim.start());
        const json ops = {{{"op", "replace"}, {"path", pointer.toStdString()}, {"value", 7}}};
        const SimReply reply = m_sim.patch(path.toStdString(), jsonPatch, ops.dump());
        QCOMPARE(reply.code, 422);
        QVERIFY2(reply.isStatus("Invalid"), reply.body.dump().c_str());
        // The words of a CRD's structural schema.
        const std::string expected = field.toStdString() + R"(: Invalid value: "integer": )" + field.toStdString() +
                                     R"( in body must be of type string: "integer")";
        QVERIFY2(reply.message().find(expected) != std::string::npos, reply.message().c_str());
        QVERIFY(modelStillRuns());
    }

    void watchWithAHugeTimeout_staysOpenAndDelivers()
    {
        QVERIFY(m_sim.start());
        const std::string rv =
            m_sim.get("/api/v1/namespaces/demo/services").body["metadata"].value("resourceVersion", "");
        RawConnection watch(m_sim.port());
        QVERIFY(watch.send(watchRequest("&resourceVersion=" + rv + "&timeoutSeconds=9223372036854775807")));
        QVERIFY(watch.readUntil(hasStatusLine, 5000).rfind("HTTP/1.1 200", 0) == 0);
        QVERIFY2(!streamEnded(watch.readUntil(streamEnded, 1000)), "the watch ended at once");
        QCOMPARE(m_sim
                     .patch("/api/v1/namespaces/demo/services/checkout", mergePatch,
                            R"({"metadata":{"labels":{"touched":"yes"}}})")
                     .code,
                 200);
        auto delivered = [](const std::string &text) { return text.find(R"("touched":"yes")") != std::string::npos; };
        QVERIFY2(delivered(watch.readUntil(delivered, 5000)), "the watch ended instead of delivering the change");
    }

    void unexpectedFailures_answerAStatus()
    {
        QVERIFY(m_sim.start({QStringLiteral("--schemaless-crds")}));
        const std::string route = "/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes";
        QCOMPARE(m_sim.patch(route + "/catalog", mergePatch, R"({"spec":{"hostnames":[5]}})").code, 200);
        httplib::Client c = m_sim.client();
        const auto table = c.Get(route.c_str(), {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io"}});
        QVERIFY(table);
        QVERIFY2(!table->has_header("EXCEPTION_WHAT"), table->get_header_value("EXCEPTION_WHAT").c_str());
        const SimReply reply = replyOf(table);
        QVERIFY2(reply.code == 200 || reply.isStatus("InternalError"), table->body.c_str());
        // What cpp-httplib answers by itself is a Status too.
        const SimReply noRoute = m_sim.post("/version", "{}");
        QCOMPARE(noRoute.code, 404);
        QVERIFY2(noRoute.isStatus("NotFound"), noRoute.body.dump().c_str());
    }

    void bodyOver3MB_is413()
    {
        QVERIFY(m_sim.start());
        json service = {{"metadata", {{"name", "big"}, {"annotations", {{"note", std::string(4 << 20, 'x')}}}}},
                        {"spec", {{"ports", {{{"port", 80}}}}}}};
        const SimReply reply = m_sim.post("/api/v1/namespaces/demo/services", service.dump());
        QCOMPARE(reply.code, 413);
        QVERIFY2(reply.isStatus("RequestEntityTooLarge"), reply.body.dump().c_str());
        QCOMPARE(reply.message(), std::string("Request entity too large: limit is 3145728"));
        QCOMPARE(m_sim.get("/api/v1/namespaces/demo/services/big").code, 404);
    }

    void objectGrowingPast3MB_isRefused()
    {
        QVERIFY(m_sim.start());
        const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/demo/leases";
        const json lease = {{"metadata", {{"name", "big"}}}, {"spec", {{"holderIdentity", std::string(2 << 20, 'a')}}}};
        QCOMPARE(m_sim.post(leases, lease.dump()).code, 201);
        const json grow = {{"spec", {{"preferredHolder", std::string(2 << 20, 'b')}}}};
        const SimReply reply = m_sim.patch(leases + "/big", mergePatch, grow.dump());
        QCOMPARE(reply.code, 413);
        QVERIFY2(reply.isStatus("RequestEntityTooLarge"), reply.body.dump().c_str());
        QCOMPARE(m_sim.patch(catalogBlue, mergePatch, R"({"metadata":{"labels":{"after":"big"}}})").code, 200);
    }

    void unknownContentType_is415_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("contentType");
        QTest::newRow("POST text") << QStringLiteral("POST") << QStringLiteral("text/plain");
        QTest::newRow("POST form") << QStringLiteral("POST") << QStringLiteral("application/x-www-form-urlencoded");
        QTest::newRow("PUT yaml") << QStringLiteral("PUT") << QStringLiteral("application/yaml");
        QTest::newRow("PATCH apply") << QStringLiteral("PATCH") << QStringLiteral("application/apply-patch+yaml");
    }
    void unknownContentType_is415()
    {
        QFETCH(QString, method);
        QFETCH(QString, contentType);
        QVERIFY(m_sim.start());
        const SimReply current = m_sim.get(catalogBlue);
        json object = current.body;
        object["metadata"].erase("uid");
        const std::string type = contentType.toStdString();
        const SimReply reply = method == QLatin1String("POST")  ? m_sim.post(deployments, deploymentNamed("x"), type)
                               : method == QLatin1String("PUT") ? m_sim.put(catalogBlue, object.dump(), type)
                                                                : m_sim.patch(catalogBlue, type, "{}");
        QCOMPARE(reply.code, 415);
        QVERIFY2(reply.isStatus("UnsupportedMediaType"), reply.body.dump().c_str());
        QVERIFY2(reply.message().find("application/json") != std::string::npos, reply.message().c_str());
    }

    void invalidObjects_are422InKubesWords_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("replicas over int32")
            << QStringLiteral("PATCH") << QString::fromStdString(catalogBlue)
            << QStringLiteral(R"({"spec":{"replicas":1000000000000}})")
            << QStringLiteral(R"(Deployment.apps "catalog-blue" is invalid: spec.replicas: Invalid value: )"
                              R"(1000000000000: must be less than or equal to 2147483647)");
        QTest::newRow("name with a slash")
            << QStringLiteral("POST") << QString::fromStdString(deployments)
            << QString::fromStdString(deploymentNamed("a/b"))
            << QStringLiteral(R"(Deployment.apps "a/b" is invalid: metadata.name: Invalid value: "a/b": a lowercase )"
                              R"(RFC 1123 subdomain must consist of)");
        QTest::newRow("service name in capitals")
            << QStringLiteral("POST") << QStringLiteral("/api/v1/namespaces/demo/services")
            << QStringLiteral(R"({"metadata":{"name":"Web"},"spec":{"ports":[{"port":80}]}})")
            << QStringLiteral(R"(Service "Web" is invalid: metadata.name: Invalid value: "Web": a DNS-1035 label )"
                              R"(must consist of)");
    }
    void invalidObjects_are422InKubesWords()
    {
        QFETCH(QString, method);
        QFETCH(QString, path);
        QFETCH(QString, body);
        QFETCH(QString, message);
        QVERIFY(m_sim.start());
        const SimReply reply = method == QLatin1String("POST")
                                   ? m_sim.post(path.toStdString(), body.toStdString())
                                   : m_sim.patch(path.toStdString(), mergePatch, body.toStdString());
        QCOMPARE(reply.code, 422);
        QVERIFY2(reply.isStatus("Invalid"), reply.body.dump().c_str());
        QVERIFY2(reply.message().rfind(message.toStdString(), 0) == 0, reply.message().c_str());
    }

    void identityChanges_areRefusedAsKubeDoes_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("metadata");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("PATCH name") << QStringLiteral("PATCH") << QStringLiteral(R"({"name":"other"})") << 400
                                    << QStringLiteral("the name of the object (other) does not match the name on "
                                                      "the URL (catalog-blue)");
        QTest::newRow("PATCH namespace") << QStringLiteral("PATCH") << QStringLiteral(R"({"namespace":"default"})")
                                         << 400
                                         << QStringLiteral("the namespace of the provided object does not match "
                                                           "the namespace sent on the request");
        QTest::newRow("PATCH uid") << QStringLiteral("PATCH") << QStringLiteral(R"({"uid":"other-uid"})") << 422
                                   << QStringLiteral(R"(Deployment.apps "catalog-blue" is invalid: metadata.uid: )"
                                                     R"(Invalid value: "other-uid": field is immutable)");
        QTest::newRow("PUT uid") << QStringLiteral("PUT") << QStringLiteral(R"({"uid":"other-uid"})") << 409
                                 << QStringLiteral(R"(Operation cannot be fulfilled on deployments.apps )"
                                                   R"("catalog-blue": Precondition failed: UID in precondition: )"
                                                   R"(other-uid, UID in object meta: )");
        QTest::newRow("PUT namespace") << QStringLiteral("PUT") << QStringLiteral(R"({"namespace":"default"})") << 400
                                       << QStringLiteral("the namespace of the object (default) does not match the "
                                                         "namespace on the request (demo)");
    }
    void identityChanges_areRefusedAsKubeDoes()
    {
        QFETCH(QString, method);
        QFETCH(QString, metadata);
        QFETCH(int, code);
        QFETCH(QString, message);
        QVERIFY(m_sim.start());
        const json change = json::parse(metadata.toStdString());
        SimReply reply;
        if (method == QLatin1String("PATCH")) {
            reply = m_sim.patch(catalogBlue, mergePatch, json{{"metadata", change}}.dump());
        } else {
            json object = m_sim.get(catalogBlue).body;
            object["metadata"].update(change);
            reply = m_sim.put(catalogBlue, object.dump());
        }
        QCOMPARE(reply.code, code);
        QVERIFY2(reply.message().rfind(message.toStdString(), 0) == 0, reply.message().c_str());
        const SimReply stored = m_sim.get(catalogBlue);
        QCOMPARE(stored.body["metadata"].value("name", ""), std::string("catalog-blue"));
        QCOMPARE(stored.body["metadata"].value("namespace", ""), std::string("demo"));
        QVERIFY(stored.body["metadata"].value("uid", "") != "other-uid");
    }

    void createInAMissingNamespace_is404()
    {
        QVERIFY(m_sim.start());
        const std::string service = R"({"metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}})";
        const SimReply missing = m_sim.post("/api/v1/namespaces/nowhere/services", service);
        QCOMPARE(missing.code, 404);
        QVERIFY2(missing.isStatus("NotFound"), missing.body.dump().c_str());
        QCOMPARE(missing.message(), std::string(R"(namespaces "nowhere" not found)"));
        for (const char *ns : {"demo", "default"}) {
            QCOMPARE(m_sim.post("/api/v1/namespaces/" + std::string(ns) + "/services", service).code, 201);
        }
        json elsewhereObject = json::parse(deploymentNamed("web"));
        elsewhereObject["metadata"]["namespace"] = "default";
        const SimReply elsewhere = m_sim.post(deployments, elsewhereObject.dump());
        QCOMPARE(elsewhere.code, 400);
        QCOMPARE(elsewhere.message(),
                 std::string("the namespace of the provided object does not match the namespace sent on the request"));
    }

    void manyOpenWatches_leaveWorkersForRequests()
    {
        QVERIFY(m_sim.start());
        std::vector<std::unique_ptr<RawConnection>> watches;
        for (int i = 0; i < 70; ++i) {
            watches.push_back(std::make_unique<RawConnection>(m_sim.port()));
            QVERIFY(watches.back()->send(watchRequest("")));
        }
        for (auto &watch : watches) {
            QVERIFY(watch->readUntil(hasStatusLine, 5000).rfind("HTTP/1.1 200", 0) == 0);
        }
        QCOMPARE(m_sim.get("/version").code, 200);
        QCOMPARE(m_sim.get(deployments).code, 200);
    }

    void watchesOverTheLimit_are429UntilOneCloses()
    {
        QVERIFY(m_sim.start({QStringLiteral("--max-watches"), QStringLiteral("8")}));
        std::vector<std::unique_ptr<RawConnection>> watches;
        int refused = 0;
        for (int i = 0; i < 10; ++i) {
            watches.push_back(std::make_unique<RawConnection>(m_sim.port()));
            QVERIFY(watches.back()->send(watchRequest("")));
            const std::string head = watches.back()->readUntil(hasStatusLine, 5000);
            if (head.rfind("HTTP/1.1 429", 0) == 0) {
                QVERIFY2(head.find("Retry-After:") != std::string::npos, head.c_str());
                ++refused;
            }
        }
        QCOMPARE(refused, 2);
        QCOMPARE(m_sim.get("/version").code, 200);
        watches.erase(watches.begin()); // a client goes away: its worker and its watch slot come back
        std::unique_ptr<RawConnection> again;
        auto watchAgain = [&] { // QTRY evaluates it once more after it first holds: it must stay true
            if (!again || again->readUntil(hasStatusLine, 0).rfind("HTTP/1.1 200", 0) != 0) {
                again = std::make_unique<RawConnection>(m_sim.port());
                again->send(watchRequest(""));
            }
            return again->readUntil(hasStatusLine, 2000).rfind("HTTP/1.1 200", 0) == 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(watchAgain(), 10000);
    }

    void slowClients_areDroppedAtTheReadDeadline()
    {
        QVERIFY(m_sim.start({QStringLiteral("--read-deadline"), QStringLiteral("2")}));
        std::vector<std::unique_ptr<RawConnection>> slow;
        for (int i = 0; i < 50; ++i) {
            slow.push_back(std::make_unique<RawConnection>(m_sim.port()));
            // Most never finish their headers; some finish them and then trickle a body.
            QVERIFY(slow.back()->send(i % 5 ? "GET /version HTTP/1.1\r\n"
                                            : "PUT /curtain-sim/faults HTTP/1.1\r\nContent-Length: 1000\r\n\r\n"));
        }
        QCOMPARE(m_sim.get("/version").code, 200);
        // Each poll sends every connection one more byte; the server must close them all regardless.
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(slow.begin(), slow.end(), [](const auto &c) { return c->closedByServer() || !c->send("x"); }),
            15000);
        QCOMPARE(m_sim.get("/version").code, 200);
    }
};

QTEST_GUILESS_MAIN(TestSimHardening)
#include "tst_simhardening.moc"
