#pragma once

#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace Curtain::Sim {

// A metav1.Status failure, exactly as the API server writes it.
struct ApiStatus
{
    int code = 500;
    std::string reason;
    std::string message;
    nlohmann::json details = nullptr;

    nlohmann::json toJson() const;
};

template <typename T>
using Outcome = std::variant<T, ApiStatus>;

ApiStatus notFound(const ResourceType &type, const std::string &name);
// 409 "Operation cannot be fulfilled on <resource> "<name>": <why>" (a precondition or version).
ApiStatus conflict(const ResourceType &type, const std::string &name, const std::string &why);
ApiStatus badRequest(const std::string &message);
// What kube-apiserver answers for a path, or a method on it, that it has no handler for
// (NewGenericServerResponse): with an empty "details", which clients read (kubectl debug follows it).
ApiStatus noSuchPath();       // 404 "the server could not find the requested resource"
ApiStatus methodNotAllowed(); // 405 "the server does not allow this method on the requested resource"
// An unexpected failure inside the sim, as kube-apiserver reports one of its own (NewInternalError).
ApiStatus internalError(const std::string &what);

} // namespace Curtain::Sim
