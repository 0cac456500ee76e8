#include "sim/rolloutcontroller.h"

#include "sim/controllerevents.h"
#include "sim/deploymentreplicasets.h"
#include "sim/jsonread.h"
#include "sim/resourcetypes.h"
#include "sim/workloaddefaults.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace Curtain::Sim {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Wall = std::chrono::system_clock;

namespace {

constexpr auto podStep = std::chrono::milliseconds(500); // one pod of a ReplicaSet becomes ready per step
const char *const hashLabel = "rollouts-pod-template-hash";
const char *const revisionAnnotation = "rollout.argoproj.io/revision";
const char *const scaleDownAnnotation = "argo-rollouts.argoproj.io/scale-down-deadline";

std::string rfc3339(Wall::time_point at)
{
    const std::time_t t = Wall::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

// A pause duration as Argo accepts it: seconds as a number or string, or "1h2m3s"-style text.
std::optional<double> seconds(const json &value)
{
    if (value.is_number()) {
        return value.get<double>();
    }
    if (!value.is_string()) {
        return std::nullopt;
    }
    const std::string text = value.get<std::string>();
    double total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t used = 0;
        double n = 0;
        try {
            n = std::stod(text.substr(i), &used);
        } catch (const std::exception &) {
            return std::nullopt;
        }
        i += used;
        std::string unit;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
            unit += text[i++];
        }
        const double scale = unit.empty() || unit == "s" ? 1
                             : unit == "m"               ? 60
                             : unit == "h"               ? 3600
                             : unit == "ms"              ? 0.001
                                                         : -1;
        if (scale < 0) {
            return std::nullopt;
        }
        total += n * scale;
    }
    return total;
}

bool ownedBy(const json &object, const json &rollout)
{
    // Read without copying or throwing: it filters every ReplicaSet under the store's lock.
    const json *refs = fieldAt(object, "/metadata/ownerReferences");
    const std::string uid = textAt(rollout, "/metadata/uid");
    return refs && refs->is_array() && !uid.empty() &&
           std::any_of(refs->begin(), refs->end(), [&uid](const json &ref) { return textAt(ref, "/uid") == uid; });
}

int revisionOf(const json &rs)
{
    try {
        return std::stoi(rs.value(json::json_pointer("/metadata/annotations/rollout.argoproj.io~1revision"), "0"));
    } catch (const std::exception &) {
        return 0;
    }
}

json condition(const std::string &type, bool status, const std::string &reason, const std::string &message,
               const std::string &now)
{
    return {{"type", type},          {"status", status ? "True" : "False"},
            {"reason", reason},      {"message", message},
            {"lastUpdateTime", now}, {"lastTransitionTime", now}};
}

} // namespace

std::string RolloutController::podTemplateHash(const json &podTemplate)
{
    // FNV-1a over the template's canonical JSON, written in Kubernetes' safe alphabet.
    std::uint32_t hash = 2166136261u;
    for (const char c : podTemplate.dump()) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 16777619u;
    }
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string out;
    for (std::uint64_t v = hash; out.size() < 10; v /= 27) {
        out += alphabet[v % 27];
        if (v < 27) {
            v = hash ^ (v * 2654435761u) ^ out.size();
        }
    }
    return out;
}

void RolloutController::reconcile(Clock::time_point now, bool controllerRunning)
{
    // Level-triggered, as Argo's controller resyncs, but a pass over a store no one wrote since a
    // pass that wrote nothing and waited on no clock would write nothing again: it is skipped. Every
    // Rollout and its ReplicaSets were copied ten times a second, 40 % of an idle demo cluster's CPU.
    const std::uint64_t before = m_store.currentResourceVersion();
    if (!controllerRunning) {
        m_quietAt.reset();
    } else if (m_quietAt != before || m_waitsOnTime) {
        const std::vector<json> rollouts = m_store.all(builtInType("Rollout"));
        m_waitsOnTime = false; // reconcileOne says again what waits on the clock
        for (const json &rollout : rollouts) {
            try {
                reconcileOne(rollout);
            } catch (const std::exception &) {
                // Argo's controller logs a Rollout it cannot decode and goes on with the others.
                m_waitsOnTime = true; // it may decode on another try; keep looking
            }
        }
        const std::uint64_t after = m_store.currentResourceVersion();
        m_quietAt = after == before ? std::optional(after) : std::nullopt;
    }
    advanceReplicaSets(now);
}

