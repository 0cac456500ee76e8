#include "sim/objectstore.h"

#include "sim/jsonread.h"

#include <algorithm>
#include <utility>

// The store's watch history: every write is one event, kept in resourceVersion order within a
// budget of events and bytes; watches wait on it and resume from it, and a version older than what
// is kept answers 410 Expired.

namespace Curtain::Sim {

using nlohmann::json;

void ObjectStore::record(const char *eventType, const ResourceType &type, const std::string &ns, const json &object,
                         std::size_t bytes)
{
    m_history.push_back({m_version, eventType, &type, ns, object, bytes});
    m_historyBytes += bytes;
    while (m_history.size() > 1 && (m_history.size() > m_historyLimit || m_historyBytes > m_historyBytesLimit)) {
        m_compactedThrough = m_history.front().resourceVersion;
        m_historyBytes -= m_history.front().bytes;
        m_history.pop_front();
    }
    if (m_wakeHolder == std::this_thread::get_id()) {
        m_wakePending = true;
    } else {
        m_changed.notify_all();
    }
}

ObjectStore::WakeOnceAfter::WakeOnceAfter(ObjectStore &store) : m_store(store)
{
    std::lock_guard lock(m_store.m_mutex);
    if (!m_store.m_wakeHolder) {
        m_store.m_wakeHolder = std::this_thread::get_id();
        m_holds = true;
    }
}

ObjectStore::WakeOnceAfter::~WakeOnceAfter()
{
    if (!m_holds) {
        return;
    }
    std::lock_guard lock(m_store.m_mutex);
    m_store.m_wakeHolder.reset();
    if (std::exchange(m_store.m_wakePending, false)) {
        m_store.m_changed.notify_all();
    }
}

ObjectStore::WaitResult ObjectStore::waitForEvents(const ResourceType &type, const std::string &ns, std::uint64_t since,
                                                   std::chrono::steady_clock::time_point deadline,
                                                   std::vector<StoredEvent> *out) const
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_stopped) {
            return WaitResult::Stopped;
        }
        // Checked at every wake-up, not only at the first look: a controller round (one wake) or
        // writers faster than this thread is scheduled can push the history past `since` while it
        // sleeps, and what is left would be events with a gap, served as if complete.
        if (since < m_compactedThrough) {
            return WaitResult::Expired;
        }
        // The history is in resourceVersion order: only what came after `since` is looked at
        // (scanning all of it at every wake-up held the lock for most writes).
        for (auto it = eventsAfter(since); it != m_history.end(); ++it) {
            const StoredEvent &event = *it;
            if (event.resource->sharesStorageWith(type) && (ns.empty() || event.namespaceName == ns)) {
                out->push_back(event);
                out->back().object = asServed(type, event.object);
            }
        }
        if (!out->empty()) {
            return WaitResult::Events;
        }
        if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) {
            return WaitResult::TimedOut;
        }
    }
}

std::optional<std::vector<std::pair<std::string, std::string>>> ObjectStore::deletedSince(const ResourceType &type,
                                                                                          std::uint64_t since) const
{
    std::lock_guard lock(m_mutex);
    if (since < m_compactedThrough) {
        return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> names;
    for (auto it = eventsAfter(since); it != m_history.end(); ++it) {
        const StoredEvent &event = *it;
        if (event.type == "DELETED" && event.resource->sharesStorageWith(type)) {
            names.emplace_back(event.namespaceName, textAt(event.object, "/metadata/name"));
        }
    }
    return names;
}

std::deque<StoredEvent>::const_iterator ObjectStore::eventsAfter(std::uint64_t since) const
{
    return std::upper_bound(
        m_history.begin(), m_history.end(), since,
        [](std::uint64_t version, const StoredEvent &event) { return version < event.resourceVersion; });
}

std::uint64_t ObjectStore::currentResourceVersion() const
{
    std::lock_guard lock(m_mutex);
    return m_version;
}

std::uint64_t ObjectStore::oldestResumableVersion() const
{
    std::lock_guard lock(m_mutex);
    return m_compactedThrough;
}

void ObjectStore::stop()
{
    std::lock_guard lock(m_mutex);
    m_stopped = true;
    m_changed.notify_all();
}

} // namespace Curtain::Sim
