#pragma once

#include "sim/clustermodel.h"
#include "sim/connectionguard.h"
#include "sim/faults.h"
#include "sim/objectstore.h"
#include "sim/resourceapi.h"
#include "sim/resourcetypes.h"

#include <httplib.h>

#include <QStringList>

#include <memory>

namespace Curtain::Test {

// curtain-sim's request handlers (Sim::ResourceApi) in process, without a socket, over a store holding
// the namespace demo: what the suites that send it requests share. setUp() in each test's init.
class ResourceApiFixture
{
protected:
    using json = nlohmann::json;

    std::unique_ptr<Sim::ObjectStore> m_store;
    std::unique_ptr<Sim::ClusterModel> m_model;
    std::unique_ptr<Sim::Faults> m_faults;
    std::unique_ptr<Sim::ConnectionGuard> m_guard;
    std::unique_ptr<Sim::ResourceApi> m_api;

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

    // A POST of `body` to demo's configmaps with these query parameters.
    httplib::Response createConfigMap(const std::string &body, const httplib::Params &params)
    {
        return create("/api/v1/namespaces/demo/configmaps", body, params);
    }
    httplib::Response create(const std::string &collection, const std::string &body, const httplib::Params &params)
    {
        httplib::Request req;
        req.method = "POST";
        req.path = collection;
        req.params = params;
        req.body = body;
        req.set_header("Content-Type", "application/json");
        httplib::Response res;
        m_api->create(req, res);
        return res;
    }

    // The field of each cause of a 422, in order.
    static QStringList causeFields(const Sim::ApiStatus &status)
    {
        QStringList fields;
        for (const json &cause : status.details.value("causes", json::array())) {
            fields << QString::fromStdString(cause.value("field", ""));
        }
        return fields;
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

    void setUp()
    {
        m_store = std::make_unique<Sim::ObjectStore>();
        m_model = std::make_unique<Sim::ClusterModel>(*m_store, Sim::Scenario{});
        m_faults = std::make_unique<Sim::Faults>();
        m_guard = std::make_unique<Sim::ConnectionGuard>(Sim::ConnectionGuard::Limits{});
        m_api = std::make_unique<Sim::ResourceApi>(*m_store, *m_model, *m_faults, *m_guard, nullptr);
        m_store->create(*Sim::findResourceTypeByKind("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
    }

    void tearDown()
    {
        m_api.reset();
        m_guard.reset();
        m_faults.reset();
        m_model.reset();
        m_store.reset();
    }
};

} // namespace Curtain::Test
