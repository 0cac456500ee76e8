#pragma once

#include "adapters/flagger/canaryactions.h"
#include "core/action.h"
#include "core/release.h"
#include "core/result.h"
#include "kube/json.h"

#include <QObject>

#include <functional>

namespace Curtain::Core {
class Clock;
}
namespace Curtain::Kube {
class KubeClient;
}

namespace Curtain::Engine {

// Performs one action on a Flagger Canary: sends its requests (a loadtester gate through the
// service proxy, or a conditional patch), then reads the Canary until Flagger has visibly acted
// (past the gate, Failed, suspended), for at most two analysis intervals and 15 s. A gate it
// opened is closed again afterwards, whether Flagger passed it or not: the loadtester keeps gates
// in memory, and an open one would wave the next release through unasked. Flagger not reacting in
// time is reported as sent, not confirmed.
class CanaryDriver final : public QObject
{
    Q_OBJECT

public:
    CanaryDriver(Kube::KubeClient *client, Core::ReleaseSnapshot before, Core::ActionRequest request,
                 QObject *parent = nullptr, Core::Clock *clock = nullptr);

    void start();
    static constexpr int pollMs = 500; // the longest between two reads (Core::pollAgainAfterMs)
    // How long Flagger may take: it acts at its next analysis interval (two intervals and 15 s,
    // at most 10 min). One set with setReactionWaitMs() is never less than an interval and 15 s:
    // a gate closed before Flagger looks would make the action do nothing.
    qint64 reactionWaitMs() const { return reactionWaitFor(m_before, m_reactionWaitMs); }
    static qint64 reactionWaitFor(const Core::ReleaseSnapshot &canary, qint64 setMs);
    void setReactionWaitMs(qint64 ms) { m_reactionWaitMs = ms; }

    // Told of every copy of the Canary the driver reads or writes, and asked to read one as a
    // release (the engine's cache and its current view). Without them: the adapter on an empty view.
    std::function<void(const QString &path, const Kube::Json &canary)> observe;
    std::function<Core::ReleaseSnapshot(const Kube::Json &canary)> readRelease;

Q_SIGNALS:
    void finished(const Curtain::Core::Result<Curtain::Core::ActionOutcome> &outcome);

private:
    void sendNext();
    void awaitFlagger();
    void closeGates(const Core::ReleaseSnapshot &after, bool reacted);
    void closeOpenedThenFail(Core::Error error);
    bool reacted(const Core::CanaryStatus &now) const;
    void seen(const Kube::Json &canary);
    void finish(const Core::Result<Core::ActionOutcome> &outcome);
    QString done() const;

    Kube::KubeClient *m_client;
    Core::ReleaseSnapshot m_before;
    Core::ActionRequest m_request;
    Adapters::Flagger::CanaryPlan m_plan;
    QStringList m_sent;
    QStringList m_unclosed; // close-gates: the gates that could not be closed, and why
    Core::ErrorKind m_unclosedKind = Core::ErrorKind::Server; // and the first one's kind
    int m_next = 0;
    Core::Clock *m_clock;
    qint64 m_waitStartedMs = 0;
    qint64 m_reactionWaitMs = 0; // 0: from the analysis interval
    bool m_finished = false;
};

} // namespace Curtain::Engine
