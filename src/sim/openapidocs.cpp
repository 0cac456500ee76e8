#include "sim/openapidocs.h"

#include "sim/resourcetypes.h"

#include <cstdio>
#include <functional>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

// "api/v1" for the core group, "apis/<group>/<version>" for the others: the key kubectl looks up.
std::string groupVersionPath(const ResourceType &type)
{
    return type.group.empty() ? "api/" + type.version : "apis/" + type.group + "/" + type.version;
}

json queryParameter(const std::string &name, const std::string &description)
{
    return {{"name", name},
            {"in", "query"},
            {"description", description},
            {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
}

// What every write takes; fieldValidation is the one kubectl looks for.
json writeParameters(bool patch)
{
    json parameters = json::array(
        {queryParameter("dryRun", "When present, the change is checked and answered but not stored (All)."),
         queryParameter("fieldManager", "The name of the actor making the change."),
         queryParameter("fieldValidation",
                        "How unknown fields in the request are treated: Ignore, Warn (the default) or Strict.")});
    if (patch) {
        parameters.push_back(queryParameter("force", "Not served: server-side apply is not supported."));
    }
    return parameters;
}

json operation(const ResourceType &type, const std::string &id, const std::string &action, json parameters)
{
    return {
        {"operationId", id + type.kind},
        {"tags", json::array({type.group.empty() ? "core_" + type.version : type.group + "_" + type.version})},
        {"x-kubernetes-action", action},
        {"x-kubernetes-group-version-kind", {{"group", type.group}, {"version", type.version}, {"kind", type.kind}}},
        {"parameters", std::move(parameters)},
        {"responses", {{"200", {{"description", "OK"}}}, {"401", {{"description", "Unauthorized"}}}}}};
}

// The paths of one type: its collection and its named objects (namespaced under /namespaces/{namespace}).
void addPaths(json &paths, const ResourceType &type)
{
    const std::string base = "/" + groupVersionPath(type) + (type.namespaced ? "/namespaces/{namespace}/" : "/");
    const std::string collection = base + type.plural;
    const bool reviewOnly = type.kind.rfind("SelfSubject", 0) == 0; // create only, as kube serves them
    paths[collection]["post"] = operation(type, "create", "post", writeParameters(false));
    if (reviewOnly) {
        return;
    }
    paths[collection]["get"] = operation(type, "list", "list", json::array());
    const std::string item = collection + "/{name}";
    paths[item]["get"] = operation(type, "read", "get", json::array());
    paths[item]["put"] = operation(type, "replace", "put", writeParameters(false));
    paths[item]["patch"] = operation(type, "patch", "patch", writeParameters(true));
    paths[item]["delete"] = operation(type, "delete", "delete", json::array());
    if (type.hasStatus) {
        paths[item + "/status"]["patch"] = operation(type, "patchStatus", "patch", writeParameters(true));
    }
}

std::string hashOf(const json &document)
{
    char text[17];
    std::snprintf(text, sizeof text, "%016zX", std::hash<std::string>{}(document.dump()));
    return text;
}

} // namespace

json openApiV3Document(const std::string &path)
{
    json paths = json::object();
    for (const ResourceType &type : resourceTypes()) {
        if (groupVersionPath(type) == path) {
            addPaths(paths, type);
        }
    }
    if (paths.empty()) {
        return nullptr;
    }
    return {{"openapi", "3.0.0"},
            {"info", {{"title", "Kubernetes"}, {"version", "v1.30.0-curtain-sim"}}},
            {"paths", std::move(paths)},
            {"components", {{"schemas", json::object()}}}};
}

json openApiV3Root()
{
    json paths = json::object();
    for (const ResourceType &type : resourceTypes()) {
        const std::string path = groupVersionPath(type);
        if (!paths.contains(path)) {
            // The hash changes with the document, so a client's cached copy is never stale.
            paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hashOf(openApiV3Document(path))}};
        }
    }
    return {{"paths", std::move(paths)}};
}

} // namespace Curtain::Sim
