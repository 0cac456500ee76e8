#include "sim/objectstore.h"

#include "sim/admission.h"
#include "sim/eventviews.h"

#include "sim/jsonbody.h"
#include "sim/jsonread.h"
#include "sim/quantity.h"
#include "sim/servicedefaults.h"
#include "sim/validation.h"
#include "sim/workloaddefaults.h"

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <random>
#include <set>
#include <sstream>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

std::string nowRfc3339()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::ostringstream out;
    out << std::put_time(&utc, "%Y-%m-%dT%H:%M:%SZ");
    return out.str();
}

std::string mediaType(const std::string &contentType)
{
    const auto semicolon = contentType.find(';');
    std::string type = contentType.substr(0, semicolon);
    while (!type.empty() && type.back() == ' ') {
        type.pop_back();
    }
    return type;
}

// A JSON patch, op by op, counting what its `copy` ops duplicate: a few thousand copies of a large
// subtree would grow one object by gigabytes before any size check (kube's JSONPatchMaxCopyBytes).
Outcome<json> applyJsonPatch(json document, const json &ops)
{
    if (!ops.is_array()) {
        return badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    }
    if (ops.size() > 10000) {
        return ApiStatus{413, "RequestEntityTooLarge", "The allowed operation count is 10000"};
    }
    std::size_t copied = 0;
    for (const json &op : ops) {
        if (op.is_object() && op.value("op", json()) == "copy" && op.value("from", json()).is_string()) {
            const json::json_pointer from(op["from"].get<std::string>());
            copied += document.contains(from) ? document.at(from).dump().size() : 0;
            if (copied > maxObjectBytes) {
                return ApiStatus{413, "RequestEntityTooLarge",
                                 "Request entity too large: Unable to complete the copy, the accumulated size "
                                 "increase of copy is " +
                                     std::to_string(copied) + ", exceeding the limit " +
                                     std::to_string(maxObjectBytes)};
            }
        }
        document.patch_inplace(json::array({op}));
    }
    return document;
}

Outcome<json> applyPatch(const std::string &media, const json &stored, const json &patch)
{
    try {
        if (media == "application/json-patch+json") {
            return applyJsonPatch(stored, patch);
        }
        if (media == "application/merge-patch+json") {
            json patched = stored;
            patched.merge_patch(patch);
            return patched;
        }
        return strategicMerge(stored, patch);
    } catch (const json::exception &) {
        // A failed `test` or a missing path: the API server drops jsonpatch's own words (patch.go).
        return ApiStatus{422, "Invalid", "the server rejected our request due to an error in our request",
                         json::object()};
    }
}

