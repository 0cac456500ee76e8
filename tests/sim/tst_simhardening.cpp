// curtain-sim exposed to a test network (issue 12, point 5): no single request ends it, every error
// is a Kubernetes Status, invalid objects are refused in kube-apiserver's words, and neither open
// watches nor slow clients can take every worker. Each test starts its own sim and asserts what a
// client sees.

#include "testsupport.h"

#include <QProcess>
#include <QTest>

#include <httplib.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>

using namespace Curtain;
using nlohmann::json;

namespace {

const std::string deployments = "/apis/apps/v1/namespaces/demo/deployments";
const std::string catalogBlue = deployments + "/catalog-blue";
const std::string mergePatch = "application/merge-patch+json";
const std::string jsonPatch = "application/json-patch+json";

// One reply as a client reads it: the code and, when there is one, the JSON body.
struct Reply
{
    int code = -1;
    json body;
    std::string retryAfter;

    std::string message() const { return body.is_object() ? body.value("message", "") : std::string(); }
    bool isStatus(const char *reason) const
    {
        return body.is_object() && body.value("kind", "") == "Status" && body.value("status", "") == "Failure" &&
               body.value("reason", "") == reason && body.value("code", 0) == code;
    }
};

Reply replyOf(const httplib::Result &res)
{
    Reply reply;
    if (res) {
        reply.code = res->status;
        reply.body = json::parse(res->body, nullptr, false);
        reply.retryAfter = res->get_header_value("Retry-After");
    }
    return reply;
}

// A client that speaks raw HTTP/1.1 byte by byte, for watches and slow clients.
class RawConnection
{
public:
    explicit RawConnection(int port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(quint16(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            ::close(std::exchange(m_fd, -1));
        }
    }
    ~RawConnection()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    bool send(const std::string &text) const
    {
        return m_fd >= 0 && ::send(m_fd, text.data(), text.size(), MSG_NOSIGNAL) == ssize_t(text.size());
    }
    // Reads what has arrived until `done` says so or `ms` pass; the text read so far.
    std::string readUntil(const std::function<bool(const std::string &)> &done, int ms)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (!done(m_received) && std::chrono::steady_clock::now() < deadline && m_fd >= 0) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 50) > 0) {
                char buffer[4096];
                const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
                if (n <= 0) {
                    break;
                }
                m_received.append(buffer, std::size_t(n));
            }
        }
        return m_received;
    }
    // True once the server has closed or reset the connection.
    bool closedByServer() const
    {
        char byte;
        const ssize_t n = ::recv(m_fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
        return m_fd < 0 || n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    }

private:
    int m_fd = -1;
    std::string m_received;
};

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

    std::unique_ptr<Test::SimProcess> m_sim;

    bool start(const QStringList &arguments = {})
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        if (!m_sim->start(&error, arguments)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        return true;
    }
    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", m_sim->port());
        c.set_read_timeout(10);
        return c;
    }
    Reply get(const std::string &path) const { return replyOf(client().Get(path.c_str())); }
    Reply patch(const std::string &path, const std::string &type, const std::string &body) const
    {
        return replyOf(client().Patch(path.c_str(), body, type.c_str()));
    }
    Reply post(const std::string &path, const std::string &body, const std::string &type = "application/json") const
    {
        return replyOf(client().Post(path.c_str(), body, type.c_str()));
    }
    Reply put(const std::string &path, const std::string &body, const std::string &type = "application/json") const
    {
        return replyOf(client().Put(path.c_str(), body, type.c_str()));
    }
    // The model thread is alive when a Deployment scaled up now becomes ready (one pod per 600 ms).
    bool modelStillRuns() const
    {
        const int wanted = get(catalogBlue).body.value(json::json_pointer("/spec/replicas"), 0) + 1;
        if (patch(catalogBlue, mergePatch, json{{"spec", {{"replicas", wanted}}}}.dump()).code != 200) {
            return false;
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        for (Reply d = get(catalogBlue); d.code == 200; d = get(catalogBlue)) {
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
    void cleanup() { m_sim.reset(); }

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
        QVERIFY(start());
        const Reply reply = patch(catalogBlue, mergePatch, R"({"spec":null})");
        QCOMPARE(reply.code, 422);
        QVERIFY2(reply.isStatus("Invalid"), reply.body.dump().c_str());
        QVERIFY2(reply.message().find(R"(Deployment.apps "catalog-blue" is invalid: spec)") == 0,
                 reply.message().c_str());
        QVERIFY(modelStillRuns());
    }

    void schemalessRolloutWithoutSpec_doesNotStopTheModel()
    {
        QVERIFY(start({QStringLiteral("--schemaless-crds")}));
        QCOMPARE(
            patch("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/payments", mergePatch, R"({"spec":null})").code,
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
        QVERIFY(start());
        const Reply refused = post(canaries, canary.dump());
        QCOMPARE(refused.code, 422);
        const std::string expected = field.section(QLatin1Char(' '), 0, 0).toStdString() + ": Invalid value: \"" +
                                     types.section(QLatin1Char(' '), 1).toStdString() + "\": " + field.toStdString() +
                                     " in body must be of type " + types.section(QLatin1Char(' '), 0, 0).toStdString();
        QVERIFY2(refused.message().find(expected) != std::string::npos, refused.message().c_str());

        QVERIFY(start({QStringLiteral("--schemaless-crds")}));
        const Reply stored = post(canaries, canary.dump());
        QCOMPARE(stored.code, 201);
        QVERIFY(modelStillRuns()); // more than a second of the model's ticks
        const Reply after = get(canaries + "/broken");
        QCOMPARE(after.body.value(json::json_pointer("/metadata/resourceVersion"), ""),
                 stored.body.value(json::json_pointer("/metadata/resourceVersion"), "-"));
        QVERIFY2(!after.body.contains("status"), after.body.dump().c_str());
        QCOMPARE(get(deployments + "/catalog-blue-primary").code, 404);
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
        QVERIFY(start());
        std::string deep;
        for (int i = 0; i < 20000; ++i) {
            deep += R"({"a":)";
        }
        deep += "1" + std::string(20000, '}');
        const Reply reply = method == QLatin1String("POST")  ? post(deployments, deep)
                            : method == QLatin1String("PUT") ? put(catalogBlue, deep)
                                                             : patch(catalogBlue, mergePatch, deep);
        QCOMPARE(reply.code, 400);
        QVERIFY2(reply.isStatus("BadRequest"), reply.body.dump().c_str());
        QVERIFY2(reply.message().find("100 levels") != std::string::npos, reply.message().c_str());
        QCOMPARE(get("/version").code, 200);
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
        QVERIFY(start());
        const json ops = {{{"op", "replace"}, {"path", pointer.toStdString()}, {"value", 7}}};
        const Reply reply = patch(path.toStdString(), jsonPatch, ops.dump());
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
        QVERIFY(start());
        const std::string rv = get("/api/v1/namespaces/demo/services").body["metadata"].value("resourceVersion", "");
        RawConnection watch(m_sim->port());
        QVERIFY(watch.send(watchRequest("&resourceVersion=" + rv + "&timeoutSeconds=9223372036854775807")));
        QVERIFY(watch.readUntil(hasStatusLine, 5000).rfind("HTTP/1.1 200", 0) == 0);
        QVERIFY2(!streamEnded(watch.readUntil(streamEnded, 1000)), "the watch ended at once");
        QCOMPARE(patch("/api/v1/namespaces/demo/services/checkout", mergePatch,
                       R"({"metadata":{"labels":{"touched":"yes"}}})")
                     .code,
                 200);
        auto delivered = [](const std::string &text) { return text.find(R"("touched":"yes")") != std::string::npos; };
        QVERIFY2(delivered(watch.readUntil(delivered, 5000)), "the watch ended instead of delivering the change");
    }

    void unexpectedFailures_answerAStatus()
    {
        QVERIFY(start({QStringLiteral("--schemaless-crds")}));
        const std::string route = "/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes";
        QCOMPARE(patch(route + "/catalog", mergePatch, R"({"spec":{"hostnames":[5]}})").code, 200);
        httplib::Client c = client();
        const auto table = c.Get(route.c_str(), {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io"}});
        QVERIFY(table);
        QVERIFY2(!table->has_header("EXCEPTION_WHAT"), table->get_header_value("EXCEPTION_WHAT").c_str());
        const Reply reply = replyOf(table);
        QVERIFY2(reply.code == 200 || reply.isStatus("InternalError"), table->body.c_str());
        // What cpp-httplib answers by itself is a Status too.
        const Reply noRoute = post("/version", "{}");
        QCOMPARE(noRoute.code, 404);
        QVERIFY2(noRoute.isStatus("NotFound"), noRoute.body.dump().c_str());
    }

    // kube-apiserver gzips a reply only past 128 KiB (defaultGzipThresholdBytes): below that a
    // compressor costs more than it saves, and every informer's list and every write's reply is
    // that small.
    void repliesAreGzippedOnlyPast128KiB_asKubeApiserverDoes()
    {
        QVERIFY(start());
        httplib::Client c = client();
        c.set_decompress(false); // see the bytes as they came
        const httplib::Headers acceptGzip = {{"Accept-Encoding", "gzip"}};
        const auto small = c.Get(catalogBlue.c_str(), acceptGzip);
        QVERIFY(small);
        QCOMPARE(small->status, 200);
        QVERIFY2(!small->has_header("Content-Encoding"), small->get_header_value("Content-Encoding").c_str());
        QCOMPARE(small->get_header_value("Content-Type"), std::string("application/json"));
        QCOMPARE(json::parse(small->body, nullptr, false).value("kind", ""), std::string("Deployment"));
        // Text, a Status from a handler, and one httplib answers by itself (no route).
        for (const char *path : {"/healthz", "/api/v1/namespaces/demo/services/absent", "/nope"}) {
            const auto reply = c.Get(path, acceptGzip);
            QVERIFY(reply);
            QVERIFY2(!reply->has_header("Content-Encoding"), path);
            QVERIFY2(!reply->body.empty() && reply->body.rfind("\x1f\x8b", 0) != 0, path);
        }

        const json big = {{"metadata", {{"name", "big"}}}, {"data", {{"blob", std::string(200 << 10, 'x')}}}};
        QCOMPARE(post("/api/v1/namespaces/demo/configmaps", big.dump()).code, 201);
        const auto large = c.Get("/api/v1/namespaces/demo/configmaps/big", acceptGzip);
        QVERIFY(large);
        QCOMPARE(large->status, 200);
        QCOMPARE(large->get_header_value("Content-Encoding"), std::string("gzip"));
        QVERIFY2(large->body.size() < (16 << 10), std::to_string(large->body.size()).c_str());
        QVERIFY(large->body.rfind("\x1f\x8b", 0) == 0); // gzip's magic
        // A client that does not take gzip gets the body plain, however large.
        const auto unasked = c.Get("/api/v1/namespaces/demo/configmaps/big", {{"Accept-Encoding", "identity"}});
        QVERIFY(unasked);
        QVERIFY(!unasked->has_header("Content-Encoding"));
        const Reply plain = replyOf(unasked);
        QCOMPARE(plain.code, 200);
        QCOMPARE(plain.body.value(json::json_pointer("/data/blob"), std::string()).size(), std::size_t(200 << 10));
    }

    // kube-apiserver deletes no object through a subresource: /status and /scale take no DELETE
    // (405) and one it does not serve is no resource (404). The sim used to delete the object.
    void deleteThroughASubresource_deletesNothing_data()
    {
        QTest::addColumn<QString>("suffix");
        QTest::addColumn<int>("code");
        QTest::newRow("status") << "/status" << 405;
        QTest::newRow("scale") << "/scale" << 405;
        QTest::newRow("unknown") << "/bogus" << 404;
        QTest::newRow("deeper") << "/a/b/c" << 404;
    }
    void deleteThroughASubresource_deletesNothing()
    {
        QFETCH(QString, suffix);
        QFETCH(int, code);
        QVERIFY(start());
        const Reply reply = replyOf(client().Delete((catalogBlue + suffix.toStdString()).c_str()));
        QCOMPARE(reply.code, code);
        QVERIFY2(reply.isStatus(code == 405 ? "MethodNotAllowed" : "NotFound"), reply.body.dump().c_str());
        QCOMPARE(get(catalogBlue).code, 200);
    }

    // Only /status reads as the object; a subresource the sim does not serve is a 404, and like
    // kube-apiserver's generic 404 it carries an empty "details" (kubectl debug dereferences it).
    void unknownSubresource_isNotFoundWithEmptyDetails()
    {
        QVERIFY(start());
        const Reply status = get(catalogBlue + "/status");
        QCOMPARE(status.code, 200);
        QCOMPARE(status.body.value("kind", ""), std::string("Deployment"));
        std::string pod; // the model starts its pods just after the sim listens
        const auto firstPod = [this] {
            return get("/api/v1/namespaces/demo/pods")
                .body.value(json::json_pointer("/items/0/metadata/name"), std::string());
        };
        QTRY_VERIFY_WITH_TIMEOUT(!(pod = firstPod()).empty(), 10000);
        for (const std::string &path : {"/api/v1/namespaces/demo/pods/" + pod + "/nosuchsub", catalogBlue + "/bogus"}) {
            const Reply reply = get(path);
            QCOMPARE(reply.code, 404);
            QVERIFY2(reply.isStatus("NotFound"), reply.body.dump().c_str());
            QVERIFY2(reply.body.contains("details") && reply.body["details"] == json::object(),
                     reply.body.dump().c_str());
        }
        const Reply debug = patch("/api/v1/namespaces/demo/pods/" + pod + "/ephemeralcontainers",
                                  "application/strategic-merge-patch+json", "{}");
        QCOMPARE(debug.code, 404);
        QVERIFY2(debug.body.contains("details") && debug.body["details"].is_object(), debug.body.dump().c_str());
    }

    void bodyOver3MB_is413()
    {
        QVERIFY(start());
        json service = {{"metadata", {{"name", "big"}, {"annotations", {{"note", std::string(4 << 20, 'x')}}}}},
                        {"spec", {{"ports", {{{"port", 80}}}}}}};
        const Reply reply = post("/api/v1/namespaces/demo/services", service.dump());
        QCOMPARE(reply.code, 413);
        QVERIFY2(reply.isStatus("RequestEntityTooLarge"), reply.body.dump().c_str());
        QCOMPARE(reply.message(), std::string("Request entity too large: limit is 3145728"));
        QCOMPARE(get("/api/v1/namespaces/demo/services/big").code, 404);
    }

    void objectGrowingPast3MB_isRefused()
    {
        QVERIFY(start());
        const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/demo/leases";
        const json lease = {{"metadata", {{"name", "big"}}}, {"spec", {{"holderIdentity", std::string(2 << 20, 'a')}}}};
        QCOMPARE(post(leases, lease.dump()).code, 201);
        const json grow = {{"spec", {{"preferredHolder", std::string(2 << 20, 'b')}}}};
        const Reply reply = patch(leases + "/big", mergePatch, grow.dump());
        QCOMPARE(reply.code, 413);
        QVERIFY2(reply.isStatus("RequestEntityTooLarge"), reply.body.dump().c_str());
        QCOMPARE(patch(catalogBlue, mergePatch, R"({"metadata":{"labels":{"after":"big"}}})").code, 200);
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
        QVERIFY(start());
        const Reply current = get(catalogBlue);
        json object = current.body;
        object["metadata"].erase("uid");
        const std::string type = contentType.toStdString();
        const Reply reply = method == QLatin1String("POST")  ? post(deployments, deploymentNamed("x"), type)
                            : method == QLatin1String("PUT") ? put(catalogBlue, object.dump(), type)
                                                             : patch(catalogBlue, type, "{}");
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
        QVERIFY(start());
        const Reply reply = method == QLatin1String("POST") ? post(path.toStdString(), body.toStdString())
                                                            : patch(path.toStdString(), mergePatch, body.toStdString());
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
        QVERIFY(start());
        const json change = json::parse(metadata.toStdString());
        Reply reply;
        if (method == QLatin1String("PATCH")) {
            reply = patch(catalogBlue, mergePatch, json{{"metadata", change}}.dump());
        } else {
            json object = get(catalogBlue).body;
            object["metadata"].update(change);
            reply = put(catalogBlue, object.dump());
        }
        QCOMPARE(reply.code, code);
        QVERIFY2(reply.message().rfind(message.toStdString(), 0) == 0, reply.message().c_str());
        const Reply stored = get(catalogBlue);
        QCOMPARE(stored.body["metadata"].value("name", ""), std::string("catalog-blue"));
        QCOMPARE(stored.body["metadata"].value("namespace", ""), std::string("demo"));
        QVERIFY(stored.body["metadata"].value("uid", "") != "other-uid");
    }

    void createInAMissingNamespace_is404()
    {
        QVERIFY(start());
        const std::string service = R"({"metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}})";
        const Reply missing = post("/api/v1/namespaces/nowhere/services", service);
        QCOMPARE(missing.code, 404);
        QVERIFY2(missing.isStatus("NotFound"), missing.body.dump().c_str());
        QCOMPARE(missing.message(), std::string(R"(namespaces "nowhere" not found)"));
        for (const char *ns : {"demo", "default"}) {
            QCOMPARE(post("/api/v1/namespaces/" + std::string(ns) + "/services", service).code, 201);
        }
        json elsewhereObject = json::parse(deploymentNamed("web"));
        elsewhereObject["metadata"]["namespace"] = "default";
        const Reply elsewhere = post(deployments, elsewhereObject.dump());
        QCOMPARE(elsewhere.code, 400);
        QCOMPARE(elsewhere.message(),
                 std::string("the namespace of the provided object does not match the namespace sent on the request"));
    }

    void manyOpenWatches_leaveWorkersForRequests()
    {
        QVERIFY(start());
        std::vector<std::unique_ptr<RawConnection>> watches;
        for (int i = 0; i < 70; ++i) {
            watches.push_back(std::make_unique<RawConnection>(m_sim->port()));
            QVERIFY(watches.back()->send(watchRequest("")));
        }
        for (auto &watch : watches) {
            QVERIFY(watch->readUntil(hasStatusLine, 5000).rfind("HTTP/1.1 200", 0) == 0);
        }
        QCOMPARE(get("/version").code, 200);
        QCOMPARE(get(deployments).code, 200);
    }

    void watchesOverTheLimit_are429UntilOneCloses()
    {
        QVERIFY(start({QStringLiteral("--max-watches"), QStringLiteral("8")}));
        std::vector<std::unique_ptr<RawConnection>> watches;
        int refused = 0;
        for (int i = 0; i < 10; ++i) {
            watches.push_back(std::make_unique<RawConnection>(m_sim->port()));
            QVERIFY(watches.back()->send(watchRequest("")));
            const std::string head = watches.back()->readUntil(hasStatusLine, 5000);
            if (head.rfind("HTTP/1.1 429", 0) == 0) {
                QVERIFY2(head.find("Retry-After:") != std::string::npos, head.c_str());
                ++refused;
            }
        }
        QCOMPARE(refused, 2);
        QCOMPARE(get("/version").code, 200);
        watches.erase(watches.begin()); // a client goes away: its worker and its watch slot come back
        std::unique_ptr<RawConnection> again;
        auto watchAgain = [&] { // QTRY evaluates it once more after it first holds: it must stay true
            if (!again || again->readUntil(hasStatusLine, 0).rfind("HTTP/1.1 200", 0) != 0) {
                again = std::make_unique<RawConnection>(m_sim->port());
                again->send(watchRequest(""));
            }
            return again->readUntil(hasStatusLine, 2000).rfind("HTTP/1.1 200", 0) == 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(watchAgain(), 10000);
    }

    void slowClients_areDroppedAtTheReadDeadline()
    {
        QVERIFY(start({QStringLiteral("--read-deadline"), QStringLiteral("2")}));
        std::vector<std::unique_ptr<RawConnection>> slow;
        for (int i = 0; i < 50; ++i) {
            slow.push_back(std::make_unique<RawConnection>(m_sim->port()));
            // Most never finish their headers; some finish them and then trickle a body.
            QVERIFY(slow.back()->send(i % 5 ? "GET /version HTTP/1.1\r\n"
                                            : "PUT /curtain-sim/faults HTTP/1.1\r\nContent-Length: 1000\r\n\r\n"));
        }
        QCOMPARE(get("/version").code, 200);
        // Each poll sends every connection one more byte; the server must close them all regardless.
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(slow.begin(), slow.end(), [](const auto &c) { return c->closedByServer() || !c->send("x"); }),
            15000);
        QCOMPARE(get("/version").code, 200);
    }
};

QTEST_GUILESS_MAIN(TestSimHardening)
#include "tst_simhardening.moc"
