#pragma once

#include "core/freshness.h"
#include "core/result.h"
#include "engine/connectionstate.h"
#include "kube/objectlist.h"

#include <QList>
#include <QObject>

#include <memory>
#include <optional>

namespace Curtain::Adapters {
struct ClusterView;
}
namespace Curtain::Kube {
class Informer;
class KubeClient;
} // namespace Curtain::Kube

namespace Curtain::Core {
class Clock;
}

namespace Curtain::Engine {

// One session's copy of the cluster: an informer per watched collection, merged by
// resourceVersion (never an older object over a newer one, whether it came from a list, a watch
// event or an action's read-back), whether everything has been listed, and how fresh it is. A
// heartbeat asks the server when a quiet cluster has said nothing for a while, so "live" always
// means "heard within the bound". Lives on the network thread.
class ClusterCache final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterCache)

public:
    struct Options
    {
        int liveBoundMs = 15'000;     // heard from the server within this, or the data is stale
        int heartbeatMs = 5'000;      // ask the server after this much silence
        Core::Clock *clock = nullptr; // heartbeats, backoff and "heard" times; the system clock when null
    };

    // Watches every collection Curtain reads releases from, in `namespaceName` (all when empty).
    ClusterCache(Kube::KubeClient *client, const QString &namespaceName, Options options, QObject *parent = nullptr);
    ~ClusterCache() override;

    void start();
    // How long silence or trouble may last before the data is stale; heartbeats come after a third
    // of it. Before start().
    void setLiveBound(int liveBoundMs);
    bool hasSynced() const;
    ConnectionState state() const { return m_state; }
    Core::DataFreshness freshness() const { return m_freshness; }
    // The kind of the failure that keeps the cache from syncing (Unauthorized, Unreachable, …).
    Core::ErrorKind failureKind() const { return m_failureKind; }
    int failureStatus() const { return m_failureStatus; } // and its HTTP status, if any
    QString failureDetail() const { return m_failureDetail; }
    // The failure of a collection that has never listed: what stands between the cache and its
    // first sync. A collection that listed and then lost its watch is being repaired (it lists
    // again); it does not keep the cache from syncing.
    std::optional<Core::Error> listingFailure() const { return m_listingFailure; }

    // One consistent moment of every collection. Objects are shared with the cache, not copied.
    Adapters::ClusterView view() const;
    // Merges an object read outside the watch (an action's reply or read-back) into the
    // collection at `objectPath`; true if the cache now holds it (it was newer than its copy).
    bool offer(const QString &objectPath, const Kube::Json &object);

Q_SIGNALS:
    void changed();
    void connectionChanged(Curtain::Engine::ConnectionState state, const QString &detail);
    void freshnessChanged(const Curtain::Core::DataFreshness &freshness);
    // The server's state was not the one held (restarted or restored): everything was reloaded.
    void reset(const QString &detail);

private:
    struct Collection;
    void watch(const QString &groupVersionPath, const QString &resource, bool optional,
               Kube::ObjectList Adapters::ClusterView::*field, const QString &labelSelector);
    QString collectionPath(const QString &groupVersionPath, const QString &resource) const;
    void updateState();
    void heartbeat();
    void scheduleHeartbeat();
    qint64 nowMs() const;
    qint64 lastContactMs() const;

    Kube::KubeClient *m_client;
    QString m_namespace;
    Options m_options;
    Core::Clock *m_clock;
    QList<Collection *> m_collections;
    ConnectionState m_state = ConnectionState::Connecting;
    Core::DataFreshness m_freshness;
    Core::ErrorKind m_failureKind = Core::ErrorKind::Unreachable;
    int m_failureStatus = 0;
    QString m_failureDetail;
    std::optional<Core::Error> m_listingFailure;
    QString m_announcedDetail;
    qint64 m_lastProbeMs = 0;    // the last answered heartbeat
    qint64 m_troubleSinceMs = 0; // since when a collection has been reconnecting or relisting
    bool m_probing = false;
};

} // namespace Curtain::Engine