// A written object's namespace against the request's (kube's EnsureObjectNamespaceMatchesRequestNamespace):
// a missing one is the request's, another one is refused; cluster-scoped objects have none.
std::optional<ApiStatus> adoptNamespace(const ResourceType &type, const std::string &ns, json &object)
{
    json &metadata = object["metadata"];
    if (!type.namespaced) {
        metadata.erase("namespace");
        return std::nullopt;
    }
    const std::string given = textAt(object, "/metadata/namespace");
    if (!given.empty() && given != ns) {
        return badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    metadata["namespace"] = ns;
    return std::nullopt;
}

// An update or patch names the object its URL names (kube's checkName).
std::optional<ApiStatus> nameMismatch(const json &object, const std::string &name)
{
    const std::string given = textAt(object, "/metadata/name");
    if (given != name) {
        return badRequest("the name of the object (" + given + ") does not match the name on the URL (" + name + ")");
    }
    return std::nullopt;
}

// What a client of kube-apiserver sees when etcd refuses an object that grew too large.
std::optional<ApiStatus> tooLarge(std::size_t bytes)
{
    if (bytes <= maxObjectBytes) {
        return std::nullopt;
    }
    return ApiStatus{413, "RequestEntityTooLarge", "etcdserver: request is too large"};
}

// What an update may not change, as kube-apiserver lists it: the uid with the metadata's problems
// (rest.BeforeUpdate), an immutable ConfigMap's data and a Service's cluster IP before the object's
// other problems (their Validate…Update), a workload's selector (apps/v1) after them.
struct UpdateErrors
{
    std::vector<FieldError> metadata;
    std::vector<FieldError> beforeSpec;
    std::vector<FieldError> afterSpec;
};

UpdateErrors updateErrors(const ResourceType &type, const json &stored, json &patched, bool statusSubresource)
{
    UpdateErrors errors;
    const json uid = patched["metadata"].value("uid", json()); // a uid left out is the stored one
    if (!uid.is_null() && uid != "" && uid != stored["metadata"]["uid"]) {
        errors.metadata.push_back({"metadata.uid", "Invalid value: " + uid.dump() + ": field is immutable"});
    }
    if (type.kind == "ConfigMap" && stored.contains("immutable") && stored["immutable"] == true) {
        const std::string forbidden = "Forbidden: field is immutable when `immutable` is set";
        if (patched.value("immutable", json()) != true) {
            errors.beforeSpec.push_back({"immutable", forbidden});
        }
        for (const char *field : {"data", "binaryData"}) {
            if (patched.value(field, json()) != stored.value(field, json())) {
                errors.beforeSpec.push_back({field, forbidden});
            }
        }
    }
    if (statusSubresource || !type.builtin || !stored.contains("spec") || !stored["spec"].is_object() ||
        !patched.contains("spec") || !patched["spec"].is_object()) {
        return errors;
    }
    const json &before = stored["spec"];
    json &after = patched["spec"];
    if ((type.kind == "Deployment" || type.kind == "ReplicaSet") &&
        after.value("selector", json()) != before.value("selector", json())) {
        errors.afterSpec.push_back(
            {"spec.selector", "Invalid value: " + after.value("selector", json()).dump() + ": field is immutable"});
    }
    if (type.kind == "Service" && before.contains("clusterIP")) { // left out of a write, or "", it is kept
        if (leftEmpty(after, "clusterIP")) {
            after["clusterIP"] = before["clusterIP"];
        } else if (after["clusterIP"] != before["clusterIP"]) {
            errors.beforeSpec.push_back(
                {"spec.clusterIP", "Invalid value: " + after["clusterIP"].dump() + ": field is immutable"});
        }
        for (const char *allocated : {"clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
            if (before.contains(allocated) && leftEmpty(after, allocated)) {
                after[allocated] = before[allocated];
            }
        }
    }
    return errors;
}

// The update's errors among the object's own, in kube's order.
std::vector<FieldError> inUpdateOrder(std::vector<FieldError> validation, const UpdateErrors &update)
{
    const auto spec = std::stable_partition(validation.begin(), validation.end(), [](const FieldError &error) {
        return error.field.rfind("metadata", 0) == 0;
    });
    std::vector<FieldError> errors(validation.begin(), spec);
    for (const auto *part : {&update.metadata, &update.beforeSpec}) {
        errors.insert(errors.end(), part->begin(), part->end());
    }
    errors.insert(errors.end(), spec, validation.end());
    errors.insert(errors.end(), update.afterSpec.begin(), update.afterSpec.end());
    return errors;
}

} // namespace

ObjectStore::ObjectStore(const ObjectStore &other)
{
    const std::lock_guard lock(other.m_mutex);
    m_objects = other.m_objects;
    m_history = other.m_history;
    m_historyLimit = other.m_historyLimit;
    m_historyBytesLimit = other.m_historyBytesLimit;
    m_historyBytes = other.m_historyBytes;
    m_schemaless = other.m_schemaless;
    m_version = other.m_version;
    m_compactedThrough = other.m_compactedThrough;
    m_addresses = other.m_addresses;
    m_foreground = other.m_foreground;
    m_uid = other.m_uid; // m_stopped stays false: a copy is a store to use, whatever became of the original
}

std::string ObjectStore::key(const ResourceType &type, const std::string &ns, const std::string &name)
{
    return type.storageKey() + "/" + ns + "/" + name;
}

std::uint64_t ObjectStore::bump(json &object)
{
    ++m_version;
    object["metadata"]["resourceVersion"] = std::to_string(m_version);
    return m_version;
}

// A kind served in several versions (Istio's v1 and v1beta1) is stored once and read in the
// version the request named; Events are stored in their core shape and read in either.
json ObjectStore::asServed(const ResourceType &type, json object)
{
    if (EventViews::isEventsV1(type)) {
        return EventViews::toEventsV1(object);
    }
    if (object.is_object() && object.contains("apiVersion")) {
        object["apiVersion"] = type.groupVersion();
    }
    return object;
}

ListSnapshot ObjectStore::list(const ResourceType &type, const std::string &ns,
                               const std::function<bool(const json &)> &filter, const std::string &after,
                               std::size_t limit) const
{
    std::lock_guard lock(m_mutex);
    ListSnapshot snapshot;
    snapshot.resourceVersion = m_version;
    const std::string prefix = type.storageKey() + "/" + (ns.empty() ? std::string() : ns + "/");
    auto it = after.empty() ? m_objects.lower_bound(prefix) : m_objects.upper_bound(prefix + after);
    for (; it != m_objects.end() && it->first.rfind(prefix, 0) == 0; ++it) {
        if (!filter || filter(it->second)) {
            if (limit == 0 || snapshot.items.size() < limit) {
                snapshot.items.push_back(asServed(type, it->second)); // only the page is copied
                snapshot.last = it->first.substr(prefix.size());
            }
            ++snapshot.matching;
        }
    }
    return snapshot;
}

std::vector<json> ObjectStore::all(const ResourceType &type) const
{
    return list(type, {}, nullptr).items;
}

std::vector<json> ObjectStore::select(const ResourceType &type, const std::function<bool(const json &)> &keep) const
{
    return list(type, {}, keep).items;
}

Outcome<json> ObjectStore::get(const ResourceType &type, const std::string &ns, const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_objects.find(key(type, ns, name));
    if (it == m_objects.end()) {
        return notFound(type, name);
    }
    return asServed(type, it->second);
}

bool ObjectStore::contains(const ResourceType &type, const std::string &ns, const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    return m_objects.count(key(type, ns, name)) > 0;
}

bool ObjectStore::inspect(const ResourceType &type, const std::string &ns, const std::string &name,
                          const std::function<void(const json &object)> &look) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_objects.find(key(type, ns, name));
    if (it == m_objects.end()) {
        return false;
    }
    look(it->second);
    return true;
}

