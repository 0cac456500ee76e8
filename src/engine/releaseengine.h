#pragma once

#include "core/action.h"
#include "core/clusterdescription.h"
#include "core/clusterendpoint.h"
#include "core/freshness.h"
#include "core/history.h"
#include "core/judge.h"
#include "core/metricpoint.h"
#include "core/plan.h"
#include "core/pods.h"
#include "core/release.h"
#include "core/schemagate.h"
#include "db/rehearsal.h"
#include "engine/connectionstate.h"
#include "engine/drivenplans.h"
#include "engine/planrunner.h"
#include "engine/releaseaccess.h"
#include "engine/releasesource.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QPromise>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>

namespace Curtain::Kube {
class KubeClient;
}
namespace Curtain::Net {
class HttpClient;
}
namespace Curtain::Metrics {
class ScrapeSource;
}

namespace Curtain::Engine {

class Auditor;
class ClusterCache;
class DatabaseMonitor;
class Permissions;

// Keeps every release of one cluster live and performs actions on them. The releases are read
// from one cluster cache (ClusterCache) that every list, watch event and action read-back merges
// into by resourceVersion; actions are judged by what that cache then holds. While the cache is
// stale, every write but Rollback is refused, and Rollback first reads the route from the server.
// Both the GUI and curtainctl drive it. Lives on the network thread; public methods marked
// thread-safe may be called from anywhere and answer through futures or queued signals.
class ReleaseEngine final : public ReleaseSource, public ReleaseAccess
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReleaseEngine)

