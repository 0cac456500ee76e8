#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace Curtain::Sim {

// How one version of a service behaves under traffic.
struct Behaviour
{
    double errorRate = 0.002;
    double p50Seconds = 0.040;
    double p99Seconds = 0.140;
};

// R requests/s arriving at a route in a namespace.
struct TrafficSource
{
    std::string namespaceName;
    std::string kind; // Service, HTTPRoute, VirtualService, TrafficSplit, Ingress (the primary one)
    std::string name;
    double requestsPerSecond = 100.0;
};

// What the demo cluster starts with: Kubernetes objects, how each image behaves, and the traffic.
struct Scenario
{
    std::vector<nlohmann::json> objects;
    std::map<std::string, Behaviour> behaviours; // keyed by "name:tag", matched as the image's suffix
    Behaviour defaultBehaviour;
    std::vector<TrafficSource> traffic;
    unsigned long long seed = 1;
    // Flagger analyses at most every 10 s; a test scenario may say `flaggerMinimumIntervalSeconds: 1`
    // to run the same steps ten times faster.
    std::chrono::milliseconds flaggerMinimumInterval = std::chrono::seconds(10);

    const Behaviour &behaviourFor(const std::string &image) const;

    // Adds `count` more releases in namespace `ns` (alternately Service-selector and HTTPRoute),
    // without traffic: for scale tests and benchmarks.
    void addGeneratedReleases(int count, const std::string &ns = "fleet");
};

// Reads a scenario file (YAML; see resources/scenarios/demo.yaml for the format). The error names
// the release or field at fault.
std::variant<Scenario, std::string> parseScenario(const std::string &yamlText);

// The scenario compiled into the binary (resources/scenarios/demo.yaml).
std::string builtinScenarioText();

} // namespace Curtain::Sim
