// FlaggerController's writes of a Canary's status (Flagger's pkg/canary/status.go) and its Events
// (pkg/controller/events.go, through client-go's recorder, which counts identical events).

#include "sim/flaggercontroller.h"

#include "sim/flaggerpass.h"
#include "sim/jsonread.h"

#include <cstdio>
#include <ctime>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

const ResourceType &canaries()
{
    return *findResourceTypeByKind("Canary");
}

std::string rfc3339(std::chrono::system_clock::time_point at)
{
    const std::time_t t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

// The status object of a stored Canary to change in place; null when a client made it something else.
json *statusOf(json &object)
{
    json &status = object["status"];
    if (status.is_null()) {
        status = json::object();
    }
    return status.is_object() ? &status : nullptr;
}

// MakeStatusConditions: the one Promoted condition, whose reason is the phase; left as it is when
// neither its status nor its reason change, its transition time kept when only the reason does.
void setPromoted(json &status, const std::string &phase, const std::string &kind, const std::string &now)
{
    std::string value = "Unknown";
    std::string message = "New " + kind + " detected, starting initialization.";
    if (phase == "Initialized") {
        value = "True";
        message = kind + " initialization completed.";
    } else if (phase == "Waiting" || phase == "WaitingPromotion") {
        message = "Waiting for approval.";
    } else if (phase == "Progressing") {
        message = "New revision detected, progressing canary analysis.";
    } else if (phase == "Promoting") {
        message = "Canary analysis completed, starting primary rolling update.";
    } else if (phase == "Finalising") {
        message = "Canary analysis completed, routing all traffic to primary.";
    } else if (phase == "Succeeded") {
        value = "True";
        message = "Canary analysis completed successfully, promotion finished.";
    } else if (phase == "Failed") {
        value = "False";
        message = "Canary analysis failed, " + kind + " scaled to zero.";
    }
    json current;
    for (const json &condition : valueAt(status, "/conditions", json::array())) {
        if (textAt(condition, "/type") == "Promoted") {
            current = condition;
        }
    }
    if (textAt(current, "/status") == value && textAt(current, "/reason") == phase) {
        return;
    }
    json condition = {{"type", "Promoted"},        {"status", value},    {"lastUpdateTime", now},
                      {"lastTransitionTime", now}, {"message", message}, {"reason", phase}};
    if (textAt(current, "/status") == value) {
        condition["lastTransitionTime"] = textAt(current, "/lastTransitionTime", now);
    }
    status["conditions"] = json::array({condition});
}

} // namespace

// SyncStatus: a phase with weight, checks and iterations reset, and the target's current pod
// template hash as lastAppliedSpec (and lastPromotedSpec when Initialized).
void FlaggerController::syncStatus(Pass &p, const std::string &phase, long long weight)
{
    FlaggerCanary &cd = p.canary;
    const auto target = p.objects ? p.objects->deployment(cd.targetName) : std::nullopt;
    const std::string hash = FlaggerObjects::templateHash(target ? *target : p.target);
    const std::string now = rfc3339(p.wall);
    m_store.updateStatus(canaries(), cd.namespaceName, cd.name, [&](json &object) {
        json *status = statusOf(object);
        if (!status) {
            return;
        }
        (*status)["phase"] = phase;
        (*status)["canaryWeight"] = weight;
        (*status)["failedChecks"] = 0;
        (*status)["iterations"] = 0;
        (*status)["lastAppliedSpec"] = hash;
        if (phase == "Initialized") {
            (*status)["lastPromotedSpec"] = hash;
        }
        (*status)["lastTransitionTime"] = now;
        setPromoted(*status, phase, cd.targetKind, now);
    });
    cd.phase = phase;
    cd.canaryWeight = weight;
    cd.failedChecks = 0;
    cd.iterationsDone = 0;
    cd.lastAppliedSpec = hash;
}

// SetStatusPhase: outside Progressing, Waiting and Promoting the weight and iterations go back to 0
// (WaitingPromotion keeps iterations one short of the analysis', as Flagger does); a promotion's end
// records the analysed spec as promoted.
void FlaggerController::setPhase(Pass &p, const std::string &phase)
{
    FlaggerCanary &cd = p.canary;
    const std::string now = rfc3339(p.wall);
    const bool keepsProgress = phase == "Progressing" || phase == "Waiting" || phase == "Promoting";
    m_store.updateStatus(canaries(), cd.namespaceName, cd.name, [&](json &object) {
        json *status = statusOf(object);
        if (!status) {
            return;
        }
        (*status)["phase"] = phase;
        (*status)["lastTransitionTime"] = now;
        if (!keepsProgress) {
            (*status)["canaryWeight"] = 0;
            (*status)["iterations"] = phase == "WaitingPromotion" ? cd.iterations - 1 : 0;
        }
        if (phase == "Initialized" || phase == "Succeeded") {
            (*status)["lastPromotedSpec"] = cd.lastAppliedSpec;
        }
        setPromoted(*status, phase, cd.targetKind, now);
    });
    cd.phase = phase;
}

void FlaggerController::setStatusField(Pass &p, const char *field, long long value)
{
    const std::string now = rfc3339(p.wall);
    m_store.updateStatus(canaries(), p.canary.namespaceName, p.canary.name, [&](json &object) {
        if (json *status = statusOf(object)) {
            (*status)[field] = value;
            (*status)["lastTransitionTime"] = now;
        }
    });
}

// An Event on the Canary, reason Synced, from component flagger. An identical one (same type and
// message) recorded before is counted up instead, as client-go's event correlator does.
void FlaggerController::event(Pass &p, bool warning, const std::string &message)
{
    const ResourceType &events = *findResourceType("", "v1", "events");
    const std::string type = warning ? "Warning" : "Normal";
    const std::string ns = p.canary.namespaceName;
    const std::string key = textAt(p.object, "/metadata/uid") + "\n" + type + "\n" + message;
    const std::string now = rfc3339(p.wall);
    if (const auto known = m_events.find(key); known != m_events.end()) {
        const auto stored = m_store.get(events, ns, known->second);
        if (std::holds_alternative<json>(stored)) {
            const json count = {{"count", integerAt(std::get<json>(stored), "/count", 1) + 1}, {"lastTimestamp", now}};
            m_store.patch(events, ns, known->second, "application/merge-patch+json", count.dump(), false);
            return;
        }
    }
    if (m_events.size() >= 4096) {
        m_events.clear(); // client-go's cache is an LRU of 4096 as well
    }
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(p.wall.time_since_epoch()).count();
    char suffix[40];
    std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(nanos) + ++m_eventSequence);
    const std::string name = p.canary.name + suffix;
    json record = {{"metadata", {{"name", name}, {"namespace", ns}}},
                   {"involvedObject",
                    {{"apiVersion", "flagger.app/v1beta1"},
                     {"kind", "Canary"},
                     {"name", p.canary.name},
                     {"namespace", ns},
                     {"uid", textAt(p.object, "/metadata/uid")},
                     {"resourceVersion", textAt(p.object, "/metadata/resourceVersion")}}},
                   {"reason", "Synced"},
                   {"message", message},
                   {"type", type},
                   {"source", {{"component", "flagger"}}},
                   {"firstTimestamp", now},
                   {"lastTimestamp", now},
                   {"count", 1},
                   {"eventTime", nullptr},
                   {"reportingComponent", "flagger"},
                   {"reportingInstance", ""}};
    if (std::holds_alternative<json>(m_store.create(events, ns, std::move(record)))) {
        m_events[key] = name;
    }
}

} // namespace Curtain::Sim
