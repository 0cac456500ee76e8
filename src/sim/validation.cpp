#include "sim/validation.h"

#include "sim/jsonbody.h"
#include "sim/namerules.h"
#include "sim/quantity.h"

#include <algorithm>
#include <cctype>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

constexpr long long int32Max = 2147483647;
constexpr std::size_t annotationsMaxBytes = 256 * 1024; // kube's TotalAnnotationSizeLimitB

// The type names of OpenAPI, as a structural schema reports a mismatch.
std::string typeName(const json &value)
{
    switch (value.type()) {
    case json::value_t::object:
        return "object";
    case json::value_t::array:
        return "array";
    case json::value_t::string:
        return "string";
    case json::value_t::boolean:
        return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return "integer";
    case json::value_t::number_float:
        return "number";
    default:
        return "null";
    }
}

bool hasType(const json &value, const std::string &expected)
{
    const std::string actual = typeName(value);
    return actual == expected || (expected == "number" && actual == "integer");
}

// Walks one object and collects its problems, in the words of kube-apiserver's field errors and
// in the order it finds them.
class Checker
{
public:
    explicit Checker(const ResourceType &type) : m_type(type) {}

    const std::vector<FieldError> &errors() const { return m_errors; }

    void fail(const std::string &field, const std::string &detail)
    {
        // kube lists every error; the sim keeps the first thousand, so that a body of 3 MB holding a
        // million wrong values cannot make a Status of gigabytes.
        if (m_errors.size() < maxErrors) {
            m_errors.push_back({field, detail});
        }
    }
    void invalidValue(const std::string &field, const json &value, const std::string &why)
    {
        fail(field, "Invalid value: " + value.dump() + ": " + why);
    }
    // A value of the wrong type, as a structural schema words it; true when the type is right.
    bool typedValue(const json &value, const std::string &field, const std::string &expected)
    {
        if (hasType(value, expected)) {
            return true;
        }
        const std::string actual = typeName(value);
        fail(field, "Invalid value: \"" + actual + "\": " + field + " in body must be of type " + expected + ": \"" +
                        actual + "\"");
        return false;
    }
    // A present value of the wrong type; a missing one passes (see required).
    bool typed(const json &parent, const char *key, const std::string &field, const std::string &expected)
    {
        if (!parent.is_object() || !parent.contains(key)) {
            return true;
        }
        return typedValue(parent[key], field, expected);
    }
    bool required(const json &parent, const char *key, const std::string &field, const std::string &expected)
    {
        if (!parent.is_object() || !parent.contains(key) || parent[key].is_null()) {
            fail(field, "Required value");
            return false;
        }
        return typed(parent, key, field, expected);
    }
    void int32Range(const json &parent, const char *key, const std::string &field, long long minimum)
    {
        if (!typed(parent, key, field, "integer") || !parent.contains(key)) {
            return;
        }
        const json &value = parent[key];
        if (value.is_number_unsigned() && value.get<unsigned long long>() > static_cast<unsigned long long>(int32Max)) {
            invalidValue(field, value, "must be less than or equal to " + std::to_string(int32Max));
        } else if (value.get<long long>() > int32Max) {
            invalidValue(field, value, "must be less than or equal to " + std::to_string(int32Max));
        } else if (value.get<long long>() < minimum) {
            invalidValue(field, value, "must be greater than or equal to " + std::to_string(minimum));
        }
    }

    const ResourceType &type() const { return m_type; }

private:
    static constexpr std::size_t maxErrors = 1000;
    const ResourceType &m_type;
    std::vector<FieldError> m_errors;
};

std::string indexed(const std::string &field, std::size_t i)
{
    return field + "[" + std::to_string(i) + "]";
}

// Each element of the list at parent[key] that is an object, with its field path; others are errors.
template <typename Each>
void forEachObject(Checker &check, const json &parent, const char *key, const std::string &field, Each each)
{
    if (!check.typed(parent, key, field, "array") || !parent.is_object() || !parent.contains(key)) {
        return;
    }
    const json &list = parent[key];
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (check.typedValue(list[i], indexed(field, i), "object")) {
            each(list[i], indexed(field, i));
        }
    }
}

