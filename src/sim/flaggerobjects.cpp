#include "sim/flaggerobjects.h"

#include "sim/jsonread.h"
#include "sim/rolloutcontroller.h"

#include <cstdio>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

const char *const toolkitMarker = "toolkit.fluxcd.io"; // Flux's own metadata, which Flagger never copies
const char *const mergePatch = "application/merge-patch+json";

json withoutToolkit(const json &map)
{
    json out = json::object();
    for (auto it = map.begin(); map.is_object() && it != map.end(); ++it) {
        if (it.key().find(toolkitMarker) == std::string::npos) {
            out[it.key()] = it.value();
        }
    }
    return out;
}

// The target's own labels Flagger copies to the primary Deployment: those under -include-label-prefix,
// which the sim's Flagger runs with as app.kubernetes.io (Flagger's kustomize installs) and
// curtain.dev (so the console finds the primary of a release it watches).
json includedLabels(const json &labels)
{
    json out = json::object();
    for (auto it = labels.begin(); labels.is_object() && it != labels.end(); ++it) {
        const std::string &key = it.key();
        if (key.find(toolkitMarker) == std::string::npos &&
            (key.rfind("app.kubernetes.io", 0) == 0 || key.rfind("curtain.dev", 0) == 0)) {
            out[key] = it.value();
        }
    }
    return out;
}

// makeAnnotations: the template's annotations with a fresh flagger-id, so the pods roll.
json podAnnotations(const json &annotations, const std::string &seed)
{
    json out = withoutToolkit(annotations);
    const std::string a = RolloutController::podTemplateHash(seed);
    const std::string b = RolloutController::podTemplateHash(seed + a);
    char id[64];
    std::snprintf(id, sizeof id, "%.8s-%.4s-4%.3s-8%.3s-%.6s%.6s", (a + b).c_str(), b.c_str(), a.c_str() + 4,
                  b.c_str() + 4, a.c_str(), b.c_str());
    out["flagger-id"] = id;
    return out;
}

} // namespace

FlaggerObjects::FlaggerObjects(ObjectStore &store, const json &canaryObject, const FlaggerCanary &canary,
                               std::pair<std::string, std::string> label)
    : m_store(store), m_object(canaryObject), m_canary(canary), m_label(std::move(label))
{}

std::optional<std::pair<std::string, std::string>> FlaggerObjects::selectorLabel(const json &deployment)
{
    // Flagger's default -selector-labels, in its order.
    for (const char *label : {"app", "name", "app.kubernetes.io/name"}) {
        const json selector = valueAt(deployment, "/spec/selector/matchLabels", json::object());
        if (selector.is_object() && selector.contains(label) && selector[label].is_string()) {
            return std::make_pair(std::string(label), selector[label].get<std::string>());
        }
    }
    return std::nullopt;
}

std::optional<std::string> FlaggerObjects::notReady(const json &deployment)
{
    const std::string waiting = "waiting for rollout to finish: ";
    if (integerAt(deployment, "/metadata/generation", 1) > integerAt(deployment, "/status/observedGeneration", 0)) {
        return waiting + "observed deployment generation less than desired generation";
    }
    const long long updated = integerAt(deployment, "/status/updatedReplicas", 0);
    const long long replicas = integerAt(deployment, "/spec/replicas", 1);
    if (updated < replicas) {
        return waiting + std::to_string(updated) + " out of " + std::to_string(replicas) +
               " new replicas have been updated";
    }
    if (const long long old = integerAt(deployment, "/status/replicas", 0) - updated; old > 0) {
        return waiting + std::to_string(old) + " old replicas are pending termination";
    }
    // readyThreshold is 100 % unless the analysis says otherwise; the sim's Canaries never do.
    if (const long long available = integerAt(deployment, "/status/availableReplicas", 0); available < updated) {
        return waiting + std::to_string(available) + " of " + std::to_string(updated) +
               " (readyThreshold 100%) updated replicas are available";
    }
    return std::nullopt;
}

std::string FlaggerObjects::templateHash(const json &deployment)
{
    return RolloutController::podTemplateHash(valueAt(deployment, "/spec/template", json::object()));
}

json FlaggerObjects::ownerReferences() const
{
    return json::array({{{"apiVersion", "flagger.app/v1beta1"},
                         {"kind", "Canary"},
                         {"name", m_canary.name},
                         {"uid", textAt(m_object, "/metadata/uid")},
                         {"controller", true},
                         {"blockOwnerDeletion", true}}});
}

json FlaggerObjects::primaryLabels(const json &labels) const
{
    json out = withoutToolkit(labels);
    out[m_label.first] = m_label.second + "-primary";
    return out;
}

std::optional<json> FlaggerObjects::deployment(const std::string &name) const
{
    const auto found = m_store.get(builtInType("Deployment"), m_canary.namespaceName, name);
    return std::holds_alternative<json>(found) ? std::optional<json>(std::get<json>(found)) : std::nullopt;
}

