#include "engine/canarydriver.h"

#include "adapters/clusterview.h"
#include "adapters/flagger/canaryadapter.h"
#include "adapters/flagger/canarystatus.h"
#include "core/canarycontrol.h"
#include "core/clock.h"
#include "core/futures.h"
#include "kube/kubeclient.h"

#include <algorithm>

namespace Curtain::Engine {

using Adapters::Flagger::CanaryWrite;
using Core::ActionKind;
using Core::Result;
using Kube::Json;

CanaryDriver::CanaryDriver(Kube::KubeClient *client, Core::ReleaseSnapshot before, Core::ActionRequest request,
                           QObject *parent, Core::Clock *clock)
    : QObject(parent), m_client(client), m_before(std::move(before)), m_request(std::move(request)),
      m_clock(clock ? clock : Core::Clock::system())
{}

qint64 CanaryDriver::reactionWaitFor(const Core::ReleaseSnapshot &canary, qint64 setMs)
{
    const qint64 interval = canary.canary ? canary.canary->intervalMs() : 60'000;
    if (setMs > 0) { // never so short that Flagger does not look, nor longer than asked for that
        return std::max<qint64>(setMs, std::min<qint64>(interval + 15'000, 10 * 60'000));
    }
    return std::min<qint64>(2 * interval + 15'000, 10 * 60'000);
}

void CanaryDriver::start()
{
    const auto plan = Adapters::Flagger::planCanaryAction(m_before, m_request);
    if (!plan.ok()) {
        return finish(plan.error());
    }
    m_plan = plan.value();
    sendNext();
}

QString CanaryDriver::done() const
{
    return m_sent.isEmpty() ? QStringLiteral("nothing was changed")
                            : QStringLiteral("already done: %1").arg(m_sent.join(QStringLiteral(", ")));
}

void CanaryDriver::sendNext()
{
    if (m_next >= m_plan.writes.size()) {
        if (!m_unclosed.isEmpty()) {
            return finish(Core::makeError(m_unclosedKind,
                                          QStringLiteral("close-gates on %1: %2 could not be closed: %3; they stay "
                                                         "open and pass the next release unasked (%4)")
                                              .arg(m_before.name)
                                              .arg(m_unclosed.size())
                                              .arg(m_unclosed.join(QStringLiteral(", ")), done())));
        }
        m_waitStartedMs = m_clock->nowMs();
        return awaitFlagger();
    }
    const CanaryWrite write = m_plan.writes[m_next];
    auto failed = [this, write](const Core::Error &error) {
        if (m_request.kind == ActionKind::CloseGates) {
            // Closing is cleanup: one unreachable loadtester must not keep the others' gates open.
            m_unclosed << QStringLiteral("%1 failed (%2)").arg(write.path, error.message);
            if (m_unclosed.size() == 1) {
                m_unclosedKind = error.kind;
            }
            ++m_next;
            return sendNext();
        }
        Core::Error reported = error;
        reported.message =
            QStringLiteral("%1 on %2 failed: %3 (%4)")
                .arg(Core::actionNameOn(m_request.kind, m_before.routeKind), m_before.name, error.message, done());
        if (write.gate && error.httpStatus == 404) {
            reported.message += QStringLiteral("; is the flagger-loadtester Service the Canary's webhook names "
                                               "running?");
        }
        closeOpenedThenFail(reported);
    };
    if (write.gate) {
        Core::onFinished(m_client->postRaw(write.path, write.body), this,
                         [this, write, failed](const Result<Net::HttpResponse> &reply) {
                             if (!reply.ok()) {
                                 return failed(reply.error());
                             }
                             m_sent << write.description;
                             ++m_next;
                             sendNext();
                         });
        return;
    }
    Core::onFinished(m_client->patch(write.path, Kube::PatchType::Merge, write.body), this,
                     [this, write, failed](const Result<Json> &written) {
                         if (!written.ok()) {
                             return failed(written.error());
                         }
                         seen(written.value());
                         m_sent << write.description;
                         ++m_next;
                         sendNext();
                     });
}

bool CanaryDriver::reacted(const Core::CanaryStatus &now) const
{
    const Core::CanaryStatus &was = *m_before.canary;
    switch (m_request.kind) {
    case ActionKind::Promote:
        if (was.phase == QLatin1String("Progressing")) { // through confirm-traffic-increase: a step up
            return now.canaryWeight > was.canaryWeight || now.phase != was.phase;
        }
        if (was.phase == QLatin1String("WaitingPromotion")) {
            return now.phase == QLatin1String("Promoting") || now.phase == QLatin1String("Finalising") ||
                   now.phase == QLatin1String("Succeeded");
        }
        return now.phase != was.phase;
    case ActionKind::Rollback:
        return now.phase == QLatin1String("Failed");
    case ActionKind::Pause:
        return now.suspended;
    case ActionKind::Resume:
        return !now.suspended;
    default:
        return true;
    }
}

// A later request failed after gates were opened: close those again (the ones before this write,
// in order), so a failed action leaves no gate open to wave a release through, then report.
void CanaryDriver::closeOpenedThenFail(Core::Error error)
{
    const int opened = int(std::count_if(m_plan.writes.begin(), m_plan.writes.begin() + m_next,
                                         [](const CanaryWrite &w) { return w.gate; }));
    if (opened == 0 || m_plan.closeAfter.isEmpty()) {
        return finish(error);
    }
    m_plan.closeAfter = m_plan.closeAfter.mid(0, std::min<qsizetype>(opened, m_plan.closeAfter.size()));
    const CanaryWrite close = m_plan.closeAfter.takeFirst();
    m_plan.writes.removeAt(0); // one opened gate accounted for
    --m_next;
    Core::onFinished(m_client->postRaw(close.path, close.body), this,
                     [this, close, error](const Result<Net::HttpResponse> &reply) mutable {
                         error.message += reply.ok() ? QStringLiteral("; %1").arg(close.description)
                                                     : QStringLiteral("; the gate could not be closed (%1): close it "
                                                                      "with POST %2")
                                                           .arg(reply.error().message, close.path);
                         closeOpenedThenFail(error);
                     });
}

void CanaryDriver::awaitFlagger()
{
    const QString path = Adapters::Flagger::canaryPath(m_before.namespaceName, m_before.routeName);
    Core::onFinished(m_client->get(path), this, [this](const Result<Json> &fresh) {
        if (fresh.ok()) {
            seen(fresh.value());
        }
        Core::ReleaseSnapshot after = m_before;
        if (fresh.ok()) {
            after = readRelease ? readRelease(fresh.value())
                                : Adapters::CanaryAdapter().read(fresh.value(), Adapters::ClusterView());
        }
        const bool done = after.canary && reacted(*after.canary);
        if (!done && m_clock->nowMs() - m_waitStartedMs < reactionWaitMs()) {
            return m_clock->callAfter(Core::pollAgainAfterMs(m_clock->nowMs() - m_waitStartedMs, pollMs), this,
                                      [this] { awaitFlagger(); });
        }
        closeGates(after, done);
    });
}

void CanaryDriver::closeGates(const Core::ReleaseSnapshot &after, bool reacted)
{
    if (!m_plan.closeAfter.isEmpty()) {
        const CanaryWrite close = m_plan.closeAfter.takeFirst();
        Core::onFinished(m_client->postRaw(close.path, close.body), this,
                         [this, close, after, reacted](const Result<Net::HttpResponse> &reply) {
                             m_sent << (reply.ok() ? close.description
                                                   : QStringLiteral("could not close the gate (%1): it stays open "
                                                                    "and would pass the next release; close it with "
                                                                    "POST %2")
                                                         .arg(reply.error().message, close.path));
                             closeGates(after, reacted);
                         });
        return;
    }
    QString summary = QStringLiteral("%1: %2 — %3")
                          .arg(m_before.name, Core::actionNameOn(m_request.kind, m_before.routeKind),
                               m_sent.join(QStringLiteral(", ")));
    if (after.canary) {
        summary += QStringLiteral("; now %1").arg(after.canary->summary());
    }
    if (!reacted) {
        summary += QStringLiteral("; Flagger has not acted after %1 s (its interval is %2) — is Flagger running?")
                       .arg((m_clock->nowMs() - m_waitStartedMs) / 1000)
                       .arg(m_before.canary->interval.isEmpty() ? QStringLiteral("1m") : m_before.canary->interval);
    }
    if (m_request.kind == ActionKind::Promote && after.canary && after.canary->phase == QLatin1String("Succeeded")) {
        summary += QStringLiteral(". ") + Core::flaggerPromotedNote();
    }
    Core::ActionOutcome outcome{m_request, m_before, after, summary};
    outcome.confirmed = reacted;
    finish(outcome);
}

void CanaryDriver::seen(const Json &canary)
{
    if (observe) {
        observe(Adapters::Flagger::canaryPath(Kube::objectNamespace(canary), Kube::objectName(canary)), canary);
    }
}

void CanaryDriver::finish(const Result<Core::ActionOutcome> &outcome)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    Q_EMIT finished(outcome);
}

} // namespace Curtain::Engine
