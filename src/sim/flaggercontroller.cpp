#include "sim/flaggercontroller.h"

#include "sim/flaggerpass.h"
#include "sim/jsonread.h"

#include <algorithm>
#include <set>

namespace Curtain::Sim {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

bool isOneOf(const std::string &phase, std::initializer_list<const char *> phases)
{
    return std::any_of(phases.begin(), phases.end(), [&](const char *p) { return phase == p; });
}

// What the target served between two readings of its counters (a workload that had served nothing
// has no buckets yet).
std::optional<WorkloadTraffic> since(const WorkloadTraffic &now, const WorkloadTraffic &before)
{
    if (!before.buckets.empty() && now.buckets.size() != before.buckets.size()) {
        return std::nullopt;
    }
    WorkloadTraffic delta = now;
    delta.requests -= before.requests;
    delta.errors -= before.errors;
    for (std::size_t i = 0; i < before.buckets.size(); ++i) {
        delta.buckets[i] -= before.buckets[i];
    }
    return delta;
}

} // namespace

FlaggerController::FlaggerController(ObjectStore &store, TrafficReader traffic)
    : m_store(store), m_traffic(std::move(traffic))
{}

FlaggerController::~FlaggerController() = default;

void FlaggerController::reconcile(Clock::time_point now, std::chrono::system_clock::time_point wallNow)
{
    std::set<std::string> present;
    for (const json &object : m_store.all(builtInType("Canary"))) {
        std::optional<FlaggerCanary> canary = readCanary(object);
        if (!canary) {
            continue; // Flagger's informer cannot decode it: Flagger never sees it
        }
        const std::string key = canary->key();
        present.insert(key);
        if (fieldAt(object, "/metadata/deletionTimestamp")) {
            continue; // a Canary being deleted makes nothing again: its objects go with it
        }
        // Flagger's per-Canary job: it runs when it starts, then on its ticker; a new interval is a new job.
        const auto interval = canary->interval(m_minimumInterval);
        auto [job, added] = m_jobs.try_emplace(key, Job{now, interval});
        if (!added && now < job->second.next && job->second.interval == interval) {
            continue;
        }
        job->second = Job{now + interval, interval};
        Pass pass(object, std::move(*canary), wallNow);
        try {
            advance(pass);
        } catch (const std::exception &) {
            // Flagger logs what it cannot do and tries again at the next interval.
        }
    }
    std::erase_if(m_jobs, [&](const auto &entry) { return !present.count(entry.first); });
    std::erase_if(m_seen, [&](const auto &entry) { return !present.count(entry.first); });
}

void FlaggerController::advance(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    if (cd.phase.empty()) {
        setPhase(p, "Initializing"); // what Flagger's sync handler does for a new Canary
    }
    if (cd.suspend) {
        return event(p, false, "skipping canary run as object is suspended");
    }
    if (!prepare(p) || !initialize(p, p.target)) {
        return;
    }
    // shouldAdvance: a run in flight, or a pod template Flagger has not analysed yet.
    const bool inFlight = isOneOf(cd.phase, {"Progressing", "Waiting", "WaitingPromotion", "Promoting", "Finalising"});
    if (!inFlight && FlaggerObjects::templateHash(p.target) == cd.lastAppliedSpec) {
        return demoUpdate(p);
    }
    if (!cd.skipAnalysis) {
        if (const auto primary = p.objects->deployment(cd.primaryDeployment())) {
            if (const auto why = FlaggerObjects::notReady(*primary)) {
                return event(p, true, cd.primaryDeployment() + "." + cd.namespaceName + " not ready: " + *why);
            }
        }
    }
    if (!cd.kubernetesProvider()) {
        std::string problem;
        const auto weights = p.objects->routes(&problem);
        if (!weights) {
            return event(p, true, problem);
        }
        std::tie(p.primaryWeight, p.canaryWeight) = *weights;
    }
    if (!checkCanaryStatus(p) || checkRevision(p)) {
        return;
    }
    if (const auto why = FlaggerObjects::notReady(p.target)) {
        return event(p, true, "canary deployment " + cd.targetName + "." + cd.namespaceName + " not ready: " + *why);
    }
    if (cd.skipAnalysis) {
        return skipAnalysis(p);
    }
    advanceAnalysis(p);
}