json RolloutController::ensureReplicaSet(const json &rollout, const std::string &hash, std::vector<json> &owned)
{
    int highest = 0;
    for (const json &rs : owned) {
        highest = std::max(highest, revisionOf(rs));
    }
    const std::string ns = rollout["metadata"].value("namespace", "");
    for (const json &rs : owned) {
        if (rs.value(json::json_pointer("/metadata/labels/rollouts-pod-template-hash"), "") == hash) {
            if (revisionOf(rs) == highest) {
                return rs;
            }
            // An older revision becomes current again (undo): it takes the next number.
            const json bump = {{"metadata", {{"annotations", {{revisionAnnotation, std::to_string(highest + 1)}}}}}};
            const auto patched = m_store.patch(builtInType("ReplicaSet"), ns, rs["metadata"].value("name", ""),
                                               "application/merge-patch+json", bump.dump(), false);
            return std::holds_alternative<json>(patched) ? std::get<json>(patched) : rs;
        }
    }
    json podTemplate = valueAt(rollout, "/spec/template", json::object());
    podTemplate["metadata"]["labels"][hashLabel] = hash;
    json selector = valueAt(rollout, "/spec/selector", json::object());
    selector["matchLabels"][hashLabel] = hash;
    const json rs = {{"apiVersion", "apps/v1"},
                     {"kind", "ReplicaSet"},
                     {"metadata",
                      {{"name", rollout["metadata"].value("name", "") + "-" + hash},
                       {"namespace", ns},
                       {"labels", podTemplate["metadata"]["labels"]},
                       {"annotations", {{revisionAnnotation, std::to_string(highest + 1)}}},
                       {"ownerReferences",
                        {{{"apiVersion", "argoproj.io/v1alpha1"},
                          {"kind", "Rollout"},
                          {"name", rollout["metadata"].value("name", "")},
                          {"uid", rollout["metadata"].value("uid", "")},
                          {"controller", true},
                          {"blockOwnerDeletion", true}}}}}},
                     {"spec", {{"replicas", 0}, {"selector", selector}, {"template", podTemplate}}}};
    const auto created = m_store.create(builtInType("ReplicaSet"), ns, rs);
    const json stored = std::holds_alternative<json>(created) ? std::get<json>(created) : rs;
    owned.push_back(stored);
    return stored;
}

void RolloutController::scale(const json &rs, long long replicas)
{
    if (integerAt(rs, "/spec/replicas", 1) == replicas) {
        return;
    }
    m_store.patch(builtInType("ReplicaSet"), rs["metadata"].value("namespace", ""), rs["metadata"].value("name", ""),
                  "application/merge-patch+json", json{{"spec", {{"replicas", replicas}}}}.dump(), false);
}

void RolloutController::pointService(const std::string &ns, const std::string &service, const std::string &hash)
{
    if (service.empty() || hash.empty()) {
        return;
    }
    const auto found = m_store.get(builtInType("Service"), ns, service);
    if (!std::holds_alternative<json>(found) ||
        std::get<json>(found).value(json::json_pointer("/spec/selector/rollouts-pod-template-hash"), "") == hash) {
        return;
    }
    m_store.patch(builtInType("Service"), ns, service, "application/merge-patch+json",
                  json{{"spec", {{"selector", {{hashLabel, hash}}}}}}.dump(), false);
}

