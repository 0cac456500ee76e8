#include "sim/objectstore.h"

#include "sim/apistatus.h"
#include "sim/controllerevents.h"
#include "sim/jsonread.h"
#include "sim/validation.h"

#include <algorithm>

// How a DELETE ends an object: at once, or, while metadata.finalizers names anyone still to clean
// up (a controller, a GitOps tool, a person), marked with its deletionTimestamp and kept until the
// last finalizer is taken off by an update, as kube-apiserver keeps it. Namespaces have their own
// path (objectstorenamespaces.cpp).

namespace Curtain::Sim {

using nlohmann::json;

namespace {

std::vector<std::string> finalizersOf(const json &object)
{
    std::vector<std::string> names;
    const json *finalizers = fieldAt(object, "/metadata/finalizers");
    if (finalizers && finalizers->is_array()) {
        for (const json &name : *finalizers) {
            if (name.is_string()) {
                names.push_back(name.get<std::string>());
            }
        }
    }
    return names;
}

} // namespace

Outcome<json> ObjectStore::remove(const ResourceType &type, const std::string &ns, const std::string &name,
                                  const RemoveOptions &options)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_objects.find(key(type, ns, name));
    if (it == m_objects.end()) {
        return notFound(type, name);
    }
    const std::string uid = textAt(it->second, "/metadata/uid");
    const std::string version = textAt(it->second, "/metadata/resourceVersion");
    if (!options.uid.empty() && options.uid != uid) {
        return conflict(type, name,
                        "Precondition failed: UID in precondition: " + options.uid + ", UID in object meta: " + uid);
    }
    if (!options.resourceVersion.empty() && options.resourceVersion != version) {
        return conflict(type, name,
                        "Precondition failed: ResourceVersion in precondition: " + options.resourceVersion +
                            ", ResourceVersion in object meta: " + version);
    }
    if (type.builtin && type.kind == "Namespace" && !options.finalized) {
        return markTerminating(type, it->second, options.dryRun);
    }
    if (!finalizersOf(it->second).empty()) {
        if (options.orphanDependents && !options.dryRun) {
            orphanDependents(ns, uid); // kube's garbage collector does it at once (its "orphan" finalizer)
        }
        return holdForFinalizers(type, ns, it->second, options.dryRun);
    }
    if (options.dryRun) {
        return asServed(type, it->second);
    }
    if (options.orphanDependents) {
        orphanDependents(ns, uid);
    }
    m_addresses.reindex(type, &it->second, nullptr);
    bump(it->second);
    return finishDeletion(type, ns, it, std::move(it->second));
}

// Marked, not removed: the DELETE answers 200 with the object as it now is, watchers see it
// MODIFIED, and a second DELETE changes nothing.
json ObjectStore::holdForFinalizers(const ResourceType &type, const std::string &ns, json &stored, bool dryRun)
{
    if (fieldAt(stored, "/metadata/deletionTimestamp")) {
        return asServed(type, stored);
    }
    json deleting = stored;
    deleting["metadata"]["deletionTimestamp"] = utcNow(0);
    deleting["metadata"]["deletionGracePeriodSeconds"] = 0;
    if (dryRun) {
        return asServed(type, deleting);
    }
    bump(deleting);
    stored = std::move(deleting);
    record("MODIFIED", type, ns, stored, stored.dump().size());
    return asServed(type, stored);
}

bool ObjectStore::finalizedAway(const ResourceType &type, const json &patched)
{
    if (type.builtin && type.kind == "Namespace") {
        return false; // Terminating until the namespace controller has emptied it (remove, finalized)
    }
    return fieldAt(patched, "/metadata/deletionTimestamp") && finalizersOf(patched).empty();
}

// Finalizers are names (kube decodes them as []string), and while an object is being deleted they
// may only be taken off. `stored` is null for a create.
std::optional<ApiStatus> ObjectStore::finalizerRefusal(const ResourceType &type, const std::string &name,
                                                       const json *stored, const json &patched)
{
    if (const json *finalizers = fieldAt(patched, "/metadata/finalizers"); finalizers && !finalizers->is_null()) {
        if (!finalizers->is_array()) {
            return invalid(type, name, "metadata.finalizers",
                           "Invalid value: \"" + std::string(finalizers->type_name()) +
                               "\": metadata.finalizers in body must be of type array");
        }
        for (std::size_t i = 0; i < finalizers->size(); ++i) {
            if (!(*finalizers)[i].is_string()) {
                const std::string field = "metadata.finalizers[" + std::to_string(i) + "]";
                return invalid(type, name, field,
                               "Invalid value: \"" + std::string((*finalizers)[i].type_name()) + "\": " + field +
                                   " in body must be of type string");
            }
        }
    }
    if (!stored || !fieldAt(*stored, "/metadata/deletionTimestamp")) {
        return std::nullopt;
    }
    const std::vector<std::string> before = finalizersOf(*stored);
    std::string added;
    for (const std::string &finalizer : finalizersOf(patched)) {
        if (std::find(before.begin(), before.end(), finalizer) == before.end()) {
            added += (added.empty() ? "\"" : ", \"") + finalizer + "\"";
        }
    }
    if (added.empty()) {
        return std::nullopt;
    }
    return invalid(type, name, "metadata.finalizers",
                   "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers "
                   "[]string{" +
                       added + "}");
}

// The end of an object whose addresses are released and resourceVersion bumped: out of the store,
// and DELETED, as `last`, to watchers.
Outcome<json> ObjectStore::finishDeletion(const ResourceType &type, const std::string &ns, Objects::iterator at,
                                          json last)
{
    m_objects.erase(at);
    record("DELETED", type, ns, last, last.dump().size());
    return asServed(type, last);
}

} // namespace Curtain::Sim
