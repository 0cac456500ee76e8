#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace Curtain::Sim {

// One webhook of a Canary's analysis (flagger.app/v1beta1 CanaryWebhook).
struct FlaggerWebhook
{
    std::string name;
    std::string type; // "" means rollout, as in Flagger
    std::string url;
    nlohmann::json metadata = nlohmann::json::object(); // sent in the payload
};

// One metric check of a Canary's analysis; the sim computes the builtin request-success-rate and
// request-duration from its own traffic model.
struct FlaggerMetric
{
    std::string name;
    std::optional<double> min; // thresholdRange
    std::optional<double> max;
    std::optional<double> threshold; // the older single threshold
};

// A Canary as Flagger's controller reads it, with Flagger's defaults applied. Only what decodes into
// Flagger's Go types becomes one: a field of the wrong type (a string stepWeight, a number targetRef,
// a webhooks string) makes Go's decoder drop the whole object, and the controller never sees it.
struct FlaggerCanary
{
    std::string name;
    std::string namespaceName;
    std::string provider;
    std::string targetKind;
    std::string targetName;
    std::string serviceName; // spec.service.name, or the target's name
    long long port = 80;
    nlohmann::json gatewayRefs = nlohmann::json::array();
    std::vector<std::string> hosts;
    bool suspend = false;
    bool skipAnalysis = false; // also true without an analysis, as Flagger's SkipAnalysis()
    std::string intervalText;
    long long threshold = 0;
    long long maxWeight = 0;
    long long stepWeight = 0;
    std::vector<long long> stepWeights;
    long long stepWeightPromotion = 0;
    long long iterations = 0;
    bool hasMatch = false;
    std::vector<FlaggerWebhook> webhooks;
    std::vector<FlaggerMetric> metrics;
    std::string thenSetImage; // the demo's scripted update (sim.curtain.dev/then-set-image)

    // status
    std::string phase;
    long long canaryWeight = 0;
    long long failedChecks = 0;
    long long iterationsDone = 0;
    std::string lastAppliedSpec;
    std::string lastPromotedSpec;

    std::string key() const { return name + "." + namespaceName; } // Flagger's <name>.<namespace>
    // The primary Deployment is named after the target, the Services after spec.service.name.
    std::string primaryDeployment() const { return targetName + "-primary"; }
    std::string primaryService() const { return serviceName + "-primary"; }
    std::string canaryService() const { return serviceName + "-canary"; }
    // GetAnalysisInterval: 60 s when missing or not a Go duration, at least Flagger's 10 s (a
    // scenario may lower the floor for tests: Scenario::flaggerMinimumInterval).
    std::chrono::milliseconds interval(std::chrono::milliseconds minimum = std::chrono::seconds(10)) const;
    // GetAnalysisThreshold: 1 unless set above 0.
    long long analysisThreshold() const { return threshold > 0 ? threshold : 1; }
    // The last weight of the canary strategy: the last stepWeights entry, else maxWeight, else 100.
    long long maxCanaryWeight() const;
    // How far the canary weight moves from `weight` at the next step (0: none left).
    long long nextStepWeight(long long weight) const;
    bool blueGreen() const { return iterations > 0; } // A/B (match) is not modelled: it counts as blue/green
    bool kubernetesProvider() const { return provider == "kubernetes"; }
};

// The Canary in `object`, or nullopt when Flagger's types could not hold it.
std::optional<FlaggerCanary> readCanary(const nlohmann::json &object);

// Go's time.ParseDuration ("15s", "1m30s", "1.5h", "300ms"); nullopt where Go gives an error.
std::optional<std::chrono::nanoseconds> parseGoDuration(const std::string &text);

// Values as Go's fmt prints them in Flagger's messages: %v of a float64, of a time.Duration.
std::string goFloat(double value);
std::string goDuration(std::chrono::nanoseconds value);

} // namespace Curtain::Sim
