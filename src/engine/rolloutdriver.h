#pragma once

#include "adapters/argo/rolloutactions.h"
#include "adapters/clusterview.h"
#include "core/action.h"
#include "core/release.h"
#include "core/result.h"
#include "kube/json.h"

#include <QObject>

#include <algorithm>
#include <functional>

namespace Curtain::Core {
class Clock;
}
namespace Curtain::Kube {
class KubeClient;
}

namespace Curtain::Engine {

// Performs one action on an Argo Rollout: sends the kubectl plugin's requests in order (a status
// patch that gets 404 is resent to the main resource, as the plugin does for old controllers; a
// set-image PUT that meets a 409 is re-read and retried, up to 5 times), then watches the Rollout
// until the controller has visibly reacted. A controller that does not react within the wait is
// not an error — the writes were accepted — but the outcome says so, with how long it waited
// (measured on the injected clock, the system clock by default).
class RolloutDriver final : public QObject
{
    Q_OBJECT

public:
    RolloutDriver(Kube::KubeClient *client, Adapters::ClusterView view, Core::ReleaseSnapshot before,
                  Kube::Json rollout, Core::ActionRequest request, QObject *parent = nullptr,
                  Core::Clock *clock = nullptr);

    void start();
    // How long the controller may take to react before the action reports "no reaction" (10 s);
    // the wait for it to observe each write before the next is never shorter than the default.
    static constexpr int defaultControllerWaitMs = 10'000;
    void setControllerWaitMs(int ms) { m_controllerWaitMs = ms; }
    // The longest an action on a Rollout can wait on its controller with this wait: each of up
    // to three writes observed, then the reaction.
    static qint64 longestWaitMs(int controllerWaitMs)
    {
        const qint64 wait = controllerWaitMs > 0 ? controllerWaitMs : defaultControllerWaitMs;
        return 3 * std::max<qint64>(wait, defaultControllerWaitMs) + wait;
    }
    static constexpr int pollMs = 250; // the longest between two reads (Core::pollAgainAfterMs)

    // Told of every copy of the Rollout the driver reads or writes (the engine merges them into
    // its cache), and asked for the cluster as it is now when judging the controller's reaction
    // (its ReplicaSets move while the driver waits). Without them, the view given at construction.
    std::function<void(const QString &path, const Kube::Json &rollout)> observe;
    std::function<Adapters::ClusterView()> currentView;

Q_SIGNALS:
    void finished(const Curtain::Core::Result<Curtain::Core::ActionOutcome> &outcome);

private:
    void sendNext();
    void send(const Adapters::Argo::ArgoWrite &write, bool fallback);
    void retryReplace();
    void awaitController();
    void startWaiting();
    qint64 waitedMs() const;
    void awaitObserved();
    bool reacted(const Core::RolloutStatus &now) const;
    void finish(const Core::Result<Core::ActionOutcome> &outcome);
    Core::ReleaseSnapshot snapshotOf(const Kube::Json &rollout) const;
    QString done() const; // what was sent so far, for partial failures
    void seen(const Kube::Json &rollout);

    Kube::KubeClient *m_client;
    Adapters::ClusterView m_view;
    Core::ReleaseSnapshot m_before;
    Kube::Json m_rollout;
    Core::ActionRequest m_request;
    QList<Adapters::Argo::ArgoWrite> m_writes;
    QStringList m_sent;
    int m_next = 0;
    int m_replaceAttempts = 0;
    Core::Clock *m_clock;
    qint64 m_waitStartedMs = 0;
    int m_controllerWaitMs = defaultControllerWaitMs;
    bool m_finished = false;
};

} // namespace Curtain::Engine
