#include "sim/controllerevents.h"

#include "sim/jsonread.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace Curtain::Sim {

using nlohmann::json;

std::string utcText(std::chrono::system_clock::time_point at, int fractionDigits)
{
    const auto sinceEpoch = at.time_since_epoch();
    const auto whole = std::chrono::floor<std::chrono::seconds>(sinceEpoch);
    const std::time_t t = std::time_t(whole.count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[48];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string result = text;
    if (fractionDigits > 0) {
        const long long nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(sinceEpoch - whole).count();
        char fraction[16];
        std::snprintf(fraction, sizeof fraction, ".%09lld", nanos);
        result += std::string(fraction).substr(0, std::size_t(std::min(fractionDigits, 9)) + 1);
    }
    return result + "Z";
}

std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string &text)
{
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
        consumed != 19) {
        return std::nullopt;
    }
    std::string_view rest = std::string_view(text).substr(19);
    std::chrono::nanoseconds fraction{0};
    if (!rest.empty() && rest.front() == '.') {
        rest.remove_prefix(1);
        long long scale = 100'000'000;
        std::size_t digits = 0;
        for (; digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits])); ++digits) {
            fraction += std::chrono::nanoseconds((rest[digits] - '0') * scale);
            scale /= 10;
        }
        if (digits == 0) {
            return std::nullopt;
        }
        rest.remove_prefix(digits);
    }
    std::chrono::seconds offset{0};
    if (rest == "Z" || rest == "z") {
        // UTC
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        int hours = 0;
        int minutes = 0;
        if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &hours, &minutes) != 2) {
            return std::nullopt;
        }
        offset = std::chrono::hours(hours) + std::chrono::minutes(minutes);
        offset = rest[0] == '+' ? offset : -offset;
    } else {
        return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return std::chrono::system_clock::from_time_t(timegm(&tm)) - offset +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(fraction);
}

void recordEvent(ObjectStore &store, const json &regarding, const std::string &type, const std::string &reason,
                 const std::string &message, const std::string &component)
{
    static std::atomic<unsigned long long> sequence{0};
    const std::string ns = textAt(regarding, "/metadata/namespace");
    const auto nanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(nanos) + ++sequence);
    const std::string now = utcNow(0);
    json event = {{"metadata", {{"name", textAt(regarding, "/metadata/name") + suffix}, {"namespace", ns}}},
                  {"involvedObject",
                   {{"apiVersion", textAt(regarding, "/apiVersion")},
                    {"kind", textAt(regarding, "/kind")},
                    {"name", textAt(regarding, "/metadata/name")},
                    {"namespace", ns},
                    {"uid", textAt(regarding, "/metadata/uid")},
                    {"resourceVersion", textAt(regarding, "/metadata/resourceVersion")}}},
                  {"reason", reason},
                  {"message", message},
                  {"type", type},
                  {"source", {{"component", component}}},
                  {"firstTimestamp", now},
                  {"lastTimestamp", now},
                  {"count", 1},
                  {"eventTime", nullptr},
                  {"reportingComponent", component},
                  {"reportingInstance", ""}};
    store.create(*findResourceType("", "v1", "events"), ns, std::move(event));
}

void recordRolloutEvents(ObjectStore &store, const json &rollout, const json &before, const json &after, int revision)
{
    const auto record = [&](const char *type, const char *reason, const std::string &message) {
        recordEvent(store, rollout, type, reason, message, "rollouts-controller");
    };
    const std::string podHash = textAt(after, "/currentPodHash");
    if (!textAt(before, "/currentPodHash").empty() && textAt(before, "/currentPodHash") != podHash) {
        record("Normal", "RolloutUpdated", "Rollout updated to revision " + std::to_string(revision));
    }
    const json steps = valueAt(rollout, "/spec/strategy/canary/steps", json::array());
    const long long was = integerAt(before, "/currentStepIndex", -1);
    const long long now = integerAt(after, "/currentStepIndex", -1);
    if (steps.is_array() && was >= 0 && now > was && now <= static_cast<long long>(steps.size()) &&
        textAt(before, "/currentPodHash") == podHash) {
        for (long long step = was; step < now; ++step) {
            std::string detail;
            if (const json &s = steps[std::size_t(step)]; s.is_object() && s.contains("setWeight")) {
                detail = " (setWeight: " + s["setWeight"].dump() + ")";
            } else if (s.is_object() && s.contains("pause")) {
                detail = " (pause)";
            }
            record("Normal", "RolloutStepCompleted",
                   "Rollout step " + std::to_string(step + 1) + "/" + std::to_string(steps.size()) + " completed" +
                       detail);
        }
    }
    const bool pausedBefore = !valueAt(before, "/pauseConditions", json::array()).empty();
    const json pauses = valueAt(after, "/pauseConditions", json::array());
    if (!pausedBefore && pauses.is_array() && !pauses.empty()) {
        record("Normal", "RolloutPaused", "Rollout is paused (" + textAt(pauses[0], "/reason") + ")");
    }
    const bool abortedBefore = valueAt(before, "/abort", false) == true;
    if (!abortedBefore && valueAt(after, "/abort", false) == true) {
        record("Warning", "RolloutAborted", "Rollout aborted update to revision " + std::to_string(revision));
    }
    const std::string stable = textAt(after, "/stableRS");
    if (!textAt(before, "/stableRS").empty() && textAt(before, "/stableRS") != stable && stable == podHash) {
        record("Normal", "RolloutCompleted",
               "Rollout completed update to revision " + std::to_string(revision) + " (" + podHash +
                   "): Rollout is Completed");
    }
}

} // namespace Curtain::Sim
