#include "sim/apiserver.h"

#include "sim/authenticator.h"
#include "sim/clustermodel.h"
#include "sim/httpsupport.h"
#include "sim/jsonbody.h"
#include "sim/objectstore.h"
#include "sim/patching.h"
#include "sim/rbac.h"
#include "sim/requesttarget.h"
#include "sim/tables.h"
#include "sim/watchserver.h"

#include <httplib.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

namespace Curtain::Sim {

using namespace Http;

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct ApiServer::Listener
{
    std::thread thread;
};

namespace {

const char *simUser = "curtain-sim-user";

} // namespace

ApiServer::ApiServer(ObjectStore &store, ClusterModel &model, ServerOptions options)
    : m_store(store), m_model(model), m_options(std::move(options)),
      m_authenticator(std::make_unique<Authenticator>(m_options))
{
    if (m_options.tlsCertFile.empty()) {
        m_server = std::make_unique<httplib::Server>();
    } else {
        m_server = std::make_unique<httplib::SSLServer>(
            m_options.tlsCertFile.c_str(), m_options.tlsKeyFile.c_str(),
            m_options.clientCaFile.empty() ? nullptr : m_options.clientCaFile.c_str());
    }
    // Every open watch holds a worker; leave plenty for consoles, kubectl and tests together.
    m_server->new_task_queue = [] { return new httplib::ThreadPool(64); };
    m_server->set_keep_alive_max_count(10000);
    m_server->set_keep_alive_timeout(2);
    if (!m_options.faultsJson.empty()) {
        const json plan = json::parse(m_options.faultsJson, nullptr, false);
        m_rbacError = plan.is_discarded() ? "--faults is not JSON: " + m_options.faultsJson : m_faults.apply(plan);
        m_model.setArgoControllerRunning(!m_faults.argoControllerDown());
    }
    if (!m_options.rbacFile.empty()) {
        auto loaded = RbacRules::load(m_options.rbacFile);
        if (auto *rules = std::get_if<RbacRules>(&loaded)) {
            m_rbac = std::make_unique<RbacRules>(std::move(*rules));
        } else {
            m_rbacError = std::get<std::string>(loaded);
        }
    }
    routes();
}

ApiServer::~ApiServer()
{
    stop();
}

int ApiServer::start(const std::string &host, int port, std::string *error)
{
    if (!m_rbacError.empty()) {
        *error = m_rbacError;
        return -1;
    }
    if (!m_server->is_valid()) {
        *error = "cannot serve HTTPS with certificate " + m_options.tlsCertFile + " and key " + m_options.tlsKeyFile +
                 " (unreadable, not PEM, or not a matching pair)";
        return -1;
    }
    // cpp-httplib listens with a backlog of 5, but a console opens a dozen list connections at once:
    // the SYNs that overflow the queue are only sent again after TCP's 1 s retransmission timeout,
    // which made most cold starts of the demo wait a second. listen() again on the bound socket
    // raises the backlog.
    socket_t listening = INVALID_SOCKET;
    m_server->set_socket_options([&listening](socket_t sock) {
        httplib::default_socket_options(sock);
        listening = sock;
    });
    int bound = port;
    if (port == 0) {
        bound = m_server->bind_to_any_port(host);
    } else if (!m_server->bind_to_port(host, port)) {
        bound = -1;
    }
    m_server->set_socket_options(httplib::default_socket_options); // `listening` goes out of scope
    if (bound >= 0 && listening != INVALID_SOCKET) {
        ::listen(listening, SOMAXCONN);
    }
    if (bound < 0) {
        *error = "cannot listen on " + host + ":" + std::to_string(port) + " (is the port in use?)";
        return -1;
    }
    m_address = host + ":" + std::to_string(bound);
    m_listener = std::make_unique<Listener>();
    m_listener->thread = std::thread([this] { m_server->listen_after_bind(); });
    return bound;
}

void ApiServer::stop()
{
    if (!m_listener) {
        return;
    }
    m_store.stop();
    m_server->stop();
    if (m_listener->thread.joinable()) {
        m_listener->thread.join();
    }
    m_listener.reset();
}

bool ApiServer::applyFaults(const httplib::Request &req, httplib::Response &res, bool publicInfo)
{
    if (publicInfo || req.path.rfind("/curtain-sim/", 0) == 0) {
        return false;
    }
    const Faults::Decision decision = m_faults.decide();
    if (decision.delayMs > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(decision.delayMs)); // the injected slowness itself
    }
    if (decision.status == 0) {
        return false;
    }
    res.set_header("Retry-After", std::to_string(decision.retryAfterSeconds));
    res.set_header("Connection", "close"); // the request body was not read
    if (decision.status == 429) {
        // API Priority and Fairness rejects in plain text, not with a Status.
        res.status = 429;
        res.set_content("Too many requests, please try again later.\n", "text/plain; charset=utf-8");
    } else {
        sendStatus(res, {decision.status,
                         decision.status == 503 ? "ServiceUnavailable" : "InternalError",
                         decision.status == 503
                             ? "the server is currently unable to handle the request"
                             : "an error on the server (\"injected fault\") has prevented the request from succeeding",
                         {{"retryAfterSeconds", decision.retryAfterSeconds}}});
    }
    return true;
}

