#pragma once

#include "sim/apistatus.h"
#include "sim/resourcetypes.h"

#include <optional>
#include <string>
#include <vector>

namespace httplib {
struct Request;
} // namespace httplib

namespace Curtain::Sim {

// What a request path addresses, once "/api/v1/…" or "/apis/g/v/…" is taken apart.
struct Target
{
    std::string group;
    std::string version;
    const ResourceType *type = nullptr;
    std::string namespaceName;
    std::string name;
    std::vector<std::string> subresource; // e.g. {"status"} or {"proxy", "metrics"}
    bool discovery = false;               // /api/v1 or /apis/g/v itself
};

// nullopt for paths outside /api and /apis; a Target without a type for an unknown resource.
std::optional<Target> parseTarget(const std::string &path);
// The Kubernetes verb a request needs (get, list, watch, patch, create, update, delete).
std::string verbOf(const httplib::Request &req, const Target &target);
// kube-apiserver's 403 wording (responsewriters/errors.go, forbiddenMessage).
ApiStatus forbidden(const std::string &user, const std::string &verb, const ResourceType &type, const std::string &name,
                    const std::string &ns, const std::string &subresource);

} // namespace Curtain::Sim
