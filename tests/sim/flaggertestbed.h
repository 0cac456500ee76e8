#pragma once

#include "sim/flaggercontroller.h"
#include "sim/objectstore.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace Curtain::Test {

// One Flagger controller over a store, on a clock the test moves: namespace "test" with the target
// Deployment podinfo (2 replicas, image podinfo:6.0.0) and a flagger-loadtester Service. step()
// moves the clock one analysis interval, lets the controller run, then plays the rest of a cluster:
// every Deployment is rolled out, and the target's pods serve `requestsPerStep` requests.
class FlaggerTestbed
{
public:
    static constexpr const char *ns = "test";
    static constexpr const char *loadtester = "test/flagger-loadtester"; // the gates' instance

    FlaggerTestbed();

    Sim::ObjectStore store;
    Sim::FlaggerController controller;
    std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
    std::chrono::system_clock::time_point wall{std::chrono::seconds(1'780'000'000)};
    std::chrono::seconds interval{10};

    // What the target's pods do with the requests of each step.
    double requestsPerStep = 1000;
    double errorRate = 0.0;
    double latencySeconds = 0.05;

    // The Canary podinfo as the demo's: Gateway API, every 10 s up 10 % to 50 %, threshold 5,
    // success rate ≥ 99 %, p99 ≤ 500 ms, a confirm-promotion and a rollback gate on the loadtester.
    static nlohmann::json canary();
    static nlohmann::json webhook(const std::string &type, const std::string &path);
    void create(const nlohmann::json &canary);
    void step(int times = 1);
    // Steps until the Canary's phase is `phase` (at most `limit` steps); whether it got there.
    bool stepUntil(const std::string &phase, int limit = 20);
    // From a new Canary to a new revision at `weight` percent.
    bool progressTo(long long weight);

    nlohmann::json object(const char *kind, const std::string &name) const; // null when missing
    nlohmann::json status() const;
    std::string phase() const;
    std::pair<long long, long long> weights() const; // primary, canary; -1, -1 without a route
    std::string image(const std::string &deployment) const;
    long long replicas(const std::string &deployment) const;
    void setImage(const std::string &image);
    // A merge patch of the Canary, or of its status subresource.
    bool patchCanary(const nlohmann::json &patch, bool status = false);
    // A request to the loadtester's API for podinfo.test: /gate/open, /rollback/open, …
    int gate(const std::string &path);
    std::vector<nlohmann::json> events() const;
    std::vector<std::string> messages() const;
    bool hasEvent(const std::string &message) const;

private:
    void settle();
    void serve();

    Sim::WorkloadTraffic m_served;
};

} // namespace Curtain::Test
