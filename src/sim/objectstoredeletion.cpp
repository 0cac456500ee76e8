#include "sim/objectstore.h"

#include "sim/apistatus.h"
#include "sim/controllerevents.h"
#include "sim/jsonread.h"
#include "sim/validation.h"

#include <algorithm>
#include <map>
#include <set>

// How a DELETE ends an object: at once, or, while metadata.finalizers names anyone still to clean
// up (a controller, a GitOps tool, a person), marked with its deletionTimestamp and kept until the
// last finalizer is taken off by an update, as kube-apiserver keeps it; deleted in the foreground,
// kept until its dependents are gone. Namespaces have their own path (objectstorenamespaces.cpp).

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
    if (options.foreground && !fieldAt(it->second, "/metadata/deletionTimestamp") &&
        hasDependents(type.namespaced ? ns : std::string(), uid)) {
        return holdForDependents(type, ns, it, options.dryRun);
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

// propagationPolicy Foreground: an owner with dependents is kept, marked with deletionTimestamp and
// the foregroundDeletion finalizer, until the garbage collector has deleted them
// (collectForegroundDeletions); one without any goes at once. `ns` empty: a cluster-scoped owner,
// whose dependents may be anywhere. The lock held.
bool ObjectStore::hasDependents(const std::string &ns, const std::string &uid) const
{
    if (uid.empty()) {
        return false;
    }
    for (const auto &[storedKey, stored] : m_objects) {
        const json *references = fieldAt(stored, "/metadata/ownerReferences");
        if (!references || !references->is_array() || (!ns.empty() && textAt(stored, "/metadata/namespace") != ns)) {
            continue;
        }
        for (const json &reference : *references) {
            if (reference.is_object() && reference.value("uid", json()) == uid) {
                return true;
            }
        }
    }
    return false;
}

json ObjectStore::holdForDependents(const ResourceType &type, const std::string &ns, Objects::iterator at, bool dryRun)
{
    json deleting = at->second;
    json &finalizers = deleting["metadata"]["finalizers"];
    if (!finalizers.is_array()) {
        finalizers = json::array();
    }
    if (std::find(finalizers.begin(), finalizers.end(), json(foregroundFinalizer)) == finalizers.end()) {
        finalizers.push_back(foregroundFinalizer);
    }
    deleting["metadata"]["deletionTimestamp"] = utcNow(0);
    deleting["metadata"]["deletionGracePeriodSeconds"] = 0;
    if (dryRun) {
        return asServed(type, deleting);
    }
    bump(deleting);
    at->second = std::move(deleting);
    m_foreground[at->first] = {&type, ns, textAt(at->second, "/metadata/name"), textAt(at->second, "/metadata/uid")};
    record("MODIFIED", type, ns, at->second, at->second.dump().size());
    return asServed(type, at->second);
}

std::vector<ObjectStore::HeldOwner> ObjectStore::heldForDependents()
{
    std::lock_guard lock(m_mutex);
    std::vector<HeldOwner> held;
    std::map<std::string, std::size_t> byUid; // an owner's uid: its place in `held`
    for (auto marked = m_foreground.begin(); marked != m_foreground.end();) {
        const auto it = m_objects.find(marked->first);
        const std::vector<std::string> finalizers =
            it == m_objects.end() ? std::vector<std::string>{} : finalizersOf(it->second);
        if (it == m_objects.end() || textAt(it->second, "/metadata/uid") != marked->second.uid ||
            std::find(finalizers.begin(), finalizers.end(), foregroundFinalizer) == finalizers.end()) {
            marked = m_foreground.erase(marked); // gone, made again, or its finalizer taken off by someone
            continue;
        }
        byUid[marked->second.uid] = held.size();
        held.push_back({marked->second, {}});
        ++marked;
    }
    if (held.empty()) {
        return held;
    }
    std::set<std::string> owners; // every uid some object names as its owner
    for (const auto &[storedKey, stored] : m_objects) {
        const json *references = fieldAt(stored, "/metadata/ownerReferences");
        if (!references || !references->is_array()) {
            continue;
        }
        const std::string ns = textAt(stored, "/metadata/namespace");
        const ResourceType *type = findResourceTypeByKind(textAt(stored, "/kind"));
        for (const json &reference : *references) {
            const std::string uid = textAt(reference, "/uid");
            owners.insert(uid);
            const auto owner = byUid.find(uid);
            if (owner == byUid.end() || !type ||
                (!held[owner->second].owner.ns.empty() && held[owner->second].owner.ns != ns)) {
                continue;
            }
            held[owner->second].dependents.push_back(
                {{type, ns, textAt(stored, "/metadata/name"), textAt(stored, "/metadata/uid")},
                 reference.value("blockOwnerDeletion", json(false)) == json(true),
                 fieldAt(stored, "/metadata/deletionTimestamp") != nullptr,
                 false});
        }
    }
    for (HeldOwner &owner : held) {
        for (Dependent &dependent : owner.dependents) {
            dependent.owns = owners.count(dependent.object.uid) > 0;
        }
    }
    return held;
}

// As kube's collector patches the finalizer away: watchers see the owner DELETED as it was last
// stored, when no other finalizer holds it.
void ObjectStore::releaseForeground(const ObjectName &owner)
{
    std::lock_guard lock(m_mutex);
    const std::string storedKey = key(*owner.type, owner.ns, owner.name);
    m_foreground.erase(storedKey);
    const auto it = m_objects.find(storedKey);
    if (it == m_objects.end() || textAt(it->second, "/metadata/uid") != owner.uid) {
        return;
    }
    json released = it->second;
    json kept = json::array();
    for (const std::string &finalizer : finalizersOf(released)) {
        if (finalizer != foregroundFinalizer) {
            kept.push_back(finalizer);
        }
    }
    if (kept.empty()) {
        released["metadata"].erase("finalizers");
    } else {
        released["metadata"]["finalizers"] = std::move(kept);
    }
    bump(released);
    if (finalizedAway(*owner.type, released)) {
        m_addresses.reindex(*owner.type, &it->second, nullptr);
        it->second["metadata"]["resourceVersion"] = released["metadata"]["resourceVersion"];
        finishDeletion(*owner.type, owner.ns, it, std::move(it->second));
        return;
    }
    it->second = std::move(released);
    record("MODIFIED", *owner.type, owner.ns, it->second, it->second.dump().size());
}

} // namespace Curtain::Sim
