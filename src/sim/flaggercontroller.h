#pragma once

#include "sim/flaggercanary.h"
#include "sim/loadtestergates.h"
#include "sim/objectstore.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace Curtain::Sim {

class FlaggerObjects;

// What a Deployment's pods have served since the sim started; the counters only grow.
struct WorkloadTraffic
{
    double requests = 0;
    double errors = 0;           // 5xx
    std::vector<double> bounds;  // the latency histogram's upper bounds in seconds, +Inf last
    std::vector<double> buckets; // requests per bound, not cumulative
};
// The traffic of Deployment `deployment` in namespace `ns`; nullopt when it has served none.
using TrafficReader =
    std::function<std::optional<WorkloadTraffic>(const std::string &ns, const std::string &deployment)>;

// The demo cluster's Flagger (flagger.app/v1beta1 Canary over a Deployment): a small reading of
// Flagger's scheduler (pkg/controller/scheduler*.go) for the Gateway API and kubernetes providers.
// Each Canary runs once when first seen and then every analysis.interval (at least 10 s), as
// Flagger's per-Canary job does, in Flagger's order:
// - Initialization: the primary Deployment and the Services, then (once the primary is ready) the
//   apex Service and HTTPRoute at 100/0, the target scaled to 0, phase Initialized.
// - A new revision (the target's pod template hash differs from status.lastAppliedSpec): the
//   confirm-rollout gate (phase Waiting), the target scaled up, phase Progressing; then per interval
//   the rollback gate, the failed-checks threshold, pre-rollout or rollout hooks and the builtin
//   metrics (request-success-rate, request-duration p99, from the target's own traffic since the
//   last run), confirm-traffic-increase, and the next weight (stepWeight up to maxWeight, or
//   stepWeights; blue/green counts iterations); at the end confirm-promotion (WaitingPromotion),
//   then Promoting (the template copied to the primary), Finalising (all traffic to the primary),
//   Succeeded. A failed check adds one to status.failedChecks; at analysis.threshold, or when the
//   rollback gate is open, the canary is rolled back: route 100/0, target at 0, phase Failed.
// - spec.suspend skips the Canary; spec.skipAnalysis promotes a new revision at once.
// The status is written as Flagger's setStatusPhase writes it, quirks too: WaitingPromotion sets
// canaryWeight to 0 and iterations to analysis.iterations - 1 (-1 for a stepWeight canary) while
// the route keeps its last weights.
// Events are Flagger's: reason Synced, source flagger, its message texts, identical ones counted.
// Webhooks to http://flagger-loadtester.<ns>[:port]/… are answered by the in-process loadtester
// (LoadtesterGates); other URLs fail as unreachable; `event` webhooks are not called. Metrics other
// than the two builtins pass: the demo cluster has no metric providers. A/B matches, mirroring,
// HPAs, config tracking and progressDeadlineSeconds are not modelled, nor deletion (finalizers,
// revertOnDeletion). A missing provider is read as the Gateway API one.
// The annotation sim.curtain.dev/then-set-image on a Canary is the demo's own: once the Canary is
// Initialized, the target's first container is set to that image and the annotation removed.
class FlaggerController
{
public:
    explicit FlaggerController(ObjectStore &store, TrafficReader traffic = {});
    ~FlaggerController();

    // One pass over every Canary whose time has come. `now` schedules the intervals; `wallNow` is
    // what the status and Events say. The controller reads no clock of its own.
    void reconcile(std::chrono::steady_clock::time_point now, std::chrono::system_clock::time_point wallNow);

    // The loadtesters' gates its webhooks read; the API server's service proxy writes them.
    LoadtesterGates &gates() { return m_gates; }

    // Flagger's floor under analysis.interval is 10 s; a scenario may lower it to make tests fast.
    void setMinimumInterval(std::chrono::milliseconds minimum) { m_minimumInterval = minimum; }

private:
    struct Pass; // one run of one Canary

    void advance(Pass &pass);
    bool prepare(Pass &pass);
    bool initialize(Pass &pass, const nlohmann::json &target);
    void advanceAnalysis(Pass &pass);
    bool checkCanaryStatus(Pass &pass);
    bool checkRevision(Pass &pass);
    bool finishPromotion(Pass &pass, long long weight);
    bool analyse(Pass &pass, long long weight);
    void runCanary(Pass &pass, long long weight);
    void runBlueGreen(Pass &pass);
    void skipAnalysis(Pass &pass);
    void promote(Pass &pass);
    void rollback(Pass &pass);
    void demoUpdate(Pass &pass);

    // Webhooks and metrics (flaggerhooks.cpp).
    std::optional<std::string> callWebhook(const Pass &pass, const FlaggerWebhook &hook, const std::string &phase);
    bool confirmRollout(Pass &pass);
    bool confirmTrafficIncrease(Pass &pass);
    bool confirmPromotion(Pass &pass);
    bool preRollout(Pass &pass);
    bool rollbackRequested(Pass &pass);
    void postRollout(Pass &pass, const std::string &phase);
    bool runAnalysis(Pass &pass);
    bool metricsPass(Pass &pass);

    // Status and Events (flaggerstatus.cpp).
    void syncStatus(Pass &pass, const std::string &phase, long long weight = 0);
    void setPhase(Pass &pass, const std::string &phase);
    void setStatusField(Pass &pass, const char *field, long long value);
    void event(Pass &pass, bool warning, const std::string &message);

    ObjectStore &m_store;
    TrafficReader m_traffic;
    LoadtesterGates m_gates;
    std::chrono::milliseconds m_minimumInterval = std::chrono::seconds(10);
    struct Job
    {
        std::chrono::steady_clock::time_point next;
        std::chrono::milliseconds interval;
    };
    std::map<std::string, Job> m_jobs;             // per Canary, as Flagger's job: its next run and its interval
    std::map<std::string, WorkloadTraffic> m_seen; // per Canary: the target's traffic at its last run
    std::map<std::string, std::string> m_events;   // identical Events recorded: key → Event name
    unsigned long long m_eventSequence = 0;
};

} // namespace Curtain::Sim
