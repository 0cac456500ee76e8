#pragma once

#include "sim/apistatus.h"
#include "sim/patching.h"
#include "sim/resourcetypes.h"
#include "sim/serviceaddresses.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace Curtain::Sim {

struct StoredEvent
{
    std::uint64_t resourceVersion = 0;
    std::string type; // ADDED, MODIFIED, DELETED
    const ResourceType *resource = nullptr;
    std::string namespaceName;
    nlohmann::json object;
    std::size_t bytes = 0; // the object's JSON, as the history's byte budget counts it
};

// The largest object the store keeps, as JSON. etcd keeps 1.5 MiB of protobuf; the sim allows as much
// as one request body may carry, so that patches cannot grow an object without bound.
constexpr std::size_t maxObjectBytes = 3 * 1024 * 1024;

struct ListSnapshot
{
    std::vector<nlohmann::json> items;
    std::uint64_t resourceVersion = 0;
    std::size_t matching = 0; // how many objects matched from the page's start on, of which `items` is a page
    std::string last;         // the page's last key ("ns/name", or "name" within one namespace)
};

// The demo cluster's etcd: every object, one global resourceVersion counter, and an event history
// that watches resume from (older versions answer 410 Expired), bounded in events and in bytes: a
// few large objects written often must not hold the sim's memory, nor slow every watch that scans
// the history. Thread-safe.
// A DELETE's options: DeleteOptions' preconditions (the object is deleted only if its uid and
// resourceVersion are these, when given) and dryRun.
struct RemoveOptions
{
    std::string uid;
    std::string resourceVersion;
    bool dryRun = false;
    // A Namespace is only marked Terminating by a delete; the namespace controller, having emptied
    // it, removes it for good with this.
    bool finalized = false;
    // propagationPolicy Orphan (kubectl delete --cascade=orphan): the objects it owns lose that
    // owner reference and stay.
    bool orphanDependents = false;
    // propagationPolicy Foreground (--cascade=foreground): an owner with dependents stays, marked,
    // until the garbage collector has deleted them (collectForegroundDeletions). Background (the
    // default): the owner goes at once, its dependents after it.
    bool foreground = false;
};

// The finalizer that holds an owner deleted in the foreground.
inline constexpr const char *foregroundFinalizer = "foregroundDeletion";

class ObjectStore
{
public:
    explicit ObjectStore(std::size_t historyLimit = 5000, std::size_t historyBytes = 64 * 1024 * 1024)
        : m_historyLimit(historyLimit), m_historyBytesLimit(historyBytes)
    {}
    // A store holding what `other` holds now (objects, history, versions) and no one waiting on it:
    // the fuzz harness starts every input from a prepared store rather than creating, and so
    // validating, the same objects again.
    ObjectStore(const ObjectStore &other);
    ObjectStore &operator=(const ObjectStore &) = delete;

    // Custom resources (HTTPRoute, VirtualService, TrafficSplit, Rollout…) accept any JSON object,
    // as a CRD without a structural schema does, so clients can be tested against malformed objects.
    // Built-in kinds stay validated.
    void setSchemalessCustomResources(bool on) { m_schemaless = on; }
    bool schemalessCustomResources() const { return m_schemaless; }

    // The objects that pass `filter`, in key order; with `limit`, a page of them from just after the
    // key `after` on (ListSnapshot::last of the page before), copied. A page resumes after a key,
    // not at a count: objects made or deleted between pages neither repeat nor hide the others.
    ListSnapshot list(const ResourceType &type, const std::string &ns,
                      const std::function<bool(const nlohmann::json &)> &filter, const std::string &after = {},
                      std::size_t limit = 0) const;
    Outcome<nlohmann::json> get(const ResourceType &type, const std::string &ns, const std::string &name) const;
    bool contains(const ResourceType &type, const std::string &ns, const std::string &name) const; // no copy
    // Runs `look` on the stored object, under the store's lock and without copying it (keep it cheap):
    // for a controller that reads two fields of every workload each round. False when there is none.
    bool inspect(const ResourceType &type, const std::string &ns, const std::string &name,
                 const std::function<void(const nlohmann::json &object)> &look) const;
    // Every write takes `dryRun` (kube's dryRun=All): checked and answered as it would be stored, and
    // nothing stored — no resourceVersion spent, no watch event.
    // Never into a terminating namespace; a client's create (`fromClient`) only into one that exists.
    Outcome<nlohmann::json> create(const ResourceType &type, const std::string &ns, nlohmann::json object,
                                   bool dryRun = false, bool fromClient = false);
    // `admitPatched`, when given, sees the patched object before it is checked and stored (under the
    // store's lock: keep it cheap) and may change it or refuse the write.
    using AdmitPatched = std::function<std::optional<ApiStatus>(nlohmann::json &patched)>;
    Outcome<nlohmann::json> patch(const ResourceType &type, const std::string &ns, const std::string &name,
                                  const std::string &contentType, const std::string &body, bool statusSubresource,
                                  bool dryRun = false, const AdmitPatched &admitPatched = {});
    // PUT: the whole object replaced, guarded by its metadata.resourceVersion (which must be set).
    Outcome<nlohmann::json> update(const ResourceType &type, const std::string &ns, const std::string &name,
                                   const std::string &body, bool statusSubresource, bool dryRun = false);
    Outcome<nlohmann::json> remove(const ResourceType &type, const std::string &ns, const std::string &name,
                                   const RemoveOptions &options = {});
    // For the simulated controllers: change an object's status in place (a status-subresource write).
    bool updateStatus(const ResourceType &type, const std::string &ns, const std::string &name,
                      const std::function<void(nlohmann::json &object)> &mutate);
    std::vector<nlohmann::json> all(const ResourceType &type) const;
    // Copies only the objects `keep` accepts (it runs under the store's lock: keep it cheap).
    std::vector<nlohmann::json> select(const ResourceType &type,
                                       const std::function<bool(const nlohmann::json &)> &keep) const;

