#include "sim/clustermodel.h"

#include "sim/garbagecollector.h"
#include "sim/jsonread.h"
#include "sim/keyedstate.h"
#include "sim/nodes.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace Curtain::Sim {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto replicaStep = std::chrono::milliseconds(600); // one pod becomes ready per step
// A pod made again after someone deleted it: its container starts and passes the readiness probe.
constexpr auto podRestart = std::chrono::seconds(2);

std::string keyOf(const json &object)
{
    return textAt(object, "/metadata/namespace") + "/" + textAt(object, "/metadata/name");
}

json condition(const std::string &type, bool status, const std::string &reason, const std::string &message)
{
    return {{"type", type}, {"status", status ? "True" : "False"}, {"reason", reason}, {"message", message}};
}

// What the controller says of a paused Deployment (kubectl rollout status keeps waiting on it).
json pausedCondition()
{
    return {{"type", "Progressing"},
            {"status", "Unknown"},
            {"reason", "DeploymentPaused"},
            {"message", "Deployment is paused"}};
}

// A workload's version: its app.kubernetes.io/version label, else its image's tag.
std::string versionOf(const json &workload)
{
    const std::string label = textAt(workload, "/metadata/labels/app.kubernetes.io~1version");
    if (!label.empty()) {
        return label;
    }
    const std::string image = textAt(workload, "/spec/template/spec/containers/0/image");
    const auto colon = image.rfind(':');
    return colon == std::string::npos ? image : image.substr(colon + 1);
}

std::string formatNumber(double value)
{
    std::ostringstream out;
    out.precision(12);
    out << value;
    return out.str();
}

} // namespace

const std::vector<double> &ClusterModel::bucketBounds()
{
    static const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175,   0.2,
                                               0.25,  0.3,  0.4,   0.5,  0.75,  1.0, 2.5,   5.0,  INFINITY};
    return bounds;
}

ClusterModel::ClusterModel(ObjectStore &store, const Scenario &scenario)
    : m_store(store), m_scenario(scenario),
      m_rollouts(store, [this](const json &replicaSet) { m_pods.podsBeforeStatus(replicaSet); }), m_replicaSets(store),
      m_flagger(store, [this](const std::string &ns, const std::string &name) { return trafficOf(ns, name); }),
      m_pods(store, m_scenario), m_endpoints(store), m_namespaces(store), m_random(scenario.seed)
{
    m_flagger.setMinimumInterval(scenario.flaggerMinimumInterval);
}

std::optional<WorkloadTraffic> ClusterModel::trafficOf(const std::string &ns, const std::string &deployment) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_counters.find(ns + "/" + deployment);
    if (it == m_counters.end()) {
        return std::nullopt;
    }
    WorkloadTraffic traffic{it->second.count, 0.0, bucketBounds(), it->second.buckets};
    for (const auto &[code, count] : it->second.requestsByCode) {
        traffic.errors += code >= 500 ? count : 0.0;
    }
    return traffic;
}

void ClusterModel::tick(Clock::time_point now)
{
    // The round's writes reach the watches together, when it is done: later by the round's length
    // (milliseconds for the demo, longer for thousands of objects or under a sanitizer).
    const ObjectStore::WakeOnceAfter oneWake(m_store);
    // Each controller behind its own catch: an object no reader foresaw stops that controller's pass,
    // never the sim (the tick runs on a thread of its own, where an exception would end the process).
    const auto guarded = [](const auto &pass) {
        try {
            pass();
        } catch (const std::exception &) {
            // The next tick tries again; the API and the other controllers go on.
        }
    };
    guarded([this] { // first: what a deleted namespace held is no one's to sync
        for (const std::string &ns : m_namespaces.reconcile()) {
            forgetNamespace(ns);
        }
    });
    guarded([this] { m_replicaSets.collectGarbage(); }); // before anything reads what a deleted Deployment left
    guarded([this] { collectForegroundDeletions(m_store); });
    guarded([this, now] { // a deleted Node's kubelet registers it again, and renews its Lease at once
        if (Nodes::registerAll(m_store) || now >= m_nextLeaseRenewal) {
            m_nextLeaseRenewal = now + std::chrono::seconds(Nodes::leaseRenewSeconds);
            Nodes::renewLeases(m_store);
        }
    });
    // Deleted pods first: the controllers below sync pods before they count them, and a pod made
    // again must get a new name and start not ready, not come back as it was.
    guarded([this, now] {
        for (const PodModel::Replaced &workload : m_pods.replaceDeletedPods()) {
            const std::string key = workload.ns + "/" + workload.name;
            if (workload.kind == "Deployment") {
                m_nextStep[key] = now + podRestart;
            } else {
                m_rollouts.holdReadiness(key, now + podRestart);
            }
        }
    });
    guarded([this, now] { advanceRollouts(now); });
    guarded([this, now] { m_rollouts.reconcile(now, m_argoRunning); });
    guarded([this, now] {
        if (m_flaggerRunning) {
            m_flagger.reconcile(now, std::chrono::system_clock::now());
        }
    });
    guarded([this, now] { m_pods.reconcile(now); });
    guarded([this] { m_endpoints.reconcile(); }); // after the pods: what they are now
    const double seconds = m_lastTick ? std::chrono::duration<double>(now - *m_lastTick).count() : 0.0;
    m_lastTick = now;
    if (seconds > 0) {
        guarded([this, seconds] { sendTraffic(std::min(seconds, 5.0)); });
    }
}