void checkMetadata(Checker &check, const json &metadata)
{
    if (check.required(metadata, "name", "metadata.name", "string")) {
        const std::string &name = metadata["name"].get_ref<const std::string &>();
        if (name.empty()) {
            check.fail("metadata.name", "Required value: name or generateName is required");
        } else {
            for (const std::string &problem : nameProblems(check.type(), name)) {
                check.invalidValue("metadata.name", name, problem);
            }
        }
    }
    check.typed(metadata, "namespace", "metadata.namespace", "string");
    check.typed(metadata, "uid", "metadata.uid", "string");
    std::size_t annotationBytes = 0;
    for (const char *map : {"labels", "annotations"}) {
        const std::string field = std::string("metadata.") + map;
        if (!check.typed(metadata, map, field, "object") || !metadata.contains(map)) {
            continue;
        }
        for (auto it = metadata[map].begin(); it != metadata[map].end(); ++it) {
            // kube checks an annotation's key in lower case: "Example.com/X" is a valid one.
            const bool annotation = std::string(map) == "annotations";
            std::string key = it.key();
            if (annotation) {
                std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
            }
            for (const std::string &problem : qualifiedNameProblems(key)) {
                check.invalidValue(field, it.key(), problem);
            }
            check.typed(metadata[map], it.key().c_str(), field + "[" + it.key() + "]", "string");
            if (std::string(map) == "labels" && it->is_string()) {
                for (const std::string &problem : labelValueProblems(it->get_ref<const std::string &>())) {
                    check.invalidValue(field, it->get_ref<const std::string &>(), problem);
                }
            }
            if (annotation && it->is_string()) {
                annotationBytes += it.key().size() + it->get_ref<const std::string &>().size();
            }
        }
    }
    if (annotationBytes > annotationsMaxBytes) {
        check.fail("metadata.annotations",
                   "Too long: must have at most " + std::to_string(annotationsMaxBytes) + " bytes");
    }
}

std::string quantityWords(const json &quantity)
{
    return quantity.is_string() ? quantity.get<std::string>() : quantity.dump();
}

// One request or limit on its own (kube's validateContainerResourceName and
// ValidateResourceQuantityValue): a known name, not below zero, whole for an extended resource.
// kube prints that last value as a Go struct; the sim as written.
void checkQuantity(Checker &check, const std::string &name, const json &quantity, const std::string &at)
{
    for (const std::string &problem : containerResourceNameProblems(name)) {
        check.invalidValue(at, name, problem);
    }
    if (compareQuantities(quantity, 0).value_or(0) < 0) {
        check.invalidValue(at, quantity, "must be greater than or equal to 0");
    }
    if (isExtendedResource(name) && !isWholeQuantity(quantity).value_or(true)) {
        check.invalidValue(at, quantity, "must be an integer");
    }
}

// Huge pages come in whole pages (kube's validateResourceQuantityHugePageValue), checked last.
void checkHugePages(Checker &check, const std::string &name, const json &quantity, const std::string &at)
{
    if (!isHugePages(name)) {
        return;
    }
    if (!isHugePageMultiple(name.substr(std::string("hugepages-").size()), quantity).value_or(true)) {
        check.invalidValue(at, quantity, quantityWords(quantity) + " is not positive integer multiple of " + name);
    }
}

