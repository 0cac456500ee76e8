#include "sim/watchserver.h"

#include "sim/connectionguard.h"
#include "sim/faults.h"
#include "sim/httpsupport.h"
#include "sim/objectstore.h"
#include "sim/tables.h"

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

json bookmark(const ResourceType &type, std::uint64_t version, bool initialEventsEnd)
{
    json metadata = {{"resourceVersion", std::to_string(version)}};
    if (initialEventsEnd) {
        metadata["annotations"] = {{"k8s.io/initial-events-end", "true"}};
    }
    return {{"kind", type.kind}, {"apiVersion", type.groupVersion()}, {"metadata", metadata}};
}

// One open watch: where it is in the history, what it still has to send, and when it ends.
class WatchStream
{
public:
    WatchStream(WatchSources sources, const ResourceType &type, std::string ns,
                std::function<bool(const json &)> filter)
        : m_sources(sources), m_type(type), m_ns(std::move(ns)), m_filter(std::move(filter)),
          m_generation(sources.faults.dropGeneration())
    {}

    // Reads the request's parameters; the Status to answer instead when they do not make sense.
    std::optional<ApiStatus> start(const httplib::Request &req);
    // Sends what there is to send, waiting up to a second for news; false drops the connection.
    bool step(httplib::DataSink &sink);

private:
    bool sendEvents(httplib::DataSink &sink, const std::vector<StoredEvent> &events);
    std::string objectEvent(const std::string &type, const json &object, std::uint64_t resourceVersion) const;

    WatchSources m_sources;
    const ResourceType &m_type;
    std::string m_ns;
    std::function<bool(const json &)> m_filter;
    std::uint64_t m_generation;
    std::uint64_t m_since = 0;
    std::string m_pending; // the initial events, or the 410 error
    bool m_finishAfterPending = false;
    bool m_bookmarks = false;
    bool m_table = false;        // kubectl get -w asks for each event's object as a Table row
    bool m_wholeObjects = false; // …carrying the whole object (includeObject=Object)
    Clock::time_point m_deadline;
    Clock::time_point m_lastSent = Clock::now();
};

std::optional<ApiStatus> WatchStream::start(const httplib::Request &req)
{
    const std::string rv = param(req, "resourceVersion");
    const bool initialEvents = truthy(param(req, "sendInitialEvents"));
    m_bookmarks = truthy(param(req, "allowWatchBookmarks"));
    m_table = wantsTable(req.get_header_value("Accept"));
    m_wholeObjects = param(req, "includeObject") == "Object";
    const auto timeout = watchSeconds(param(req, "timeoutSeconds"));
    if (!timeout) {
        return badRequest("timeoutSeconds must be a number of seconds");
    }
    m_deadline = Clock::now() + std::chrono::seconds(*timeout);
    if (rv.empty() || rv == "0" || initialEvents) {
        const ListSnapshot snapshot = m_sources.store.list(m_type, m_ns, m_filter);
        for (const json &item : snapshot.items) {
            m_pending += objectEvent("ADDED", item, snapshot.resourceVersion);
        }
        m_since = snapshot.resourceVersion;
        if (initialEvents) {
            m_pending += eventLine("BOOKMARK", bookmark(m_type, snapshot.resourceVersion, true));
        }
        return std::nullopt;
    }
    const auto [end, error] = std::from_chars(rv.data(), rv.data() + rv.size(), m_since);
    if (error != std::errc() || end != rv.data() + rv.size()) {
        return badRequest("resourceVersion \"" + rv + "\" is not a number");
    }
    const std::uint64_t oldest = m_sources.store.oldestResumableVersion();
    if (m_since < oldest || m_sources.faults.expireResumes()) {
        const ApiStatus expired{410, "Expired",
                                "too old resource version: " + rv + " (" + std::to_string(oldest) + ")"};
        m_pending = eventLine("ERROR", expired.toJson());
        m_finishAfterPending = true;
    }
    return std::nullopt;
}