public:
    // Watches the endpoint's namespace, or all namespaces when it names none.
    ReleaseEngine(Net::HttpClient *http, Core::ClusterEndpoint endpoint, QObject *parent = nullptr);
    ~ReleaseEngine() override;

    // The cluster as the console may show it: no credential in it.
    Core::ClusterDescription cluster() const override
    {
        return {m_endpoint.name, m_endpoint.server, m_endpoint.namespaceName, m_endpoint.insecureSkipTlsVerify,
                m_endpoint.exec.has_value()};
    }

    void start() override; // thread-safe; once
    // How long a busy or failing server (5xx, 429, timeouts) is retried while syncing before a
    // waiting command gets the error (20 s); set before start().
    void setSyncRetryMs(int ms) { m_syncRetryMs = ms; }
    // How long an Argo Rollouts or Flagger action waits for its controller's reaction before it
    // reports none (0: the drivers' own, 10 s for Argo, two analysis intervals for Flagger).
    void setReactionWaitMs(int ms) { m_reactionWaitMs = ms; }
    // The longest an action on `release` may take past its requests' own timeouts before it gives
    // its verdict: the wait on its controller (Argo Rollouts, Flagger), or the route action's
    // writes sent again over a failing server.
    qint64 actionWaitBoundMs(const Core::ReleaseSnapshot &release) const;
    // How long the server may be silent or in trouble before what is shown is stale (15 s); set
    // before start().
    void setLiveBound(int ms);
    // Emits the current connection state, freshness and (once synced) releases again, for a
    // receiver that connected after the engine started (thread-safe).
    void republish() override;
    void enableMetrics(int intervalMs = 2000) override;                  // thread-safe
    QFuture<Core::Result<Core::ReleaseSnapshots>> whenSynced() override; // thread-safe; fails on the first error
    // As whenSynced, and after every database a release names has been read once (or failed to
    // be, within libpq's connect timeout): what a one-shot report prints, where the schema gate's
    // answers must not read "not read yet". Thread-safe.
    QFuture<Core::Result<Core::ReleaseSnapshots>> whenSyncedWithDatabases();
    QFuture<Core::Result<Core::ActionOutcome>> perform(Core::ActionRequest request) override; // thread-safe

    // Drives a plan on a release (thread-safe); the future resolves when the plan ends, or with the
    // reason it could not start. Progress arrives through planUpdated.
    QFuture<Core::Result<Core::PlanProgress>> runPlan(const QString &release, const Core::Plan &plan,
                                                      const PlanOptions &options) override;
    // Resolves when every Event written so far was answered: wait for it before the process ends
    // (thread-safe).
    QFuture<Core::Done> auditSettled();
    // The release's history: this machine's journal and the cluster's Events (thread-safe).
    QFuture<Core::Result<Core::ReleaseHistory>> history(const QString &release) override;
    // What runs one environment of a release: its pods and their Warning events (thread-safe).
    QFuture<Core::Result<Core::EnvironmentPods>> pods(const QString &release, Core::Color color);
    // Follows a pod's log as `kubectl logs -f --tail N` does: text arrives through logText(id, …)
    // until stopLog(id) or the stream ends (logEnded, with the error when it failed). Thread-safe.
    quint64 followLog(const QString &namespaceName, const QString &pod, int tailLines);
    void stopLog(quint64 id);
    // A schema migration step on the release's database (curtain.dev/database), through the gate:
    // expand, contract (refused while a color on the old version has traffic or pods), abort
    // (refused while one on the new version has). Runs off this thread; recorded in the history.
    // Thread-safe; backfill progress arrives through schemaProgress.
    QFuture<Core::Result<QString>> migrate(const Core::SchemaRequest &request);
    // Rehearses a migration on a scratch copy of the release's database (Db::rehearse, off this
    // thread; `progress` is called there) and records the result in the release's history
    // (SchemaRehearsed, passed or failed). Thread-safe.
    QFuture<Core::Result<Db::RehearsalReport>> rehearse(const QString &release, const Db::Migration &migration,
                                                        Db::RehearsalOptions options,
                                                        std::function<void(const QString &)> progress);
    // Resizes one color's Deployment (its /scale subresource): the way out of a flip refused for
    // capacity. Refused for the color that carries traffic when it would shrink. Thread-safe.
    QFuture<Core::Result<QString>> scale(const QString &release, Core::Color color, int replicas);
    // Flip, after growing the color that takes over when it is smaller than the one serving: scales
    // it to the serving color's ready replicas (as scale()), waits until that many are ready
    // (progress through flipWaiting), then flips through the usual pipeline — the gate, the
    // conditional write, the read-back. `expectedResourceVersion` (the route version the user
    // confirmed; empty: any) must hold when it starts; while it waits, the serving color must.
    // Without a shortfall it flips at once. The wait ends, with nothing flipped, after `timeoutMs`,
    // on cancelFlipWhenReady, or when someone else moves the traffic meanwhile. Thread-safe.
    // With `kind` Promote, the same for a promote: the candidate grows to stable's ready replicas.
    QFuture<Core::Result<Core::ActionOutcome>> flipWhenReady(const QString &release,
                                                             const QString &expectedResourceVersion, int timeoutMs,
                                                             Core::ActionKind kind = Core::ActionKind::Flip);
    void cancelFlipWhenReady(const QString &release); // thread-safe
    // Stops the release's running schema step at its next backfill batch; the migration stays started
    // (Contract runs the rest of the backfill, Abort drops it). Thread-safe.
    void stopSchemaStep(const QString &release);
    // Saves a plan on the release's route (annotation curtain.dev/plan) for every console; thread-safe.
    QFuture<Core::Result<Core::Done>> savePlan(const QString &release, const Core::Plan &plan);
    void resumePlan(const QString &release) override;                   // thread-safe: a human ends a pause
    void stopPlan(const QString &release, const QString &why) override; // thread-safe: the weight holds

    // The release as the engine sees it now; call on the engine's thread.
    const Core::ReleaseSnapshot *releaseOnThread(const QString &name, Core::Error *error) const
    {
        return findRelease(name, error);
    }
    // ReleaseAccess, for the plan runner; call on the engine's thread.
    Core::Result<Core::ReleaseSnapshot> currentRelease(const QString &key) const override
    {
        Core::Error error;
        const Core::ReleaseSnapshot *found = findRelease(key, &error);
        return found ? Core::Result<Core::ReleaseSnapshot>(*found) : Core::Result<Core::ReleaseSnapshot>(error);
    }

Q_SIGNALS: // and ReleaseSource's: releasesChanged, connectionChanged, freshnessChanged, cacheReset, metrics…
    void schemaProgress(const QString &release, const QString &table, qint64 done, qint64 total);
    void logText(quint64 id, const QString &text);
    void logEnded(quint64 id, const QString &error); // empty: the server ended the stream
    // A flip waits for the color taking over: `ready` of `needed` replicas so far.
    void flipWaiting(const QString &release, Curtain::Core::Color color, int ready, int needed);

