#include "sim/objectstore.h"

#include "sim/apistatus.h"
#include "sim/controllerevents.h"
#include "sim/jsonread.h"

#include <algorithm>

// The store's part of a Namespace's life: what a new one is given, and how a DELETE leaves it
// Terminating for the namespace controller (namespacecontroller.cpp) to empty and remove.

namespace Curtain::Sim {

using nlohmann::json;

// A new Namespace as kube-apiserver fills it in: its finalizer (the namespace controller's) beside
// any the writer gave, the label network policies' selectors match on, and the phase `kubectl get
// ns` shows. A spec that is no NamespaceSpec is the decoder's 400.
std::optional<ApiStatus> ObjectStore::namespaceDefaults(const ResourceType &type, const std::string &name, json &object)
{
    if (!type.builtin || type.kind != "Namespace") {
        return std::nullopt;
    }
    json &spec = object["spec"];
    if (spec.is_null()) {
        spec = json::object();
    }
    json &finalizers = spec.is_object() ? spec["finalizers"] : spec;
    if (finalizers.is_null()) {
        finalizers = json::array();
    }
    if (!spec.is_object() || !finalizers.is_array() ||
        !std::all_of(finalizers.begin(), finalizers.end(), [](const json &f) { return f.is_string(); })) {
        return badRequest("Namespace in version \"v1\" cannot be handled as a Namespace: json: cannot unmarshal " +
                          std::string(spec.is_object() ? "spec.finalizers" : "spec") +
                          " into Go struct field Namespace.spec of type v1.NamespaceSpec");
    }
    if (std::find(finalizers.begin(), finalizers.end(), "kubernetes") == finalizers.end()) {
        finalizers.push_back("kubernetes");
    }
    json &labels = object["metadata"]["labels"];
    if (labels.is_null()) {
        labels = json::object();
    }
    if (labels.is_object()) {
        labels["kubernetes.io/metadata.name"] = name;
    }
    object["status"] = {{"phase", "Active"}};
    return std::nullopt;
}

// A deleted Namespace, as kube-apiserver answers its DELETE: still there, Terminating, until the
// namespace controller has emptied it. A second delete changes nothing.
json ObjectStore::markTerminating(const ResourceType &type, json &stored, bool dryRun)
{
    if (fieldAt(stored, "/metadata/deletionTimestamp")) {
        return asServed(type, stored);
    }
    json terminating = stored;
    terminating["metadata"]["deletionTimestamp"] = utcNow(0);
    if (!terminating["status"].is_object()) {
        terminating["status"] = json::object(); // whatever a write to /status left there
    }
    terminating["status"]["phase"] = "Terminating";
    if (dryRun) {
        return asServed(type, terminating);
    }
    bump(terminating);
    stored = terminating;
    record("MODIFIED", type, {}, terminating, terminating.dump().size());
    return asServed(type, terminating);
}

// Kube's garbage collector orphans by removing the owner's reference from each dependent (a
// MODIFIED event each) before the owner goes; the dependents then belong to no one and stay.
void ObjectStore::orphanDependents(const std::string &ns, const std::string &ownerUid)
{
    if (ownerUid.empty()) {
        return;
    }
    const json::json_pointer referencesAt("/metadata/ownerReferences");
    for (auto &[storedKey, stored] : m_objects) {
        if (!stored.contains(referencesAt) || !stored.at(referencesAt).is_array() ||
            textAt(stored, "/metadata/namespace") != ns) {
            continue;
        }
        const json &references = stored.at(referencesAt);
        json kept = json::array();
        for (const json &reference : references) {
            if (!(reference.is_object() && reference.value("uid", json()) == ownerUid)) {
                kept.push_back(reference);
            }
        }
        const ResourceType *type = findResourceTypeByKind(textAt(stored, "/kind"));
        if (kept.size() == references.size() || !type) {
            continue;
        }
        json updated = stored;
        if (kept.empty()) {
            updated["metadata"].erase("ownerReferences");
        } else {
            updated["metadata"]["ownerReferences"] = std::move(kept);
        }
        bump(updated);
        stored = std::move(updated);
        record("MODIFIED", *type, ns, stored, stored.dump().size());
    }
}

} // namespace Curtain::Sim