void ClusterModel::forgetNamespace(const std::string &ns)
{
    m_pods.forgetNamespace(ns);
    m_replicaSets.forgetNamespace(ns);
    m_rollouts.forgetNamespace(ns);
    eraseKeysStartingWith(m_nextStep, ns + "/");
    eraseKeysStartingWith(m_templates, ns + "/");
    std::lock_guard lock(m_mutex);
    eraseKeysStartingWith(m_counters, ns + "/");
}

void ClusterModel::advanceRollouts(Clock::time_point now)
{
    // Only Deployments with something left to do: thousands of settled ones cost nothing per tick.
    auto unsettled = [](const json &d) {
        if (fieldAt(d, "/metadata/deletionTimestamp")) {
            return false; // kube's controller only reports on one being deleted: no new ReplicaSet, no scaling
        }
        const long long desired = integerAt(d, "/spec/replicas", 1);
        return integerAt(d, "/metadata/generation", 1) != integerAt(d, "/status/observedGeneration", 0) ||
               integerAt(d, "/status/readyReplicas", 0) != desired ||
               integerAt(d, "/status/updatedReplicas", 0) != desired ||
               !DeploymentReplicaSets::hasRevision(d); // its first ReplicaSet not made yet
    };
    for (const json &deployment : m_store.select(builtInType("Deployment"), unsettled)) {
        try {
            advanceDeployment(deployment, now);
        } catch (const std::exception &) {
            // One Deployment the model cannot read stays as it is; the others and the traffic go on.
        }
    }
    // A ReplicaSet someone deleted under a settled Deployment: made again, as the controller would.
    for (const std::string &key : m_replicaSets.takeOrphaned()) {
        const auto found =
            m_store.get(builtInType("Deployment"), key.substr(0, key.find('/')), key.substr(key.find('/') + 1));
        if (std::holds_alternative<json>(found) && !fieldAt(std::get<json>(found), "/metadata/deletionTimestamp")) {
            const json &deployment = std::get<json>(found);
            m_replicaSets.annotateRevision(
                deployment, m_replicaSets.follow(deployment, integerAt(deployment, "/status/updatedReplicas", 0),
                                                 integerAt(deployment, "/status/readyReplicas", 0)));
        }
    }
}

