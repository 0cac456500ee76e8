#include "sim/admission.h"

#include "sim/jsonread.h"
#include "sim/objectstore.h"

#include <httplib.h>

namespace Curtain::Sim {

namespace {

std::string mediaTypeOf(const std::string &contentType)
{
    std::string type = contentType.substr(0, contentType.find(';'));
    while (!type.empty() && type.back() == ' ') {
        type.pop_back();
    }
    return type;
}

bool writes(const httplib::Request &req)
{
    return req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
}

} // namespace

namespace Admission {

std::optional<ApiStatus> bodyLength(const httplib::Request &req)
{
    if (!writes(req) || (req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))) {
        return std::nullopt;
    }
    return ApiStatus{411, "",
                     "curtain-sim needs a Content-Length on writes: it refuses bodies over " +
                         std::to_string(maxBodyBytes) + " bytes before reading them"};
}

std::optional<ApiStatus> jsonBody(const httplib::Request &req)
{
    if (mediaTypeOf(req.get_header_value("Content-Type")) == "application/json") {
        return std::nullopt;
    }
    return ApiStatus{415, "UnsupportedMediaType",
                     "the body of the request was in an unknown format - accepted media types include: "
                     "application/json"};
}

std::optional<ApiStatus> namespaceRefusal(const ResourceType &type, const std::string &ns, const std::string &name,
                                          const nlohmann::json *found, bool mustExist)
{
    if (!type.namespaced) {
        return std::nullopt;
    }
    if (!found) {
        return mustExist ? std::optional(notFound(builtInType("Namespace"), ns)) : std::nullopt;
    }
    if (!fieldAt(*found, "/metadata/deletionTimestamp")) {
        return std::nullopt;
    }
    nlohmann::json details = {{"name", name},
                              {"kind", type.plural},
                              {"causes",
                               {{{"reason", "NamespaceTerminating"},
                                 {"message", "namespace " + ns + " is being terminated"},
                                 {"field", "metadata.namespace"}}}}};
    if (!type.group.empty()) {
        details["group"] = type.group; // kube leaves the core group's empty name out
    }
    return ApiStatus{403, "Forbidden",
                     type.groupResource() + " \"" + name +
                         "\" is forbidden: unable to create new content in namespace " + ns +
                         " because it is being terminated",
                     details};
}

std::optional<ApiStatus> namespaceOpen(const ObjectStore &store, const ResourceType &type, const std::string &ns,
                                       const std::string &name)
{
    if (!type.namespaced) {
        return std::nullopt;
    }
    const auto found = store.get(builtInType("Namespace"), {}, ns);
    const auto *object = std::get_if<nlohmann::json>(&found);
    return namespaceRefusal(type, ns, name, object, true);
}

std::optional<ApiStatus> namespaceDeletable(const ResourceType &type, const std::string &name)
{
    if (!type.builtin || type.kind != "Namespace" ||
        (name != "default" && name != "kube-system" && name != "kube-public")) {
        return std::nullopt;
    }
    return ApiStatus{403,
                     "Forbidden",
                     "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted",
                     {{"name", name}, {"kind", "namespaces"}}};
}

} // namespace Admission

ApiStatus statusForCode(int code)
{
    switch (code) {
    case 400:
        return badRequest("the server could not read the request");
    case 404:
        return noSuchPath();
    case 405:
        return methodNotAllowed();
    case 413:
        return {413, "RequestEntityTooLarge", "Request entity too large: limit is " + std::to_string(maxBodyBytes)};
    case 414:
        return {414, "", "the request URI is too long"};
    case 500:
        return internalError("the request failed inside the server");
    default:
        return {code, "",
                "the server responded with the status code " + std::to_string(code) +
                    " but did not return more information"};
    }
}

} // namespace Curtain::Sim
