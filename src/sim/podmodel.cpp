#include "sim/podmodel.h"

#include "sim/controllerevents.h"
#include "sim/deploymentreplicasets.h"
#include "sim/jsonread.h"
#include "sim/keyedstate.h"
#include "sim/namerules.h"
#include "sim/nodes.h"
#include "sim/resourcetypes.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <numeric>

namespace Curtain::Sim {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Kube's ReplicaSet controller makes no pod for a ReplicaSet being deleted (its pods go before it in
// a foreground deletion), and the Deployment controller none for a Deployment being deleted. The
// pods of a Deployment are its ReplicaSet's: one a finalizer holds, with its ReplicaSet still
// there, gets its deleted pods back.
bool replicaSetGoing(const ObjectStore &store, const json &workload)
{
    if (textAt(workload, "/kind") != "Deployment") {
        return fieldAt(workload, "/metadata/deletionTimestamp") != nullptr;
    }
    if (!fieldAt(workload, "/metadata/deletionTimestamp")) {
        return false;
    }
    const auto replicaSet = store.get(builtInType("ReplicaSet"), textAt(workload, "/metadata/namespace"),
                                      DeploymentReplicaSets::replicaSetName(workload));
    const json *found = std::get_if<json>(&replicaSet);
    return !found || fieldAt(*found, "/metadata/deletionTimestamp"); // none is made for a Deployment going
}

std::string workloadKey(const json &workload)
{
    return textAt(workload, "/kind") + "/" + textAt(workload, "/metadata/namespace") + "/" +
           textAt(workload, "/metadata/name");
}

} // namespace

// The pods' seeds count up from the workload's first ("prefix name #0", #1…): the demo's pods keep
// their names from run to run, and one made again, or for a template rolled back to, is new.
std::string PodModel::mintPodName(Workload &workload, const std::string &name)
{
    return workload.prefix +
           generatedSuffix(workload.prefix + name + "#" + workload.uid + "#" + std::to_string(workload.minted++));
}

long long PodModel::podsOfTemplate(const json &deployment) const
{
    const auto known = m_workloads.find(workloadKey(deployment));
    if (known == m_workloads.end()) {
        return 0;
    }
    const std::string prefix = DeploymentReplicaSets::replicaSetName(deployment) + "-";
    long long count = 0;
    for (const auto *pods : {&known->second.pods, &known->second.outgoing}) {
        count += std::count_if(pods->begin(), pods->end(),
                               [&prefix](const std::string &pod) { return pod.rfind(prefix, 0) == 0; });
    }
    return count;
}

void PodModel::reconcile(Clock::time_point now)
{
    for (const char *kind : {"Deployment", "ReplicaSet"}) {
        // Only workloads that changed since their pods were made: thousands of settled ones cost a
        // string comparison each.
        const auto changed = [this](const json &workload) {
            if (DeploymentReplicaSets::ownedByDeployment(workload)) {
                return false; // its pods are made for the Deployment itself
            }
            const auto it = m_workloads.find(workloadKey(workload));
            return it == m_workloads.end() || it->second.signature != textAt(workload, "/metadata/resourceVersion");
        };
        for (const json &workload : m_store.select(builtInType(kind), changed)) {
            try {
                syncPods(workload);
            } catch (const std::exception &) {
                // A workload the model cannot read keeps the pods it had.
            }
        }
    }
    startStandalonePods();
    kubeletTrouble(now);
}

void PodModel::forgetNamespace(const std::string &ns)
{
    for (const char *kind : {"Deployment/", "ReplicaSet/"}) {
        eraseKeysStartingWith(m_workloads, kind + ns + "/");
        eraseKeysStartingWith(m_nextTrouble, kind + ns + "/");
    }
    eraseKeysStartingWith(m_podSlots, ns + "/");
    m_addresses.forgetNamespace(ns);
    std::lock_guard lock(m_mutex);
    eraseKeysStartingWith(m_logs, ns + "/");
    m_logged.notify_all(); // a follower of one of these logs finds its pod gone
}

// A pod's log goes with the pod, as its container's log files go on the node: a demo that runs for
// days replaces pods at every rollout, and each kept up to two runs of lines.
void PodModel::forgetLogs(const std::vector<std::string> &pods)
{
    if (pods.empty()) {
        return;
    }
    std::lock_guard lock(m_mutex);
    for (const std::string &pod : pods) {
        m_logs.erase(pod);
    }
    m_logged.notify_all(); // a follower of one of these logs finds its pod gone
}

