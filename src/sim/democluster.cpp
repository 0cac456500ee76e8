#include "sim/democluster.h"

#include "sim/apiserver.h"
#include "sim/clustermodel.h"
#include "sim/deploymentreplicasets.h"
#include "sim/nodes.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"

#include <algorithm>

namespace Curtain::Sim {

using nlohmann::json;

DemoCluster::DemoCluster(Scenario scenario, ServerOptions options)
    : m_scenario(std::move(scenario)), m_store(std::make_unique<ObjectStore>()),
      m_model(std::make_unique<ClusterModel>(*m_store, m_scenario)),
      m_server(std::make_unique<ApiServer>(*m_store, *m_model, options)), m_https(!options.tlsCertFile.empty())
{
    m_server->setOnClientWrite([this] { wakeControllers(); });
    m_store->setSchemalessCustomResources(options.schemalessCustomResources);
    Nodes::registerAll(*m_store);
    for (const json &object : m_scenario.objects) {
        const ResourceType *type = findResourceTypeByKind(object.value("kind", ""));
        if (!type) {
            continue;
        }
        const std::string ns = type->namespaced ? object["metadata"].value("namespace", "default") : std::string();
        m_store->create(*type, ns, object);
        if (type->kind == "Deployment") {
            // The scenario describes a cluster that has been running: its Deployments are rolled out.
            m_store->updateStatus(*type, ns, object["metadata"].value("name", ""), [](json &d) {
                const long long replicas = d["spec"].value("replicas", 1);
                const std::string replicaSet = DeploymentReplicaSets::replicaSetName(d); // <name>-<hash>
                d["status"] = {{"observedGeneration", d["metadata"].value("generation", 1)},
                               {"replicas", replicas},
                               {"updatedReplicas", replicas},
                               {"readyReplicas", replicas},
                               {"availableReplicas", replicas},
                               {"conditions",
                                {{{"type", "Available"},
                                  {"status", "True"},
                                  {"reason", "MinimumReplicasAvailable"},
                                  {"message", "Deployment has minimum availability."}},
                                 {{"type", "Progressing"},
                                  {"status", "True"},
                                  {"reason", "NewReplicaSetAvailable"},
                                  {"message", "ReplicaSet \"" + replicaSet + "\" has successfully progressed."}}}}};
            });
        }
    }
}

DemoCluster::~DemoCluster()
{
    stop();
}

int DemoCluster::start(const std::string &host, int port, std::string *error)
{
    const int bound = m_server->start(host, port, error);
    if (bound < 0) {
        return bound;
    }
    m_url = (m_https ? "https://" : "http://") + host + ":" + std::to_string(bound);
    m_running = true;
    m_ticker = std::thread([this] { runTicker(); });
    return bound;
}

// The model's clock: a round of every controller ten times a second, and one at once after a
// client's write, as a watch event wakes a real controller. Rounds are timed by `now`, so an early
// one moves nothing faster, it only sees the write sooner. Between the end of a round and the next
// there are at least 20 ms (10 ms when none was asked for): a slow round (thousands of objects, a
// sanitizer) or clients writing without pause never keep a core busy with rounds.
void DemoCluster::runTicker()
{
    using Clock = std::chrono::steady_clock;
    using std::chrono::milliseconds;
    std::unique_lock lock(m_wakeMutex);
    if (m_heldUntil) {
        const auto until = *m_heldUntil; // resumeControllers() empties m_heldUntil while this waits
        m_wake.wait_until(lock, until, [this] { return !m_heldUntil || !m_running; });
        m_heldUntil.reset();
    }
    while (m_running) {
        lock.unlock();
        const auto started = Clock::now();
        m_model->tick(started);
        {
            const std::lock_guard tick(m_tickMutex); // a waiter checks between its test and its wait
        }
        m_ticked.notify_all();
        const auto ended = Clock::now();
        lock.lock();
        m_wake.wait_until(lock, std::max(started + milliseconds(100), ended + milliseconds(10)),
                          [this] { return m_woken || !m_running; });
        m_wake.wait_until(lock, ended + milliseconds(20), [this] { return !m_running; });
        m_woken = false;
    }
}

void DemoCluster::holdControllers(std::chrono::milliseconds atMost)
{
    const std::lock_guard lock(m_wakeMutex);
    m_heldUntil = std::chrono::steady_clock::now() + atMost;
}

void DemoCluster::resumeControllers()
{
    {
        const std::lock_guard lock(m_wakeMutex);
        m_heldUntil.reset();
    }
    m_wake.notify_all();
}

void DemoCluster::wakeControllers()
{
    {
        const std::lock_guard lock(m_wakeMutex);
        m_woken = true;
    }
    m_wake.notify_one();
}

bool DemoCluster::waitUntilSettled(std::chrono::milliseconds timeout)
{
    const ResourceType *rollouts = findResourceTypeByKind("Rollout");
    const auto settled = [this, rollouts] {
        const json::json_pointer scripted("/metadata/annotations/sim.curtain.dev~1then-set-image");
        const json::json_pointer generation("/metadata/generation");
        const json::json_pointer observed("/status/observedGeneration"); // Argo writes it as text
        const json::json_pointer phase("/status/phase");
        for (const json &rollout : m_store->all(*rollouts)) {
            const bool seen = rollout.contains(generation) && rollout.contains(observed) &&
                              rollout.at(observed) == rollout.at(generation).dump();
            if (rollout.contains(scripted) || !seen || !rollout.contains(phase) || rollout.at(phase) == "Progressing") {
                return false;
            }
        }
        return true;
    };
    std::unique_lock lock(m_tickMutex);
    return m_ticked.wait_for(lock, timeout, settled);
}

void DemoCluster::stop()
{
    {
        const std::lock_guard lock(m_wakeMutex); // the ticker tests m_running under it before it waits
        m_running = false;
    }
    m_wake.notify_all();
    if (m_ticker.joinable()) {
        m_ticker.join();
    }
    m_server->stop();
}

std::unique_ptr<DemoCluster> startBuiltinDemo(std::string *error, std::chrono::milliseconds holdControllersAtMost)
{
    auto parsed = parseScenario(builtinScenarioText());
    if (auto *message = std::get_if<std::string>(&parsed)) {
        *error = "the built-in demo scenario is broken: " + *message;
        return nullptr;
    }
    auto cluster = std::make_unique<DemoCluster>(std::get<Scenario>(std::move(parsed)));
    if (holdControllersAtMost.count() > 0) {
        cluster->holdControllers(holdControllersAtMost);
    }
    if (cluster->start("127.0.0.1", 0, error) < 0) {
        return nullptr;
    }
    return cluster;
}

} // namespace Curtain::Sim