// The target, the label its pods are selected by, and what it served since the last run; false
// (with Flagger's warning) when there is no such target.
bool FlaggerController::prepare(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    if (!cd.targetKind.empty() && cd.targetKind != "Deployment") {
        return false; // DaemonSet and Service targets are not modelled
    }
    const auto found = m_store.get(builtInType("Deployment"), cd.namespaceName, cd.targetName);
    if (const auto *error = std::get_if<ApiStatus>(&found)) {
        event(p, true, "deployment " + cd.targetName + "." + cd.namespaceName + " get query error: " + error->message);
        return false;
    }
    p.target = std::get<json>(found);
    const auto label = FlaggerObjects::selectorLabel(p.target);
    if (!label) {
        event(p, true,
              "getSelectorLabel failed: deployment " + cd.targetName + "." + cd.namespaceName +
                  " spec.selector.matchLabels must contain one of [app name app.kubernetes.io/name]");
        return false;
    }
    p.objects.emplace(m_store, p.object, cd, *label);
    // The metric checks look at what the target served since the Canary's previous run.
    const WorkloadTraffic traffic =
        (m_traffic ? m_traffic(cd.namespaceName, cd.targetName) : std::nullopt).value_or(WorkloadTraffic{});
    if (const auto seen = m_seen.find(cd.key()); seen != m_seen.end()) {
        p.traffic = since(traffic, seen->second);
    }
    m_seen[cd.key()] = traffic;
    return true;
}

// One interval of a running analysis, in the order of Flagger's advanceCanary: the rollback gate,
// the end of a promotion, the failed-checks threshold, the checks, then the next step.
void FlaggerController::advanceAnalysis(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    if (isOneOf(cd.phase, {"Progressing", "Waiting", "WaitingPromotion"}) && rollbackRequested(p)) {
        event(p, true, "Rolling back " + cd.key() + " manual webhook invoked");
        return rollback(p);
    }
    if (finishPromotion(p, p.canaryWeight)) {
        return;
    }
    if (isOneOf(cd.phase, {"Progressing", "WaitingPromotion"}) && cd.failedChecks >= cd.analysisThreshold()) {
        return rollback(p);
    }
    if (!analyse(p, p.canaryWeight)) {
        return;
    }
    if (cd.kubernetesProvider() && cd.iterations < 1) {
        // The kubernetes provider cannot split traffic: Flagger runs a blue/green analysis instead.
        event(p, true, "Progressive traffic is not supported when using the kubernetes provider");
        event(p, true, "Setting canaryAnalysis.iterations: 10");
        cd.iterations = 10;
    }
    if (cd.blueGreen()) {
        return runBlueGreen(p);
    }
    if (cd.nextStepWeight(p.canaryWeight) > 0) {
        if (!isOneOf(cd.phase, {"Promoting", "WaitingPromotion", "Finalising"}) && !confirmTrafficIncrease(p)) {
            return;
        }
        runCanary(p, p.canaryWeight);
    }
}

// The primary and canary Services, the primary, then (once it is ready) the apex Service and the
// route; a new Canary is Initialized at the end of it.
bool FlaggerController::initialize(Pass &p, const json &target)
{
    FlaggerCanary &cd = p.canary;
    p.objects->reconcileServices(false);
    if (!p.objects->ensurePrimary(target)) {
        event(p, true,
              "createPrimaryDeployment failed: creating deployment " + cd.primaryDeployment() + "." + cd.namespaceName +
                  " failed");
        return false;
    }
    const bool initializing = cd.phase == "Initializing";
    if (initializing && !cd.skipAnalysis) {
        const auto primary = p.objects->deployment(cd.primaryDeployment());
        if (const auto why = primary ? FlaggerObjects::notReady(*primary) : std::nullopt) {
            event(p, true, cd.primaryDeployment() + "." + cd.namespaceName + " not ready: " + *why);
            return false;
        }
    }
    p.objects->reconcileServices(true);
    if (initializing) {
        p.objects->scale(cd.targetName, 0);
    }
    if (!cd.kubernetesProvider()) {
        if (const auto problem = p.objects->reconcileRoute()) {
            event(p, true, *problem);
            return false;
        }
    }
    if (initializing) {
        syncStatus(p, "Initialized");
        event(p, false, "Initialization done! " + cd.key());
    }
    return true;
}

