#include "sim/workloaddefaults.h"

#include "sim/defaulting.h"
#include "sim/jsonread.h"
#include "sim/quantity.h"

#include <optional>
#include <string>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

// The object at `field`, made when absent; null when something else is there.
json *objectAt(json &parent, const char *field)
{
    json &value = parent[field];
    if (value.is_null()) {
        value = json::object();
    }
    return value.is_object() ? &value : nullptr;
}

// As kube's SetDefaults_Container: "nginx", "nginx:latest" (with a digest too) and
// "registry:5000/web" are pulled every time; another tag or a digest pins the image.
std::string pullPolicyFor(const json &image)
{
    if (!image.is_string() || image.get_ref<const std::string &>().empty()) {
        return "IfNotPresent"; // no reference kube can parse
    }
    const std::string &reference = image.get_ref<const std::string &>();
    const std::size_t at = reference.find('@');
    const std::string name = reference.substr(0, at);
    const std::size_t slash = name.rfind('/');
    const std::size_t colon = name.rfind(':');
    const bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
    const std::string tag = tagged ? name.substr(colon + 1) : std::string();
    return tag == "latest" || (tag.empty() && at == std::string::npos) ? "Always" : "IfNotPresent";
}

void defaultProbe(json &container, const char *field)
{
    json &probe = container[field];
    if (!probe.is_object()) {
        if (probe.is_null()) {
            container.erase(field);
        }
        return;
    }
    keepOrSet(probe, "timeoutSeconds", 1, true);
    keepOrSet(probe, "periodSeconds", 10, true);
    keepOrSet(probe, "successThreshold", 1, true);
    keepOrSet(probe, "failureThreshold", 3, true);
    if (probe.contains("httpGet") && probe["httpGet"].is_object()) {
        keepOrSet(probe["httpGet"], "path", "/");
        keepOrSet(probe["httpGet"], "scheme", "HTTP");
    }
}

void defaultContainers(json &spec, const char *field)
{
    if (!spec.contains(field) || !spec[field].is_array()) {
        return;
    }
    for (json &container : spec[field]) {
        if (!container.is_object()) {
            continue;
        }
        keepOrSet(container, "imagePullPolicy", pullPolicyFor(container.value("image", json())));
        keepOrSet(container, "terminationMessagePath", "/dev/termination-log");
        keepOrSet(container, "terminationMessagePolicy", "File");
        keepOrSet(container, "resources", json::object());
        if (container.contains("ports") && container["ports"].is_array()) {
            for (json &port : container["ports"]) {
                if (port.is_object()) {
                    keepOrSet(port, "protocol", "TCP");
                }
            }
        }
        for (const char *probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
            if (container.contains(probe)) {
                defaultProbe(container, probe);
            }
        }
    }
}

void defaultPodSpec(json &spec)
{
    keepOrSet(spec, "restartPolicy", "Always");
    keepOrSet(spec, "terminationGracePeriodSeconds", 30);
    keepOrSet(spec, "dnsPolicy", "ClusterFirst");
    keepOrSet(spec, "securityContext", json::object());
    keepOrSet(spec, "schedulerName", "default-scheduler");
    defaultContainers(spec, "initContainers");
    defaultContainers(spec, "containers");
}

} // namespace

void defaultPodTemplate(json &podTemplate)
{
    if (podTemplate.is_object() && podTemplate.contains("spec") && podTemplate["spec"].is_object()) {
        defaultPodSpec(podTemplate["spec"]);
    }
}

void defaultWorkload(const ResourceType &type, json &object)
{
    if (!type.builtin || !object.is_object() || !object.contains("spec") || !object["spec"].is_object()) {
        return;
    }
    json &spec = object["spec"];
    if (type.kind == "Deployment") {
        keepOrSet(spec, "replicas", 1);
        keepOrSet(spec, "revisionHistoryLimit", 10);
        keepOrSet(spec, "progressDeadlineSeconds", 600);
        if (json *strategy = objectAt(spec, "strategy")) {
            keepOrSet(*strategy, "type", "RollingUpdate");
            if ((*strategy)["type"] == "RollingUpdate") {
                if (json *rolling = objectAt(*strategy, "rollingUpdate")) {
                    keepOrSetUnlessGiven(*rolling, "maxUnavailable", "25%");
                    keepOrSetUnlessGiven(*rolling, "maxSurge", "25%");
                }
            }
        }
        if (spec.contains("template")) {
            defaultPodTemplate(spec["template"]);
        }
    } else if (type.kind == "ReplicaSet") {
        keepOrSet(spec, "replicas", 1);
        if (spec.contains("template")) {
            defaultPodTemplate(spec["template"]);
        }
    } else if (type.kind == "Pod") {
        keepOrSet(spec, "enableServiceLinks", true);
        defaultPodSpec(spec);
    }
}

namespace {

// kube's GetPodQOS over the containers and init containers, for CPU and memory: only quantities
// above zero count, and Guaranteed needs both limits on every container with requests equal to
// them (a request is never above its limit, so kube's comparison of the sums comes to the same).
std::string qosClass(const json &pod)
{
    const json zero = "0";
    const auto positive = [&zero](const json *quantity) {
        return quantity && compareQuantities(*quantity, zero) == std::optional<int>(1);
    };
    bool any = false;
    bool guaranteed = true;
    for (const char *list : {"/spec/containers", "/spec/initContainers"}) {
        const json containers = valueAt(pod, list, json::array());
        for (const json &container : containers.is_array() ? containers : json::array()) {
            for (const char *resource : {"cpu", "memory"}) {
                const json *request = fieldAt(container, std::string("/resources/requests/") + resource);
                const json *limit = fieldAt(container, std::string("/resources/limits/") + resource);
                any = any || positive(request) || positive(limit);
                guaranteed = guaranteed && positive(request) && positive(limit) &&
                             compareQuantities(*request, *limit) == std::optional<int>(0);
            }
        }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

} // namespace

void setCreatedPodStatus(json &pod)
{
    if (pod.is_object()) {
        pod["status"] = {{"phase", "Pending"}, {"qosClass", qosClass(pod)}};
    }
}

} // namespace Curtain::Sim