void FlaggerObjects::reconcileServices(bool apex)
{
    const json targetPort = valueAt(m_object, "/spec/service/targetPort", json(m_canary.port));
    const std::string portName = textAt(m_object, "/spec/service/portName", "http");
    const json ports = json::array({{{"name", portName.empty() ? "http" : portName},
                                     {"protocol", "TCP"},
                                     {"port", m_canary.port},
                                     {"targetPort", targetPort.is_null() ? json(m_canary.port) : targetPort}}});
    const std::string primaryPods = m_label.second + "-primary";
    std::vector<std::pair<std::string, std::string>> services; // name, the pods it selects
    if (apex) {
        services = {{m_canary.serviceName, primaryPods}};
    } else {
        services = {{m_canary.canaryService(), m_label.second}, {m_canary.primaryService(), primaryPods}};
    }
    for (const auto &[name, pods] : services) {
        const json selector = {{m_label.first, pods}};
        const auto found = m_store.get(builtInType("Service"), m_canary.namespaceName, name);
        if (!std::holds_alternative<json>(found)) {
            json service = {{"apiVersion", "v1"},
                            {"kind", "Service"},
                            {"metadata",
                             {{"name", name},
                              {"namespace", m_canary.namespaceName},
                              {"labels", {{m_label.first, name}}},
                              {"ownerReferences", ownerReferences()}}},
                            {"spec", {{"type", "ClusterIP"}, {"selector", selector}, {"ports", ports}}}};
            m_store.create(builtInType("Service"), m_canary.namespaceName, service);
            continue;
        }
        const json &existing = std::get<json>(found);
        if (valueAt(existing, "/spec/selector", json()) != selector ||
            valueAt(existing, "/spec/ports", json()) != ports) {
            // A JSON patch replaces the selector whole, as Flagger's update does (a merge patch would keep extra keys).
            const json patch = json::array({{{"op", "add"}, {"path", "/spec/selector"}, {"value", selector}},
                                            {{"op", "add"}, {"path", "/spec/ports"}, {"value", ports}}});
            m_store.patch(builtInType("Service"), m_canary.namespaceName, name, "application/json-patch+json",
                          patch.dump(), false);
        }
    }
}

bool FlaggerObjects::ensurePrimary(const json &target)
{
    if (deployment(m_canary.primaryDeployment())) {
        return true;
    }
    const json podTemplate = valueAt(target, "/spec/template", json::object());
    const long long replicas = integerAt(target, "/spec/replicas", 1);
    json spec = {{"replicas", replicas > 0 ? replicas : 1},
                 {"selector", {{"matchLabels", {{m_label.first, m_label.second + "-primary"}}}}},
                 {"template",
                  {{"metadata",
                    {{"labels", primaryLabels(valueAt(podTemplate, "/metadata/labels", json::object()))},
                     {"annotations", podAnnotations(valueAt(podTemplate, "/metadata/annotations", json::object()),
                                                    templateHash(target) + m_canary.primaryDeployment())}}},
                   {"spec", valueAt(podTemplate, "/spec", json::object())}}}};
    for (const char *field : {"strategy", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"}) {
        if (const json *value = fieldAt(target, ("/spec/" + std::string(field)).c_str()); value) {
            spec[field] = *value;
        }
    }
    const json primary = {
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata",
         {{"name", m_canary.primaryDeployment()},
          {"namespace", m_canary.namespaceName},
          {"labels", primaryLabels(includedLabels(valueAt(target, "/metadata/labels", json::object())))},
          {"annotations", withoutToolkit(valueAt(target, "/metadata/annotations", json::object()))},
          {"ownerReferences", ownerReferences()}}},
        {"spec", spec}};
    return std::holds_alternative<json>(m_store.create(builtInType("Deployment"), m_canary.namespaceName, primary));
}

void FlaggerObjects::promote(const json &target)
{
    const json podTemplate = valueAt(target, "/spec/template", json::object());
    // Read, change and write back under the read's resourceVersion, again if someone wrote between.
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto primary = deployment(m_canary.primaryDeployment());
        if (!primary) {
            return;
        }
        // Built from copies: a primary some client reshaped is rewritten, not written into.
        json spec = valueAt(*primary, "/spec", json::object());
        json templateMetadata = valueAt(spec, "/template/metadata", json::object());
        if (!spec.is_object() || !templateMetadata.is_object()) {
            return;
        }
        for (const char *field : {"strategy", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"}) {
            if (const json *value = fieldAt(target, ("/spec/" + std::string(field)).c_str()); value) {
                spec[field] = *value;
            }
        }
        spec["replicas"] = integerAt(target, "/spec/replicas", 1);
        templateMetadata["labels"] = primaryLabels(valueAt(podTemplate, "/metadata/labels", json::object()));
        templateMetadata["annotations"] =
            podAnnotations(valueAt(podTemplate, "/metadata/annotations", json::object()),
                           templateHash(target) + textAt(*primary, "/metadata/resourceVersion"));
        spec["template"] = {{"metadata", templateMetadata}, {"spec", valueAt(podTemplate, "/spec", json::object())}};
        (*primary)["spec"] = spec;
        (*primary)["metadata"]["annotations"] =
            withoutToolkit(valueAt(target, "/metadata/annotations", json::object()));
        (*primary)["metadata"]["labels"] =
            primaryLabels(includedLabels(valueAt(target, "/metadata/labels", json::object())));
        const auto written = m_store.update(builtInType("Deployment"), m_canary.namespaceName,
                                            m_canary.primaryDeployment(), primary->dump(), false);
        if (std::holds_alternative<json>(written) || std::get<ApiStatus>(written).code != 409) {
            return;
        }
    }
}

