// Requests served in process by the handlers curtain-sim routes them to (ResourceApi), without a
// socket: inputs found by tests/fuzz/fuzz_simrequest, each answered as kube-apiserver answers it.

#include "sim/clustermodel.h"
#include "sim/connectionguard.h"
#include "sim/faults.h"
#include "sim/objectstore.h"
#include "sim/resourceapi.h"

#include <httplib.h>

#include <QTest>

#include <memory>

using namespace Curtain::Sim;
using nlohmann::json;

class TestResourceApi : public QObject
{
    Q_OBJECT

    std::unique_ptr<ObjectStore> m_store;
    std::unique_ptr<ClusterModel> m_model;
    std::unique_ptr<Faults> m_faults;
    std::unique_ptr<ConnectionGuard> m_guard;
    std::unique_ptr<ResourceApi> m_api;

    httplib::Response serve(const std::string &method, const std::string &path, const std::string &contentType = {},
                            const std::string &body = {})
    {
        httplib::Request req;
        req.method = method;
        req.path = path;
        req.body = body;
        if (!contentType.empty()) {
            req.set_header("Content-Type", contentType);
        }
        httplib::Response res;
        if (method == "GET") {
            m_api->get(req, res);
        } else if (method == "PATCH") {
            m_api->patch(req, res);
        } else if (method == "PUT") {
            m_api->update(req, res);
        } else if (method == "POST") {
            m_api->create(req, res);
        } else {
            m_api->remove(req, res);
        }
        return res;
    }

    // The Status a failed request answered, checked to be one.
    static json status(const httplib::Response &res)
    {
        const json body = json::parse(res.body, nullptr, false);
        if (body.is_discarded() || body.value("kind", "") != "Status" || body.value("code", 0) != res.status) {
            return nullptr;
        }
        return body;
    }

private Q_SLOTS:
    void init()
    {
        m_store = std::make_unique<ObjectStore>();
        m_model = std::make_unique<ClusterModel>(*m_store, Scenario{});
        m_faults = std::make_unique<Faults>();
        m_guard = std::make_unique<ConnectionGuard>(ConnectionGuard::Limits{});
        m_api = std::make_unique<ResourceApi>(*m_store, *m_model, *m_faults, *m_guard, nullptr);
        m_store->create(*findResourceTypeByKind("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
    }

    void cleanup()
    {
        m_api.reset();
        m_guard.reset();
        m_faults.reset();
        m_model.reset();
        m_store.reset();
    }

    // A name is whatever the URL decoded to; the answer is still JSON, with the bytes that are not
    // UTF-8 replaced as Go's encoder replaces them (it was a 500 "invalid UTF-8 byte" instead).
    void get_nameThatIsNotUtf8_is404NamingIt()
    {
        const httplib::Response res = serve("GET", "/api/v1/namespaces/demo/services/a\xff"
                                                   "b");
        QCOMPARE(res.status, 404);
        const json body = status(res);
        QVERIFY2(!body.is_null(), res.body.c_str());
        QCOMPARE(body.value("message", ""), std::string("services \"a\xef\xbf\xbd"
                                                        "b\" not found"));
    }
};

QTEST_GUILESS_MAIN(TestResourceApi)
#include "tst_resourceapi.moc"