void RolloutController::reconcileOne(const json &rollout)
{
    const std::string ns = rollout["metadata"].value("namespace", "");
    const std::string name = rollout["metadata"].value("name", "");
    const std::string nowText = rfc3339(Wall::now());
    const long long replicas = integerAt(rollout, "/spec/replicas", 1);
    const bool blueGreen = rollout.contains(json::json_pointer("/spec/strategy/blueGreen"));
    const json strategy = rollout.value(
        json::json_pointer(blueGreen ? "/spec/strategy/blueGreen" : "/spec/strategy/canary"), json::object());
    const json steps = blueGreen ? json::array() : strategy.value("steps", json::array());
    const long long stepCount = static_cast<long long>(steps.size());
    // Over the template as defaulted: the ReplicaSet's (the API server's defaults) and the one `undo`
    // copies back from it name the same revision as the Rollout's own.
    json desired = valueAt(rollout, "/spec/template", json::object());
    defaultPodTemplate(desired);
    const std::string podHash = podTemplateHash(desired);
    const std::string stepsHash = podTemplateHash(steps);
    json status = rollout.value("status", json::object());

    // Only its own ReplicaSets are copied (the filter runs under the store's lock).
    std::vector<json> owned =
        m_store.list(builtInType("ReplicaSet"), ns, [&rollout](const json &rs) { return ownedBy(rs, rollout); }).items;

    // A new revision: its ReplicaSet, and the status reset argo-rollouts does (resetRolloutStatus).
    if (status.value("currentPodHash", "") != podHash ||
        (!blueGreen && status.value("currentStepHash", "") != stepsHash)) {
        ensureReplicaSet(rollout, podHash, owned);
        const bool first = status.value("stableRS", "").empty();
        if (first) {
            status["stableRS"] = podHash;
            if (blueGreen) {
                status["blueGreen"]["activeSelector"] = podHash;
            }
        }
        status["currentPodHash"] = podHash;
        for (const char *field : {"abort", "abortedAt", "promoteFull", "pauseConditions", "controllerPause"}) {
            status.erase(field);
        }
        if (!blueGreen) {
            status["currentStepHash"] = stepsHash;
            status["currentStepIndex"] = status.value("stableRS", "") == podHash ? stepCount : 0;
        }
    }
    const std::string stableHash = status.value("stableRS", "");
    json current;
    json stable;
    for (const json &rs : owned) {
        const std::string hash = rs.value(json::json_pointer("/metadata/labels/rollouts-pod-template-hash"), "");
        if (hash == stableHash) {
            stable = rs;
        }
        if (hash == podHash) {
            current = rs;
        }
    }
    const bool aborted = status.value("abort", false);
    const bool paused = rollout.value(json::json_pointer("/spec/paused"), false);
    const bool promoteFull = status.value("promoteFull", false);
    if (promoteFull || aborted) {
        status.erase("pauseConditions");
        status.erase("controllerPause");
    }
    if (aborted && !status.contains("abortedAt")) {
        status["abortedAt"] = nowText;
    }
    auto available = [](const json &rs) { return rs.is_null() ? 0LL : integerAt(rs, "/status/availableReplicas", 0); };
    // A pause the user ended (promote cleared pauseConditions) or one whose time ran out.
    auto pauseOver = [&](const json &duration) {
        const json pauses = status.value("pauseConditions", json::array());
        if (status.value("controllerPause", false) && pauses.empty()) {
            return true;
        }
        if (pauses.empty()) {
            status["pauseConditions"] =
                json::array({{{"reason", blueGreen ? "BlueGreenPause" : "CanaryPauseStep"}, {"startTime", nowText}}});
            status["controllerPause"] = true;
            return false;
        }
        const auto started = parseRfc3339(pauses[0].value("startTime", ""));
        const auto length = seconds(duration);
        const bool over = length && started &&
                          Wall::now() >= *started + std::chrono::milliseconds(static_cast<long long>(*length * 1000));
        m_waitsOnTime = m_waitsOnTime || (length && started && !over); // a timed pause still running
        return over;
    };
    auto endPause = [&] {
        status.erase("pauseConditions");
        status["controllerPause"] = false;
    };

    if (!blueGreen) {
        long long index = std::clamp(integerAt(status, "/currentStepIndex", 0), 0LL, stepCount);
        if (promoteFull) {
            index = stepCount;
        }
        long long weight = 0;
        if (!aborted && stableHash != podHash) {
            while (!paused && index < stepCount) {
                const json &step = steps[std::size_t(index)];
                if (step.contains("setWeight")) {
                    weight = step.value("setWeight", 0LL);
                    const long long want = (replicas * weight + 99) / 100;
                    if (available(current) < want) {
                        break;
                    }
                } else if (step.contains("pause")) {
                    if (!pauseOver(step["pause"].is_object() ? step["pause"].value("duration", json()) : json())) {
                        break;
                    }
                    endPause();
                }
                ++index;
            }
            for (long long i = 0; i <= std::min(index, stepCount - 1); ++i) {
                if (steps[std::size_t(i)].contains("setWeight")) {
                    weight = steps[std::size_t(i)].value("setWeight", 0LL);
                }
            }
            if (index >= stepCount) {
                weight = 100;
            }
        }
        if (aborted) {
            index = stableHash == podHash ? stepCount : 0;
        }
        status["currentStepIndex"] = index;
        const long long canaryReplicas = stableHash == podHash ? replicas : (replicas * weight + 99) / 100;
        if (!current.is_null()) {
            scale(current, canaryReplicas);
        }
        if (!stable.is_null() && stableHash != podHash) {
            scale(stable, replicas - std::min(canaryReplicas, replicas));
        }
        if (index >= stepCount && !aborted && available(current) >= replicas) {
            status["stableRS"] = podHash; // fully promoted
            status.erase("promoteFull");
        }
        for (const json &rs : owned) { // every other revision keeps no pods
            const std::string hash = rs.value(json::json_pointer("/metadata/labels/rollouts-pod-template-hash"), "");
            if (hash != podHash && hash != status.value("stableRS", "")) {
                scale(rs, 0);
            }
        }
        pointService(ns, strategy.value("stableService", ""), status.value("stableRS", ""));
        pointService(ns, strategy.value("canaryService", ""), podHash);
    } else {
        std::string active = textAt(status, "/blueGreen/activeSelector");
        if (!current.is_null() && podHash != active) {
            scale(current, aborted ? 0 : replicas);
            status["blueGreen"]["previewSelector"] = podHash;
            const bool ready = available(current) >= replicas;
            bool promote = false;
            if (!aborted && !paused && ready) {
                if (promoteFull) {
                    promote = true;
                } else if (!strategy.value("autoPromotionEnabled", true)) {
                    promote = pauseOver(json());
                } else if (strategy.contains("autoPromotionSeconds")) {
                    promote = pauseOver(strategy["autoPromotionSeconds"]);
                } else {
                    promote = true;
                }
            }
            if (promote) {
                endPause();
                const auto delay = std::chrono::seconds(strategy.value("scaleDownDelaySeconds", 30LL));
                for (const json &rs : owned) {
                    if (rs.value(json::json_pointer("/metadata/labels/rollouts-pod-template-hash"), "") == active) {
                        m_store.patch(
                            builtInType("ReplicaSet"), ns, rs["metadata"].value("name", ""),
                            "application/merge-patch+json",
                            json{{"metadata", {{"annotations", {{scaleDownAnnotation, rfc3339(Wall::now() + delay)}}}}}}
                                .dump(),
                            false);
                    }
                }
                active = podHash;
                status["blueGreen"]["activeSelector"] = podHash;
                status["stableRS"] = podHash;
                status.erase("promoteFull");
            }
        }
        if (podHash == active) {
            status["blueGreen"]["previewSelector"] = podHash;
        }
        for (const json &listed : owned) {
            // Read again: a promotion above may just have given it its scale-down deadline.
            const auto fresh = m_store.get(builtInType("ReplicaSet"), ns, listed["metadata"].value("name", ""));
            const json &rs = std::holds_alternative<json>(fresh) ? std::get<json>(fresh) : listed;
            const std::string hash = rs.value(json::json_pointer("/metadata/labels/rollouts-pod-template-hash"), "");
            const auto deadline = parseRfc3339(rs.value(
                json::json_pointer("/metadata/annotations/argo-rollouts.argoproj.io~1scale-down-deadline"), ""));
            if (hash == active) {
                scale(rs, replicas);
            } else if (hash != podHash && (!deadline || Wall::now() >= *deadline)) {
                scale(rs, 0);
            } else if (hash != podHash) {
                m_waitsOnTime = true; // its scale-down deadline is still ahead
            }
        }
        pointService(ns, strategy.value("activeService", ""), active);
        pointService(ns, strategy.value("previewService", ""), textAt(status, "/blueGreen/previewSelector"));
    }

    // Counts, conditions, phase and message, as the controller reports them.
    long long total = 0;
    long long ready = 0;
    long long availableTotal = 0;
    // Only this Rollout's, filtered in the store: every Deployment has ReplicaSets too.
    for (const json &rs :
         m_store.list(builtInType("ReplicaSet"), ns, [&rollout](const json &rs) { return ownedBy(rs, rollout); })
             .items) {
        {
            total += integerAt(rs, "/status/replicas", 0);
            ready += integerAt(rs, "/status/readyReplicas", 0);
            availableTotal += integerAt(rs, "/status/availableReplicas", 0);
            if (rs.value(json::json_pointer("/metadata/labels/rollouts-pod-template-hash"), "") == podHash) {
                current = rs;
            }
        }
    }
    const long long updated = current.is_null() ? 0 : integerAt(current, "/status/replicas", 0);
    status["replicas"] = total;
    status["updatedReplicas"] = updated;
    status["readyReplicas"] = ready;
    status["availableReplicas"] = availableTotal;
    status["observedGeneration"] = std::to_string(integerAt(rollout, "/metadata/generation", 1));
    status["selector"] = "app=" + rollout.value(json::json_pointer("/spec/selector/matchLabels/app"), name);
    if (const std::string restartAt = textAt(rollout, "/spec/restartAt"); !restartAt.empty()) {
        status["restartedAt"] = restartAt;
    }
    const bool promoted = status.value("stableRS", "") == podHash;
    const int revision = current.is_null() ? 0 : revisionOf(current);
    // The controller's phase, checked in the order argo-rollouts checks it.
    std::string phase = "Progressing";
    std::string message;
    json conditions = json::array();
    if (status.value("abort", false)) {
        const std::string why = "Rollout aborted update to revision " + std::to_string(revision);
        phase = "Degraded";
        message = "RolloutAborted: " + why;
        conditions.push_back(condition("Progressing", false, "RolloutAborted", why, nowText));
    } else if (paused) {
        phase = "Paused";
        message = "manually paused";
        conditions.push_back(condition("Paused", true, "RolloutPaused", "Rollout is paused", nowText));
    } else if (!status.value("pauseConditions", json::array()).empty()) {
        phase = "Paused";
        message = status["pauseConditions"][0].value("reason", "");
        conditions.push_back(condition("Paused", true, "RolloutPaused", "Rollout is paused", nowText));
    } else if (updated < replicas) {
        message = "more replicas need to be updated";
    } else if (availableTotal < updated) {
        message = "updated replicas are still becoming available";
    } else if (blueGreen && textAt(status, "/blueGreen/activeSelector") != podHash) {
        message = "active service cutover pending";
    } else if (!blueGreen && total > updated) {
        message = "old replicas are pending termination";
    } else if (!promoted) {
        message =
            blueGreen ? "waiting for post-promotion verification to complete" : "waiting for all steps to complete";
    } else {
        phase = "Healthy";
    }
    if (phase != "Degraded") {
        conditions.push_back(condition("Progressing", true, promoted ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                                       "ReplicaSet \"" + name + "-" + podHash + "\" is progressing.", nowText));
    }
    conditions.push_back(condition("Available", availableTotal >= replicas,
                                   availableTotal >= replicas ? "AvailableReason" : "MinimumReplicasUnavailable",
                                   availableTotal >= replicas ? "Rollout has minimum availability"
                                                              : "Rollout does not have minimum availability",
                                   nowText));
    // As Argo's controller (utils/conditions): True once the update is fully promoted; its
    // lastTransitionTime is when the new revision took everything.
    conditions.push_back(condition("Completed", promoted, promoted ? "RolloutCompleted" : "RolloutNotCompleted",
                                   promoted ? "Rollout completed update to revision " + std::to_string(revision) +
                                                  " (" + podHash + "): Rollout is Completed"
                                            : "Rollout not completed, started update to revision " +
                                                  std::to_string(revision) + " (" + podHash + ")",
                                   nowText));
    conditions.push_back(condition("Healthy", phase == "Healthy",
                                   phase == "Healthy" ? "RolloutHealthy" : "RolloutHealthyIncomplete",
                                   phase == "Healthy" ? "Rollout is healthy" : "Rollout is not healthy", nowText));
    status["phase"] = phase;
    status["message"] = message;
    // Conditions keep their times unless something about them changed.
    const json previous = rollout.value(json::json_pointer("/status/conditions"), json::array());
    for (json &c : conditions) {
        for (const json &p : previous) {
            if (p.value("type", "") == c["type"] && p.value("status", "") == c["status"] &&
                p.value("reason", "") == c["reason"]) {
                c["lastUpdateTime"] = p.value("lastUpdateTime", nowText);
                c["lastTransitionTime"] = p.value("lastTransitionTime", nowText);
            }
        }
    }
    status["conditions"] = conditions;
    if (const json before = rollout.value("status", json::object()); status != before) {
        m_store.updateStatus(builtInType("Rollout"), ns, name, [&](json &object) { object["status"] = status; });
        recordRolloutEvents(m_store, rollout, before, status, revision);
    }

    // The demo's scripted `set image`, once the first revision is healthy.
    const std::string nextImage =
        rollout.value(json::json_pointer("/metadata/annotations/sim.curtain.dev~1then-set-image"), "");
    if (!nextImage.empty() && phase == "Healthy" && promoted) {
        json patch =
            json::array({{{"op", "replace"}, {"path", "/spec/template/spec/containers/0/image"}, {"value", nextImage}},
                         {{"op", "remove"}, {"path", "/metadata/annotations/sim.curtain.dev~1then-set-image"}}});
        m_store.patch(builtInType("Rollout"), ns, name, "application/json-patch+json", patch.dump(), false);
    }
}

