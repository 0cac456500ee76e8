#include "sim/watchserver.h"

#include "sim/faults.h"
#include "sim/httpsupport.h"
#include "sim/objectstore.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>

namespace Curtain::Sim {

using namespace Http;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr long long maxWatchSeconds = 1800; // kube-apiserver's --min-request-timeout

// A watch's lifetime: the client's timeoutSeconds, none or 0 meaning the longest, capped so that no
// watch holds a worker for ever (and no deadline overflows the clock); nullopt when not a number.
std::optional<long long> watchSeconds(const std::string &text)
{
    if (text.empty()) {
        return maxWatchSeconds;
    }
    long long seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (end != text.data() + text.size() || (error != std::errc() && error != std::errc::result_out_of_range)) {
        return std::nullopt;
    }
    if (error == std::errc::result_out_of_range) {
        return text[0] == '-' ? 0 : maxWatchSeconds;
    }
    return seconds == 0 ? maxWatchSeconds : std::clamp(seconds, 0LL, maxWatchSeconds);
}

} // namespace

void serveWatch(ObjectStore &store, Faults &faults, const httplib::Request &req, httplib::Response &res,
                const ResourceType &type, const std::string &ns, const std::function<bool(const json &)> &filter)
{
    struct State
    {
        std::uint64_t since = 0;
        std::string pending; // the initial events, or the 410 error
        bool finishAfterPending = false;
        Clock::time_point deadline;
        Clock::time_point lastSent;
    };
    auto state = std::make_shared<State>();
    const std::string rv = param(req, "resourceVersion");
    const bool bookmarks = truthy(param(req, "allowWatchBookmarks"));
    const bool initialEvents = truthy(param(req, "sendInitialEvents"));
    const auto timeout = watchSeconds(param(req, "timeoutSeconds"));
    if (!timeout) {
        return sendStatus(res, badRequest("timeoutSeconds must be a number of seconds"));
    }
    state->deadline = Clock::now() + std::chrono::seconds(*timeout);
    state->lastSent = Clock::now();
    if (rv.empty() || rv == "0" || initialEvents) {
        const ListSnapshot snapshot = store.list(type, ns, filter);
        for (const json &item : snapshot.items) {
            state->pending += eventLine("ADDED", item);
        }
        state->since = snapshot.resourceVersion;
        if (initialEvents) {
            state->pending += eventLine("BOOKMARK", {{"kind", type.kind},
                                                     {"apiVersion", type.groupVersion()},
                                                     {"metadata",
                                                      {{"resourceVersion", std::to_string(snapshot.resourceVersion)},
                                                       {"annotations", {{"k8s.io/initial-events-end", "true"}}}}}});
        }
    } else {
        try {
            state->since = std::stoull(rv);
        } catch (const std::exception &) {
            return sendStatus(res, {400, "BadRequest", "resourceVersion \"" + rv + "\" is not a number"});
        }
        if (state->since < store.oldestResumableVersion() || faults.expireResumes()) {
            const ApiStatus expired{410, "Expired",
                                    "too old resource version: " + rv + " (" +
                                        std::to_string(store.oldestResumableVersion()) + ")"};
            state->pending = eventLine("ERROR", expired.toJson());
            state->finishAfterPending = true;
        }
    }
    res.set_header("Cache-Control", "no-cache, private");
    // kube-apiserver flushes every event, gzip or not. httplib would gzip an "application/json"
    // stream and hold events in its compressor until the buffer fills, so a watch names its
    // charset: the same media type to clients, and left uncompressed by httplib.
    const std::uint64_t generation = faults.dropGeneration();
    res.set_chunked_content_provider(
        "application/json; charset=utf-8",
        [&store, &faults, generation, state, &type, ns, filter, bookmarks](std::size_t, httplib::DataSink &sink) {
            auto write = [&](const std::string &text) { return sink.write(text.data(), text.size()); };
            if (faults.dropGeneration() != generation) {
                return false; // a dropped stream: the connection closes without the final chunk
            }
            if (!state->pending.empty()) {
                if (!write(std::exchange(state->pending, {}))) {
                    return false;
                }
                state->lastSent = Clock::now();
                if (state->finishAfterPending) {
                    sink.done();
                    return true;
                }
            }
            std::vector<StoredEvent> events;
            const auto wakeUp = std::min(state->deadline, Clock::now() + std::chrono::seconds(1));
            const ObjectStore::WaitResult waited = store.waitForEvents(type, ns, state->since, wakeUp, &events);
            if (faults.dropGeneration() != generation) {
                return false; // dropped while waiting: what just happened is not sent on this stream
            }
            switch (waited) {
            case ObjectStore::WaitResult::Stopped:
                sink.done();
                return true;
            case ObjectStore::WaitResult::Expired:
                write(eventLine(
                    "ERROR",
                    ApiStatus{410, "Expired", "too old resource version: " + std::to_string(state->since)}.toJson()));
                sink.done();
                return true;
            case ObjectStore::WaitResult::TimedOut:
                if (Clock::now() >= state->deadline) {
                    sink.done();
                    return true;
                }
                if (bookmarks && Clock::now() - state->lastSent > std::chrono::seconds(10)) {
                    state->lastSent = Clock::now();
                    return write(
                        eventLine("BOOKMARK", {{"kind", type.kind},
                                               {"apiVersion", type.groupVersion()},
                                               {"metadata", {{"resourceVersion", std::to_string(state->since)}}}}));
                }
                return true;
            case ObjectStore::WaitResult::Events:
                break;
            }
            std::string out;
            for (const StoredEvent &event : events) {
                state->since = event.resourceVersion;
                if (filter(event.object)) {
                    out += eventLine(event.type, event.object);
                }
            }
            if (!out.empty()) {
                state->lastSent = Clock::now();
                return write(out);
            }
            return true;
        });
}

} // namespace Curtain::Sim