// A container's requests and limits as kube's ValidateResourceRequirements reads them: each value on
// its own, then every request against its limit (at most the limit; equal to it, and the limit
// required, for what cannot be overcommitted), then huge pages only beside cpu or memory. Their
// text is canonical by now (see canonicalizeQuantities).
void checkResources(Checker &check, const json &container, const std::string &field)
{
    const json resources = container.value("resources", json());
    if (!resources.is_object()) {
        return;
    }
    const json limits = resources.value("limits", json());
    const json requests = resources.value("requests", json());
    bool hugePages = false;
    bool cpuOrMemory = false;
    for (const auto *map : {&limits, &requests}) {
        if (!map->is_object()) {
            continue;
        }
        const bool isRequests = map == &requests;
        const std::string at = field + (isRequests ? ".requests" : ".limits");
        for (const auto &[name, quantity] : map->items()) {
            checkQuantity(check, name, quantity, at + "[" + name + "]");
            hugePages = hugePages || isHugePages(name);
            cpuOrMemory = cpuOrMemory || name == "cpu" || name == "memory";
            const json limit = isRequests && limits.is_object() ? limits.value(name, json()) : json();
            if (isRequests && limit.is_null() && !overcommitAllowed(name)) {
                check.fail(field + ".limits", "Required value: Limit must be set for non overcommitable resources");
            }
            const int order = limit.is_null() ? 0 : compareQuantities(quantity, limit).value_or(0);
            if (order != 0 && !overcommitAllowed(name)) {
                check.invalidValue(at, quantity, "must be equal to " + name + " limit of " + quantityWords(limit));
            } else if (order > 0) {
                check.invalidValue(at, quantity,
                                   "must be less than or equal to " + name + " limit of " + quantityWords(limit));
            }
            checkHugePages(check, name, quantity, at + "[" + name + "]");
        }
    }
    if (hugePages && !cpuOrMemory) {
        check.fail(field, "Forbidden: HugePages require cpu or memory");
    }
}

void checkPodTemplate(Checker &check, const json &spec)
{
    if (!check.required(spec, "template", "spec.template", "object") ||
        !check.required(spec["template"], "spec", "spec.template.spec", "object")) {
        return;
    }
    const json &podSpec = spec["template"]["spec"];
    if (!check.required(podSpec, "containers", "spec.template.spec.containers", "array")) {
        return;
    }
    if (podSpec["containers"].empty()) {
        return check.fail("spec.template.spec.containers", "Required value");
    }
    forEachObject(check, podSpec, "containers", "spec.template.spec.containers", [&](const json &c, const auto &at) {
        check.required(c, "name", at + ".name", "string");
        check.required(c, "image", at + ".image", "string");
        checkResources(check, c, at + ".resources");
    });
    forEachObject(check, podSpec, "initContainers", "spec.template.spec.initContainers",
                  [&](const json &c, const auto &at) { checkResources(check, c, at + ".resources"); });
}

// The selector must select the pods the template makes (kube's ValidatePodTemplateSpecForReplicaSet),
// when both are there to compare.
void checkSelectorMatchesTemplate(Checker &check, const json &spec)
{
    const json selector = spec.is_object() ? spec.value("selector", json()) : json();
    const json template_ = spec.is_object() ? spec.value("template", json()) : json();
    const json metadata = template_.is_object() ? template_.value("metadata", json()) : json();
    if (!selector.is_object() || !selector.contains("matchLabels") || !selector["matchLabels"].is_object() ||
        !template_.is_object() || (!metadata.is_null() && !metadata.is_object())) {
        return;
    }
    const json labels = metadata.is_object() ? metadata.value("labels", json::object()) : json::object();
    for (auto it = selector["matchLabels"].begin(); it != selector["matchLabels"].end(); ++it) {
        if (!labels.is_object() || labels.value(it.key(), json()) != *it) {
            return check.invalidValue("spec.template.metadata.labels", labels,
                                      "`selector` does not match template `labels`");
        }
    }
}

void checkWorkload(Checker &check, const json &spec)
{
    check.int32Range(spec, "replicas", "spec.replicas", 0);
    if (check.type().kind == "Rollout") {
        return; // Argo's schema leaves the template to the controller's own checks
    }
    if (check.required(spec, "selector", "spec.selector", "object")) {
        checkSelectorMatchesTemplate(check, spec); // kube names a mismatch before the template's problems
        checkPodTemplate(check, spec);
    }
    if (check.type().kind == "Deployment" && spec.contains("strategy") && spec["strategy"].is_object()) {
        const json &strategy = spec["strategy"];
        const json type = strategy.value("type", json());
        if (type.is_string() && type != "RollingUpdate" && type != "Recreate") {
            check.fail("spec.strategy.type",
                       "Unsupported value: " + type.dump(-1, ' ', false, json::error_handler_t::replace) +
                           ": supported values: \"Recreate\", \"RollingUpdate\"");
        } else if (type == "Recreate" && strategy.contains("rollingUpdate") && !strategy["rollingUpdate"].is_null()) {
            check.fail("spec.strategy.rollingUpdate",
                       "Forbidden: may not be specified when strategy `type` is 'Recreate'");
        }
    }
}

