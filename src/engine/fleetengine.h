#pragma once

#include "engine/drivenplans.h"
#include "engine/fileplanobjects.h"
#include "engine/releaseaccess.h"
#include "engine/releasesource.h"
#include "haproxy/fleetconfig.h"
#include "haproxy/fleetstate.h"

#include <QHash>
#include <QPromise>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <deque>
#include <memory>
#include <optional>

namespace Curtain::HAProxy {
class RuntimeClient;
}
namespace Curtain::Net {
class HttpClient;
}

namespace Curtain::Engine {

struct FleetLink; // the runtime client as the pool's threads reach it

// An HAProxy fleet as the console sees it: its releases read from every instance's runtime API
// each second, and the four actions through the fleet writer (make-before-break, every instance or
// none). Lives on the network thread; the runtime client has a thread of its own, and the blocking
// reads and writes run on a small pool, one read and one write at a time. When the engine goes, a
// write in flight stops waiting (health checks, drain) and ends as the writer ends any write —
// applied, or set back on every instance — before the client's thread stops.
class FleetEngine final : public ReleaseSource, public ReleaseAccess
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FleetEngine)

public:
    // `file` is the fleet file it came from, shown where a cluster shows its server; `http` reaches
    // the Prometheus a plan's judge reads (the fleet file's, unless the plan names one).
    FleetEngine(HAProxy::FleetConfig fleet, QString file, Net::HttpClient *http, QObject *parent = nullptr);
    ~FleetEngine() override;

    Core::ClusterDescription cluster() const override;
    void start() override;
    void republish() override;
    void enableMetrics(int intervalMs = 2000) override;
    QFuture<Core::Result<Core::ReleaseSnapshots>> whenSynced() override;
    QFuture<Core::Result<Core::ActionOutcome>> perform(Core::ActionRequest request) override;
    // Plans on weighted releases, judged on the apps' own counters in Prometheus. A fleet has no API
    // server to hold the Lease and the progress: they are kept in a file on this machine
    // (FilePlanObjects), so a console and curtainctl here never drive one release at once.
    QFuture<Core::Result<Core::PlanProgress>> runPlan(const QString &release, const Core::Plan &plan,
                                                      const PlanOptions &options) override;
    void resumePlan(const QString &release) override;
    void stopPlan(const QString &release, const QString &why) override;
    // This machine's journal of the release (fleetHistory), read off the calling thread.
    QFuture<Core::Result<Core::ReleaseHistory>> history(const QString &release) override;
    // ReleaseAccess, for the plan runner; call on the engine's thread.
    Core::Result<Core::ReleaseSnapshot> currentRelease(const QString &key) const override;

    // How often the fleet is read; before start(). Tests make it short.
    void setPollInterval(int ms) { m_pollMs = ms; }

private:
    struct Reading
    {
        HAProxy::FleetState state;
        QHash<QString, std::optional<HAProxy::Color>> configured; // weighted releases' configured color
        QHash<QString, Kube::Json> plans; // each release's plan object in the fleet's plan file, by name
        qint64 atMs = 0;
    };

    void poll();
    void accept(const Reading &reading);
    void slideWindow(const Reading &reading);
    void performOnThread(const Core::ActionRequest &request,
                         const std::shared_ptr<QPromise<Core::Result<Core::ActionOutcome>>> &promise);
    const HAProxy::ReleaseState *stateOf(const QString &release) const;

    HAProxy::FleetConfig m_fleet;
    QString m_file;
    Net::HttpClient *m_http;
    FilePlanObjects m_planObjects;
    QHash<QString, PlanRunner *> m_runners; // by release name, while a plan runs here
    DrivenPlans m_drivenPlans;              // their starters hear it when closing stops them
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
    std::deque<Reading> m_window; // the readings the metrics' window spans, oldest first
    static constexpr qint64 metricsWindowMs = 30'000;
    Core::ReleaseSnapshots m_releases;
    Core::DataFreshness m_freshness;
    ConnectionState m_connection = ConnectionState::Connecting;
    QString m_connectionDetail;
    QList<std::shared_ptr<QPromise<Core::Result<Core::ReleaseSnapshots>>>> m_syncWaiters;
};

} // namespace Curtain::Engine