    enum class WaitResult { Events, Expired, TimedOut, Stopped };
    // Events of `type` (in `ns`, or every namespace when empty) newer than `since`, waiting until
    // `deadline` for the first one.
    WaitResult waitForEvents(const ResourceType &type, const std::string &ns, std::uint64_t since,
                             std::chrono::steady_clock::time_point deadline, std::vector<StoredEvent> *out) const;
    // The names of the objects of `type` deleted after `since` (namespace, name), oldest first;
    // nullopt when the history no longer reaches back that far.
    std::optional<std::vector<std::pair<std::string, std::string>>> deletedSince(const ResourceType &type,
                                                                                 std::uint64_t since) const;
    std::uint64_t currentResourceVersion() const;
    std::uint64_t oldestResumableVersion() const;
    void stop(); // wakes every waiting watch

    // Foreground deletion, for the garbage collector (garbagecollector.h): the owners marked with
    // foregroundDeletion, each with its dependents, and the finalizer taken off once those are gone.
    struct ObjectName
    {
        const ResourceType *type = nullptr;
        std::string ns;
        std::string name;
        std::string uid;
    };
    struct Dependent
    {
        ObjectName object;
        bool blocksOwner = false; // its reference to the owner says blockOwnerDeletion
        bool deleting = false;    // it has a deletionTimestamp already
        bool owns = false;        // it is some object's owner in turn
    };
    struct HeldOwner
    {
        ObjectName owner;
        std::vector<Dependent> dependents;
    };
    // One look at every object while an owner is held, none otherwise.
    std::vector<HeldOwner> heldForDependents();
    void releaseForeground(const ObjectName &owner);

    // While one lives, the writes of the thread that made it wake the waiting watches once, when it
    // goes, not once each: every write woke every watch stream (about twenty for a console), and
    // the demo's first controller rounds make hundreds of objects — thousands of context switches on
    // two cores while the console starts. Writes from other threads (clients) still wake at once. One
    // thread holds it at a time: another thread's (or a nested) one does nothing, and its writes wake
    // as they always did.
    class WakeOnceAfter
    {
    public:
        explicit WakeOnceAfter(ObjectStore &store);
        ~WakeOnceAfter();
        WakeOnceAfter(const WakeOnceAfter &) = delete;
        WakeOnceAfter &operator=(const WakeOnceAfter &) = delete;

    private:
        ObjectStore &m_store;
        bool m_holds = false; // false when some thread held one already: that one wakes the watches
    };

private:
    static std::string key(const ResourceType &type, const std::string &ns, const std::string &name);
    static nlohmann::json asServed(const ResourceType &type, nlohmann::json object);
    Outcome<nlohmann::json> commit(const ResourceType &type, const std::string &ns, const std::string &name,
                                   nlohmann::json patched, bool statusSubresource, bool dryRun);
    void record(const char *eventType, const ResourceType &type, const std::string &ns, const nlohmann::json &object,
                std::size_t bytes);
    std::uint64_t bump(nlohmann::json &object);
    static std::optional<ApiStatus> namespaceDefaults(const ResourceType &type, const std::string &name,
                                                      nlohmann::json &object);
    nlohmann::json markTerminating(const ResourceType &type, nlohmann::json &stored, bool dryRun);
    void orphanDependents(const std::string &ns, const std::string &ownerUid); // the lock held

    // Deletion and finalizers (objectstoredeletion.cpp); the lock held.
    using Objects = std::map<std::string, nlohmann::json>;
    nlohmann::json holdForFinalizers(const ResourceType &type, const std::string &ns, nlohmann::json &stored,
                                     bool dryRun);
    // Being deleted, and no finalizer left (a Namespace ends through its controller instead).
    static bool finalizedAway(const ResourceType &type, const nlohmann::json &patched);
    static std::optional<ApiStatus> finalizerRefusal(const ResourceType &type, const std::string &name,
                                                     const nlohmann::json *stored, const nlohmann::json &patched);
    Outcome<nlohmann::json> finishDeletion(const ResourceType &type, const std::string &ns, Objects::iterator at,
                                           nlohmann::json last);
    bool hasDependents(const std::string &ns, const std::string &uid) const;
    nlohmann::json holdForDependents(const ResourceType &type, const std::string &ns, Objects::iterator at,
                                     bool dryRun);

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    Objects m_objects;
    // The watch history (objectstorehistory.cpp).
    std::deque<StoredEvent>::const_iterator eventsAfter(std::uint64_t since) const; // the lock held
    std::deque<StoredEvent> m_history;
    std::size_t m_historyLimit;
    std::size_t m_historyBytesLimit;
    std::size_t m_historyBytes = 0;
    bool m_schemaless = false;
    std::uint64_t m_version = 100;
    std::uint64_t m_compactedThrough = 100;
    std::uint64_t m_uid = 0;
    ServiceAddresses m_addresses;                   // the cluster IPs Services hold
    std::map<std::string, ObjectName> m_foreground; // by key: the owners marked foregroundDeletion
    bool m_stopped = false;
    std::optional<std::thread::id> m_wakeHolder; // the thread whose writes wake once (WakeOnceAfter)
    bool m_wakePending = false;
};

} // namespace Curtain::Sim
