#pragma once

#include "sim/apistatus.h"
#include "sim/fieldvalidation.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace Curtain::Sim {

class ClusterModel;
class ConnectionGuard;
class Faults;
class ObjectStore;
class RbacRules;
struct ResourceType;
struct Target;

// The handlers of resource requests under /api and /apis: discovery, get, list (chunked with
// limit+continue), watch, patch, update, create and delete, the /status subresource,
// SelfSubjectAccessReview and the service proxy (each Service's /proxy/metrics, a flagger-loadtester's
// gate API). Each answers one request;
// ApiServer puts them behind its authentication and its catching boundary.
// The one user every request the sim lets through is made as (SelfSubjectReview, 403 messages).
inline constexpr const char *simUser = "curtain-sim-user";

class ResourceApi
{
public:
    ResourceApi(ObjectStore &store, ClusterModel &model, Faults &faults, ConnectionGuard &guard, const RbacRules *rbac);

    void get(const httplib::Request &req, httplib::Response &res);
    void patch(const httplib::Request &req, httplib::Response &res);
    void update(const httplib::Request &req, httplib::Response &res);
    void create(const httplib::Request &req, httplib::Response &res);
    void remove(const httplib::Request &req, httplib::Response &res);

private:
    void list(const httplib::Request &req, httplib::Response &res, const Target &target);
    void proxy(const httplib::Request &req, httplib::Response &res, const Target &target);
    void proxyMetrics(httplib::Response &res, const Target &target);
    void podLog(const httplib::Request &req, httplib::Response &res, const Target &target); // podlogapi.cpp
    // Streams the pod's log from `next` on while the container's `run` lasts (podlogapi.cpp).
    void followLog(httplib::Response &res, const Target &target, std::string text, std::uint64_t next,
                   std::uint64_t run, bool timestamps);
    void accessReview(const nlohmann::json &review, httplib::Response &res);
    void selfReview(httplib::Response &res);
    std::optional<ApiStatus> checkFieldsOf(const httplib::Request &req, httplib::Response &res,
                                           const ResourceType &type, nlohmann::json &object,
                                           FieldBody body = FieldBody::Object, bool *pruned = nullptr) const;
    std::optional<ApiStatus> checkPatchFields(const httplib::Request &req, httplib::Response &res,
                                              const ResourceType &type, std::string *body) const;
    std::optional<ApiStatus> checkScaleFields(const httplib::Request &req, httplib::Response &res,
                                              std::string *body) const;

    ObjectStore &m_store;
    ClusterModel &m_model;
    Faults &m_faults;
    ConnectionGuard &m_guard;
    const RbacRules *m_rbac;
};

} // namespace Curtain::Sim