Outcome<json> ObjectStore::create(const ResourceType &type, const std::string &ns, json object, bool dryRun,
                                  bool fromClient)
{
    if (EventViews::isEventsV1(type)) {
        if (auto error = EventViews::validateEventsV1(object)) {
            return *error;
        }
        object = EventViews::toCore(object);
    }
    if (auto error = canonicalizeQuantities(type, object)) { // decoding comes before validation
        return *error;
    }
    defaultPodRequests(type, object);
    defaultWorkload(type, object);
    if (fromClient && type.kind == "Pod") {
        setCreatedPodStatus(object); // the scheduler and a kubelet take it from there (PodModel)
    }
    if (auto error = validateObject(type, object, m_schemaless)) {
        return *error;
    }
    if (auto refused = finalizerRefusal(type, textAt(object, "/metadata/name"), nullptr, object)) {
        return *refused;
    }
    if (auto error = adoptNamespace(type, ns, object)) {
        return *error;
    }
    const std::string name = object["metadata"]["name"];
    // Set by the server only: a client's deletionTimestamp would have the namespace controller
    // empty a namespace nobody deleted.
    object["metadata"].erase("deletionTimestamp");
    object["metadata"].erase("deletionGracePeriodSeconds");
    if (auto refused = namespaceDefaults(type, name, object)) {
        return *refused;
    }
    std::lock_guard lock(m_mutex);
    const auto home = type.namespaced ? m_objects.find(key(builtInType("Namespace"), {}, ns)) : m_objects.end();
    if (auto refused = Admission::namespaceRefusal(type, ns, name, home == m_objects.end() ? nullptr : &home->second,
                                                   fromClient)) {
        return *refused; // checked again here: the namespace may have been deleted since the API looked
    }
    if (m_objects.count(key(type, ns, name))) {
        return ApiStatus{409,
                         "AlreadyExists",
                         type.groupResource() + " \"" + name + "\" already exists",
                         {{"name", name}, {"group", type.group}, {"kind", type.plural}}};
    }
    object["kind"] = type.kind;
    object["apiVersion"] = EventViews::isEventsV1(type) ? "v1" : type.groupVersion();
    if (auto error = m_addresses.assign(type, object, dryRun)) {
        return *error;
    }
    std::mt19937_64 random(++m_uid);
    std::ostringstream uid;
    uid << std::hex << std::setfill('0') << std::setw(8) << (random() & 0xffffffff) << "-" << std::setw(4)
        << (random() & 0xffff) << "-4" << std::setw(3) << (random() & 0xfff) << "-a" << std::setw(3)
        << (random() & 0xfff) << "-" << std::setw(12) << (random() & 0xffffffffffff);
    object["metadata"]["uid"] = uid.str();
    object["metadata"]["creationTimestamp"] = nowRfc3339();
    if (type.hasGeneration) {
        object["metadata"]["generation"] = 1;
    }
    const std::size_t bytes = object.dump().size();
    if (auto error = tooLarge(bytes)) {
        return *error;
    }
    if (dryRun) {
        return asServed(type, object); // as kube-apiserver answers one: no resourceVersion yet
    }
    bump(object);
    m_addresses.reindex(type, nullptr, &object);
    const json &stored = m_objects[key(type, ns, name)] = std::move(object);
    record("ADDED", type, ns, stored, bytes);
    return asServed(type, stored);
}

