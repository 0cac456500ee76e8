#pragma once

#include "sim/apistatus.h"
#include "sim/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace Curtain::Sim {

// kube's fieldValidation query parameter on create, update and patch: Strict refuses a request
// naming a field its kind does not have (kubectl sends it for `apply -f` and friends, so a typo such
// as `sepc:` fails as on a real cluster); Warn, the default, answers with a Warning header per
// field; Ignore says nothing. The sim knows each kind's top level and metadata, and the spec of the
// kinds workloads are made of (fieldschemas.h): `replica: 3` in a Deployment is refused as on a real
// cluster, not stored as one replica. Status is not checked.

// What is checked: a whole object (a create, a replace, what a JSON patch made), or a merge or
// strategic-merge patch, whose nulls delete fields and whose directives ($patch…) are none.
enum class FieldBody { Object, MergePatch, StrategicMergePatch };

// The fields of `object` (a whole object, or a merge or strategic-merge patch of one) that `type`
// does not have, named as kube names them: "sepc", "metadata.lables", "spec.replica",
// "spec.template.spec.containers[0].imagee".
std::vector<std::string> unknownFields(const ResourceType &type, const nlohmann::json &object,
                                       FieldBody body = FieldBody::Object);

// Drops the fields unknownFields names, as kube's decoding into its types drops them under Warn
// and Ignore: they are never stored, so the object read back can be written back under Strict.
void pruneUnknownFields(const ResourceType &type, nlohmann::json &object, FieldBody body = FieldBody::Object);

// A directive that is none of the three (nor empty), as kube's option validation refuses it before
// anything else: 422 'PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: …'.
std::optional<ApiStatus> checkDirective(const httplib::Request &req);

// Applies the request's directive to `object`: the Status to answer instead (Strict with unknown
// fields, or a directive that is none of the three), or nothing, with any warnings added to `res`.
std::optional<ApiStatus> checkFields(const httplib::Request &req, httplib::Response &res, const ResourceType &type,
                                     const nlohmann::json &object, FieldBody body = FieldBody::Object);

} // namespace Curtain::Sim