void ClusterModel::advanceDeployment(const json &deployment, Clock::time_point now)
{
    const std::string key = keyOf(deployment);
    const long long generation = integerAt(deployment, "/metadata/generation", 1);
    const long long observed = integerAt(deployment, "/status/observedGeneration", 0);
    const long long desired = integerAt(deployment, "/spec/replicas", 1);
    long long updated = integerAt(deployment, "/status/updatedReplicas", 0);
    long long ready = integerAt(deployment, "/status/readyReplicas", 0);
    const bool newGeneration = generation != observed;
    const json podTemplate = valueAt(deployment, "/spec/template", json());
    const bool templateChanged = newGeneration && m_templates[key] != podTemplate;
    // `kubectl rollout pause`: the controller makes no ReplicaSet for a new template and replaces
    // no pod until the Deployment is resumed. (A scale while a new template waits is not modelled:
    // the running ReplicaSet keeps its size until resume.)
    const bool paused = valueAt(deployment, "/spec/paused", json(false)) == json(true);
    if (paused &&
        !std::holds_alternative<json>(m_store.get(builtInType("ReplicaSet"), textAt(deployment, "/metadata/namespace"),
                                                  DeploymentReplicaSets::replicaSetName(deployment)))) {
        holdPaused(deployment);
        return;
    }
    m_templates[key] = podTemplate;
    if (!newGeneration && updated == desired && ready == desired) {
        // Settled, as the demo's Deployments start: only its first ReplicaSet to make.
        m_replicaSets.annotateRevision(deployment, m_replicaSets.follow(deployment, updated, ready));
        return;
    }
    auto &next = m_nextStep[key];
    if (newGeneration) {
        next = now + replicaStep;
        if (templateChanged && observed > 0) {
            // A new template: pods are replaced one by one, old ones keep serving. One rolled back to
            // mid-rollout starts with its pods still there.
            updated = std::min(m_pods.podsOfTemplate(deployment), desired);
        } else if (updated >= integerAt(deployment, "/status/replicas", 0)) {
            // A scale (or the first pods of a new Deployment): the new pods come from the current
            // template at once and turn ready one by one; no old ReplicaSet takes any of them.
            updated = desired;
        }
    } else if (now < next) {
        return;
    } else {
        next = now + replicaStep;
        if (ready < desired) {
            ++ready;
        }
        if (updated < desired && !paused) {
            ++updated;
        }
    }
    ready = std::min(ready, desired); // scale-down is immediate
    updated = std::min(updated, desired);
    const bool complete = updated == desired && ready == desired;
    const std::string name = textAt(deployment, "/metadata/name");
    const int revision = m_replicaSets.follow(deployment, updated, ready); // before the pods they own
    const std::string rsName = DeploymentReplicaSets::replicaSetName(deployment);
    if (valueAt(deployment, "/status", json::object()).is_object()) {
        json counted = deployment;
        counted["status"]["readyReplicas"] = ready;
        counted["status"]["updatedReplicas"] = updated;
        counted["status"]["observedGeneration"] = generation;
        m_pods.podsBeforeStatus(counted);
    }
    m_store.updateStatus(builtInType("Deployment"), textAt(deployment, "/metadata/namespace"), name, [&](json &object) {
        json &status = object["status"];
        status["observedGeneration"] = generation;
        status["replicas"] = desired;
        status["updatedReplicas"] = updated;
        status["readyReplicas"] = ready;
        status["availableReplicas"] = ready;
        if (desired - ready > 0) {
            status["unavailableReplicas"] = desired - ready;
        } else {
            status.erase("unavailableReplicas");
        }
        status["conditions"] = json::array(
            {condition("Available", ready > 0, ready > 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                       ready > 0 ? "Deployment has minimum availability."
                                 : "Deployment does not have minimum availability."),
             paused ? pausedCondition()
                    : condition("Progressing", true, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                                complete ? "ReplicaSet \"" + rsName + "\" has successfully progressed."
                                         : "ReplicaSet \"" + rsName + "\" is progressing.")});
    });
    m_replicaSets.annotateRevision(deployment, revision);
}

// A paused Deployment whose new template has no ReplicaSet yet: the spec is seen, nothing rolls.
void ClusterModel::holdPaused(const json &deployment)
{
    // Seen, though not rolled out: a later edit back to the running template is a change again (and
    // finds its pods), and a resume of this one rolls it out from none of its pods.
    m_templates[keyOf(deployment)] = valueAt(deployment, "/spec/template", json());
    const long long generation = integerAt(deployment, "/metadata/generation", 1);
    // No pod runs the new template yet: kubectl rollout status waits on "0 out of N new replicas".
    const long long updated =
        std::min<long long>(m_pods.podsOfTemplate(deployment), integerAt(deployment, "/spec/replicas", 1));
    m_store.updateStatus(builtInType("Deployment"), textAt(deployment, "/metadata/namespace"),
                         textAt(deployment, "/metadata/name"), [&](json &object) {
                             json &status = object["status"];
                             status["observedGeneration"] = generation;
                             status["updatedReplicas"] = updated;
                             json conditions = json::array();
                             for (const json &c : valueAt(status, "/conditions", json::array())) {
                                 if (textAt(c, "/type") != "Progressing") {
                                     conditions.push_back(c);
                                 }
                             }
                             conditions.push_back(pausedCondition());
                             status["conditions"] = conditions;
                         });
}

