#include "sim/apiserver.h"

#include "sim/admission.h"
#include "sim/authenticator.h"
#include "sim/clustermodel.h"
#include "sim/connectionguard.h"
#include "sim/httpsupport.h"
#include "sim/jsonbody.h"
#include "sim/objectstore.h"
#include "sim/openapidocs.h"
#include "sim/patching.h"
#include "sim/rbac.h"
#include "sim/requesttarget.h"
#include "sim/resourceapi.h"

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
    std::atomic<bool> done{false}; // listen_after_bind() has returned
};

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
    // Every connection holds a worker while it lives: the guard runs them, and limits how long.
    ConnectionGuard::Limits limits;
    limits.watches = std::size_t(std::max(1, m_options.maxWatches));
    limits.readDeadline = std::chrono::seconds(std::max(1, m_options.readDeadlineSeconds));
    m_guard = std::make_unique<ConnectionGuard>(limits);
    m_server->new_task_queue = [this] { return m_guard->newTaskQueue(); };
    m_server->set_keep_alive_max_count(10000);
    m_server->set_keep_alive_timeout(std::chrono::duration_cast<std::chrono::seconds>(limits.keepAlive).count());
    if (!m_options.faultsJson.empty()) {
        const json plan = json::parse(m_options.faultsJson, nullptr, false);
        m_rbacError = plan.is_discarded() ? "--faults is not JSON: " + m_options.faultsJson : m_faults.apply(plan);
        m_model.setArgoControllerRunning(!m_faults.argoControllerDown());
        m_model.setFlaggerRunning(!m_faults.flaggerControllerDown());
    }
    if (!m_options.rbacFile.empty()) {
        auto loaded = RbacRules::load(m_options.rbacFile);
        if (auto *rules = std::get_if<RbacRules>(&loaded)) {
            m_rbac = std::make_unique<RbacRules>(std::move(*rules));
        } else {
            m_rbacError = std::get<std::string>(loaded);
        }
    }
    m_resources = std::make_unique<ResourceApi>(m_store, m_model, m_faults, *m_guard, m_rbac.get());
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
    // cpp-httplib writes an answer's headers and its body apart. With Nagle's algorithm on, the body
    // waits for the client to acknowledge the headers, which a client on a reused connection delays
    // by 40 ms: every list after the first few on a connection took 44 ms. kube-apiserver (Go)
    // turns Nagle off on every connection; accepted sockets inherit it from the listening one.
    m_server->set_tcp_nodelay(true);
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
    m_guard->setListener(bound, int(listening));
    m_listener = std::make_unique<Listener>();
    m_listener->thread = std::thread([this, listener = m_listener.get()] {
        m_server->listen_after_bind();
        listener->done = true;
    });
    return bound;
}

void ApiServer::stop()
{
    if (!m_listener) {
        return;
    }
    m_store.stop();
    m_model.pods().stop(); // log followers end too
    m_faults.stopHolding();
    // cpp-httplib's stop() reaches only a server whose thread has begun listening; one stopped just
    // after start() would leave that thread in accept() for good (tst_democluster stops a demo so).
    // Asked again until the thread is done: each time is a no-op until it listens.
    while (!m_listener->done) {
        m_server->stop();
        if (!m_listener->done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
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
    const Faults::Decision decision = m_faults.decide(req.path);
    if (decision.delayMs > 0) {
        m_faults.hold(decision.delayMs); // the injected slowness itself
    }
    if (decision.writeDelayMs > 0 && (req.method == "PATCH" || req.method == "PUT")) {
        m_faults.hold(decision.writeDelayMs); // a write that lands late
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
    routeBoundary();
    routeAuthentication();
    routeLogging();
    routeControl();
    httplib::Server &svr = *m_server;
    auto resource = [this](void (ResourceApi::*handler)(const httplib::Request &, httplib::Response &)) {
        return boundary([this, handler](const httplib::Request &req, httplib::Response &res) {
            (m_resources.get()->*handler)(req, res);
            if (m_onClientWrite && req.method != "GET" && res.status >= 200 && res.status < 300) {
                m_onClientWrite();
            }
            if (const int ms = m_faults.writeReplyDelayMs(); ms > 0 && (req.method == "PATCH" || req.method == "PUT")) {
                m_faults.hold(ms); // applied; the answer comes late
            }
        });
    };
    svr.Get("/(api|apis)/.*", resource(&ResourceApi::get));
    svr.Patch("/(api|apis)/.*", resource(&ResourceApi::patch));
    svr.Put("/(api|apis)/.*", resource(&ResourceApi::update));
    svr.Post("/(api|apis)/.*", resource(&ResourceApi::create));
    svr.Delete("/(api|apis)/.*", resource(&ResourceApi::remove));
}

std::function<void(const httplib::Request &, httplib::Response &)>
ApiServer::boundary(std::function<void(const httplib::Request &, httplib::Response &)> handler)
{
    return [this, handler = std::move(handler)](const httplib::Request &req, httplib::Response &res) {
        m_guard->requestStarted();
        try {
            handler(req, res);
        } catch (const std::exception &e) {
            res = httplib::Response();
            sendStatus(res, internalError(e.what()));
        }
        sendSmallBodyUncompressed(res);
    };
}

// Whatever escapes a handler, and whatever cpp-httplib answers by itself (a request it cannot parse,
// a body over 3 MiB, a path without a route), reaches the client as a Kubernetes Status: never an
// empty 500 carrying the exception in a header.
void ApiServer::routeBoundary()
{
    httplib::Server &svr = *m_server;
    svr.set_payload_max_length(maxBodyBytes);
    svr.set_exception_handler([](const httplib::Request &, httplib::Response &res, std::exception_ptr thrown) {
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(thrown);
        } catch (const std::exception &e) {
            what = e.what();
        } catch (...) {
        }
        res = httplib::Response();
        sendStatus(res, internalError(what));
        sendSmallBodyUncompressed(res);
    });
    svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request &, httplib::Response &res) {
        if (!res.body.empty() || res.content_provider_) {
            return httplib::Server::HandlerResponse::Unhandled;
        }
        sendStatus(res, statusForCode(res.status));
        sendSmallBodyUncompressed(res);
        return httplib::Server::HandlerResponse::Handled;
    }));
}

