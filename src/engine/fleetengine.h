#pragma once

#include "engine/releasesource.h"
#include "haproxy/fleetconfig.h"
#include "haproxy/fleetstate.h"

#include <QHash>
#include <QPromise>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <memory>
#include <optional>

namespace Curtain::HAProxy {
class RuntimeClient;
}

namespace Curtain::Engine {

struct FleetLink; // the runtime client as the pool's threads reach it

// An HAProxy fleet as the console sees it: its releases read from every instance's runtime API
// each second, and the four actions through the fleet writer (make-before-break, every instance or
// none). Lives on the network thread; the runtime client has a thread of its own, and the blocking
// reads and writes run on a small pool, one read and one write at a time. When the engine goes, a
// write in flight stops waiting (health checks, drain) and ends as the writer ends any write —
// applied, or set back on every instance — before the client's thread stops.
class FleetEngine final : public ReleaseSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FleetEngine)

public:
    // `file` is the fleet file it came from, shown where a cluster shows its server.
    FleetEngine(HAProxy::FleetConfig fleet, QString file, QObject *parent = nullptr);
    ~FleetEngine() override;

    Core::ClusterDescription cluster() const override;
    void start() override;
    void republish() override;
    void enableMetrics(int intervalMs = 2000) override;
    QFuture<Core::Result<Core::ReleaseSnapshots>> whenSynced() override;
    QFuture<Core::Result<Core::ActionOutcome>> perform(Core::ActionRequest request) override;

    // How often the fleet is read; before start(). Tests make it short.
    void setPollInterval(int ms) { m_pollMs = ms; }

private:
    struct Reading
    {
        HAProxy::FleetState state;
        QHash<QString, std::optional<HAProxy::Color>> configured; // weighted releases' configured color
        qint64 atMs = 0;
    };

    void poll();
    void accept(const Reading &reading);
    void publishFreshness();
    void performOnThread(const Core::ActionRequest &request,
                         const std::shared_ptr<QPromise<Core::Result<Core::ActionOutcome>>> &promise);
    const HAProxy::ReleaseState *stateOf(const QString &release) const;

    HAProxy::FleetConfig m_fleet;
    QString m_file;
    QThread m_clientThread;
    std::shared_ptr<FleetLink> m_link;
    QThreadPool m_pool;
    QTimer m_timer;
    int m_pollMs = 1000;
    bool m_started = false;
    bool m_reading = false;
    bool m_writing = false;
    bool m_metrics = false;
    std::optional<Reading> m_last;
    Core::ReleaseSnapshots m_releases;
    Core::DataFreshness m_freshness;
    ConnectionState m_connection = ConnectionState::Connecting;
    QString m_connectionDetail;
    QList<std::shared_ptr<QPromise<Core::Result<Core::ReleaseSnapshots>>>> m_syncWaiters;
};

} // namespace Curtain::Engine