std::vector<json> ClusterModel::selectedWorkloads(const std::string &ns, const json &selector) const
{
    std::vector<json> selected;
    for (const char *kind : {"Deployment", "ReplicaSet"}) {
        // Only the selected ones are copied: the others are looked at under the store's lock.
        const auto keep = [&](const json &workload) {
            // A Deployment's own ReplicaSets serve nothing of their own: its traffic is the Deployment's.
            // The labels first, read in place: most workloads are not selected, and this runs for every
            // workload of the namespace, for each traffic source, under the store's lock.
            const json *labels = fieldAt(workload, "/spec/template/metadata/labels");
            return labels && selectorMatches(selector, *labels) && !DeploymentReplicaSets::ownedByDeployment(workload);
        };
        for (json &workload : m_store.list(builtInType(kind), ns, keep).items) {
            selected.push_back(std::move(workload));
        }
    }
    return selected;
}

// The fractional list of flag `flagKey` in any flagd file (JSON or YAML) among a ConfigMap's data.
// Only the path to the list is followed and only short variant names in a short list are copied, so
// aliases repeating long text cost nothing; a file that does not parse sends nobody anywhere, as
// flagd keeps serving its last good file.
json ClusterModel::fractionalInFlagFiles(const json &configMap, const std::string &flagKey)
{
    const json data = configMap.value("data", json::object());
    for (const auto &[key, text] : data.items()) {
        if (!text.is_string()) {
            continue;
        }
        try {
            const YAML::Node file = YAML::Load(text.get<std::string>());
            const YAML::Node list = file["flags"][flagKey]["targeting"]["fractional"];
            if (!list.IsSequence()) {
                continue;
            }
            json buckets = json::array();
            for (const YAML::Node &bucket : list) {
                if (buckets.size() >= 64) {
                    break;
                }
                if (!bucket.IsSequence() || bucket.size() == 0 || !bucket[0].IsScalar() ||
                    bucket[0].Scalar().size() > 253) {
                    continue;
                }
                buckets.push_back(json::array({bucket[0].Scalar(), bucket.size() > 1 ? bucket[1].as<double>() : 1.0}));
            }
            return buckets;
        } catch (const YAML::Exception &) {
            continue;
        }
    }
    return json::array();
}

// Each variant is served by the Deployment whose pods say they serve it: no Service between. The
// holder's curtain.dev/<color>-variant annotations name each color's variant.
std::vector<std::pair<json, double>> ClusterModel::variantShares(const json &holder, const json &split,
                                                                 const std::string &ns,
                                                                 const std::string &release) const
{
    const json annotations = holder.value(json::json_pointer("/metadata/annotations"), json::object());
    double total = 0;
    std::vector<std::pair<json, double>> variants;
    for (const json &bucket : split) {
        if (!bucket.is_array() || bucket.empty() || !bucket[0].is_string()) {
            continue;
        }
        const double weight = bucket.size() > 1 && bucket[1].is_number() ? bucket[1].get<double>() : 1.0;
        for (const char *color : {"blue", "green"}) {
            const std::string variant =
                annotations.value(std::string("curtain.dev/") + color + "-variant", std::string(color));
            const auto found = m_store.get(builtInType("Deployment"), ns, release + "-" + color);
            const json deployment = std::holds_alternative<json>(found) ? std::get<json>(found) : json();
            if (variant == bucket[0] && integerAt(deployment, "/status/readyReplicas", 0) > 0 && weight > 0) {
                variants.emplace_back(deployment, weight);
                total += weight;
            }
        }
    }
    std::vector<std::pair<json, double>> out;
    for (const auto &[deployment, weight] : variants) {
        out.emplace_back(deployment, weight / total);
    }
    return out;
}

