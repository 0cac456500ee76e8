#pragma once

#include "sim/objectstore.h"
#include "sim/podaddresses.h"
#include "sim/scenario.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace Curtain::Sim {

// The pods a kubelet would run: one Pod object per replica of every Deployment and ReplicaSet,
// created as replicas appear, Ready as they become ready, removed as they go; their logs, one
// access-log line per request the traffic model serves them (a version failing 3 % of requests
// logs 3 % 5xx lines); and, for a version over 2 % errors, the kubelet's Warning events (Unhealthy
// 5 s after its pods are ready, then every minute; a restart with BackOff every fifth time). A pod
// someone deletes is made again under a new name, as its ReplicaSet would, and counts as not ready
// until its workload's readiness comes back. Logs are read from the API's threads while the model's
// tick writes them: thread-safe.
class PodModel
{
public:
    PodModel(ObjectStore &store, const Scenario &scenario) : m_store(store), m_scenario(scenario) {}

    // A workload one of whose pods someone deleted: it is one ready pod short until the new one starts.
    struct Replaced
    {
        std::string kind; // Deployment or ReplicaSet
        std::string ns;
        std::string name;
    };
    // From the model's tick, first: the workloads whose deleted pods were made again on this tick
    // (under new names, not ready), before any controller counts their pods.
    std::vector<Replaced> replaceDeletedPods();
    // From the model's tick, last: pods for every workload changed since, and the kubelet's trouble.
    void reconcile(std::chrono::steady_clock::time_point now);
    // Drops what the model kept of a namespace that was deleted (workloads, pod slots, logs).
    void forgetNamespace(const std::string &ns);

    // The pods of `workload` as its controller is about to count them: called with the status it will
    // write, before it writes it. In a cluster a pod turns ready (or goes) before the Deployment's or
    // ReplicaSet's count includes it; a client that reads the pods on the count's event sees them so.
    void podsBeforeStatus(const nlohmann::json &workload);
    // How many pods of the Deployment's current template are still there from before (rolled back
    // to mid-rollout): its new ReplicaSet starts with them, as kube's adopts its pods.
    long long podsOfTemplate(const nlohmann::json &deployment) const;

    // `count` requests of `workload` served now, `errors` of them 5xx, with these latencies (seconds).
    void logRequests(const nlohmann::json &workload, long long count, long long errors,
                     const std::vector<double> &latencies);

    struct LogLines
    {
        std::vector<std::string> lines;
        std::uint64_t next = 0; // the sequence number after the last line: where a follow resumes
        std::uint64_t run = 0;  // which of the container's runs the lines are of: 0 until its first restart
    };
    // The pod's containers restarted (kubelet, after failed probes): its log starts again, and the run
    // before is what `kubectl logs --previous` reads. Both runs are numbered on from the same count,
    // so a follow of the run that ended can still read what it had not, then end.
    void restartContainers(const std::string &ns, const std::string &pod);
    // What a pod's log request asks for, as kubelet reads PodLogOptions.
    struct LogRequest
    {
        std::uint64_t from = 0; // the first sequence number wanted (a follow's next)
        std::size_t tail = 0;   // only the last `tail` lines, when > 0
        std::optional<std::chrono::system_clock::time_point> since;
        bool timestamps = false;          // each line starts with its time, RFC3339Nano
        bool previous = false;            // the container's run before its last restart
        std::optional<std::uint64_t> run; // only that run's lines: none when the lines asked for are another's
    };
    // The pod's buffered lines the request asks for.
    LogLines log(const std::string &ns, const std::string &pod, const LogRequest &request) const;
    // Waits until the pod has lines from `from` on, its containers' run is no longer `run`, or `deadline`.
    void waitForLines(const std::string &ns, const std::string &pod, std::uint64_t from, std::uint64_t run,
                      std::chrono::steady_clock::time_point deadline) const;
    void stop(); // wakes every follower

    static constexpr std::size_t bufferedLines = 1000;

private:
    struct Workload
    {
        std::string signature;             // what the pods were made from: replicas, ready, template
        std::string prefix;                // the pods' names before their own suffix
        std::vector<std::string> names;    // per replica: its pod's name
        std::uint64_t minted = 0;          // names made so far: never one twice, across templates too
        std::string uid;                   // the workload's: one made again under its name names anew
        std::vector<std::uint64_t> births; // per replica: when its pod was made, in the model's count
        std::vector<std::string> pods;     // oldest first: the ready ones lead
        std::vector<std::string> outgoing; // a Deployment's pods of earlier templates, still serving
    };
    // One access-log line, kept as its parts and written out only when read (`kubectl logs`): the
    // demo serves thousands of requests a minute that no one reads.
    struct LogEntry
    {
        std::chrono::system_clock::time_point at;
        std::uint32_t request = 0;
        std::uint32_t milliseconds = 0;
        bool failed = false;
    };
    static std::string lineOf(const LogEntry &entry, bool timestamp);
    struct Log
    {
        std::deque<LogEntry> lines;
        std::deque<LogEntry> previous; // the container's run before its last restart
        std::uint64_t next = 0;        // the sequence number of the next line
        std::uint64_t runStart = 0;    // the sequence number of the current run's first line
        std::uint64_t restarts = 0;
    };
    static std::string mintPodName(Workload &workload, const std::string &name);
    void syncPods(const nlohmann::json &workload);
    void setReady(const std::string &ns, const std::string &pod, bool ready);
    void startTemplate(Workload &known, const std::string &ns, const std::string &prefix, bool keepOldPods);
    long long retireOldPods(Workload &known, const std::string &ns, std::size_t kept, long long oldReady);
    // The ReplicaSet a workload's pods belong to: a Deployment's current one (DeploymentReplicaSets
    // keeps it), else the workload itself (an Argo ReplicaSet). Read once for all the pods it makes.
    struct PodOwner
    {
        std::string name;
        std::string uid;
        std::string templateHash; // a Deployment's pods carry it as their pod-template-hash label
    };
    PodOwner ownerOf(const nlohmann::json &workload) const;
    nlohmann::json podFor(const nlohmann::json &workload, const PodOwner &owner, const std::string &name, bool ready);
    void kubeletTrouble(std::chrono::steady_clock::time_point now);
    // The pods a client created itself: bound to a node and started (podmodelstandalone.cpp).
    void startStandalonePods();
    void adoptOrphanedPods(const std::string &ns, const std::string &replicaSetKey, const std::string &prefix);
    void markUnschedulable(const std::string &ns, const std::string &pod, const std::string &why);
    void forgetLogs(const std::vector<std::string> &pods); // by namespace/pod

    ObjectStore &m_store;
    const Scenario &m_scenario;
    std::map<std::string, Workload> m_workloads; // by kind/namespace/name; the tick thread's own
    struct Slot
    {
        std::string workload; // its key in m_workloads
        std::size_t replica = 0;
    };
    std::map<std::string, Slot> m_podSlots; // by namespace/pod: the pods the model made and still keeps
    std::uint64_t m_deletionsSeen = 0;      // the store's resourceVersion up to which deletions were looked at
    PodAddresses m_addresses;
    std::uint64_t m_births = 0;
    std::map<std::string, std::chrono::steady_clock::time_point> m_nextTrouble;
    mutable std::mutex m_mutex; // the logs
    mutable std::condition_variable m_logged;
    std::map<std::string, Log> m_logs; // by namespace/pod
    bool m_stopped = false;
    std::uint64_t m_requestNumber = 0;
    int m_troubleRound = 0;
};

} // namespace Curtain::Sim
