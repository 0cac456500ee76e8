#include "sim/deploymentreplicasets.h"

#include "sim/controllerevents.h"
#include "sim/jsonread.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"
#include "sim/rolloutcontroller.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

const char *const revisionAnnotation = "deployment.kubernetes.io/revision";
const char *const hashLabel = "pod-template-hash";

} // namespace

void writeReplicaSetStatus(ObjectStore &store, const std::string &ns, const std::string &name, long long replicas,
                           long long ready)
{
    try {
        store.updateStatus(builtInType("ReplicaSet"), ns, name, [&](json &object) {
            json &status = object["status"];
            status["replicas"] = replicas;
            status["fullyLabeledReplicas"] = replicas;
            status["readyReplicas"] = ready;
            status["availableReplicas"] = ready;
            status["observedGeneration"] = integerAt(object, "/metadata/generation", 1);
        });
    } catch (const std::exception &) {
        // Left as the client made it; the controller's next pass tries again.
    }
}

bool DeploymentReplicaSets::hasRevision(const json &deployment)
{
    const auto metadata = deployment.find("metadata");
    if (metadata == deployment.end() || !metadata->is_object()) {
        return false;
    }
    const auto annotations = metadata->find("annotations");
    return annotations != metadata->end() && annotations->is_object() && annotations->contains(revisionAnnotation);
}

int DeploymentReplicaSets::revisionOf(const json &object)
{
    const std::string text = textAt(object, "/metadata/annotations/deployment.kubernetes.io~1revision");
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return c >= '0' && c <= '9'; })) {
        return 0;
    }
    return std::stoi(text);
}

namespace {

// The object's controller reference when it is a Deployment's, read without copying or throwing
// (it runs in filters under the store's lock, on objects any client may have written).
const json *deploymentController(const json &object)
{
    const json *refs = fieldAt(object, "/metadata/ownerReferences");
    if (!refs || !refs->is_array()) {
        return nullptr;
    }
    for (const json &ref : *refs) {
        if (!ref.is_object()) {
            continue;
        }
        // Compared in place: json == "Deployment" would build a json of the literal for every object.
        const auto kind = ref.find("kind");
        const auto controller = ref.find("controller");
        if (kind != ref.end() && kind->is_string() && kind->get_ref<const std::string &>() == "Deployment" &&
            controller != ref.end() && controller->is_boolean() && controller->get<bool>()) {
            return &ref;
        }
    }
    return nullptr;
}

// Owned as the controller and kubectl see it: by the Deployment's uid (a Deployment made again
// under the same name does not own the ReplicaSets of the one before).
bool ownedBy(const json &replicaSet, const std::string &deploymentUid)
{
    const json *ref = deploymentController(replicaSet);
    return ref && textAt(*ref, "/uid") == deploymentUid;
}

json newReplicaSet(const json &deployment, const std::string &hash, int revision)
{
    const std::string name = textAt(deployment, "/metadata/name");
    json podTemplate = valueAt(deployment, "/spec/template", json::object());
    podTemplate["metadata"]["labels"][hashLabel] = hash;
    // The Deployment's annotations, as the controller copies them (kubernetes.io/change-cause is what
    // `kubectl rollout history` shows), but for its own bookkeeping and kubectl's last-applied copy.
    json annotations = json::object();
    const json copied = valueAt(deployment, "/metadata/annotations", json::object());
    for (const auto &[key, value] : copied.items()) {
        if (value.is_string() && key != "kubectl.kubernetes.io/last-applied-configuration" &&
            key.rfind("deployment.kubernetes.io/", 0) != 0) {
            annotations[key] = value;
        }
    }
    annotations[revisionAnnotation] = std::to_string(revision);
    json selector = valueAt(deployment, "/spec/selector", json::object());
    selector["matchLabels"][hashLabel] = hash;
    return {{"apiVersion", "apps/v1"},
            {"kind", "ReplicaSet"},
            {"metadata",
             {{"name", name + "-" + hash},
              {"namespace", textAt(deployment, "/metadata/namespace")},
              {"labels", podTemplate["metadata"]["labels"]},
              {"annotations", annotations},
              {"ownerReferences",
               {{{"apiVersion", "apps/v1"},
                 {"kind", "Deployment"},
                 {"name", name},
                 {"uid", textAt(deployment, "/metadata/uid")},
                 {"controller", true},
                 {"blockOwnerDeletion", true}}}}}},
            {"spec", {{"replicas", 0}, {"selector", selector}, {"template", podTemplate}}}};
}

// The template as the controller compares it: a null or empty-object field is an absent one (Go
// decodes them all to the zero value; `kubectl rollout undo` sends "creationTimestamp": null and
// "resources": {}), and the ReplicaSet's own pod-template-hash label is not part of it.
json canonical(const json &value)
{
    if (value.is_object()) {
        json out = json::object();
        for (const auto &[key, field] : value.items()) {
            json kept = canonical(field);
            if (!kept.is_null() && !(kept.is_object() && kept.empty())) {
                out[key] = std::move(kept);
            }
        }
        return out;
    }
    if (value.is_array()) {
        json out = json::array();
        for (const json &item : value) {
            out.push_back(canonical(item));
        }
        return out;
    }
    return value;
}

std::string templateHash(const json &deployment)
{
    json podTemplate = canonical(valueAt(deployment, "/spec/template", json::object()));
    if (podTemplate.contains("metadata") && podTemplate["metadata"].is_object()) {
        json &metadata = podTemplate["metadata"];
        if (metadata.contains("labels") && metadata["labels"].is_object()) {
            metadata["labels"].erase(hashLabel);
            if (metadata["labels"].empty()) {
                metadata.erase("labels");
            }
        }
        if (metadata.empty()) {
            podTemplate.erase("metadata");
        }
    }
    return RolloutController::podTemplateHash(podTemplate);
}

} // namespace

