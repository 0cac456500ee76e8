#include "sim/democluster.h"

#include "sim/apiserver.h"
#include "sim/clustermodel.h"
#include "sim/objectstore.h"

namespace Curtain::Sim {

using nlohmann::json;

DemoCluster::DemoCluster(Scenario scenario, ServerOptions options)
    : m_scenario(std::move(scenario)), m_store(std::make_unique<ObjectStore>()),
      m_model(std::make_unique<ClusterModel>(*m_store, m_scenario)),
      m_server(std::make_unique<ApiServer>(*m_store, *m_model, options)), m_https(!options.tlsCertFile.empty())
{
    m_store->setSchemalessCustomResources(options.schemalessCustomResources);
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
                const std::string name = d["metadata"].value("name", "");
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
                                  {"message", "ReplicaSet \"" + name + "\" has successfully progressed."}}}}};
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
    m_ticker = std::thread([this] {
        while (m_running) {
            m_model->tick(std::chrono::steady_clock::now());
            std::this_thread::sleep_for(std::chrono::milliseconds(100)); // the model's clock, not a wait on a result
        }
    });
    return bound;
}

void DemoCluster::stop()
{
    m_running = false;
    if (m_ticker.joinable()) {
        m_ticker.join();
    }
    m_server->stop();
}

std::unique_ptr<DemoCluster> startBuiltinDemo(std::string *error)
{
    auto parsed = parseScenario(builtinScenarioText());
    if (auto *message = std::get_if<std::string>(&parsed)) {
        *error = "the built-in demo scenario is broken: " + *message;
        return nullptr;
    }
    auto cluster = std::make_unique<DemoCluster>(std::get<Scenario>(std::move(parsed)));
    if (cluster->start("127.0.0.1", 0, error) < 0) {
        return nullptr;
    }
    return cluster;
}

} // namespace Curtain::Sim