// A Canary not yet in flight: the confirm-rollout gate, then the target scaled up and Progressing.
// True when the run goes on to the analysis.
bool FlaggerController::checkCanaryStatus(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    if (isOneOf(cd.phase, {"Progressing", "WaitingPromotion", "Promoting", "Finalising"})) {
        return true;
    }
    if (!confirmRollout(p)) {
        return false;
    }
    event(p, false, "New revision detected! Scaling up " + cd.targetName + "." + cd.namespaceName);
    // ScaleFromZero: the target's own replicas, else the primary's.
    long long replicas = integerAt(p.target, "/spec/replicas", 0);
    if (replicas <= 0) {
        const auto primary = p.objects->deployment(cd.primaryDeployment());
        replicas = primary ? integerAt(*primary, "/spec/replicas", 1) : 1;
    }
    p.objects->scale(cd.targetName, std::max(1LL, replicas));
    syncStatus(p, "Progressing");
    return false;
}

// Another new revision during an analysis starts it again from weight 0. True when it did.
bool FlaggerController::checkRevision(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    if (!isOneOf(cd.phase, {"Progressing", "WaitingPromotion"}) ||
        FlaggerObjects::templateHash(p.target) == cd.lastAppliedSpec) {
        return false;
    }
    event(p, false, "New revision detected! Restarting analysis for " + cd.targetName + "." + cd.namespaceName);
    if (!cd.kubernetesProvider()) {
        p.objects->setRoutes(100, 0);
    }
    syncStatus(p, "Progressing");
    return true;
}

// Promoting: all traffic back to the primary (in steps with stepWeightPromotion); Finalising: the
// target scaled down, Succeeded. True when the run was one of these.
bool FlaggerController::finishPromotion(Pass &p, long long weight)
{
    FlaggerCanary &cd = p.canary;
    if (cd.phase == "Promoting") {
        if (cd.kubernetesProvider()) {
            setPhase(p, "Finalising");
        } else if (cd.stepWeightPromotion == 0) {
            event(p, false, "Routing all traffic to primary");
            p.objects->setRoutes(100, 0);
            setPhase(p, "Finalising");
        } else if (weight > 0) {
            const long long primary = std::min(100LL, p.primaryWeight + cd.stepWeightPromotion);
            const long long canary = std::max(0LL, weight - cd.stepWeightPromotion);
            p.objects->setRoutes(primary, canary);
            event(p, false, "Advance " + cd.key() + " primary weight " + std::to_string(primary));
            if (primary == 100) {
                setPhase(p, "Finalising");
            } else {
                setStatusField(p, "canaryWeight", canary);
            }
        }
        return true;
    }
    if (cd.phase == "Finalising") {
        p.objects->scale(cd.targetName, 0);
        setPhase(p, "Succeeded");
        postRollout(p, "Succeeded");
        event(p, false, "Promotion completed! Scaling down " + cd.targetName + "." + cd.namespaceName);
        return true;
    }
    return false;
}

// The checks of this interval: pre-rollout hooks before the first step, else rollout hooks and
// metrics. A failure adds one to status.failedChecks and ends the run.
bool FlaggerController::analyse(Pass &p, long long weight)
{
    FlaggerCanary &cd = p.canary;
    bool passed = true;
    if (weight == 0 && cd.iterationsDone == 0) {
        event(p, false, "Starting canary analysis for " + cd.targetName + "." + cd.namespaceName);
        passed = preRollout(p);
    } else {
        passed = runAnalysis(p);
    }
    if (!passed) {
        setStatusField(p, "failedChecks", cd.failedChecks + 1);
    }
    return passed;
}

