#pragma once

#include "sim/scenario.h"
#include "sim/serveroptions.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace Curtain::Sim {

class ApiServer;
class ClusterModel;
class ObjectStore;

// The demo cluster in one object: the scenario's objects in a store, the workload and traffic
// model ticking on its own thread, and the API server on loopback. `curtain --demo`, `curtainctl
// --demo`, `curtain-sim` and the tests all run exactly this.
class DemoCluster
{
public:
    explicit DemoCluster(Scenario scenario, ServerOptions options = {});
    ~DemoCluster();

    // Returns the port it listens on (0 picks a free one), or -1 with `error` set.
    int start(const std::string &host, int port, std::string *error);
    // Before start(): the API serves the scenario's objects at once, but the controllers' first round
    // (the ReplicaSets, pods and EndpointSlices it makes, tens of milliseconds of CPU) waits for
    // resumeControllers(), or `atMost` if that never comes. The console holds them while it paints
    // its first frame, which needs none of those objects, on a machine of two cores.
    void holdControllers(std::chrono::milliseconds atMost);
    void resumeControllers();
    void stop();

    // Waits, at most `timeout`, until the scenario's scripted start is over: every Argo Rollout's
    // update to its candidate has begun and stands at a step (not Progressing). A one-shot client
    // (curtainctl --demo) then acts on the demo as the console shows it after a few seconds. False
    // when the time ran out.
    bool waitUntilSettled(std::chrono::milliseconds timeout);

    std::string url() const { return m_url; }
    ObjectStore &store() { return *m_store; }

private:
    void runTicker();
    void wakeControllers();

    // Before the server, which calls wakeControllers() from its workers until it has stopped.
    std::mutex m_wakeMutex;
    std::condition_variable m_wake;
    bool m_woken = false;
    std::optional<std::chrono::steady_clock::time_point> m_heldUntil; // holdControllers(); empty once resumed
    Scenario m_scenario;
    std::unique_ptr<ObjectStore> m_store;
    std::unique_ptr<ClusterModel> m_model;
    std::unique_ptr<ApiServer> m_server;
    std::thread m_ticker;
    std::atomic<bool> m_running{false};
    std::mutex m_tickMutex;
    std::condition_variable m_ticked;
    std::string m_url;
    bool m_https = false;
};

// The built-in demo scenario, started on 127.0.0.1 and a free port; null with `error` set on failure.
// With `holdControllersAtMost`, its controllers wait for resumeControllers() (holdControllers()).
std::unique_ptr<DemoCluster> startBuiltinDemo(std::string *error, std::chrono::milliseconds holdControllersAtMost = {});

} // namespace Curtain::Sim