void PodModel::podsBeforeStatus(const json &workload)
{
    try {
        // Only for the workload as stored: one changed or deleted since the controller read it is
        // left to reconcile, which reads it again (no pods for an object that is gone).
        const auto stored = m_store.get(builtInType(textAt(workload, "/kind").c_str()),
                                        textAt(workload, "/metadata/namespace"), textAt(workload, "/metadata/name"));
        if (!std::holds_alternative<json>(stored) || textAt(std::get<json>(stored), "/metadata/resourceVersion") !=
                                                         textAt(workload, "/metadata/resourceVersion")) {
            return;
        }
        syncPods(workload);
        m_workloads[workloadKey(workload)].signature.clear(); // reconcile checks it once more
    } catch (const std::exception &) {
        // A workload the model cannot read keeps the pods it had, as in reconcile.
    }
}

std::vector<PodModel::Replaced> PodModel::replaceDeletedPods()
{
    const std::uint64_t upTo = m_store.currentResourceVersion();
    std::vector<std::pair<std::string, std::string>> deleted;
    if (auto since = m_store.deletedSince(builtInType("Pod"), m_deletionsSeen)) {
        deleted = std::move(*since);
    } else { // the history no longer reaches back to the last look: every pod the model keeps is looked up
        std::map<std::string, std::string> live; // and the addresses start over from the pods there are
        for (const json &pod : m_store.all(builtInType("Pod"))) {
            live[textAt(pod, "/metadata/namespace") + "/" + textAt(pod, "/metadata/name")] =
                textAt(pod, "/status/podIP");
        }
        m_addresses.rebuild(live);
        for (const auto &[podKey, slot] : m_podSlots) {
            const std::string ns = podKey.substr(0, podKey.find('/'));
            const std::string pod = podKey.substr(podKey.find('/') + 1);
            if (!std::holds_alternative<json>(m_store.get(builtInType("Pod"), ns, pod))) {
                deleted.emplace_back(ns, pod);
            }
        }
    }
    m_deletionsSeen = upTo;
    std::vector<Replaced> replaced;
    std::vector<std::string> gone;
    for (const auto &[ns, pod] : deleted) {
        const bool stillThere = std::holds_alternative<json>(m_store.get(builtInType("Pod"), ns, pod));
        if (!stillThere) { // one made again under its name since (mid-tick) keeps the address it holds
            m_addresses.release(ns + "/" + pod);
            gone.push_back(ns + "/" + pod);
        }
        const auto it = m_podSlots.find(ns + "/" + pod);
        if (it == m_podSlots.end() || stillThere) {
            continue; // one the model removed itself, or made again since
        }
        const Slot slot = it->second;
        m_podSlots.erase(it);
        Workload &workload = m_workloads[slot.workload];
        if (slot.replica >= workload.names.size()) {
            continue;
        }
        const std::string kind = slot.workload.substr(0, slot.workload.find('/'));
        const std::string name = slot.workload.substr(slot.workload.rfind('/') + 1);
        // Was it one of the ready ones? Those are the oldest; a pod still starting leaves readiness as it is.
        const auto found = m_store.get(builtInType(kind.c_str()), ns, name);
        if (!std::holds_alternative<json>(found) || replicaSetGoing(m_store, std::get<json>(found))) {
            continue;
        }
        const long long ready = integerAt(std::get<json>(found), "/status/readyReplicas", 0);
        const auto older = std::count_if(workload.births.begin(), workload.births.end(),
                                         [&](std::uint64_t birth) { return birth < workload.births[slot.replica]; });
        workload.names[slot.replica] = mintPodName(workload, name);
        workload.births[slot.replica] = ++m_births;
        workload.signature.clear(); // its pods are made again on this tick
        recordEvent(m_store, std::get<json>(found), "Normal", "SuccessfulCreate",
                    "Created pod: " + workload.names[slot.replica], "replicaset-controller");
        if (older < ready) {
            m_store.updateStatus(builtInType(kind.c_str()), ns, name, [](json &object) {
                json &status = object["status"];
                const long long now = std::max(0LL, integerAt(object, "/status/readyReplicas", 0) - 1);
                status["readyReplicas"] = now;
                status["availableReplicas"] = now;
                if (textAt(object, "/kind") == "Deployment") {
                    status["unavailableReplicas"] = integerAt(object, "/spec/replicas", 1) - now;
                }
            });
            replaced.push_back({kind, ns, name});
        }
    }
    forgetLogs(gone);
    return replaced;
}