void FlaggerController::runCanary(Pass &p, long long weight)
{
    FlaggerCanary &cd = p.canary;
    if (weight < cd.maxCanaryWeight()) {
        const long long step = cd.nextStepWeight(weight);
        const long long primary = std::max(0LL, p.primaryWeight - step);
        const long long canary = std::min(100LL, weight + step);
        p.objects->setRoutes(primary, canary);
        setStatusField(p, "canaryWeight", canary);
        return event(p, false, "Advance " + cd.key() + " canary weight " + std::to_string(canary));
    }
    if (confirmPromotion(p)) {
        promote(p);
    }
}

// Blue/green: iterations at weight 0, then (after confirm-promotion) all traffic to the canary for
// one more, then the promotion.
void FlaggerController::runBlueGreen(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    if (cd.iterations > cd.iterationsDone) {
        setStatusField(p, "iterations", cd.iterationsDone + 1);
        return event(p, false,
                     "Advance " + cd.key() + " canary iteration " + std::to_string(cd.iterationsDone + 1) + "/" +
                         std::to_string(cd.iterations));
    }
    if (!confirmPromotion(p)) {
        return;
    }
    if (cd.iterations == cd.iterationsDone) {
        if (!cd.kubernetesProvider()) {
            event(p, false, "Routing all traffic to canary");
            p.objects->setRoutes(0, 100);
        }
        return setStatusField(p, "iterations", cd.iterationsDone + 1);
    }
    promote(p);
}

void FlaggerController::promote(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    event(p, false,
          "Copying " + cd.targetName + "." + cd.namespaceName + " template spec to " + cd.primaryDeployment() + "." +
              cd.namespaceName);
    p.objects->promote(p.target);
    setPhase(p, "Promoting");
}

void FlaggerController::skipAnalysis(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    if (!cd.kubernetesProvider()) {
        p.objects->setRoutes(100, 0);
    }
    event(p, false,
          "Copying " + cd.targetName + "." + cd.namespaceName + " template spec to " + cd.targetName + "-primary." +
              cd.namespaceName);
    p.objects->promote(p.target);
    p.objects->scale(cd.targetName, 0);
    setPhase(p, "Succeeded");
    postRollout(p, "Succeeded");
    event(p, false, "Promotion completed! Canary analysis was skipped for " + cd.targetName + "." + cd.namespaceName);
}

void FlaggerController::rollback(Pass &p)
{
    FlaggerCanary &cd = p.canary;
    if (cd.failedChecks >= cd.analysisThreshold()) {
        event(p, true,
              "Rolling back " + cd.key() + " failed checks threshold reached " + std::to_string(cd.failedChecks));
    }
    if (!cd.kubernetesProvider()) {
        p.objects->setRoutes(100, 0);
    }
    event(p, true, "Canary failed! Scaling down " + cd.key());
    p.objects->scale(cd.targetName, 0);
    syncStatus(p, "Failed");
    postRollout(p, "Failed");
}

// The demo's scripted `kubectl set image` on the target, once the Canary is Initialized.
void FlaggerController::demoUpdate(Pass &p)
{
    const FlaggerCanary &cd = p.canary;
    if (cd.thenSetImage.empty() || cd.phase != "Initialized" ||
        !fieldAt(p.target, "/spec/template/spec/containers/0/image")) {
        return;
    }
    const json image = json::array(
        {{{"op", "replace"}, {"path", "/spec/template/spec/containers/0/image"}, {"value", cd.thenSetImage}}});
    m_store.patch(builtInType("Deployment"), cd.namespaceName, cd.targetName, "application/json-patch+json",
                  image.dump(), false);
    const json annotation =
        json::array({{{"op", "remove"}, {"path", "/metadata/annotations/sim.curtain.dev~1then-set-image"}}});
    m_store.patch(builtInType("Canary"), cd.namespaceName, cd.name, "application/json-patch+json", annotation.dump(),
                  false);
}

} // namespace Curtain::Sim
