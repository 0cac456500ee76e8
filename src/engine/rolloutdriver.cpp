#include "engine/rolloutdriver.h"

#include "adapters/argo/rolloutactions.h"
#include "adapters/argo/rolloutadapter.h"
#include "core/clock.h"
#include "core/futures.h"
#include "core/rolloutcontrol.h"
#include "kube/kubeclient.h"

namespace Curtain::Engine {

using Adapters::Argo::ArgoWrite;
using Core::ActionKind;
using Core::ErrorKind;
using Core::Result;
using Kube::Json;

RolloutDriver::RolloutDriver(Kube::KubeClient *client, Adapters::ClusterView view, Core::ReleaseSnapshot before,
                             Json rollout, Core::ActionRequest request, QObject *parent, Core::Clock *clock)
    : QObject(parent), m_client(client), m_view(std::move(view)), m_before(std::move(before)),
      m_rollout(std::move(rollout)), m_request(std::move(request)), m_clock(clock ? clock : Core::Clock::system())
{}

void RolloutDriver::startWaiting()
{
    m_waitStartedMs = m_clock->nowMs();
}

qint64 RolloutDriver::waitedMs() const
{
    return m_clock->nowMs() - m_waitStartedMs;
}

void RolloutDriver::start()
{
    Core::RolloutRollback rollback;
    if (m_request.kind == ActionKind::Rollback) {
        const auto planned = Core::planRolloutRollback(m_before);
        if (!planned.ok()) {
            return finish(planned.error());
        }
        rollback = planned.value();
    }
    const auto plan =
        Adapters::Argo::planRolloutAction(m_rollout, m_view.replicaSets, m_request, rollback, m_clock->now());
    if (!plan.ok()) {
        return finish(plan.error());
    }
    if (plan.value().writes.isEmpty()) {
        Core::ActionOutcome skipped{m_request, m_before, m_before,
                                    QStringLiteral("%1: %2").arg(m_before.name, plan.value().skipped)};
        skipped.changed = false;
        return finish(skipped);
    }
    m_writes = plan.value().writes;
    sendNext();
}

void RolloutDriver::sendNext()
{
    if (m_next >= m_writes.size()) {
        startWaiting();
        return awaitController();
    }
    if (m_writes[m_next].afterController) {
        startWaiting();
        return awaitObserved();
    }
    send(m_writes[m_next], false);
}

void RolloutDriver::awaitObserved()
{
    Core::onFinished(m_client->get(Adapters::Argo::rolloutPath(m_rollout)), this, [this](const Result<Json> &fresh) {
        if (fresh.ok()) {
            seen(fresh.value());
        }
        const Json &r = m_rollout;
        // Argo writes observedGeneration as a string; read both without trusting their types.
        const bool observed = Kube::stringAt(r, "/status/observedGeneration") ==
                              QString::number(Kube::intAt(r, "/metadata/generation", 0));
        if (observed) {
            m_writes[m_next].afterController = false;
            return send(m_writes[m_next], false);
        }
        // Observing a write is not the reaction a shorter --reaction-timeout bounds: cutting it short
        // would leave a Rollback half sent.
        if (waitedMs() >= std::max(m_controllerWaitMs, defaultControllerWaitMs)) {
            return finish(Core::makeError(
                ErrorKind::Unreachable,
                QStringLiteral("%1: the controller has not observed the change after %2 s, so the rest was not sent "
                               "(%3) — is Argo Rollouts running?")
                    .arg(m_before.name)
                    .arg(waitedMs() / 1000)
                    .arg(done())));
        }
        m_clock->callAfter(Core::pollAgainAfterMs(waitedMs(), pollMs), this, [this] { awaitObserved(); });
    });
}

QString RolloutDriver::done() const
{
    return m_sent.isEmpty() ? QStringLiteral("nothing was changed")
                            : QStringLiteral("already sent: %1").arg(m_sent.join(QStringLiteral(", ")));
}

void RolloutDriver::send(const ArgoWrite &write, bool fallback)
{
    const QString path = fallback ? Adapters::Argo::rolloutPath(m_rollout) : write.path;
    const Json body = fallback ? *write.fallback : write.body;
    const QByteArray bytes = QByteArray::fromStdString(body.dump());
    auto reply = write.replace ? m_client->replace(path, bytes) : m_client->patch(path, write.type, bytes);
    Core::onFinished(reply, this, [this, write, fallback, path](const Result<Json> &written) {
        if (!written.ok()) {
            const Core::Error &error = written.error();
            if (!fallback && write.fallback && error.httpStatus == 404) {
                return send(write, true); // a controller without the status subresource (v0.9)
            }
            if (write.replace && error.httpStatus == 409 && ++m_replaceAttempts < 5) {
                return retryReplace();
            }
            // The client's error names the write by method and path; a request body is no message
            // for a person.
            Core::Error reported = error;
            reported.message = QStringLiteral("%1 on %2 failed: %3 (%4)")
                                   .arg(Core::actionName(m_request.kind), m_before.name, error.message, done());
            return finish(reported);
        }
        seen(written.value());
        m_sent << QStringLiteral("%1 %2").arg(write.replace ? QStringLiteral("PUT") : QStringLiteral("PATCH"), path);
        ++m_next;
        sendNext();
    });
}

void RolloutDriver::retryReplace()
{
    // set image on a Rollout changed meanwhile: re-read it and apply the image change again.
    Core::onFinished(m_client->get(Adapters::Argo::rolloutPath(m_rollout)), this, [this](const Result<Json> &fresh) {
        if (!fresh.ok()) {
            return finish(fresh.error());
        }
        seen(fresh.value());
        const qsizetype eq = m_request.image.indexOf(QLatin1Char('='));
        const auto updated =
            Adapters::Argo::withImage(m_rollout, m_request.image.left(eq), m_request.image.mid(eq + 1));
        if (!updated.ok()) {
            return finish(updated.error());
        }
        m_writes[m_next].body = updated.value();
        send(m_writes[m_next], false);
    });
}

void RolloutDriver::seen(const Json &rollout)
{
    m_rollout = rollout;
    if (observe) {
        observe(Adapters::Argo::rolloutPath(rollout), rollout);
    }
}

Core::ReleaseSnapshot RolloutDriver::snapshotOf(const Json &rollout) const
{
    Core::ReleaseSnapshot snapshot = Adapters::RolloutAdapter().read(rollout, currentView ? currentView() : m_view);
    snapshot.capabilities = Core::computeCapabilities(snapshot);
    return snapshot;
}

bool RolloutDriver::reacted(const Core::RolloutStatus &now) const
{
    if (!now.waitingFor.isEmpty()) {
        return false; // a new generation not yet observed, or an unpause not yet acted on
    }
    const Core::RolloutStatus &was = *m_before.rollout;
    switch (m_request.kind) {
    case ActionKind::Abort:
        return now.aborted && now.status == QLatin1String("Degraded");
    case ActionKind::Retry:
        return !now.aborted && now.status != QLatin1String("Degraded");
    case ActionKind::Pause:
        return now.status == QLatin1String("Paused");
    case ActionKind::Resume:
        return !now.manuallyPaused;
    case ActionKind::PromoteFull:
        return now.fullyPromoted() || now.stepIndex >= now.steps.size();
    case ActionKind::Promote:
        return now.stepIndex != was.stepIndex || now.fullyPromoted() || now.status != QLatin1String("Paused");
    case ActionKind::Rollback: // back on a known-good revision, everywhere
        return now.fullyPromoted() && now.currentHash != was.currentHash;
    case ActionKind::Undo:
    case ActionKind::SetImage:
        return now.currentHash != was.currentHash;
    case ActionKind::Restart:
    case ActionKind::SetWeight:
    case ActionKind::Flip:
    case ActionKind::CloseGates:
        return true;
    }
    return true;
}

void RolloutDriver::awaitController()
{
    Core::onFinished(m_client->get(Adapters::Argo::rolloutPath(m_rollout)), this, [this](const Result<Json> &fresh) {
        if (fresh.ok()) {
            seen(fresh.value());
        }
        const Core::ReleaseSnapshot after = snapshotOf(m_rollout);
        const bool done = after.rollout && reacted(*after.rollout);
        if (!done && waitedMs() < m_controllerWaitMs) {
            return m_clock->callAfter(Core::pollAgainAfterMs(waitedMs(), pollMs), this, [this] { awaitController(); });
        }
        QString summary = QStringLiteral("%1: %2 sent").arg(m_before.name, Core::actionName(m_request.kind));
        if (after.rollout) {
            const Core::RolloutStatus &r = *after.rollout;
            summary += QStringLiteral(" — %1%2").arg(
                r.status, r.message.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(r.message));
            if (r.fullyPromoted()) {
                summary += QStringLiteral(", %1 serves all traffic").arg(after.environment(after.stable).version);
            } else if (!r.step.isEmpty()) {
                summary += QStringLiteral(", step %1, canary weight %2 %").arg(r.step).arg(r.actualWeight);
            }
        }
        if (!done) {
            summary +=
                QStringLiteral("; waiting for the controller: no reaction after %1 s — is Argo Rollouts running?")
                    .arg(waitedMs() / 1000);
        }
        if (m_request.kind == ActionKind::Rollback || m_request.kind == ActionKind::Undo) {
            const bool ended = summary.endsWith(QLatin1Char('?')) || summary.endsWith(QLatin1Char('.'));
            summary += (ended ? QStringLiteral(" ") : QStringLiteral(". ")) + Core::gitOpsNote();
        }
        Core::ActionOutcome outcome{m_request, m_before, after, summary};
        outcome.confirmed = done; // accepted, but not acted on: the caller must not take it as done
        finish(outcome);
    });
}

void RolloutDriver::finish(const Result<Core::ActionOutcome> &outcome)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    Q_EMIT finished(outcome);
}

} // namespace Curtain::Engine