bool WatchStream::step(httplib::DataSink &sink)
{
    auto write = [&](const std::string &text) { return sink.write(text.data(), text.size()); };
    if (m_sources.faults.dropGeneration() != m_generation || m_sources.guard.clientGone()) {
        return false; // a dropped stream, or nobody left to read it: the worker is free again
    }
    if (!m_pending.empty()) {
        if (!write(std::exchange(m_pending, {}))) {
            return false;
        }
        m_lastSent = Clock::now();
        if (m_finishAfterPending) {
            sink.done();
            return true;
        }
    }
    std::vector<StoredEvent> events;
    const auto wakeUp = std::min(m_deadline, Clock::now() + std::chrono::seconds(1));
    const ObjectStore::WaitResult waited = m_sources.store.waitForEvents(m_type, m_ns, m_since, wakeUp, &events);
    if (m_sources.faults.dropGeneration() != m_generation) {
        return false; // dropped while waiting: what just happened is not sent on this stream
    }
    switch (waited) {
    case ObjectStore::WaitResult::Stopped:
        sink.done();
        return true;
    case ObjectStore::WaitResult::Expired:
        write(eventLine("ERROR",
                        ApiStatus{410, "Expired", "too old resource version: " + std::to_string(m_since)}.toJson()));
        sink.done();
        return true;
    case ObjectStore::WaitResult::TimedOut:
        if (Clock::now() >= m_deadline) {
            sink.done();
            return true;
        }
        if (m_bookmarks && Clock::now() - m_lastSent > std::chrono::seconds(10)) {
            m_lastSent = Clock::now();
            return write(eventLine("BOOKMARK", bookmark(m_type, m_since, false)));
        }
        return true;
    case ObjectStore::WaitResult::Events:
        break;
    }
    return sendEvents(sink, events);
}

bool WatchStream::sendEvents(httplib::DataSink &sink, const std::vector<StoredEvent> &events)
{
    std::string out;
    for (const StoredEvent &event : events) {
        m_since = event.resourceVersion;
        if (m_filter(event.object)) {
            out += objectEvent(event.type, event.object, event.resourceVersion);
        }
    }
    if (out.empty()) {
        return true;
    }
    m_lastSent = Clock::now();
    return sink.write(out.data(), out.size());
}

// An ADDED, MODIFIED or DELETED event, its object as the request asked for it: as stored, or as a
// Table of one row with the kind's columns (what kube-apiserver sends kubectl get -w; without it,
// kubectl printed only NAME and AGE for every change).
std::string WatchStream::objectEvent(const std::string &type, const json &object, std::uint64_t resourceVersion) const
{
    return eventLine(type, m_table ? tableOf(m_type, {object}, resourceVersion, m_wholeObjects) : object);
}

} // namespace

void serveWatch(WatchSources sources, const httplib::Request &req, httplib::Response &res, const ResourceType &type,
                const std::string &ns, const std::function<bool(const json &)> &filter)
{
    auto stream = std::make_shared<WatchStream>(sources, type, ns, filter);
    if (const auto problem = stream->start(req)) {
        return sendStatus(res, *problem);
    }
    auto slot = sources.guard.openWatch();
    if (!slot) {
        // As kube-apiserver's NewTooManyRequests: clients wait Retry-After and watch again.
        return sendTooManyStreams(res, "watches");
    }
    res.set_header("Cache-Control", "no-cache, private");
    // kube-apiserver flushes every event, gzip or not. httplib would gzip an "application/json"
    // stream and hold events in its compressor until the buffer fills, so a watch names its
    // charset: the same media type to clients, and left uncompressed by httplib.
    res.set_chunked_content_provider("application/json; charset=utf-8",
                                     [stream, slot](std::size_t, httplib::DataSink &sink) {
                                         try {
                                             return stream->step(sink);
                                         } catch (const std::exception &) {
                                             return false; // cpp-httplib would let it end the sim
                                         }
                                     });
}

} // namespace Curtain::Sim
