// curtain-sim speaks HTTP as kube-apiserver does where clients notice: when a reply is gzipped,
// what a subresource it does not serve answers (kubectl debug and careless DELETEs meet both), and
// how a list read in pages resumes. Each
// test starts its own sim and asserts what a client sees.

#include "simhttp.h"

#include <QTest>

#include <httplib.h>

#include <string>
#include <vector>

using namespace Curtain;
using nlohmann::json;
using Test::replyOf;
using Test::SimReply;

namespace {

const std::string catalogBlue = "/apis/apps/v1/namespaces/demo/deployments/catalog-blue";

} // namespace

class TestSimProtocol : public QObject
{
    Q_OBJECT

    Test::SimHttp m_sim;

private Q_SLOTS:
    void cleanup() { m_sim.stop(); }

    // kube-apiserver gzips a reply only past 128 KiB (defaultGzipThresholdBytes): below that a
    // compressor costs more than it saves, and every informer's list and every write's reply is
    // that small.
    void repliesAreGzippedOnlyPast128KiB_asKubeApiserverDoes()
    {
        QVERIFY(m_sim.start());
        httplib::Client c = m_sim.client();
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
        QCOMPARE(m_sim.post("/api/v1/namespaces/demo/configmaps", big.dump()).code, 201);
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
        const SimReply plain = replyOf(unasked);
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
        QVERIFY(m_sim.start());
        const SimReply reply = replyOf(m_sim.client().Delete((catalogBlue + suffix.toStdString()).c_str()));
        QCOMPARE(reply.code, code);
        QVERIFY2(reply.isStatus(code == 405 ? "MethodNotAllowed" : "NotFound"), reply.body.dump().c_str());
        QCOMPARE(m_sim.get(catalogBlue).code, 200);
    }

    // Only /status reads as the object; a subresource the sim does not serve is a 404, and like
    // kube-apiserver's generic 404 it carries an empty "details" (kubectl debug dereferences it).
    void unknownSubresource_isNotFoundWithEmptyDetails()
    {
        QVERIFY(m_sim.start());
        const SimReply status = m_sim.get(catalogBlue + "/status");
        QCOMPARE(status.code, 200);
        QCOMPARE(status.body.value("kind", ""), std::string("Deployment"));
        std::string pod; // the model starts its pods just after the sim listens
        const auto firstPod = [this] {
            return m_sim.get("/api/v1/namespaces/demo/pods")
                .body.value(json::json_pointer("/items/0/metadata/name"), std::string());
        };
        QTRY_VERIFY_WITH_TIMEOUT(!(pod = firstPod()).empty(), 10000);
        for (const std::string &path : {"/api/v1/namespaces/demo/pods/" + pod + "/nosuchsub", catalogBlue + "/bogus"}) {
            const SimReply reply = m_sim.get(path);
            QCOMPARE(reply.code, 404);
            QVERIFY2(reply.isStatus("NotFound"), reply.body.dump().c_str());
            QVERIFY2(reply.body.contains("details") && reply.body["details"] == json::object(),
                     reply.body.dump().c_str());
        }
        const SimReply debug = m_sim.patch("/api/v1/namespaces/demo/pods/" + pod + "/ephemeralcontainers",
                                           "application/strategic-merge-patch+json", "{}");
        QCOMPARE(debug.code, 404);
        QVERIFY2(debug.body.contains("details") && debug.body["details"].is_object(), debug.body.dump().c_str());
    }

    // A list read in pages (limit + continue) resumes after the last object of the page before, as
    // etcd's continue does: an object made meanwhile before that point neither repeats one already
    // read nor hides one not yet read (the sim resumed at a count, and repeated one).
    void pagedList_resumesAfterTheLastObjectRead()
    {
        QVERIFY(m_sim.start());
        // A namespace of the test's own: the demo's controllers make Services of their own at times.
        QCOMPARE(m_sim.post("/api/v1/namespaces", R"({"metadata":{"name":"paged"}})").code, 201);
        const std::string services = "/api/v1/namespaces/paged/services";
        std::vector<std::string> expected;
        for (int i = 10; i < 22; ++i) {
            const std::string name = "svc-" + std::to_string(i);
            const json service = {{"metadata", {{"name", name}}}, {"spec", {{"ports", {{{"port", 80}}}}}}};
            QCOMPARE(m_sim.post(services, service.dump()).code, 201);
            expected.push_back(name);
        }
        std::vector<std::string> read;
        std::string token;
        for (int page = 0; page < 100; ++page) {
            const SimReply reply = m_sim.get(services + "?limit=5" + (token.empty() ? "" : "&continue=" + token));
            QCOMPARE(reply.code, 200);
            for (const json &item : reply.body.value("items", json::array())) {
                read.push_back(item["metadata"].value("name", ""));
            }
            token = reply.body.value(json::json_pointer("/metadata/continue"), std::string());
            if (page == 0) {
                QCOMPARE(reply.body.value(json::json_pointer("/metadata/remainingItemCount"), 0),
                         int(expected.size()) - 5);
                // Sorts before everything: an offset would now point one object too early.
                QCOMPARE(m_sim.post(services, R"({"metadata":{"name":"aaa"},"spec":{"ports":[{"port":80}]}})").code,
                         201);
            }
            if (token.empty()) {
                break;
            }
        }
        QCOMPARE(read, expected);
        const SimReply bad = m_sim.get(services + "?limit=5&continue=nonsense");
        QCOMPARE(bad.code, 400);
        QVERIFY2(bad.isStatus("BadRequest"), bad.body.dump().c_str());
    }
};

QTEST_GUILESS_MAIN(TestSimProtocol)
#include "tst_simprotocol.moc"