void checkService(Checker &check, const json &spec)
{
    check.typed(spec, "selector", "spec.selector", "object");
    if (spec.contains("selector") && spec["selector"].is_object()) {
        for (auto it = spec["selector"].begin(); it != spec["selector"].end(); ++it) {
            check.typed(spec["selector"], it.key().c_str(), "spec.selector[" + it.key() + "]", "string");
        }
    }
    // kube also requires ports of most Services; the sim's clients and model never need them.
    forEachObject(check, spec, "ports", "spec.ports", [&](const json &port, const std::string &at) {
        if (check.required(port, "port", at + ".port", "integer")) {
            const long long number = port["port"].get<long long>();
            if (number < 1 || number > 65535) {
                check.invalidValue(at + ".port", port["port"], "must be between 1 and 65535, inclusive");
            }
        }
    });
}

// A weight of a mesh route: an integer from 0 to `maximum`.
void checkWeight(Checker &check, const json &backend, const std::string &at, long long maximum)
{
    if (!backend.contains("weight")) {
        return;
    }
    const json &weight = backend["weight"];
    if (!weight.is_number_integer() || weight.get<long long>() < 0 || weight.get<long long>() > maximum) {
        check.invalidValue(at + ".weight", weight, "must be an integer from 0 to " + std::to_string(maximum));
    }
}

void checkHttpRoute(Checker &check, const json &spec)
{
    if (check.typed(spec, "hostnames", "spec.hostnames", "array") && spec.contains("hostnames")) {
        for (std::size_t i = 0; i < spec["hostnames"].size(); ++i) {
            check.typedValue(spec["hostnames"][i], indexed("spec.hostnames", i), "string");
        }
    }
    forEachObject(check, spec, "rules", "spec.rules", [&](const json &rule, const std::string &ruleAt) {
        forEachObject(check, rule, "backendRefs", ruleAt + ".backendRefs", [&](const json &ref, const auto &at) {
            check.required(ref, "name", at + ".name", "string");
            check.typed(ref, "port", at + ".port", "integer");
            checkWeight(check, ref, at, 1000000);
        });
    });
}

void checkVirtualService(Checker &check, const json &spec)
{
    forEachObject(check, spec, "http", "spec.http", [&](const json &http, const std::string &httpAt) {
        forEachObject(check, http, "route", httpAt + ".route", [&](const json &route, const std::string &at) {
            if (check.required(route, "destination", at + ".destination", "object")) {
                check.required(route["destination"], "host", at + ".destination.host", "string");
            }
            // Istio's weight is an int32 the webhook keeps at or below 100.
            checkWeight(check, route, at, int32Max);
        });
    });
}

void checkTrafficSplit(Checker &check, const json &spec)
{
    check.typed(spec, "service", "spec.service", "string");
    forEachObject(check, spec, "backends", "spec.backends", [&](const json &backend, const std::string &at) {
        check.required(backend, "service", at + ".service", "string");
        checkWeight(check, backend, at, int32Max);
    });
}