void FlaggerObjects::scale(const std::string &name, long long replicas)
{
    const auto found = deployment(name);
    if (found && integerAt(*found, "/spec/replicas", 1) != replicas) {
        m_store.patch(builtInType("Deployment"), m_canary.namespaceName, name, mergePatch,
                      json{{"spec", {{"replicas", replicas}}}}.dump(), false);
    }
}

json FlaggerObjects::routeSpec(long long primaryWeight, long long canaryWeight) const
{
    auto backend = [&](const std::string &name, long long weight) {
        return json{{"group", ""}, {"kind", "Service"}, {"name", name}, {"port", m_canary.port}, {"weight", weight}};
    };
    json spec = {
        {"rules",
         {{{"matches", {{{"path", {{"type", "PathPrefix"}, {"value", "/"}}}}}},
           {"backendRefs",
            {backend(m_canary.primaryService(), primaryWeight), backend(m_canary.canaryService(), canaryWeight)}}}}}};
    if (!m_canary.gatewayRefs.empty()) {
        spec["parentRefs"] = m_canary.gatewayRefs;
    }
    if (!m_canary.hosts.empty()) {
        spec["hostnames"] = m_canary.hosts;
    }
    return spec;
}

std::optional<std::string> FlaggerObjects::reconcileRoute()
{
    if (m_canary.provider.rfind("gatewayapi", 0) == 0 && m_canary.gatewayRefs.empty()) {
        return std::string("GatewayRefs must be specified when using Gateway API as a provider.");
    }
    const ResourceType &routeType = builtInType("HTTPRoute");
    const auto found = m_store.get(routeType, m_canary.namespaceName, m_canary.serviceName);
    if (!std::holds_alternative<json>(found)) {
        const json route = {{"apiVersion", "gateway.networking.k8s.io/v1"},
                            {"kind", "HTTPRoute"},
                            {"metadata", {{"name", m_canary.serviceName}, {"namespace", m_canary.namespaceName}}},
                            {"spec", routeSpec(100, 0)}};
        const auto created = m_store.create(routeType, m_canary.namespaceName, route);
        if (const auto *error = std::get_if<ApiStatus>(&created)) {
            return "HTTPRoute " + m_canary.serviceName + "." + m_canary.namespaceName +
                   " create error: " + error->message;
        }
        return std::nullopt;
    }
    // Flagger compares the spec without the weights and writes it back whole when it differs.
    std::string ignored;
    const auto weights = routes(&ignored).value_or(std::make_pair(100LL, 0LL));
    const json desired = routeSpec(weights.first, weights.second);
    if (valueAt(std::get<json>(found), "/spec", json()) != desired) {
        m_store.patch(routeType, m_canary.namespaceName, m_canary.serviceName, "application/json-patch+json",
                      json::array({{{"op", "add"}, {"path", "/spec"}, {"value", desired}}}).dump(), false);
    }
    return std::nullopt;
}

std::optional<std::pair<long long, long long>> FlaggerObjects::routes(std::string *problem) const
{
    const auto found = m_store.get(builtInType("HTTPRoute"), m_canary.namespaceName, m_canary.serviceName);
    if (const auto *error = std::get_if<ApiStatus>(&found)) {
        *problem = "HTTPRoute " + m_canary.serviceName + "." + m_canary.namespaceName + " get error: " + error->message;
        return std::nullopt;
    }
    std::pair<long long, long long> weights{0, 0};
    // The rule with two backendRefs is the weighted one (an A/B route has a second, single one).
    for (const json &rule : valueAt(std::get<json>(found), "/spec/rules", json::array())) {
        const json refs = valueAt(rule, "/backendRefs", json::array());
        if (!refs.is_array() || refs.size() != 2) {
            continue;
        }
        for (const json &ref : refs) {
            const std::string name = textAt(ref, "/name");
            if (name == m_canary.primaryService()) {
                weights.first = integerAt(ref, "/weight", 1);
            } else if (name == m_canary.canaryService()) {
                weights.second = integerAt(ref, "/weight", 1);
            }
        }
    }
    return weights;
}

void FlaggerObjects::setRoutes(long long primaryWeight, long long canaryWeight)
{
    const json patch =
        json::array({{{"op", "add"}, {"path", "/spec"}, {"value", routeSpec(primaryWeight, canaryWeight)}}});
    m_store.patch(builtInType("HTTPRoute"), m_canary.namespaceName, m_canary.serviceName, "application/json-patch+json",
                  patch.dump(), false);
}

} // namespace Curtain::Sim
