#pragma once

#include "sim/faults.h"
#include "sim/serveroptions.h"

#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace Curtain::Sim {

class ObjectStore;
class ClusterModel;

// The demo cluster's HTTP face: the Kubernetes API subset kubectl and Curtain use — /version,
// legacy discovery, get / list (chunked with limit+continue) / watch (newline-delimited events,
// bookmarks, 410 when too old) / patch (merge, JSON, strategic) / create / delete, the /status
// subresource, Table output for kubectl, Status error bodies, and each Service's /proxy/metrics.
// This class is the server around them (see ResourceApi): authentication and RBAC, injected faults,
// the audit log, and one boundary that answers every failure as a Kubernetes Status.
class ApiServer
{
public:
    ApiServer(ObjectStore &store, ClusterModel &model, ServerOptions options = {});
    ~ApiServer();

    // Binds to host:port (0 picks a free port) and serves on background threads; returns the port
    // or -1 with `error` set.
    int start(const std::string &host, int port, std::string *error);
    bool https() const { return !m_options.tlsCertFile.empty(); }
    void stop();
    // Called after each write a client makes (a 2xx answer to POST, PUT, PATCH or DELETE), on the
    // worker that served it. Set before start().
    void setOnClientWrite(std::function<void()> wrote) { m_onClientWrite = std::move(wrote); }

private:
    void routes();
    void routeBoundary();
    void routeAuthentication();
    void routeLogging();
    void routeControl();
    // Wraps a handler: the request has been read (ConnectionGuard), and whatever it throws becomes a
    // 500 Status.
    std::function<void(const httplib::Request &, httplib::Response &)>
    boundary(std::function<void(const httplib::Request &, httplib::Response &)> handler);
    bool applyFaults(const httplib::Request &req, httplib::Response &res, bool publicInfo);

    ObjectStore &m_store;
    ClusterModel &m_model;
    ServerOptions m_options;
    std::unique_ptr<class Authenticator> m_authenticator;
    std::unique_ptr<class RbacRules> m_rbac;
    std::unique_ptr<class ConnectionGuard> m_guard; // outlives m_server, whose workers it runs
    std::unique_ptr<class ResourceApi> m_resources;
    std::string m_rbacError; // also a bad --faults plan: start() refuses with it
    Faults m_faults;
    std::function<void()> m_onClientWrite;
    std::string m_address;
    std::unique_ptr<httplib::Server> m_server;
    struct Listener;
    std::unique_ptr<Listener> m_listener;
};

} // namespace Curtain::Sim
