#pragma once

#include "sim/apistatus.h"
#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace httplib {
struct Request;
} // namespace httplib

namespace Curtain::Sim {

class ObjectStore;

// kube-apiserver refuses write bodies over 3 MiB (MaxRequestBodyBytes) with 413.
constexpr std::size_t maxBodyBytes = 3 * 1024 * 1024;

// What the sim checks about a request before a handler or the store sees it, each answering the
// Status a client gets, or nothing when the request may go on.
namespace Admission {

// A write must say how long its body is: cpp-httplib reads a chunked or length-less body whole,
// with no limit, so the sim refuses those instead of reading them (411).
std::optional<ApiStatus> bodyLength(const httplib::Request &req);
// Creates and updates take JSON only (415); patch types are the store's to check.
std::optional<ApiStatus> jsonBody(const httplib::Request &req);
// NamespaceLifecycle: objects are created only in a namespace that exists (404) and is not being
// deleted (403); `name` is the new object's, for the message.
std::optional<ApiStatus> namespaceOpen(const ObjectStore &store, const ResourceType &type, const std::string &ns,
                                       const std::string &name);
// The same for a namespace already looked up (`found`, null when there is none), as the store checks
// under its lock: a terminating namespace refuses every create, a controller's too; a missing one
// refuses a client's (`mustExist`).
std::optional<ApiStatus> namespaceRefusal(const ResourceType &type, const std::string &ns, const std::string &name,
                                          const nlohmann::json *found, bool mustExist);
// NamespaceLifecycle: default, kube-system and kube-public are never deleted (403).
std::optional<ApiStatus> namespaceDeletable(const ResourceType &type, const std::string &name);

} // namespace Admission

// The Status for an error cpp-httplib answers by itself: a request it cannot parse (400), a path no
// route serves (404), a body over the limit (413), an unreadable URI (414).
ApiStatus statusForCode(int code);

} // namespace Curtain::Sim