// Flagger's CRD schema (structural: types and required fields) for what its controller reads.
void checkCanary(Checker &check, const json &spec)
{
    if (check.required(spec, "targetRef", "spec.targetRef", "object")) {
        for (const char *field : {"apiVersion", "kind", "name"}) {
            check.required(spec["targetRef"], field, std::string("spec.targetRef.") + field, "string");
        }
    }
    check.typed(spec, "provider", "spec.provider", "string");
    check.typed(spec, "suspend", "spec.suspend", "boolean");
    check.typed(spec, "skipAnalysis", "spec.skipAnalysis", "boolean");
    check.typed(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds", "number");
    if (check.typed(spec, "service", "spec.service", "object") && spec.contains("service")) {
        const json &service = spec["service"];
        check.typed(service, "name", "spec.service.name", "string");
        check.typed(service, "port", "spec.service.port", "number");
        check.typed(service, "portName", "spec.service.portName", "string");
        check.typed(service, "gatewayRefs", "spec.service.gatewayRefs", "array");
        check.typed(service, "hosts", "spec.service.hosts", "array");
    }
    if (!check.required(spec, "analysis", "spec.analysis", "object")) {
        return;
    }
    const json &analysis = spec["analysis"];
    check.typed(analysis, "interval", "spec.analysis.interval", "string");
    for (const char *field : {"iterations", "threshold", "maxWeight", "stepWeight", "stepWeightPromotion"}) {
        check.typed(analysis, field, std::string("spec.analysis.") + field, "number");
    }
    check.typed(analysis, "mirror", "spec.analysis.mirror", "boolean");
    if (check.typed(analysis, "stepWeights", "spec.analysis.stepWeights", "array") &&
        analysis.contains("stepWeights")) {
        for (std::size_t i = 0; i < analysis["stepWeights"].size(); ++i) {
            check.typedValue(analysis["stepWeights"][i], indexed("spec.analysis.stepWeights", i), "number");
        }
    }
    forEachObject(check, analysis, "metrics", "spec.analysis.metrics", [&](const json &metric, const auto &at) {
        check.required(metric, "name", at + ".name", "string");
        check.typed(metric, "threshold", at + ".threshold", "number");
        if (check.typed(metric, "thresholdRange", at + ".thresholdRange", "object") &&
            metric.contains("thresholdRange")) {
            check.typed(metric["thresholdRange"], "min", at + ".thresholdRange.min", "number");
            check.typed(metric["thresholdRange"], "max", at + ".thresholdRange.max", "number");
        }
    });
    forEachObject(check, analysis, "webhooks", "spec.analysis.webhooks", [&](const json &hook, const auto &at) {
        check.required(hook, "name", at + ".name", "string");
        check.required(hook, "url", at + ".url", "string");
        check.typed(hook, "type", at + ".type", "string");
        check.typed(hook, "timeout", at + ".timeout", "string");
        check.typed(hook, "metadata", at + ".metadata", "object");
    });
}

// A ConfigMap's data and binaryData map keys to strings; immutable is a boolean.
void checkConfigMap(Checker &check, const json &object)
{
    check.typed(object, "immutable", "immutable", "boolean");
    for (const char *key : {"data", "binaryData"}) {
        if (!check.typed(object, key, key, "object") || !object.contains(key) || object[key].is_null()) {
            continue;
        }
        for (const auto &[entry, value] : object[key].items()) {
            check.typedValue(value, std::string(key) + "[" + entry + "]", "string");
        }
    }
}

void checkSpec(Checker &check, const json &object)
{
    const ResourceType &type = check.type();
    if (type.builtin && type.kind == "Pod") { // a pod's other fields are the controllers' (or kubectl run's)
        const json spec = object.value("spec", json());
        for (const char *list : {"containers", "initContainers"}) {
            const json containers = spec.is_object() ? spec.value(list, json()) : json();
            for (std::size_t i = 0; containers.is_array() && i < containers.size(); ++i) {
                if (containers[i].is_object()) {
                    checkResources(check, containers[i], indexed("spec." + std::string(list), i) + ".resources");
                }
            }
        }
        return;
    }
    const bool needsSpec =
        !type.builtin || type.kind == "Deployment" || type.kind == "ReplicaSet" || type.kind == "Service";
    if (!needsSpec) {
        return;
    }
    if (!type.builtin && !check.required(object, "spec", "spec", "object")) {
        return;
    }
    if (!check.typed(object, "spec", "spec", "object")) {
        return;
    }
    const json spec = object.value("spec", json::object());
    if (type.kind == "Deployment" || type.kind == "ReplicaSet" || type.kind == "Rollout") {
        checkWorkload(check, spec);
    } else if (type.kind == "Service") {
        checkService(check, spec);
    } else if (type.kind == "HTTPRoute") {
        checkHttpRoute(check, spec);
    } else if (type.kind == "VirtualService") {
        checkVirtualService(check, spec);
    } else if (type.kind == "TrafficSplit") {
        checkTrafficSplit(check, spec);
    } else if (type.kind == "Canary") {
        checkCanary(check, spec);
    }
}

} // namespace