void RolloutController::advanceReplicaSets(Clock::time_point now)
{
    auto unsettled = [](const json &rs) {
        if (DeploymentReplicaSets::ownedByDeployment(rs)) {
            return false; // the deployment controller's (DeploymentReplicaSets), not Argo's
        }
        const long long desired = integerAt(rs, "/spec/replicas", 1);
        return integerAt(rs, "/status/readyReplicas", -1) != desired ||
               integerAt(rs, "/status/replicas", -1) != desired ||
               integerAt(rs, "/status/observedGeneration", 0) != integerAt(rs, "/metadata/generation", 1);
    };
    for (const json &rs : m_store.select(builtInType("ReplicaSet"), unsettled)) {
        const std::string ns = textAt(rs, "/metadata/namespace");
        const std::string name = textAt(rs, "/metadata/name");
        const long long desired = integerAt(rs, "/spec/replicas", 1);
        long long ready = std::max(0LL, integerAt(rs, "/status/readyReplicas", 0));
        if (ready < desired) {
            auto &next = m_nextPod[ns + "/" + name];
            if (now < next) {
                continue;
            }
            next = now + podStep;
            ++ready;
        } else {
            ready = desired; // scale-down is immediate
        }
        try {
            json next = rs;
            next["status"]["readyReplicas"] = ready;
            m_podsBeforeStatus(next);
            writeReplicaSetStatus(m_store, ns, name, desired, ready);
        } catch (const std::exception &) {
            // A status some client replaced with a non-object stays as it is, the other pods go on.
        }
    }
}

} // namespace Curtain::Sim
