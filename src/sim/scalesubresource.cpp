#include "sim/scalesubresource.h"

#include "sim/jsonbody.h"
#include "sim/objectstore.h"
#include "sim/requesttarget.h"
#include "sim/resourcetypes.h"
#include "sim/tables.h"

namespace Curtain::Sim {

using nlohmann::json;

namespace {

const ApiStatus unsupportedPatch{415, "UnsupportedMediaType",
                                 "the body of the request was in an unknown format - accepted media types include: "
                                 "application/json-patch+json, application/merge-patch+json, "
                                 "application/strategic-merge-patch+json"};

json integerOrZero(const json &object, const json::json_pointer &pointer)
{
    return object.contains(pointer) && object.at(pointer).is_number_integer() ? object.at(pointer) : json(0);
}

json scaleOf(const json &object)
{
    const json &metadata = object.contains("metadata") ? object["metadata"] : json::object();
    json scaleMetadata = json::object();
    for (const char *field : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
        if (metadata.contains(field)) {
            scaleMetadata[field] = metadata[field];
        }
    }
    return {{"kind", "Scale"},
            {"apiVersion", "autoscaling/v1"},
            {"metadata", scaleMetadata},
            {"spec", {{"replicas", integerOrZero(object, json::json_pointer("/spec/replicas"))}}},
            {"status",
             {{"replicas", integerOrZero(object, json::json_pointer("/status/replicas"))},
              {"selector", formatLabelSelector(object)}}}};
}

// The object's spec.replicas set to what the changed Scale says; validation is the object's own.
Outcome<json> applyReplicas(ObjectStore &store, const Target &target, const json &scale, bool dryRun)
{
    json replicas = nullptr;
    if (scale.is_object() && scale.contains("spec") && scale["spec"].is_object() &&
        scale["spec"].contains("replicas")) {
        replicas = scale["spec"]["replicas"];
    }
    if (replicas.is_null()) {
        return ApiStatus{422, "Invalid",
                         "Scale.autoscaling \"" + target.name + "\" is invalid: spec.replicas: Required value",
                         nullptr};
    }
    const auto patched = store.patch(*target.type, target.namespaceName, target.name, "application/merge-patch+json",
                                     json{{"spec", {{"replicas", replicas}}}}.dump(), false, dryRun);
    if (const auto *status = std::get_if<ApiStatus>(&patched)) {
        return *status;
    }
    return scaleOf(std::get<json>(patched));
}

} // namespace

bool isScaleTarget(const Target &target)
{
    return target.type && (target.type->kind == "Deployment" || target.type->kind == "ReplicaSet") &&
           !target.name.empty() && target.subresource.size() == 1 && target.subresource[0] == "scale";
}

const ResourceType &scaleType()
{
    static const ResourceType scale{"autoscaling", "v1", "scale", "scale", "Scale", true, true, false, false, {}};
    return scale;
}

Outcome<json> getScale(const ObjectStore &store, const Target &target)
{
    const auto object = store.get(*target.type, target.namespaceName, target.name);
    if (const auto *status = std::get_if<ApiStatus>(&object)) {
        return *status;
    }
    return scaleOf(std::get<json>(object));
}

Outcome<json> patchScale(ObjectStore &store, const Target &target, const std::string &contentType,
                         const std::string &body, bool dryRun, const AdmitScale &admitPatched)
{
    const auto current = getScale(store, target);
    if (const auto *status = std::get_if<ApiStatus>(&current)) {
        return *status;
    }
    const auto parsed = parseBody(body);
    if (const auto *status = std::get_if<ApiStatus>(&parsed)) {
        return *status;
    }
    const json &patch = std::get<json>(parsed);
    json scale = std::get<json>(current);
    const std::string type = contentType.substr(0, contentType.find(';'));
    if (type == "application/merge-patch+json" || type == "application/strategic-merge-patch+json") {
        if (!patch.is_object()) {
            return badRequest("the patch is not a JSON object");
        }
        scale.merge_patch(patch);
    } else if (type == "application/json-patch+json") {
        try {
            scale = scale.patch(patch); // check-json-readers: allow (the boundary: a bad patch is a 422)
        } catch (const json::exception &error) {
            return ApiStatus{422, "Invalid", std::string("the JSON patch cannot be applied: ") + error.what(), nullptr};
        }
        if (admitPatched) {
            if (auto refused = admitPatched(scale)) {
                return *refused;
            }
        }
    } else {
        return unsupportedPatch;
    }
    return applyReplicas(store, target, scale, dryRun);
}

Outcome<json> updateScale(ObjectStore &store, const Target &target, const std::string &body, bool dryRun)
{
    const auto current = getScale(store, target);
    if (const auto *status = std::get_if<ApiStatus>(&current)) {
        return *status;
    }
    const auto parsed = parseBody(body);
    if (const auto *status = std::get_if<ApiStatus>(&parsed)) {
        return *status;
    }
    const json &scale = std::get<json>(parsed);
    if (!scale.is_object()) {
        return badRequest("the request body is not a JSON object");
    }
    const json version = scale.contains("metadata") && scale["metadata"].is_object()
                             ? scale["metadata"].value("resourceVersion", json(""))
                             : json("");
    const json now = std::get<json>(current)["metadata"].value("resourceVersion", json(""));
    if (version.is_string() && !version.get<std::string>().empty() && version != now) {
        return ApiStatus{409, "Conflict",
                         "Operation cannot be fulfilled on " + target.type->groupResource() + " \"" + target.name +
                             "\": the object has been modified; please apply your changes to the latest version and "
                             "try again",
                         nullptr};
    }
    return applyReplicas(store, target, scale, dryRun);
}

} // namespace Curtain::Sim