std::vector<std::pair<json, double>> ClusterModel::targets(const TrafficSource &source) const
{
    // A Service spreads its share over the ready pods of every Deployment it selects.
    auto viaService = [&](const std::string &serviceName, double share, std::vector<std::pair<json, double>> &out) {
        const auto service = m_store.get(builtInType("Service"), source.namespaceName, serviceName);
        if (!std::holds_alternative<json>(service)) {
            return;
        }
        const auto deployments = selectedWorkloads(
            source.namespaceName, std::get<json>(service).value(json::json_pointer("/spec/selector"), json()));
        double ready = 0;
        for (const json &d : deployments) {
            ready += double(integerAt(d, "/status/readyReplicas", 0));
        }
        for (const json &d : deployments) {
            const double pods = double(integerAt(d, "/status/readyReplicas", 0));
            if (ready > 0 && pods > 0) {
                out.emplace_back(d, share * pods / ready);
            }
        }
    };
    std::vector<std::pair<json, double>> out;
    if (source.kind == "Service") {
        viaService(source.name, 1.0, out);
        return out;
    }
    // Every weighted route comes down to Services and their relative weights.
    std::vector<std::pair<std::string, double>> backends;
    auto object = [&](const char *kind, const std::string &name) {
        const auto found = m_store.get(builtInType(kind), source.namespaceName, name);
        return std::holds_alternative<json>(found) ? std::get<json>(found) : json();
    };
    if (source.kind == "HTTPRoute") {
        const json route = object("HTTPRoute", source.name);
        for (const json &ref : route.value(json::json_pointer("/spec/rules/0/backendRefs"), json::array())) {
            backends.emplace_back(ref.value("name", ""), ref.value("weight", 1.0));
        }
    } else if (source.kind == "VirtualService") {
        const json route = object("VirtualService", source.name);
        const json destinations = route.value(json::json_pointer("/spec/http/0/route"), json::array());
        for (const json &d : destinations) {
            const std::string host = d.value(json::json_pointer("/destination/host"), "");
            backends.emplace_back(host.substr(0, host.find('.')),
                                  d.value("weight", destinations.size() == 1 ? 100.0 : 0.0));
        }
    } else if (source.kind == "TrafficSplit") {
        const json split = object("TrafficSplit", source.name);
        for (const json &b : split.value(json::json_pointer("/spec/backends"), json::array())) {
            backends.emplace_back(b.value("service", ""), b.value("weight", 0.0));
        }
    } else if (source.kind == "FeatureFlag" || source.kind == "ConfigMap") {
        // flagd's fractional buckets of the release's flag, from the FeatureFlag resource or from the
        // flagd file a ConfigMap holds (as flagd would read the mounted file).
        const json holder = source.kind == "FeatureFlag" ? object("FeatureFlag", source.name)
                                                         : object("ConfigMap", source.name + "-flags");
        const json split =
            source.kind == "FeatureFlag"
                ? holder.value(json::json_pointer("/spec/flagSpec/flags/" + source.name + "/targeting/fractional"),
                               json::array())
                : fractionalInFlagFiles(holder, source.name);
        return variantShares(holder, split, source.namespaceName, source.name);
    } else if (source.kind == "Ingress") {
        // ingress-nginx: canary Ingresses for the primary's host take canary-weight/total of it.
        const json primary = object("Ingress", source.name);
        const std::string host = primary.value(json::json_pointer("/spec/rules/0/host"), "");
        const auto backendOf = [](const json &ingress) {
            return ingress.value(json::json_pointer("/spec/rules/0/http/paths/0/backend/service/name"), "");
        };
        double canaryShare = 0;
        for (const json &ingress : m_store.list(builtInType("Ingress"), source.namespaceName, nullptr).items) {
            const json annotations = ingress.value(json::json_pointer("/metadata/annotations"), json::object());
            if (annotations.value("nginx.ingress.kubernetes.io/canary", "") != "true" ||
                ingress.value(json::json_pointer("/spec/rules/0/host"), "") != host) {
                continue;
            }
            double weight = 0;
            double total = 100;
            try {
                weight = std::stod(annotations.value("nginx.ingress.kubernetes.io/canary-weight", "0"));
                total = std::stod(annotations.value("nginx.ingress.kubernetes.io/canary-weight-total", "100"));
            } catch (const std::exception &) {
                continue; // ingress-nginx ignores a canary whose weight it cannot read
            }
            const double share = total > 0 ? std::clamp(weight / total, 0.0, 1.0 - canaryShare) : 0.0;
            backends.emplace_back(backendOf(ingress), share);
            canaryShare += share;
        }
        if (!primary.is_null()) {
            backends.emplace_back(backendOf(primary), 1.0 - canaryShare);
        }
    }
    double total = 0;
    for (const auto &[name, weight] : backends) {
        total += std::max(weight, 0.0);
    }
    for (const auto &[name, weight] : backends) {
        if (total > 0 && weight > 0) {
            viaService(name, weight / total, out);
        }
    }
    return out;
}