Outcome<json> ObjectStore::patch(const ResourceType &type, const std::string &ns, const std::string &name,
                                 const std::string &contentType, const std::string &body, bool statusSubresource,
                                 bool dryRun, const AdmitPatched &admitPatched)
{
    const std::string media = mediaType(contentType);
    const std::string accepted = type.builtin ? "application/json-patch+json, application/merge-patch+json, "
                                                "application/strategic-merge-patch+json"
                                              : "application/json-patch+json, application/merge-patch+json";
    const bool known = media == "application/json-patch+json" || media == "application/merge-patch+json" ||
                       (type.builtin && media == "application/strategic-merge-patch+json");
    if (!known) {
        return ApiStatus{415, "UnsupportedMediaType",
                         "the body of the request was in an unknown format - accepted media types include: " +
                             accepted};
    }
    const Outcome<json> parsed = parseBody(body); // outside the lock: parsing 3 MiB takes a while
    if (const auto *error = std::get_if<ApiStatus>(&parsed)) {
        return *error;
    }
    std::lock_guard lock(m_mutex);
    const auto it = m_objects.find(key(type, ns, name));
    if (it == m_objects.end()) {
        return notFound(type, name);
    }
    Outcome<json> applied = applyPatch(media, asServed(type, it->second), std::get<json>(parsed));
    if (const auto *error = std::get_if<ApiStatus>(&applied)) {
        return *error;
    }
    json &patched = std::get<json>(applied);
    if (admitPatched) { // in the shape the client wrote (an events.k8s.io Event before its core form)
        if (auto refused = admitPatched(patched)) {
            return *refused;
        }
    }
    if (EventViews::isEventsV1(type)) {
        patched = EventViews::toCore(patched);
    }
    if (!patched.is_object() || !patched.contains("metadata") || !patched["metadata"].is_object()) {
        return ApiStatus{422, "Invalid", "the server rejected our request due to an error in our request",
                         json::object()};
    }
    if (auto error = adoptNamespace(type, ns, patched)) {
        return *error;
    }
    if (auto error = nameMismatch(patched, name)) {
        return *error;
    }
    return commit(type, ns, name, std::move(patched), statusSubresource, dryRun);
}

Outcome<json> ObjectStore::update(const ResourceType &type, const std::string &ns, const std::string &name,
                                  const std::string &body, bool statusSubresource, bool dryRun)
{
    Outcome<json> parsed = parseBody(body);
    if (const auto *error = std::get_if<ApiStatus>(&parsed)) {
        return *error;
    }
    json object = std::move(std::get<json>(parsed));
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object()) {
        return badRequest("the request body is not a JSON object with metadata");
    }
    if (EventViews::isEventsV1(type)) {
        object = EventViews::toCore(object);
    }
    // kube-apiserver's order: the URL (checkName), then the stored object's uid, then its version.
    if (auto error = nameMismatch(object, name)) {
        return *error;
    }
    if (const std::string given = textAt(object, "/metadata/namespace");
        type.namespaced && !given.empty() && given != ns) {
        return badRequest("the namespace of the object (" + given + ") does not match the namespace on the request (" +
                          ns + ")");
    }
    std::lock_guard lock(m_mutex);
    const auto it = m_objects.find(key(type, ns, name));
    if (it == m_objects.end()) {
        return notFound(type, name);
    }
    const std::string uid = textAt(object, "/metadata/uid");
    if (const std::string storedUid = textAt(it->second, "/metadata/uid"); !uid.empty() && uid != storedUid) {
        return conflict(type, name,
                        "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + storedUid);
    }
    if (textAt(object, "/metadata/resourceVersion").empty()) {
        return invalid(type, name, "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update");
    }
    if (auto error = adoptNamespace(type, ns, object)) {
        return *error;
    }
    return commit(type, ns, name, std::move(object), statusSubresource, dryRun);
}