PodModel::PodOwner PodModel::ownerOf(const json &workload) const
{
    if (textAt(workload, "/kind") != "Deployment") {
        return {textAt(workload, "/metadata/name"), textAt(workload, "/metadata/uid"), {}};
    }
    PodOwner owner;
    owner.name = DeploymentReplicaSets::replicaSetName(workload);
    owner.templateHash = owner.name.substr(owner.name.rfind('-') + 1);
    m_store.inspect(builtInType("ReplicaSet"), textAt(workload, "/metadata/namespace"), owner.name,
                    [&owner](const json &replicaSet) { owner.uid = textAt(replicaSet, "/metadata/uid"); });
    return owner;
}

json PodModel::podFor(const json &workload, const PodOwner &owner, const std::string &name, bool ready)
{
    const std::string ns = textAt(workload, "/metadata/namespace");
    json labels = valueAt(workload, "/spec/template/metadata/labels", json::object());
    if (!labels.is_object()) {
        labels = json::object();
    }
    json containers = valueAt(workload, "/spec/template/spec/containers", json::array());
    json statuses = json::array();
    for (const json &container : containers) {
        statuses.push_back({{"name", textAt(container, "/name")},
                            {"image", textAt(container, "/image")},
                            {"ready", ready},
                            {"started", true},
                            {"restartCount", 0},
                            {"state", {{"running", {{"startedAt", utcNow(0)}}}}}});
    }
    // An Argo ReplicaSet's pods already have their pod-template-hash in the template.
    if (!owner.templateHash.empty()) {
        labels["pod-template-hash"] = owner.templateHash;
    }
    const int preferred = int(std::hash<std::string>{}(name) % PodAddresses::nodes) + 1;
    const std::string address = m_addresses.take(ns + "/" + name, preferred);
    const int node = address.empty() ? preferred : PodAddresses::nodeOfAddress(address); // a full node's go on
    return {{"metadata",
             {{"name", name},
              {"namespace", ns},
              {"labels", labels},
              {"ownerReferences", json::array({{{"apiVersion", "apps/v1"},
                                                {"kind", "ReplicaSet"},
                                                {"name", owner.name},
                                                {"uid", owner.uid},
                                                {"controller", true},
                                                {"blockOwnerDeletion", true}}})}}},
            {"spec", {{"containers", containers}, {"nodeName", Nodes::name(node)}, {"restartPolicy", "Always"}}},
            {"status",
             {{"phase", "Running"},
              {"conditions", json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})},
              {"hostIP", Nodes::internalIp(node)},
              {"podIP", address},
              {"podIPs", address.empty() ? json::array() : json::array({{{"ip", address}}})},
              {"startTime", utcNow(0)},
              {"containerStatuses", statuses}}}};
}

void PodModel::setReady(const std::string &ns, const std::string &pod, bool ready)
{
    m_store.updateStatus(builtInType("Pod"), ns, pod, [ready](json &object) {
        json &status = object["status"];
        status["conditions"] = json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}});
        for (json &container : status["containerStatuses"]) {
            if (container.is_object()) {
                container["ready"] = ready;
            }
        }
    });
}

// The pods of the templates before keep serving until new ones replace them, oldest template first
// in line to go. Any of the new template's own still serving (an undo mid-rollout) are its first
// pods, the oldest: its ReplicaSet adopts them, and the Deployment counted them as updated.
void PodModel::startTemplate(Workload &known, const std::string &ns, const std::string &prefix, bool keepOldPods)
{
    std::vector<std::string> adopted;
    if (keepOldPods) {
        for (const std::string &pod : known.pods) {
            m_podSlots.erase(ns + "/" + pod);
            known.outgoing.push_back(pod);
        }
        const auto own = std::stable_partition(known.outgoing.begin(), known.outgoing.end(),
                                               [&prefix](const std::string &pod) { return pod.rfind(prefix, 0) != 0; });
        adopted.assign(own, known.outgoing.end());
        known.outgoing.erase(own, known.outgoing.end());
        known.pods = adopted; // as they are: syncPods removes any beyond the count it wants
    }
    known.prefix = prefix;
    known.names = std::move(adopted);
    known.births.clear();
    while (known.births.size() < known.names.size()) {
        known.births.push_back(++m_births);
    }
}

