#include "sim/controllerevents.h"

#include "sim/jsonread.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>

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

namespace {

// `count` digits of `text` from `at` as a number within [low, high], else nullopt.
std::optional<int> digitsAt(std::string_view text, std::size_t at, std::size_t count, int low, int high)
{
    if (at + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value >= low && value <= high ? std::optional(value) : std::nullopt;
}

bool separatorsAt(std::string_view text)
{
    return text.size() >= 19 && text[4] == '-' && text[7] == '-' && (text[10] == 'T' || text[10] == 't') &&
           text[13] == ':' && text[16] == ':';
}

} // namespace

std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string &input)
{
    // Years the clock's count of nanoseconds can hold (1678–2262), fields in their ranges, digits only.
    const std::string_view text(input);
    const auto year = digitsAt(text, 0, 4, 1700, 2200);
    const auto month = digitsAt(text, 5, 2, 1, 12);
    const auto day = digitsAt(text, 8, 2, 1, 31);
    const auto hour = digitsAt(text, 11, 2, 0, 23);
    const auto minute = digitsAt(text, 14, 2, 0, 59);
    const auto second = digitsAt(text, 17, 2, 0, 60);
    if (!separatorsAt(text) || !year || !month || !day || !hour || !minute || !second) {
        return std::nullopt;
    }
    const bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*day > days[*month - 1] + (*month == 2 && leap ? 1 : 0)) {
        return std::nullopt; // no 31 February: timegm would make it 3 March
    }
    std::string_view rest = text.substr(19);
    std::chrono::nanoseconds fraction{0};
    if (!rest.empty() && rest.front() == '.') {
        std::size_t digits = 1;
        long long scale = 100'000'000;
        for (; digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9'; ++digits) {
            fraction += std::chrono::nanoseconds((rest[digits] - '0') * scale);
            scale /= 10;
        }
        if (digits == 1) {
            return std::nullopt;
        }
        rest.remove_prefix(digits);
    }
    std::chrono::minutes offset{0};
    if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        const auto hours = digitsAt(rest, 1, 2, 0, 23);
        const auto minutes = digitsAt(rest, 4, 2, 0, 59);
        if (!hours || !minutes) {
            return std::nullopt;
        }
        offset = std::chrono::hours(*hours) + std::chrono::minutes(*minutes);
        offset = rest[0] == '+' ? offset : -offset;
    } else if (rest != "Z" && rest != "z") {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = *second;
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