// The end of every write: the resourceVersion precondition, server-owned fields kept, status
// only through its subresource, validation, generation, history. Runs under the store's lock.
Outcome<json> ObjectStore::commit(const ResourceType &type, const std::string &ns, const std::string &name,
                                  json patched, bool statusSubresource, bool dryRun)
{
    const auto it = m_objects.find(key(type, ns, name));
    const json &stored = it->second;
    const json &requestedVersion = patched["metadata"]["resourceVersion"];
    if (requestedVersion != stored["metadata"]["resourceVersion"]) {
        return conflict(type, name,
                        "the object has been modified; please apply your changes to the latest version and try again");
    }
    const UpdateErrors update = updateErrors(type, stored, patched, statusSubresource);
    if (!statusSubresource) {
        defaultService(type, patched); // what a replace leaves out, as on a create; no new address
    }
    // Server-owned fields cannot be changed by a write; name and namespace were checked against the URL.
    for (const char *field : {"name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp",
                              "deletionGracePeriodSeconds"}) {
        if (stored["metadata"].contains(field)) {
            patched["metadata"][field] = stored["metadata"][field];
        } else {
            patched["metadata"].erase(field);
        }
    }
    if (type.builtin && type.kind == "Namespace") {
        patched["spec"] = stored.value("spec", json::object()); // its finalizers are the controller's
    }
    patched["kind"] = stored["kind"];
    patched["apiVersion"] = stored["apiVersion"];
    if (type.hasStatus) {
        // The main resource ignores status; the /status subresource ignores everything else.
        if (statusSubresource) {
            json onlyStatus = stored;
            onlyStatus["status"] = patched.value("status", json::object());
            patched = onlyStatus;
        } else if (stored.contains("status")) {
            patched["status"] = stored["status"];
        } else {
            patched.erase("status");
        }
    }
    if (auto error = canonicalizeQuantities(type, patched)) { // decoding comes before validation
        return *error;
    }
    defaultPodRequests(type, patched);
    defaultWorkload(type, patched);
    // Every problem in one answer, as kube-apiserver lists them.
    const std::vector<FieldError> errors = inUpdateOrder(validationErrors(type, patched, m_schemaless), update);
    if (!errors.empty()) {
        return invalid(type, name, errors);
    }
    if (auto refused = finalizerRefusal(type, name, &stored, patched)) {
        return *refused;
    }
    if (patched == stored) {
        return asServed(type, stored); // a no-op write changes nothing, not even the resourceVersion
    }
    if (type.hasGeneration && patched.value("spec", json()) != stored.value("spec", json())) {
        patched["metadata"]["generation"] = stored["metadata"].value("generation", 1) + 1;
    }
    const std::size_t bytes = patched.dump().size();
    if (auto error = tooLarge(bytes)) {
        return *error;
    }
    if (dryRun) {
        return asServed(type, patched); // what it would be, at the resourceVersion it still has
    }
    bump(patched);
    if (finalizedAway(type, patched)) {
        // kube never stores the emptying update: watchers get the last stored object, DELETED at
        // the new version; the writer gets what it wrote.
        m_addresses.reindex(type, &it->second, nullptr);
        it->second["metadata"]["resourceVersion"] = patched["metadata"]["resourceVersion"];
        finishDeletion(type, ns, it, std::move(it->second));
        return asServed(type, patched);
    }
    m_addresses.reindex(type, &it->second, &patched);
    it->second = std::move(patched);
    record("MODIFIED", type, ns, it->second, bytes);
    return asServed(type, it->second);
}

bool ObjectStore::updateStatus(const ResourceType &type, const std::string &ns, const std::string &name,
                               const std::function<void(json &)> &mutate)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_objects.find(key(type, ns, name));
    if (it == m_objects.end()) {
        return false;
    }
    json updated = it->second;
    mutate(updated);
    if (updated == it->second) {
        return true;
    }
    bump(updated);
    m_addresses.reindex(type, &it->second, &updated);
    record("MODIFIED", type, ns, updated, updated.dump().size());
    it->second = std::move(updated);
    return true;
}

} // namespace Curtain::Sim
