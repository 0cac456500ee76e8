#pragma once

#include "core/action.h"
#include "core/clusterdescription.h"
#include "core/freshness.h"
#include "core/history.h"
#include "core/judge.h"
#include "core/metricpoint.h"
#include "core/plan.h"
#include "core/release.h"
#include "core/result.h"
#include "engine/connectionstate.h"
#include "engine/planrunner.h"

#include <QFuture>
#include <QObject>

namespace Curtain::Engine {

// What the console needs of whatever serves a session's releases: a Kubernetes cluster
// (ReleaseEngine) or an HAProxy fleet (FleetEngine). The releases, how live they are, their
// metrics, the four actions every release kind knows — set weight, promote, flip, rollback — and
// plans, and the history. What only a cluster has (pods, logs, migrations) stays on ReleaseEngine; the
// console asks for it with qobject_cast and hides it otherwise. Methods marked thread-safe may be
// called from any thread; signals arrive from the implementer's thread.
class ReleaseSource : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReleaseSource)

public:
    explicit ReleaseSource(QObject *parent = nullptr) : QObject(parent) {}
    ~ReleaseSource() override = default;

    // Where the releases come from, as the console may show it: no credential in it.
    virtual Core::ClusterDescription cluster() const = 0;
    virtual void start() = 0; // thread-safe; once
    // Emits the current connection state, freshness and (once synced) releases again, for a
    // receiver that connected after the source started (thread-safe).
    virtual void republish() = 0;
    virtual void enableMetrics(int intervalMs = 2000) = 0; // thread-safe
    // The first complete reading; fails on the first error (thread-safe).
    virtual QFuture<Core::Result<Core::ReleaseSnapshots>> whenSynced() = 0;
    // An action, checked and written; the verdict comes from what the source reads back (thread-safe).
    virtual QFuture<Core::Result<Core::ActionOutcome>> perform(Core::ActionRequest request) = 0;
    // Drives a plan on a release (thread-safe); the future resolves when the plan ends, or with the
    // reason it could not start. Progress arrives through planUpdated.
    virtual QFuture<Core::Result<Core::PlanProgress>> runPlan(const QString &release, const Core::Plan &plan,
                                                              const PlanOptions &options) = 0;
    virtual void resumePlan(const QString &release) = 0;                   // thread-safe: a human ends a pause
    virtual void stopPlan(const QString &release, const QString &why) = 0; // thread-safe: the weight holds
    // Who did what to the release: this machine's journal, and the cluster's Events where there are
    // any (thread-safe).
    virtual QFuture<Core::Result<Core::ReleaseHistory>> history(const QString &release) = 0;

Q_SIGNALS:
    void releasesChanged(const Curtain::Core::ReleaseSnapshots &releases);
    void connectionChanged(Curtain::Engine::ConnectionState state, const QString &detail);
    // Whether the shown data is live, and if not since when and why (see Core::DataFreshness).
    void freshnessChanged(const Curtain::Core::DataFreshness &freshness);
    // The server's state was not the one the source held (a restarted or restored server): it
    // was read again, and this says what was seen.
    void cacheReset(const QString &detail);
    void metricsUpdated(const Curtain::Core::ReleaseMetrics &metrics);
    void metricsFailed(const QString &release, const QString &message);
    void planUpdated(const QString &release, const Curtain::Core::PlanProgress &progress,
                     const Curtain::Core::Judgement &judgement);
};

} // namespace Curtain::Engine