void ApiServer::routes()
{
    httplib::Server &svr = *m_server;
    // Authentication, as kube-apiserver does it for us: a verified client certificate (the TLS layer
    // already demanded one when a client CA is set) or a bearer token we accept; the public-info
    // endpoints stay open to anonymous requests.
    svr.set_pre_routing_handler([this](const httplib::Request &req, httplib::Response &res) {
        const bool publicInfo =
            req.path == "/version" || req.path == "/healthz" || req.path == "/readyz" || req.path == "/livez";
        const bool certificate = !m_options.clientCaFile.empty();
        const bool authenticated = publicInfo || certificate || !m_options.requiresAuthentication() ||
                                   m_authenticator->accepts(req.get_header_value("Authorization"));
        if (authenticated) {
            // Authorization: the RBAC rules, for every resource request.
            const auto target = parseTarget(req.path);
            if (m_rbac && target && target->type && target->type->kind != "SelfSubjectAccessReview") {
                const std::string verb = verbOf(req, *target);
                const std::string subresource =
                    target->subresource.empty() ? std::string() : target->subresource.front();
                const std::string resource =
                    subresource.empty() ? target->type->plural : target->type->plural + "/" + subresource;
                if (!m_rbac->allows(verb, resource, target->namespaceName)) {
                    sendStatus(
                        res, forbidden(simUser, verb, *target->type, target->name, target->namespaceName, subresource));
                    res.set_header("Connection", "close");
                    return httplib::Server::HandlerResponse::Handled;
                }
            }
            return applyFaults(req, res, publicInfo) ? httplib::Server::HandlerResponse::Handled
                                                     : httplib::Server::HandlerResponse::Unhandled;
        }
        sendStatus(res, {401, "Unauthorized", "Unauthorized"});
        // The request body (if any) was never read: this connection cannot carry another request.
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
    });
    if (m_options.logRequests || !m_options.auditLogFile.empty()) {
        auto audit = std::make_shared<std::ofstream>();
        if (!m_options.auditLogFile.empty()) {
            audit->open(m_options.auditLogFile, std::ios::app);
        }
        auto auditMutex = std::make_shared<std::mutex>();
        svr.set_logger([this, audit, auditMutex](const httplib::Request &req, const httplib::Response &res) {
            if (m_options.logRequests) {
                std::cerr << req.method << " " << req.target << " -> " << res.status << std::endl;
            }
            const bool write =
                req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE";
            if (audit->is_open() && write && req.path.rfind("/curtain-sim/", 0) != 0) {
                const json line = {{"verb", req.method},
                                   {"requestURI", req.target},
                                   {"contentType", req.get_header_value("Content-Type")},
                                   {"requestBody", req.body},
                                   {"responseCode", res.status}};
                std::lock_guard lock(*auditMutex);
                *audit << line.dump() << std::endl;
            }
        });
    }
    // The sim's own control endpoint for fault injection (not part of the Kubernetes API).
    svr.Get("/curtain-sim/faults",
            [this](const httplib::Request &, httplib::Response &res) { sendJson(res, 200, m_faults.plan()); });
    svr.Put("/curtain-sim/faults", [this](const httplib::Request &req, httplib::Response &res) {
        const Outcome<json> plan = parseBody(req.body);
        const std::string error = std::holds_alternative<json>(plan) ? m_faults.apply(std::get<json>(plan))
                                                                     : std::get<ApiStatus>(plan).message;
        m_model.setArgoControllerRunning(!m_faults.argoControllerDown());
        if (!error.empty()) {
            return sendStatus(res, {400, "BadRequest", error});
        }
        sendJson(res, 200, m_faults.plan());
    });
    svr.Get("/version", [](const httplib::Request &, httplib::Response &res) {
        sendJson(res, 200,
                 {{"major", "1"},
                  {"minor", "30"},
                  {"gitVersion", "v1.30.0-curtain-sim"},
                  {"gitCommit", "curtain"},
                  {"gitTreeState", "clean"},
                  {"buildDate", "2026-11-26T00:00:00Z"},
                  {"goVersion", "n/a"},
                  {"compiler", "c++"},
                  {"platform", "linux/amd64"}});
    });
    for (const char *probe : {"/healthz", "/readyz", "/livez"}) {
        svr.Get(probe, [](const httplib::Request &, httplib::Response &res) { res.set_content("ok", "text/plain"); });
    }
    svr.Get("/api", [this](const httplib::Request &, httplib::Response &res) {
        sendJson(res, 200, apiVersionsDocument(m_address));
    });
    svr.Get("/apis",
            [](const httplib::Request &, httplib::Response &res) { sendJson(res, 200, apiGroupListDocument()); });

    svr.Get("/(api|apis)/.*", [this](const httplib::Request &req, httplib::Response &res) {
        const auto target = parseTarget(req.path);
        if (!target) {
            return sendStatus(res, {404, "NotFound", "the server could not find the requested resource"});
        }
        if (target->discovery) {
            const json document = apiResourceListDocument(target->group, target->version);
            return document.is_null()
                       ? sendStatus(res, {404, "NotFound", "the server could not find the requested resource"})
                       : sendJson(res, 200, document);
        }
        if (!target->type) {
            return sendStatus(res, {404, "NotFound", "the server could not find the requested resource"});
        }
        const ResourceType &type = *target->type;
        // The service proxy: /api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH
        if (type.kind == "Service" && !target->subresource.empty() && target->subresource[0] == "proxy") {
            const std::string service = target->name.substr(0, target->name.find(':'));
            const auto text = m_model.exposition(target->namespaceName, service);
            if (!text) {
                return sendStatus(res, notFound(type, service));
            }
            if (target->subresource.size() != 2 || target->subresource[1] != "metrics") {
                return sendStatus(res, {404, "NotFound", "the service \"" + service + "\" serves only /metrics"});
            }
            res.set_content(*text, "text/plain; version=0.0.4; charset=utf-8");
            return;
        }
        if (!target->name.empty()) {
            const auto object = m_store.get(type, target->namespaceName, target->name);
            if (failed(object, res)) {
                return;
            }
            if (wantsTable(req.get_header_value("Accept"))) {
                return sendJson(res, 200, tableOf(type, {std::get<json>(object)}, m_store.currentResourceVersion()));
            }
            return sendJson(res, 200, std::get<json>(object));
        }
        ApiStatus error;
        const auto filter = filterFor(req, &error);
        if (!filter) {
            return sendStatus(res, error);
        }
        if (truthy(param(req, "watch"))) {
            return serveWatch(m_store, m_faults, req, res, type, target->namespaceName, *filter);
        }
        // limit + continue: the token carries the list's version and the next offset.
        std::size_t offset = 0;
        if (const std::string token = param(req, "continue"); !token.empty()) {
            const auto colon = token.find(':');
            try {
                offset = std::stoul(token.substr(colon + 1));
            } catch (const std::exception &) {
                return sendStatus(res, {400, "BadRequest", "continue key is not valid: " + token});
            }
        }
        std::size_t limit = 0;
        try {
            limit = param(req, "limit").empty() ? 0 : std::stoul(param(req, "limit"));
        } catch (const std::exception &) {
            return sendStatus(res, {400, "BadRequest", "limit must be a number"});
        }
        ListSnapshot snapshot = m_store.list(type, target->namespaceName, *filter, offset, limit);
        json metadata = {{"resourceVersion", std::to_string(snapshot.resourceVersion)}};
        std::vector<json> &page = snapshot.items;
        if (limit > 0 && snapshot.matching > offset + limit) {
            metadata["continue"] = std::to_string(snapshot.resourceVersion) + ":" + std::to_string(offset + limit);
            metadata["remainingItemCount"] = snapshot.matching - offset - limit;
        }
        if (wantsTable(req.get_header_value("Accept"))) {
            return sendJson(res, 200, tableOf(type, page, snapshot.resourceVersion));
        }
        json items = json::array();
        for (json &item : page) {
            if (type.builtin) {
                item.erase("kind"); // built-in list items carry no kind or apiVersion
                item.erase("apiVersion");
            }
            items.push_back(std::move(item));
        }
        sendJson(res, 200,
                 {{"kind", type.kind + "List"},
                  {"apiVersion", type.groupVersion()},
                  {"metadata", metadata},
                  {"items", items}});
    });

    svr.Patch("/(api|apis)/.*", [this](const httplib::Request &req, httplib::Response &res) {
        const auto target = parseTarget(req.path);
        if (!target || !target->type || target->name.empty()) {
            return sendStatus(
                res, {405, "MethodNotAllowed", "the server does not allow this method on the requested resource"});
        }
        const bool status = target->subresource.size() == 1 && target->subresource[0] == "status";
        if (!target->subresource.empty() && !status) {
            return sendStatus(res, {404, "NotFound", "the server could not find the requested resource"});
        }
        const auto patched = m_store.patch(*target->type, target->namespaceName, target->name,
                                           req.get_header_value("Content-Type"), req.body, status);
        if (!failed(patched, res)) {
            sendJson(res, 200, std::get<json>(patched));
        }
    });

    svr.Put("/(api|apis)/.*", [this](const httplib::Request &req, httplib::Response &res) {
        const auto target = parseTarget(req.path);
        if (!target || !target->type || target->name.empty()) {
            return sendStatus(
                res, {405, "MethodNotAllowed", "the server does not allow this method on the requested resource"});
        }
        const bool status = target->subresource.size() == 1 && target->subresource[0] == "status";
        if (!target->subresource.empty() && !status) {
            return sendStatus(res, {404, "NotFound", "the server could not find the requested resource"});
        }
        const auto updated = m_store.update(*target->type, target->namespaceName, target->name, req.body, status);
        if (!failed(updated, res)) {
            sendJson(res, 200, std::get<json>(updated));
        }
    });

    svr.Post("/(api|apis)/.*", [this](const httplib::Request &req, httplib::Response &res) {
        const auto target = parseTarget(req.path);
        if (!target || !target->type || !target->name.empty()) {
            return sendStatus(
                res, {405, "MethodNotAllowed", "the server does not allow this method on the requested resource"});
        }
        const Outcome<json> parsed = parseBody(req.body);
        if (failed(parsed, res)) {
            return;
        }
        const json &object = std::get<json>(parsed);
        if (!object.is_object()) {
            return sendStatus(res, badRequest("the request body is not a JSON object"));
        }
        if (target->type->kind == "SelfSubjectAccessReview") {
            // Answers "may I?" from the same rules the server enforces; nothing is stored.
            const json attributes = object.value(json::json_pointer("/spec/resourceAttributes"), json::object());
            std::string resource = attributes.value("resource", "");
            if (!attributes.value("subresource", "").empty()) {
                resource += "/" + attributes.value("subresource", "");
            }
            const bool allowed =
                !m_rbac || m_rbac->allows(attributes.value("verb", ""), resource, attributes.value("namespace", ""));
            json review = object;
            review["kind"] = "SelfSubjectAccessReview";
            review["apiVersion"] = "authorization.k8s.io/v1";
            review["status"] = {{"allowed", allowed}};
            if (!allowed) {
                review["status"]["denied"] = true;
                review["status"]["reason"] = "denied by the rules in " + m_rbac->source();
            }
            return sendJson(res, 201, review);
        }
        const auto created = m_store.create(*target->type, target->namespaceName, object);
        if (!failed(created, res)) {
            sendJson(res, 201, std::get<json>(created));
        }
    });

    svr.Delete("/(api|apis)/.*", [this](const httplib::Request &req, httplib::Response &res) {
        const auto target = parseTarget(req.path);
        if (!target || !target->type || target->name.empty()) {
            return sendStatus(
                res, {405, "MethodNotAllowed", "the server does not allow this method on the requested resource"});
        }
        const auto removed = m_store.remove(*target->type, target->namespaceName, target->name);
        if (!failed(removed, res)) {
            sendJson(res, 200, std::get<json>(removed));
        }
    });
}

} // namespace Curtain::Sim