bool DeploymentReplicaSets::ownedByDeployment(const json &replicaSet)
{
    return deploymentController(replicaSet) != nullptr;
}

std::string DeploymentReplicaSets::replicaSetName(const json &deployment)
{
    return textAt(deployment, "/metadata/name") + "-" + templateHash(deployment);
}

int DeploymentReplicaSets::follow(const json &deployment, long long updated, long long ready)
{
    const std::string ns = textAt(deployment, "/metadata/namespace");
    const std::string name = textAt(deployment, "/metadata/name");
    const long long desired = std::max(0LL, integerAt(deployment, "/spec/replicas", 1));
    const std::string hash = templateHash(deployment);
    std::vector<json> owned = ownedReplicaSets(deployment, hash);
    std::sort(owned.begin(), owned.end(), [](const json &a, const json &b) { return revisionOf(a) > revisionOf(b); });
    const int highest = owned.empty() ? 0 : revisionOf(owned.front());
    const auto current = std::find_if(owned.begin(), owned.end(), [&hash](const json &rs) {
        return textAt(rs, "/metadata/labels/pod-template-hash") == hash;
    });
    int revision = highest;
    std::string currentName = name + "-" + hash;
    if (current == owned.end()) {
        revision = highest + 1;
        json replicaSet = newReplicaSet(deployment, hash, revision);
        if (owned.empty() && integerAt(deployment, "/status/observedGeneration", 0) ==
                                 integerAt(deployment, "/metadata/generation", 1)) {
            // A Deployment that was settled before the model saw it (the demo's, at start): its
            // ReplicaSet as it would be by now, not a scale-up happening now.
            replicaSet["spec"]["replicas"] = desired;
        }
        auto created = m_store.create(builtInType("ReplicaSet"), ns, replicaSet);
        if (!std::holds_alternative<json>(created)) {
            // There already: its own from before the model ran (adopted), or someone else's (the
            // Deployment then goes on without one, as the controller would report a collision).
            created = m_store.get(builtInType("ReplicaSet"), ns, name + "-" + hash);
            if (!std::holds_alternative<json>(created) ||
                !ownedBy(std::get<json>(created), textAt(deployment, "/metadata/uid"))) {
                return 0;
            }
            revision = std::max(revisionOf(std::get<json>(created)), highest);
        }
        owned.insert(owned.begin(), std::get<json>(created));
        m_owned[ns + "/" + name].push_back(textAt(std::get<json>(created), "/metadata/name"));
    } else if (revisionOf(*current) != highest) {
        // An older template is current again (kubectl rollout undo): it takes the next number.
        revision = highest + 1;
        const json bump = {{"metadata", {{"annotations", {{revisionAnnotation, std::to_string(revision)}}}}}};
        m_store.patch(builtInType("ReplicaSet"), ns, textAt(*current, "/metadata/name"), "application/merge-patch+json",
                      bump.dump(), false);
        std::rotate(owned.begin(), current, current + 1);
    } else {
        std::rotate(owned.begin(), current, current + 1);
    }
    // owned.front() is the current one, the rest newest first. The old ones keep the pods not yet
    // replaced, the oldest template's going first (as the controller scales down the oldest first);
    // the newest old ones hold the ready pods.
    long long oldLeft = std::max(0LL, desired - updated);
    long long oldReadyLeft = std::max(0LL, ready - updated);
    for (std::size_t i = 0; i < owned.size(); ++i) {
        const json &rs = owned[i];
        const std::string rsName = textAt(rs, "/metadata/name");
        const long long before = integerAt(rs, "/spec/replicas", 0);
        // The new one grows as the old ones shrink while a new template rolls out; at once otherwise.
        const long long replicas = i == 0 ? (owned.size() > 1 ? std::min(desired, updated) : desired)
                                          : std::min(std::max(0LL, before), oldLeft);
        const long long readyHere = i == 0 ? std::min(ready, updated) : std::min(replicas, oldReadyLeft);
        if (i > 0) {
            oldLeft -= replicas;
            oldReadyLeft -= readyHere;
        }
        if (before != replicas) {
            m_store.patch(builtInType("ReplicaSet"), ns, rsName, "application/merge-patch+json",
                          json{{"spec", {{"replicas", replicas}}}}.dump(), false);
            recordEvent(m_store, deployment, "Normal", "ScalingReplicaSet",
                        std::string(replicas > before ? "Scaled up" : "Scaled down") + " replica set " + rsName +
                            " to " + std::to_string(replicas) + " from " + std::to_string(before),
                        "deployment-controller");
        }
        const long long shown = std::min(readyHere, replicas);
        if (integerAt(rs, "/status/replicas", -1) != replicas || integerAt(rs, "/status/readyReplicas", -1) != shown) {
            writeReplicaSetStatus(m_store, ns, rsName, replicas, shown);
        }
    }
    return revision;
}