private:
    void startOnThread();
    bool m_started = false;
    void scheduleRebuild();
    void rebuild();
    void onConnection();
    const Core::ReleaseSnapshot *findRelease(const QString &name, Core::Error *error) const;
    void performOnThread(Core::ActionRequest request,
                         std::shared_ptr<QPromise<Core::Result<Core::ActionOutcome>>> promise);
    void performNow(const Core::ActionRequest &request, const Core::ReleaseSnapshot &before,
                    const std::function<void(const Core::Result<Core::ActionOutcome> &)> &finish);
    void performOnRollout(const Core::ActionRequest &request, const Core::ReleaseSnapshot &before,
                          const std::function<void(const Core::Result<Core::ActionOutcome> &)> &finish);
    void performOnCanary(const Core::ActionRequest &request, const Core::ReleaseSnapshot &before,
                         const std::function<void(const Core::Result<Core::ActionOutcome> &)> &finish);
    void applyFreshness(Core::ReleaseSnapshot &release) const;
    QString runnerKey(const QString &release) const;
    void recordPlanProgress(
        const QString &release, const Core::PlanProgress &progress,
        std::optional<std::pair<int, Core::PlanState>> &last); // namespace/name of the release `release` names

    Core::ClusterEndpoint m_endpoint;
    Net::HttpClient *m_http;
    // Children (so they move to the network thread with the engine); the destructor deletes the
    // client last, as everything else talks through it.
    Kube::KubeClient *m_client;
    ClusterCache *m_cache;
    Permissions *m_permissions;
    Auditor *m_auditor;
    DatabaseMonitor *m_databases;           // the schema gate's view of each release's database
    QHash<QString, PlanRunner *> m_runners; // by release, while a plan runs here
    Metrics::ScrapeSource *m_metrics = nullptr;
    QTimer m_rebuild;
    QTimer m_recheck;
    QTimer m_driverLapse; // fires when the youngest plan driver's heartbeat lapses
    void watchForLapsedDrivers();
    QTimer *m_syncDeadline = nullptr; // transient failures while syncing are retried until it fires
    bool m_syncDeadlinePassed = false;
    std::optional<Core::Error> m_syncFailure; // the last failure while not synced
    int m_syncRetryMs = 20'000;               // see setSyncRetryMs()
    int m_reactionWaitMs = 0;                 // see setReactionWaitMs()
    Core::ReleaseSnapshots m_releases;
    bool m_published = false; // m_releases has been built from the synced cache
    QList<std::shared_ptr<QPromise<Core::Result<Core::ReleaseSnapshots>>>> m_syncWaiters;
    std::atomic<quint64> m_nextLog{1};
    // Schema steps running on worker threads: told to stop at the next batch and waited for when
    // the engine goes, so no progress report reaches a freed engine.
    QHash<QString, std::shared_ptr<std::atomic_bool>> m_schemaStops; // release → its running step's stop
    QList<QFuture<Core::Result<QString>>> m_schemaRuns;
    QHash<quint64, quint64> m_logStreams; // followLog id → the client's stream
    // Flips waiting for the color taking over to be ready, by release key.
    struct PendingFlip
    {
        quint64 id = 0;
        QString release;                                // its key
        Core::ActionKind kind = Core::ActionKind::Flip; // or Promote
        Core::Color serving = Core::Color::Blue;        // the color whose traffic moves
        Core::Color target = Core::Color::Green;        // the color that grows and takes it
        int targetShare = 0;                            // its traffic % when the wait began
        int needed = 0;
        int lastReady = -1;
        std::shared_ptr<QPromise<Core::Result<Core::ActionOutcome>>> promise;
    };
    QHash<QString, PendingFlip> m_pendingFlips;
    // Actions under way, so that an engine closed meanwhile (a context or namespace switch) still
    // tells what became of each: its write may have been sent, so "not confirmed", never silence.
    struct ActionInFlight
    {
        Core::ActionRequest request;
        std::weak_ptr<QPromise<Core::Result<Core::ActionOutcome>>> promise;
    };
    QList<ActionInFlight> m_actionsInFlight;
    DrivenPlans m_drivenPlans; // the same for plans: their starters hear that closing stopped them
    quint64 m_nextPendingFlip = 1;
    void flipWhenReadyOnThread(const Core::ActionRequest &move, int timeoutMs,
                               std::shared_ptr<QPromise<Core::Result<Core::ActionOutcome>>> promise);
    void checkPendingFlips();
    // Ends the wait with `why`, recorded like any refused action (unless the engine is closing).
    static Core::ActionOutcome alreadyThere(const Core::ActionRequest &request, const Core::ReleaseSnapshot &before,
                                            const QString &why);
    void endPendingFlip(const QString &key, const Core::Error &why, bool record = true);
};

} // namespace Curtain::Engine