// One old pod goes for each new one: `kept` stay, the oldest template's going first, and the last
// of them are ready, up to `oldReady`. Returns how many ready ones they are.
long long PodModel::retireOldPods(Workload &known, const std::string &ns, std::size_t kept, long long oldReady)
{
    if (known.outgoing.size() > kept) {
        const auto going = known.outgoing.begin() + static_cast<long>(known.outgoing.size() - kept);
        for (auto it = known.outgoing.begin(); it != going; ++it) {
            m_store.remove(builtInType("Pod"), ns, *it);
        }
        known.outgoing.erase(known.outgoing.begin(), going);
    }
    oldReady = std::min(static_cast<long long>(known.outgoing.size()), oldReady);
    for (std::size_t i = 0; i < known.outgoing.size(); ++i) {
        setReady(ns, known.outgoing[i], static_cast<long long>(known.outgoing.size() - i) <= oldReady);
    }
    return oldReady;
}

// A ReplicaSet that a Deployment's delete left behind (--cascade=orphan) keeps the pods made for that
// Deployment's template, as kube's ReplicaSet controller adopts the pods that name it their owner:
// their entry moves under the ReplicaSet's key, so it makes no second set.
void PodModel::adoptOrphanedPods(const std::string &ns, const std::string &replicaSetKey, const std::string &prefix)
{
    const std::string deployments = "Deployment/" + ns + "/";
    for (auto it = m_workloads.lower_bound(deployments);
         it != m_workloads.end() && it->first.compare(0, deployments.size(), deployments) == 0; ++it) {
        if (it->second.prefix != prefix ||
            m_store.contains(builtInType("Deployment"), ns, it->first.substr(deployments.size()))) {
            continue; // another template, or its Deployment still runs them
        }
        const std::string from = it->first;
        m_workloads[replicaSetKey] = std::move(it->second);
        m_workloads.erase(from);
        for (auto &[pod, slot] : m_podSlots) {
            if (slot.workload == from) {
                slot.workload = replicaSetKey;
            }
        }
        if (const auto trouble = m_nextTrouble.find(from); trouble != m_nextTrouble.end()) {
            m_nextTrouble[replicaSetKey] = trouble->second;
            m_nextTrouble.erase(from);
        }
        return;
    }
}

void PodModel::syncPods(const json &workload)
{
    if (replicaSetGoing(m_store, workload)) {
        return;
    }
    const std::string kind = textAt(workload, "/kind");
    const std::string ns = textAt(workload, "/metadata/namespace");
    const std::string name = textAt(workload, "/metadata/name");
    const long long desired = std::max(0LL, integerAt(workload, "/spec/replicas", 1));
    long long ready = std::clamp(integerAt(workload, "/status/readyReplicas", 0), 0LL, desired);
    const bool deployment = kind == "Deployment";
    const long long updated =
        deployment ? std::clamp(integerAt(workload, "/status/updatedReplicas", desired), 0LL, desired) : desired;
    // A Deployment's pods carry its template's hash (a new template makes new pods, as a new
    // ReplicaSet would); an Argo ReplicaSet already is one template.
    const std::string prefix = deployment ? DeploymentReplicaSets::replicaSetName(workload) + "-" : name + "-";
    if (deployment &&
        integerAt(workload, "/metadata/generation", 1) != integerAt(workload, "/status/observedGeneration", 0)) {
        return; // a change the controller has not seen yet: its pods follow once it counts them
    }
    const std::string key = workloadKey(workload);
    if (!deployment && !m_workloads.count(key)) {
        adoptOrphanedPods(ns, key, prefix);
    }
    Workload &known = m_workloads[key];
    known.uid = textAt(workload, "/metadata/uid");
    if (known.prefix != prefix) { // a new template: new pods from the first
        startTemplate(known, ns, prefix, deployment);
    }
    ready -= retireOldPods(known, ns, static_cast<std::size_t>(desired - updated), std::max(0LL, ready - updated));
    const auto count = static_cast<std::size_t>(std::min(known.outgoing.empty() ? desired : updated, 100LL));
    known.names.resize(count);
    for (std::string &pod : known.names) {
        if (pod.empty()) {
            pod = mintPodName(known, name);
        }
    }
    while (known.births.size() < count) {
        known.births.push_back(++m_births);
    }
    known.births.resize(count);
    const std::vector<std::string> wanted = known.names;
    // The oldest pods are the ready ones; one made again after a delete starts last.
    std::vector<std::size_t> byAge(count);
    std::iota(byAge.begin(), byAge.end(), std::size_t(0));
    std::sort(byAge.begin(), byAge.end(),
              [&](std::size_t a, std::size_t b) { return known.births[a] < known.births[b]; });
    for (const std::string &old : known.pods) {
        if (std::find(wanted.begin(), wanted.end(), old) == wanted.end()) {
            m_podSlots.erase(ns + "/" + old);
            m_store.remove(builtInType("Pod"), ns, old);
        }
    }
    std::vector<std::string> oldestFirst;
    std::optional<PodOwner> owner; // read when the first missing pod is made
    for (std::size_t rank = 0; rank < count; ++rank) {
        const std::size_t i = byAge[rank];
        const bool isReady = static_cast<long long>(rank) < ready;
        oldestFirst.push_back(wanted[i]);
        m_podSlots[ns + "/" + wanted[i]] = {key, i};
        if (!m_store.contains(builtInType("Pod"), ns, wanted[i])) {
            if (!owner) {
                owner = ownerOf(workload);
            }
            if (!std::holds_alternative<json>(
                    m_store.create(builtInType("Pod"), ns, podFor(workload, *owner, wanted[i], isReady)))) {
                m_addresses.release(ns + "/" + wanted[i]); // refused (its namespace is going): no pod holds it
            }
            continue;
        }
        setReady(ns, wanted[i], isReady);
    }
    known.pods = std::move(oldestFirst);
    // The version read after the pods were written: the workload itself did not change since.
    const auto now = m_store.get(builtInType(kind.c_str()), ns, name);
    known.signature =
        std::holds_alternative<json>(now) ? textAt(std::get<json>(now), "/metadata/resourceVersion") : std::string();
}