std::vector<json> DeploymentReplicaSets::ownedReplicaSets(const json &deployment, const std::string &hash)
{
    const std::string ns = textAt(deployment, "/metadata/namespace");
    const std::string name = textAt(deployment, "/metadata/name");
    const std::string uid = textAt(deployment, "/metadata/uid");
    std::vector<std::string> &names = m_owned[ns + "/" + name];
    if (names.empty()) {
        names.push_back(name + "-" + hash); // the one a first look may find (stored before the model ran)
    }
    std::vector<json> owned;
    std::vector<std::string> kept;
    for (const std::string &rsName : names) {
        const auto found = m_store.get(builtInType("ReplicaSet"), ns, rsName);
        if (std::holds_alternative<json>(found) && ownedBy(std::get<json>(found), uid)) {
            owned.push_back(std::get<json>(found));
            kept.push_back(rsName);
        }
    }
    names = std::move(kept); // deleted by someone meanwhile: forgotten
    return owned;
}

void DeploymentReplicaSets::annotateRevision(const json &deployment, int revision)
{
    if (revision <= 0 || revisionOf(deployment) == revision) {
        return;
    }
    const json patch = {{"metadata", {{"annotations", {{revisionAnnotation, std::to_string(revision)}}}}}};
    m_store.patch(builtInType("Deployment"), textAt(deployment, "/metadata/namespace"),
                  textAt(deployment, "/metadata/name"), "application/merge-patch+json", patch.dump(), false);
}