void ApiServer::routeAuthentication()
{
    httplib::Server &svr = *m_server;
    // Authentication, as kube-apiserver does it for us: a verified client certificate (the TLS layer
    // already demanded one when a client CA is set) or a bearer token we accept; the public-info
    // endpoints stay open to anonymous requests.
    auto admit = [this](const httplib::Request &req, httplib::Response &res) {
        const bool publicInfo =
            req.path == "/version" || req.path == "/healthz" || req.path == "/readyz" || req.path == "/livez";
        const bool certificate = !m_options.clientCaFile.empty();
        const bool authenticated = publicInfo || certificate || !m_options.requiresAuthentication() ||
                                   m_authenticator->accepts(req.get_header_value("Authorization"));
        if (authenticated) {
            if (const auto problem = Admission::bodyLength(req)) {
                sendStatus(res, *problem);
                res.set_header("Connection", "close"); // the body was not read
                return httplib::Server::HandlerResponse::Handled;
            }
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
    };
    svr.set_pre_routing_handler([admit](const httplib::Request &req, httplib::Response &res) {
        const auto handled = admit(req, res);
        if (handled == httplib::Server::HandlerResponse::Handled) {
            sendSmallBodyUncompressed(res);
        }
        return handled;
    });
}

void ApiServer::routeLogging()
{
    auto audit = std::make_shared<std::ofstream>();
    if (!m_options.auditLogFile.empty()) {
        audit->open(m_options.auditLogFile, std::ios::app);
    }
    auto auditMutex = std::make_shared<std::mutex>();
    // Called once a response is out, on the worker that sent it.
    m_server->set_logger([this, audit, auditMutex](const httplib::Request &req, const httplib::Response &res) {
        m_guard->requestFinished();
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
            *audit << jsonText(line) << std::endl; // the raw body may not be UTF-8
        }
    });
}

void ApiServer::routeControl()
{
    httplib::Server &svr = *m_server;
    // The sim's own control endpoint for fault injection (not part of the Kubernetes API).
    svr.Get("/curtain-sim/faults", boundary([this](const httplib::Request &, httplib::Response &res) {
                sendJson(res, 200, m_faults.plan());
            }));
    svr.Put("/curtain-sim/faults", boundary([this](const httplib::Request &req, httplib::Response &res) {
                const Outcome<json> plan = parseBody(req.body);
                const std::string error = std::holds_alternative<json>(plan) ? m_faults.apply(std::get<json>(plan))
                                                                             : std::get<ApiStatus>(plan).message;
                m_model.setArgoControllerRunning(!m_faults.argoControllerDown());
                m_model.setFlaggerRunning(!m_faults.flaggerControllerDown());
                if (!error.empty()) {
                    return sendStatus(res, {400, "BadRequest", error});
                }
                sendJson(res, 200, m_faults.plan());
            }));
    svr.Get("/version", boundary([](const httplib::Request &, httplib::Response &res) {
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
            }));
    for (const char *probe : {"/healthz", "/readyz", "/livez"}) {
        svr.Get(probe, boundary([](const httplib::Request &, httplib::Response &res) {
                    res.set_content("ok", "text/plain");
                }));
    }
    svr.Get("/api", boundary([this](const httplib::Request &, httplib::Response &res) {
                sendJson(res, 200, apiVersionsDocument(m_address));
            }));
    svr.Get("/apis", boundary([](const httplib::Request &, httplib::Response &res) {
                sendJson(res, 200, apiGroupListDocument());
            }));
    svr.Get("/openapi/v3",
            boundary([](const httplib::Request &, httplib::Response &res) { sendJson(res, 200, openApiV3Root()); }));
    svr.Get("/openapi/v3/(.+)", boundary([](const httplib::Request &req, httplib::Response &res) {
                const json document = openApiV3Document(req.matches[1].str());
                if (document.is_null()) {
                    return sendStatus(res, noSuchPath());
                }
                sendJson(res, 200, document);
            }));
}

} // namespace Curtain::Sim
