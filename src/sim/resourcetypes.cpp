#include "sim/resourcetypes.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace Curtain::Sim {

using nlohmann::json;

const std::vector<ResourceType> &resourceTypes()
{
    static const std::vector<ResourceType> types = {
        {"", "v1", "namespaces", "namespace", "Namespace", false, true, true, false, {"ns"}},
        {"", "v1", "nodes", "node", "Node", false, true, true, false, {"no"}},
        {"", "v1", "services", "service", "Service", true, true, true, false, {"svc"}},
        {"", "v1", "pods", "pod", "Pod", true, true, true, false, {"po"}},
        {"", "v1", "endpoints", "endpoints", "Endpoints", true, true, false, false, {"ep"}},
        {"discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, true, false, true, {}},
        {"", "v1", "configmaps", "configmap", "ConfigMap", true, true, false, false, {"cm"}},
        {"", "v1", "events", "event", "Event", true, true, false, false, {"ev"}, "events"},
        {"events.k8s.io", "v1", "events", "event", "Event", true, true, false, false, {}, "events"},
        {"apps", "v1", "deployments", "deployment", "Deployment", true, true, true, true, {"deploy"}},
        {"apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, true, true, true, {"rs"}},
        {"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, true, true, true, {"ing"}},
        // Custom resources of the controllers and meshes Curtain drives (as their CRDs define them).
        {"argoproj.io", "v1alpha1", "rollouts", "rollout", "Rollout", true, false, true, true, {"ro"}},
        {"argoproj.io", "v1alpha1", "analysisruns", "analysisrun", "AnalysisRun", true, false, true, true, {"ar"}},
        {"networking.istio.io",
         "v1",
         "virtualservices",
         "virtualservice",
         "VirtualService",
         true,
         false,
         true,
         true,
         {"vs"}},
        {"networking.istio.io",
         "v1beta1",
         "virtualservices",
         "virtualservice",
         "VirtualService",
         true,
         false,
         true,
         true,
         {"vs"}},
        {"split.smi-spec.io",
         "v1alpha4",
         "trafficsplits",
         "trafficsplit",
         "TrafficSplit",
         true,
         false,
         false,
         true,
         {"ts"}},
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
        {"authentication.k8s.io",
         "v1",
         "selfsubjectreviews",
         "selfsubjectreview",
         "SelfSubjectReview",
         false,
         true,
         false,
         false,
         {}},
        {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, true, false, false, {}},
        {"gateway.networking.k8s.io", "v1", "httproutes", "httproute", "HTTPRoute", true, false, true, true, {}},
        // Flagger's Canary, with the status subresource its CRD declares (and no short name).
        {"flagger.app", "v1beta1", "canaries", "canary", "Canary", true, false, true, true, {}},
        // The OpenFeature Operator's flag definitions, which flagd reads.
        {"core.openfeature.dev", "v1beta1", "featureflags", "featureflag", "FeatureFlag", true, false, true, true, {}},
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

const ResourceType &builtInType(const std::string &kind)
{
    const ResourceType *type = findResourceTypeByKind(kind);
    if (type == nullptr) {
        throw std::logic_error("curtain-sim names a kind it does not serve: " + kind);
    }
    return *type;
}

json apiVersionsDocument(const std::string &serverAddress)
{
    return {{"kind", "APIVersions"},
            {"versions", {"v1"}},
            {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}}}};
}

json apiGroupListDocument()
{
    // group → its versions, preferred first (the order of resourceTypes()); groups sorted by name
    std::map<std::string, std::vector<std::string>> groups;
    for (const ResourceType &type : resourceTypes()) {
        auto &versions = groups[type.group];
        if (!type.group.empty() && std::find(versions.begin(), versions.end(), type.version) == versions.end()) {
            versions.push_back(type.version);
        }
    }
    json list = {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", json::array()}};
    for (const auto &[group, versions] : groups) {
        if (group.empty()) {
            continue;
        }
        json entries = json::array();
        for (const std::string &version : versions) {
            entries.push_back({{"groupVersion", group + "/" + version}, {"version", version}});
        }
        list["groups"].push_back({{"name", group}, {"versions", entries}, {"preferredVersion", entries[0]}});
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
        json verbs = type.kind.rfind("SelfSubject", 0) == 0 ? json{"create"} : json{"create", "delete", "get",  "list",
                                                                                    "patch",  "update", "watch"};
        json resource = {{"name", type.plural},
                         {"singularName", type.singular},
                         {"namespaced", type.namespaced},
                         {"kind", type.kind},
                         {"verbs", verbs}};
        if (!type.shortNames.empty()) {
            resource["shortNames"] = type.shortNames;
        }
        if (type.kind == "Deployment" || type.kind == "Service" || type.kind == "ReplicaSet" || type.kind == "Pod") {
            resource["categories"] = {"all"};
        } else if (type.group == "argoproj.io") {
            resource["categories"] = {"all", "argoproj"}; // as Argo's CRDs declare
        } else if (type.kind == "Canary") {
            resource["categories"] = {"all"}; // as Flagger's CRD declares
        }
        resources.push_back(resource);
        if (type.kind == "Pod") {
            resources.push_back({{"name", "pods/log"},
                                 {"singularName", ""},
                                 {"namespaced", true},
                                 {"kind", "Pod"},
                                 {"verbs", {"get"}}});
        }
        if (type.kind == "Deployment" || type.kind == "ReplicaSet") {
            resources.push_back({{"name", type.plural + "/scale"},
                                 {"singularName", ""},
                                 {"namespaced", true},
                                 {"group", "autoscaling"},
                                 {"version", "v1"},
                                 {"kind", "Scale"},
                                 {"verbs", {"get", "patch", "update"}}});
        }
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