std::vector<std::string> DeploymentReplicaSets::takeOrphaned()
{
    const std::uint64_t upTo = m_store.currentResourceVersion();
    if (m_replicaSetDeletionsSeen == 0) {
        m_replicaSetDeletionsSeen = upTo;
        return {};
    }
    const auto deleted = m_store.deletedSince(builtInType("ReplicaSet"), m_replicaSetDeletionsSeen);
    m_replicaSetDeletionsSeen = upTo;
    std::vector<std::string> orphaned;
    for (const auto &[ns, rsName] : deleted.value_or(std::vector<std::pair<std::string, std::string>>{})) {
        for (const auto &[key, names] : m_owned) {
            if (key.rfind(ns + "/", 0) == 0 && std::find(names.begin(), names.end(), rsName) != names.end()) {
                orphaned.push_back(key);
            }
        }
    }
    return orphaned;
}

void DeploymentReplicaSets::collectGarbage()
{
    const std::uint64_t upTo = m_store.currentResourceVersion();
    if (m_deletionsSeen == 0) { // the first look: what was deleted before the model ran is not ours
        m_deletionsSeen = upTo;
        return;
    }
    std::vector<std::pair<std::string, std::string>> candidates;
    if (auto deleted = m_store.deletedSince(builtInType("Deployment"), m_deletionsSeen)) {
        candidates = std::move(*deleted);
    } else { // the history no longer reaches back to the last look: every Deployment known is looked at
        for (const auto &[key, names] : m_owned) {
            candidates.emplace_back(key.substr(0, key.find('/')), key.substr(key.find('/') + 1));
        }
    }
    m_deletionsSeen = upTo;
    if (candidates.empty()) {
        return;
    }
    // Each candidate's uid now: "" when it is gone. Made again under the same name since, the
    // ReplicaSets of the one before are still garbage.
    std::map<std::string, std::string> liveUids; // namespace/name → uid
    for (const auto &candidate : candidates) {
        const std::string key = candidate.first + "/" + candidate.second;
        const auto live = m_store.get(builtInType("Deployment"), candidate.first, candidate.second);
        liveUids[key] = std::holds_alternative<json>(live) ? textAt(std::get<json>(live), "/metadata/uid") : "";
        if (liveUids[key].empty()) {
            m_owned.erase(key);
        }
    }
    // One pass over the ReplicaSets, and one over the pods, whatever the number of candidates: after a
    // compacted history that is every Deployment, and a pass per Deployment held the store for seconds.
    const auto garbage = m_store.list(builtInType("ReplicaSet"), {}, [&liveUids](const json &rs) {
        const json *ref = deploymentController(rs);
        if (!ref) {
            return false;
        }
        const auto it = liveUids.find(textAt(rs, "/metadata/namespace") + "/" + textAt(*ref, "/name"));
        return it != liveUids.end() && textAt(*ref, "/uid") != it->second;
    });
    if (garbage.items.empty()) {
        return;
    }
    std::set<std::string> garbageNames; // namespace/name
    for (const json &rs : garbage.items) {
        garbageNames.insert(textAt(rs, "/metadata/namespace") + "/" + textAt(rs, "/metadata/name"));
    }
    const auto pods = m_store.list(builtInType("Pod"), {}, [&garbageNames](const json &pod) {
        const json *refs = fieldAt(pod, "/metadata/ownerReferences");
        if (!refs || !refs->is_array()) {
            return false;
        }
        const std::string ns = textAt(pod, "/metadata/namespace");
        return std::any_of(refs->begin(), refs->end(), [&](const json &ref) {
            return textAt(ref, "/kind") == "ReplicaSet" && garbageNames.count(ns + "/" + textAt(ref, "/name")) > 0;
        });
    });
    for (const json &pod : pods.items) {
        m_store.remove(builtInType("Pod"), textAt(pod, "/metadata/namespace"), textAt(pod, "/metadata/name"));
    }
    for (const json &rs : garbage.items) {
        m_store.remove(builtInType("ReplicaSet"), textAt(rs, "/metadata/namespace"), textAt(rs, "/metadata/name"));
    }
}

} // namespace Curtain::Sim
