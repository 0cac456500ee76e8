#include "sim/resourcetypes.h"

#include <map>

namespace Curtain::Sim {

using nlohmann::json;

const std::vector<ResourceType> &resourceTypes()
{
    static const std::vector<ResourceType> types = {
        {"", "v1", "namespaces", "namespace", "Namespace", false, true, true, false, {"ns"}},
        {"", "v1", "services", "service", "Service", true, true, true, false, {"svc"}},
        {"", "v1", "events", "event", "Event", true, true, false, false, {"ev"}},
        {"apps", "v1", "deployments", "deployment", "Deployment", true, true, true, true, {"deploy"}},
        {"authorization.k8s.io",
         "v1",
         "selfsubjectaccessreviews",
         "selfsubjectaccessreview",
         "SelfSubjectAccessReview",
         false,
         true,
         false,
         false,
         {}},
        {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, true, false, false, {}},
        {"gateway.networking.k8s.io", "v1", "httproutes", "httproute", "HTTPRoute", true, false, true, true, {}},
    };
    return types;
}

const ResourceType *findResourceType(const std::string &group, const std::string &version, const std::string &plural)
{
    for (const ResourceType &type : resourceTypes()) {
        if (type.group == group && type.version == version && type.plural == plural) {
            return &type;
        }
    }
    return nullptr;
}

const ResourceType *findResourceTypeByKind(const std::string &kind)
{
    for (const ResourceType &type : resourceTypes()) {
        if (type.kind == kind) {
            return &type;
        }
    }
    return nullptr;
}

json apiVersionsDocument(const std::string &serverAddress)
{
    return {{"kind", "APIVersions"},
            {"versions", {"v1"}},
            {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}}}};
}

json apiGroupListDocument()
{
    std::map<std::string, std::string> groups; // group → version, in discovery order by name
    for (const ResourceType &type : resourceTypes()) {
        if (!type.group.empty()) {
            groups[type.group] = type.version;
        }
    }
    json list = {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", json::array()}};
    for (const auto &[group, version] : groups) {
        const json gv = {{"groupVersion", group + "/" + version}, {"version", version}};
        list["groups"].push_back({{"name", group}, {"versions", {gv}}, {"preferredVersion", gv}});
    }
    return list;
}

json apiResourceListDocument(const std::string &group, const std::string &version)
{
    json resources = json::array();
    for (const ResourceType &type : resourceTypes()) {
        if (type.group != group || type.version != version) {
            continue;
        }
        json verbs = type.kind == "SelfSubjectAccessReview" ? json{"create"} : json{"create", "delete", "get",  "list",
                                                                                    "patch",  "update", "watch"};
        json resource = {{"name", type.plural},
                         {"singularName", type.singular},
                         {"namespaced", type.namespaced},
                         {"kind", type.kind},
                         {"verbs", verbs}};
        if (!type.shortNames.empty()) {
            resource["shortNames"] = type.shortNames;
        }
        if (type.kind == "Deployment" || type.kind == "Service") {
            resource["categories"] = {"all"};
        }
        resources.push_back(resource);
        if (type.hasStatus) {
            resources.push_back({{"name", type.plural + "/status"},
                                 {"singularName", ""},
                                 {"namespaced", type.namespaced},
                                 {"kind", type.kind},
                                 {"verbs", {"get", "patch", "update"}}});
        }
    }
    if (resources.empty()) {
        return nullptr;
    }
    return {{"kind", "APIResourceList"},
            {"apiVersion", "v1"},
            {"groupVersion", group.empty() ? version : group + "/" + version},
            {"resources", resources}};
}

} // namespace Curtain::Sim