void ClusterModel::serve(const json &deployment, double requests)
{
    const std::string image = textAt(deployment, "/spec/template/spec/containers/0/image");
    const Behaviour &behaviour = m_scenario.behaviourFor(image);
    Counters &counters = m_counters[keyOf(deployment)];
    counters.version = versionOf(deployment);
    if (counters.buckets.empty()) {
        counters.buckets.assign(bucketBounds().size(), 0.0);
    }
    std::poisson_distribution<long long> arrivals(requests);
    const long long n = requests > 0 ? arrivals(m_random) : 0;
    std::binomial_distribution<long long> failures(n, behaviour.errorRate);
    const long long errors = n > 0 ? failures(m_random) : 0;
    counters.requestsByCode[200] += double(n - errors);
    counters.requestsByCode[500] += double(errors);
    // Lognormal latency with the given median and 99th percentile (z(0.99) = 2.3263).
    const double sigma = std::log(behaviour.p99Seconds / behaviour.p50Seconds) / 2.3263;
    std::lognormal_distribution<double> latency(std::log(behaviour.p50Seconds), sigma);
    const auto &bounds = bucketBounds();
    std::vector<double> latencies;
    latencies.reserve(std::size_t(std::min(n, 10'000LL)));
    for (long long i = 0; i < n; ++i) {
        const double seconds = latency(m_random);
        counters.latencySum += seconds;
        counters.buckets[std::size_t(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin())] += 1;
        if (latencies.size() < latencies.capacity()) {
            latencies.push_back(seconds);
        }
    }
    counters.count += double(n);
    m_pods.logRequests(deployment, n, errors, latencies); // the same requests, as access-log lines
}

void ClusterModel::sendTraffic(double seconds)
{
    std::lock_guard lock(m_mutex);
    // Where each source's requests land changes only with a write to the store: worked out again
    // only then, not ten times a second.
    const std::uint64_t version = m_store.currentResourceVersion();
    if (version != m_targetsVersion || m_targets.size() != m_scenario.traffic.size()) {
        m_targets.assign(m_scenario.traffic.size(), {});
        for (std::size_t i = 0; i < m_scenario.traffic.size(); ++i) {
            try {
                m_targets[i] = targets(m_scenario.traffic[i]);
            } catch (const std::exception &) {
                // A route the model cannot read serves nothing, as a mesh rejects such a config.
            }
        }
        m_targetsVersion = version;
    }
    for (std::size_t i = 0; i < m_scenario.traffic.size(); ++i) {
        for (const auto &[deployment, share] : m_targets[i]) {
            serve(deployment, m_scenario.traffic[i].requestsPerSecond * share * seconds);
        }
    }
}

std::optional<std::string> ClusterModel::exposition(const std::string &ns, const std::string &serviceName) const
{
    const auto service = m_store.get(builtInType("Service"), ns, serviceName);
    if (!std::holds_alternative<json>(service)) {
        return std::nullopt;
    }
    const auto deployments =
        selectedWorkloads(ns, std::get<json>(service).value(json::json_pointer("/spec/selector"), json()));
    std::lock_guard lock(m_mutex);
    std::ostringstream requests;
    std::ostringstream histogram;
    requests
        << "# HELP http_requests_total Requests served, by HTTP status code.\n# TYPE http_requests_total counter\n";
    histogram << "# HELP http_request_duration_seconds Time to serve a request.\n"
                 "# TYPE http_request_duration_seconds histogram\n";
    for (const json &deployment : deployments) {
        const auto it = m_counters.find(keyOf(deployment));
        std::string labels =
            "deployment=\"" + textAt(deployment, "/metadata/name") + "\",version=\"" + versionOf(deployment) + "\"";
        // A flag rollout's pods label their requests with the variant they served.
        if (const std::string variant = textAt(deployment, "/spec/template/metadata/labels/curtain.dev~1variant");
            !variant.empty()) {
            labels += ",variant=\"" + variant + "\"";
        }
        const Counters empty{{}, {{200, 0.0}, {500, 0.0}}, std::vector<double>(bucketBounds().size(), 0.0), 0.0, 0.0};
        const Counters &c = it == m_counters.end() ? empty : it->second;
        for (const auto &[code, count] : c.requestsByCode) {
            requests << "http_requests_total{code=\"" << code << "\"," << labels << "} " << formatNumber(count) << "\n";
        }
        double cumulative = 0;
        for (std::size_t i = 0; i < bucketBounds().size(); ++i) {
            cumulative += i < c.buckets.size() ? c.buckets[i] : 0.0;
            const double le = bucketBounds()[i];
            histogram << "http_request_duration_seconds_bucket{" << labels << ",le=\""
                      << (std::isinf(le) ? std::string("+Inf") : formatNumber(le)) << "\"} " << formatNumber(cumulative)
                      << "\n";
        }
        histogram << "http_request_duration_seconds_sum{" << labels << "} " << formatNumber(c.latencySum) << "\n";
        histogram << "http_request_duration_seconds_count{" << labels << "} " << formatNumber(c.count) << "\n";
    }
    return requests.str() + histogram.str();
}

} // namespace Curtain::Sim