void PodModel::kubeletTrouble(Clock::time_point now)
{
    for (auto &[key, workload] : m_workloads) {
        if (workload.pods.empty()) {
            continue;
        }
        const auto due = m_nextTrouble.find(key);
        if (due != m_nextTrouble.end() && now < due->second) {
            continue; // its next failed probe is not due yet: nothing to read
        }
        const std::string kind = key.substr(0, key.find('/'));
        const std::string rest = key.substr(key.find('/') + 1);
        const std::string ns = rest.substr(0, rest.find('/'));
        const std::string name = rest.substr(rest.find('/') + 1);
        // Read in place: a copy of every workload each round was a tenth of an idle sim's time.
        bool failing = false;
        const bool found = m_store.inspect(builtInType(kind.c_str()), ns, name, [&](const json &object) {
            const Behaviour &behaviour =
                m_scenario.behaviourFor(textAt(object, "/spec/template/spec/containers/0/image"));
            failing = behaviour.errorRate >= 0.02 && integerAt(object, "/status/readyReplicas", 0) >= 1;
        });
        if (!found || !failing) {
            continue;
        }
        auto [next, first] = m_nextTrouble.try_emplace(key, now + std::chrono::seconds(5));
        if (now < next->second) {
            continue;
        }
        const int round = ++m_troubleRound;
        next->second = now + std::chrono::seconds(60);
        const std::string pod = workload.pods[std::size_t(round) % workload.pods.size()];
        const auto podObject = m_store.get(builtInType("Pod"), ns, pod);
        if (!std::holds_alternative<json>(podObject)) {
            continue;
        }
        recordEvent(m_store, std::get<json>(podObject), "Warning", "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 503", "kubelet");
        if (round % 5 == 0) {
            // The run before is readable (--previous) once the status counts the restart, as on a node
            // whose kubelet reports a container after starting it again.
            restartContainers(ns, pod);
            m_store.updateStatus(builtInType("Pod"), ns, pod, [](json &p) {
                for (json &container : p["status"]["containerStatuses"]) {
                    if (container.is_object()) {
                        container["restartCount"] = integerAt(container, "/restartCount", 0) + 1;
                    }
                }
            });
            recordEvent(m_store, std::get<json>(podObject), "Warning", "BackOff",
                        "Back-off restarting failed container in pod " + pod, "kubelet");
        }
    }
}

