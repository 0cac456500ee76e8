#pragma once

#include "sim/deploymentreplicasets.h"
#include "sim/endpointscontroller.h"
#include "sim/flaggercontroller.h"
#include "sim/namespacecontroller.h"
#include "sim/objectstore.h"
#include "sim/podmodel.h"
#include "sim/rolloutcontroller.h"
#include "sim/scenario.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>

namespace Curtain::Sim {

// The part of the demo cluster that a real cluster's controllers and users would be: Deployments
// become ready replica by replica, and requests arrive at each route and land on the Deployments
// its selector or weights pick, each version failing and taking time as its Behaviour says.
class ClusterModel
{
public:
    ClusterModel(ObjectStore &store, const Scenario &scenario);

    void tick(std::chrono::steady_clock::time_point now);
    // A stopped Argo Rollouts controller (the argoControllerDown fault): ReplicaSets still run.
    void setArgoControllerRunning(bool running) { m_argoRunning = running; }
    void setFlaggerRunning(bool running) { m_flaggerRunning = running; }
    // Prometheus exposition of the Deployments a Service selects; nullopt if there is no such Service.
    std::optional<std::string> exposition(const std::string &ns, const std::string &service) const;

    static const std::vector<double> &bucketBounds();
    // Pods, their logs and the kubelet's events (thread-safe to read logs from).
    PodModel &pods() { return m_pods; }
    // The flagger-loadtester gates Flagger's webhooks read (thread-safe).
    LoadtesterGates &loadtesterGates() { return m_flagger.gates(); }

private:
    struct Counters
    {
        std::string version;
        std::map<int, double> requestsByCode;
        std::vector<double> buckets; // per bound, not cumulative
        double latencySum = 0.0;
        double count = 0.0;
    };

    void advanceRollouts(std::chrono::steady_clock::time_point now);
    void forgetNamespace(const std::string &ns); // what every part kept of a namespace that was deleted
    void advanceDeployment(const nlohmann::json &deployment, std::chrono::steady_clock::time_point now);
    void holdPaused(const nlohmann::json &deployment);
    void sendTraffic(double seconds);
    std::vector<std::pair<nlohmann::json, double>> targets(const TrafficSource &source) const;
    static nlohmann::json fractionalInFlagFiles(const nlohmann::json &configMap, const std::string &flagKey);
    std::vector<std::pair<nlohmann::json, double>> variantShares(const nlohmann::json &holder,
                                                                 const nlohmann::json &split, const std::string &ns,
                                                                 const std::string &release) const;
    // The Deployments and ReplicaSets (Argo's) whose pods a Service selector picks.
    std::vector<nlohmann::json> selectedWorkloads(const std::string &ns, const nlohmann::json &selector) const;
    void serve(const nlohmann::json &deployment, double requests);
    // What one Deployment has served so far, for Flagger's metric checks.
    std::optional<WorkloadTraffic> trafficOf(const std::string &ns, const std::string &deployment) const;

    ObjectStore &m_store;
    Scenario m_scenario;
    RolloutController m_rollouts;
    DeploymentReplicaSets m_replicaSets;
    FlaggerController m_flagger;
    PodModel m_pods;
    EndpointsController m_endpoints;
    NamespaceController m_namespaces;
    std::atomic<bool> m_argoRunning{true};
    std::atomic<bool> m_flaggerRunning{true};
    mutable std::mutex m_mutex;
    std::map<std::string, Counters> m_counters; // by namespace/deployment
    std::map<std::string, std::chrono::steady_clock::time_point> m_nextStep;
    std::chrono::steady_clock::time_point m_nextLeaseRenewal; // the kubelets' heartbeats (Nodes::renewLeases)
    std::map<std::string, nlohmann::json> m_templates;        // the pod template each Deployment last rolled out
    std::mt19937_64 m_random;
    std::optional<std::chrono::steady_clock::time_point> m_lastTick;
    // targets() of each traffic source, as of store version m_targetsVersion.
    std::vector<std::vector<std::pair<nlohmann::json, double>>> m_targets;
    std::uint64_t m_targetsVersion = 0;
};

} // namespace Curtain::Sim
