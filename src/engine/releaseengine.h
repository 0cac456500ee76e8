#pragma once

#include "core/action.h"
#include "core/clusterendpoint.h"
#include "core/judge.h"
#include "core/metricpoint.h"
#include "core/plan.h"
#include "core/release.h"
#include "engine/planrunner.h"
#include "engine/releaseaccess.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPromise>
#include <QTimer>

#include <functional>

#include "adapters/clusterview.h"

namespace Curtain::Kube {
class Informer;
class KubeClient;
} // namespace Curtain::Kube
namespace Curtain::Net {
class HttpClient;
}
namespace Curtain::Metrics {
class ScrapeSource;
}

namespace Curtain::Engine {

enum class ConnectionState { Connecting, Live, Reconnecting };
QString connectionStateName(ConnectionState state);

// Keeps every release of one cluster live (list + watch of Deployments, Services and HTTPRoutes)
// and performs actions on them: plan, one conditional write, read-back. Both the GUI and
// curtainctl drive it. Lives on the network thread; public methods marked thread-safe may be
// called from anywhere and answer through futures or queued signals.
class ReleaseEngine final : public QObject, public ReleaseAccess
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReleaseEngine)

public:
    // Watches the endpoint's namespace, or all namespaces when it names none.
    ReleaseEngine(Net::HttpClient *http, Core::ClusterEndpoint endpoint, QObject *parent = nullptr);
    ~ReleaseEngine() override;

    const Core::ClusterEndpoint &endpoint() const { return m_endpoint; }

    void start();                                               // thread-safe
    void enableMetrics(int intervalMs = 2000);                  // thread-safe
    QFuture<Core::Result<Core::ReleaseSnapshots>> whenSynced(); // thread-safe; fails on the first error
    QFuture<Core::Result<Core::ActionOutcome>> perform(Core::ActionRequest request) override; // thread-safe

    // Drives a plan on a release (thread-safe); the future resolves when the plan ends, or with the
    // reason it could not start. Progress arrives through planUpdated.
    QFuture<Core::Result<Core::PlanProgress>> runPlan(const QString &release, const Core::Plan &plan,
                                                      const PlanOptions &options);
    // Saves a plan on the release's route (annotation curtain.dev/plan) for every console; thread-safe.
    QFuture<Core::Result<Core::Done>> savePlan(const QString &release, const Core::Plan &plan);
    void resumePlan(const QString &release);                   // thread-safe: a human ends a pause
    void stopPlan(const QString &release, const QString &why); // thread-safe: the weight holds

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

Q_SIGNALS:
    void releasesChanged(const Curtain::Core::ReleaseSnapshots &releases);
    void connectionChanged(Curtain::Engine::ConnectionState state, const QString &detail);
    void metricsUpdated(const Curtain::Core::ReleaseMetrics &metrics);
    void metricsFailed(const QString &release, const QString &message);
    void planUpdated(const QString &release, const Curtain::Core::PlanProgress &progress,
                     const Curtain::Core::Judgement &judgement);

private:
    void startOnThread();
    void scheduleRebuild();
    void rebuild();
    void updateConnection();
    Adapters::ClusterView view() const;
    const Core::ReleaseSnapshot *findRelease(const QString &name, Core::Error *error) const;
    void performOnThread(Core::ActionRequest request,
                         std::shared_ptr<QPromise<Core::Result<Core::ActionOutcome>>> promise);
    void performOnRollout(const Core::ActionRequest &request, const Core::ReleaseSnapshot &before,
                          const Kube::Json &rollout, const Adapters::ClusterView &view,
                          const std::function<void(const Core::Result<Core::ActionOutcome> &)> &finish);
    QString collection(const QString &groupVersionPath, const QString &resource) const;
    void applyPermissions(Core::ReleaseSnapshot &release);

    Core::ClusterEndpoint m_endpoint;
    Net::HttpClient *m_http;
    Kube::KubeClient *m_client;
    QHash<QString, PlanRunner *> m_runners; // by release name, while a plan runs here
    QString m_namespace;
    // One informer per watched collection, and the ClusterView list it fills.
    struct Collection
    {
        Kube::Informer *informer = nullptr;
        std::vector<Kube::Json> Adapters::ClusterView::*field = nullptr;
    };
    QList<Collection> m_collections;
    void watch(const QString &groupVersionPath, const QString &resource, bool optional,
               std::vector<Kube::Json> Adapters::ClusterView::*field, const QString &labelSelector);
    Metrics::ScrapeSource *m_metrics = nullptr;
    QTimer m_rebuild;
    Core::ReleaseSnapshots m_releases;
    ConnectionState m_connection = ConnectionState::Connecting;
    QList<std::shared_ptr<QPromise<Core::Result<Core::ReleaseSnapshots>>>> m_syncWaiters;
    // SelfSubjectAccessReview answers, per verb/group/resource/namespace/name, for a short while.
    struct Permission
    {
        bool pending = false;
        bool allowed = true;
        QString reason;
        qint64 checkedMs = 0;
    };
    QHash<QString, Permission> m_permissions;
    QTimer m_recheck;
};

} // namespace Curtain::Engine

Q_DECLARE_METATYPE(Curtain::Engine::ConnectionState)