namespace {

// The reason kube's field.ErrorType gives a cause, read from the words its ErrorBody starts with.
const char *causeReason(const std::string &detail)
{
    static const std::pair<const char *, const char *> reasons[] = {{"Required value", "FieldValueRequired"},
                                                                    {"Forbidden", "FieldValueForbidden"},
                                                                    {"Too long", "FieldValueTooLong"},
                                                                    {"Unsupported value", "FieldValueNotSupported"},
                                                                    {"Duplicate value", "FieldValueDuplicate"}};
    for (const auto &[words, reason] : reasons) {
        if (detail.rfind(words, 0) == 0) {
            return reason;
        }
    }
    return "FieldValueInvalid";
}

} // namespace

ApiStatus invalid(const ResourceType &type, const std::string &name, const std::vector<FieldError> &errors)
{
    // kube-apiserver names the kind with its group (Deployment.apps), gives every error a cause
    // (kubectl prints one per line) and, past one, lists them in brackets, each text once (its
    // aggregate drops repeats).
    const std::string qualifiedKind = type.group.empty() ? type.kind : type.kind + "." + type.group;
    json causes = json::array();
    std::vector<std::string> listed;
    for (const FieldError &error : errors) {
        json cause = {{"reason", causeReason(error.detail)}, {"message", error.detail}};
        if (!error.field.empty()) {
            cause["field"] = error.field;
        }
        causes.push_back(std::move(cause));
        std::string text = (error.field.empty() ? "" : error.field + ": ") + error.detail;
        if (std::find(listed.begin(), listed.end(), text) == listed.end()) {
            listed.push_back(std::move(text));
        }
    }
    std::string message;
    for (const std::string &text : listed) {
        message += (message.empty() ? "" : ", ") + text;
    }
    return {422,
            "Invalid",
            qualifiedKind + " \"" + name + "\" is invalid: " + (listed.size() > 1 ? "[" + message + "]" : message),
            {{"name", name}, {"kind", type.kind}, {"group", type.group}, {"causes", causes}}};
}

ApiStatus invalid(const ResourceType &type, const std::string &name, const std::string &field,
                  const std::string &detail)
{
    return invalid(type, name, std::vector<FieldError>{{field, detail}});
}

std::vector<FieldError> validationErrors(const ResourceType &type, const json &object, bool schemaless)
{
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) {
        return {{"metadata", "Required value"}};
    }
    const json &metadata = object["metadata"];
    Checker check(type);
    try {
        if (nestedDeeperThan(object, maxJsonDepth)) {
            check.fail("", "must not nest deeper than " + std::to_string(maxJsonDepth) + " levels");
            return check.errors();
        }
        checkMetadata(check, metadata);
        if (type.kind == "ConfigMap") {
            checkConfigMap(check, object);
        }
        if (!(schemaless && !type.builtin)) {
            checkSpec(check, object);
        }
    } catch (const std::exception &) {
        // The checks test every type before they read a value; should one still throw, the object is
        // refused, not the request failed.
        check.fail("", "does not match the schema of " + type.kind);
    }
    return check.errors();
}

std::optional<ApiStatus> validateObject(const ResourceType &type, const json &object, bool schemaless)
{
    const std::vector<FieldError> errors = validationErrors(type, object, schemaless);
    if (errors.empty()) {
        return std::nullopt;
    }
    const json name = object.is_object() && object.contains("metadata") && object["metadata"].is_object()
                          ? object["metadata"].value("name", json())
                          : json();
    return invalid(type, name.is_string() ? name.get<std::string>() : "", errors);
}

} // namespace Curtain::Sim
