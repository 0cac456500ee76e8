#include "sim/fieldvalidation.h"

#include "sim/fieldschemas.h"
#include "sim/patching.h"

#include <httplib.h>

#include <algorithm>
#include <set>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

// The top level of each kind beyond apiVersion, kind and metadata (spec and status for most).
std::set<std::string> topLevelFields(const ResourceType &type)
{
    if (type.kind == "ConfigMap") {
        return {"data", "binaryData", "immutable"};
    }
    if (type.kind == "Endpoints") {
        return {"subsets"};
    }
    if (type.kind == "Event" && type.group.empty()) {
        return {
            "involvedObject", "reason", "message", "source",  "firstTimestamp",     "lastTimestamp",    "count", "type",
            "eventTime",      "series", "action",  "related", "reportingComponent", "reportingInstance"};
    }
    if (type.kind == "Event") { // events.k8s.io/v1
        return {"eventTime",
                "series",
                "reportingController",
                "reportingInstance",
                "action",
                "reason",
                "regarding",
                "related",
                "note",
                "type",
                "deprecatedSource",
                "deprecatedFirstTimestamp",
                "deprecatedLastTimestamp",
                "deprecatedCount"};
    }
    return {"spec", "status"};
}

// Whether a key names no field: a strategic merge patch's directive, or a null that deletes one (in
// a patch; in a merge patch only in its maps, since its lists are values, replaced whole). In a whole
// object both are fields like any other ("$replicas": 3 or "imagee": null is refused under Strict).
bool namesNoField(const std::string &key, const json &value, FieldBody body, bool inList)
{
    if (body == FieldBody::StrategicMergePatch && isStrategicDirective(key)) {
        return true;
    }
    return value.is_null() && (body == FieldBody::StrategicMergePatch || (body == FieldBody::MergePatch && !inList));
}

// A field's name as a header may carry it: printable ASCII, no quote or backslash, at most 200 bytes.
std::string headerSafe(const std::string &field)
{
    std::string safe = field.substr(0, 200);
    std::replace_if(
        safe.begin(), safe.end(), [](char c) { return c < 0x20 || c > 0x7e || c == '"' || c == '\\'; }, '?');
    return safe;
}

// An unknown field: where it is, and its name as kube prints it ("spec.template.spec.containers[0].imagee").
struct UnknownField
{
    json::json_pointer at;
    std::string name;
};

// The fields of `value` (an object, or each object of an array) that `schema` does not have, and
// those inside the fields it knows. Depth is bounded by the schemas, never by the input: an array
// in an array is not looked into.
void findIn(const json &value, const FieldSchema &schema, const json::json_pointer &at, const std::string &name,
            FieldBody body, bool inList, std::vector<UnknownField> &unknown)
{
    if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (value[i].is_object()) {
                findIn(value[i], schema, at / i, name + "[" + std::to_string(i) + "]", body, true, unknown);
            }
        }
        return;
    }
    if (!value.is_object()) {
        return; // a type error, which the write itself reports
    }
    for (const auto &[key, field] : value.items()) {
        // kubectl apply's patch removing a typo names no field, for one.
        if (namesNoField(key, field, body, inList)) {
            continue;
        }
        const auto known = schema.fields.find(key);
        if (known == schema.fields.end()) {
            unknown.push_back({at / key, name + "." + key});
        } else if (known->second) {
            findIn(field, *known->second, at / key, name + "." + key, body, inList, unknown);
        }
    }
}

std::vector<UnknownField> findUnknownFields(const ResourceType &type, const json &object, FieldBody body)
{
    std::vector<UnknownField> unknown;
    if (!object.is_object()) {
        return unknown;
    }
    const std::set<std::string> known = topLevelFields(type);
    const FieldSchema *spec = specSchema(type);
    for (const auto &[key, value] : object.items()) {
        if (key == "apiVersion" || key == "kind" || namesNoField(key, value, body, false)) {
            continue;
        }
        const json::json_pointer at = json::json_pointer() / key;
        if (key == "metadata") {
            findIn(value, objectMetaSchema(), at, key, body, false, unknown);
        } else if (key == "spec" && spec && known.count(key) > 0) {
            findIn(value, *spec, at, key, body, false, unknown);
        } else if (known.count(key) == 0) {
            unknown.push_back({at, key});
        }
    }
    return unknown;
}

} // namespace

std::vector<std::string> unknownFields(const ResourceType &type, const json &object, FieldBody body)
{
    std::vector<std::string> names;
    for (const UnknownField &field : findUnknownFields(type, object, body)) {
        names.push_back(field.name);
    }
    return names;
}

void pruneUnknownFields(const ResourceType &type, json &object, FieldBody body)
{
    for (const UnknownField &field : findUnknownFields(type, object, body)) {
        object[field.at.parent_pointer()].erase(field.at.back()); // found there: an object holding it
    }
}

std::optional<ApiStatus> checkDirective(const httplib::Request &req)
{
    const std::string directive = req.has_param("fieldValidation") ? req.get_param_value("fieldValidation") : "";
    if (directive.empty() || directive == "Ignore" || directive == "Warn" || directive == "Strict") {
        return std::nullopt;
    }
    // The request's options failed validation: kube's 422 on CreateOptions, UpdateOptions or PatchOptions.
    const std::string options = req.method == "POST"  ? "CreateOptions"
                                : req.method == "PUT" ? "UpdateOptions"
                                                      : "PatchOptions";
    const std::string detail =
        "Unsupported value: " + json(directive.substr(0, 40)).dump(-1, ' ', false, json::error_handler_t::replace) +
        ": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"";
    return ApiStatus{
        422,
        "Invalid",
        options + ".meta.k8s.io \"\" is invalid: fieldValidation: " + detail,
        {{"kind", options},
         {"group", "meta.k8s.io"},
         {"causes", {{{"reason", "FieldValueNotSupported"}, {"message", detail}, {"field", "fieldValidation"}}}}}};
}

std::optional<ApiStatus> checkFields(const httplib::Request &req, httplib::Response &res, const ResourceType &type,
                                     const json &object, FieldBody body)
{
    if (auto problem = checkDirective(req)) {
        return problem;
    }
    std::string directive = req.has_param("fieldValidation") ? req.get_param_value("fieldValidation") : "";
    if (directive.empty()) {
        directive = "Warn"; // absent or empty: the server's default
    }
    if (directive == "Ignore") {
        return std::nullopt;
    }
    std::vector<std::string> unknown = unknownFields(type, object, body);
    if (unknown.empty()) {
        return std::nullopt;
    }
    if (unknown.size() > 20) {
        unknown.resize(20); // one line per field is for a person, not for a request built to be huge
    }
    if (directive == "Warn") {
        for (const std::string &field : unknown) {
            res.set_header("Warning", "299 - \"unknown field \\\"" + headerSafe(field) + "\\\"\"");
        }
        return std::nullopt;
    }
    std::string fields;
    for (const std::string &field : unknown) {
        fields += (fields.empty() ? "" : ", ") + std::string("unknown field \"") + field.substr(0, 200) + "\"";
    }
    return badRequest(type.kind + " in version \"" + type.version + "\" cannot be handled as a " + type.kind +
                      ": strict decoding error: " + fields);
}

} // namespace Curtain::Sim