void PodModel::logRequests(const json &workload, long long count, long long errors,
                           const std::vector<double> &latencies)
{
    const auto it = m_workloads.find(workloadKey(workload));
    if (it == m_workloads.end() || it->second.pods.empty() || count <= 0) {
        return;
    }
    const long long ready = std::clamp(integerAt(workload, "/status/readyReplicas", 1), 1LL,
                                       static_cast<long long>(it->second.pods.size()));
    const std::string ns = textAt(workload, "/metadata/namespace");
    const auto time = std::chrono::system_clock::now();
    std::lock_guard lock(m_mutex);
    std::vector<Log *> logs; // the ready pods' logs, found once per round
    for (long long p = 0; p < ready; ++p) {
        logs.push_back(&m_logs[ns + "/" + it->second.pods[std::size_t(p)]]);
    }
    for (long long i = 0; i < count; ++i) {
        const bool failed = i < errors; // which of the requests failed does not matter, how many does
        const double seconds = std::size_t(i) < latencies.size() ? latencies[std::size_t(i)] : 0.05;
        const auto request = static_cast<std::uint32_t>(++m_requestNumber % 100000);
        Log &log = *logs[std::size_t(m_requestNumber % std::uint64_t(ready))];
        log.lines.push_back({time, request, static_cast<std::uint32_t>(std::lround(seconds * 1000)), failed});
        ++log.next;
        while (log.lines.size() > bufferedLines) {
            log.lines.pop_front();
        }
    }
    m_logged.notify_all();
}

std::string PodModel::lineOf(const LogEntry &entry, bool timestamp)
{
    char line[200];
    std::snprintf(line, sizeof line, "%s \"GET /items/%u HTTP/1.1\" %d %ums%s", utcText(entry.at, 3).c_str(),
                  entry.request, entry.failed ? 500 : 200, entry.milliseconds,
                  entry.failed ? " upstream error: connection reset by peer" : "");
    return timestamp ? utcText(entry.at, 9) + " " + line : std::string(line);
}

void PodModel::restartContainers(const std::string &ns, const std::string &pod)
{
    std::lock_guard lock(m_mutex);
    Log &log = m_logs[ns + "/" + pod];
    log.previous = std::move(log.lines);
    log.lines.clear();
    log.runStart = log.next;
    ++log.restarts;
    m_logged.notify_all(); // a follow of the run that ended ends too
}

PodModel::LogLines PodModel::log(const std::string &ns, const std::string &pod, const LogRequest &request) const
{
    LogLines out;
    std::vector<LogEntry> chosen;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_logs.find(ns + "/" + pod);
        if (it == m_logs.end()) {
            return {};
        }
        const Log &log = it->second;
        const std::deque<LogEntry> &entries = request.previous ? log.previous : log.lines;
        const std::uint64_t end = request.previous ? log.runStart : log.next;
        const std::uint64_t first = end - entries.size();
        out.next = end;
        out.run = request.previous && log.restarts > 0 ? log.restarts - 1 : log.restarts;
        if (request.run && *request.run != out.run) {
            return out; // a follow of a run that has ended: nothing of the next is written out for it
        }
        std::uint64_t start = std::min(std::max(request.from, first), end);
        if (request.since) { // entries are in the order they were served, so in time order
            const auto after = std::partition_point(entries.begin() + std::ptrdiff_t(start - first), entries.end(),
                                                    [&](const LogEntry &entry) { return entry.at < *request.since; });
            start = first + std::uint64_t(after - entries.begin());
        }
        if (request.tail > 0 && end - start > request.tail) {
            start = end - request.tail;
        }
        chosen.assign(entries.begin() + std::ptrdiff_t(start - first), entries.end());
    }
    // Written out after the lock: the model's tick waits on it to log the next round.
    for (const LogEntry &entry : chosen) {
        out.lines.push_back(lineOf(entry, request.timestamps));
    }
    return out;
}

void PodModel::waitForLines(const std::string &ns, const std::string &pod, std::uint64_t from, std::uint64_t run,
                            Clock::time_point deadline) const
{
    std::unique_lock lock(m_mutex);
    m_logged.wait_until(lock, deadline, [&] {
        const auto it = m_logs.find(ns + "/" + pod);
        return m_stopped || (it != m_logs.end() && (it->second.next > from || it->second.restarts != run));
    });
}

void PodModel::stop()
{
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    m_logged.notify_all();
}

} // namespace Curtain::Sim
