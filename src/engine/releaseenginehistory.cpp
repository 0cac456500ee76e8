// What the engine tells about a release besides its snapshot: who did what to it (the auditor's
// history and the plan records it is fed), and what runs it (pods, their warnings, a pod's log).

#include "engine/releaseengine.h"

#include "engine/auditor.h"
#include "engine/podreader.h"

#include "core/displaytext.h"
#include "core/futures.h"
#include "core/handoff.h"
#include "kube/apinames.h"
#include "kube/kubeclient.h"

#include <QPointer>
#include <QPromise>

namespace Curtain::Engine {

using Core::ReleaseSnapshot;
using Core::Result;

namespace {

// Runs `ask` on the engine's thread with the release `release` names, and answers what its future
// answers, or why there is no such release.
template <typename T, typename Ask>
QFuture<Result<T>> askAboutRelease(ReleaseEngine *engine, const QString &release, Ask ask)
{
    auto promise = std::make_shared<QPromise<Result<T>>>();
    promise->start();
    QFuture<Result<T>> future = promise->future();
    Core::post(engine, [engine, release, promise, ask] {
        Core::Error error;
        const ReleaseSnapshot *found = engine->releaseOnThread(release, &error);
        if (!found) {
            promise->addResult(error);
            promise->finish();
            return;
        }
        Core::onFinished(ask(*found), engine, [promise](const auto &answer) {
            promise->addResult(Result<T>(answer));
            promise->finish();
        });
    });
    return future;
}

} // namespace

QFuture<Core::Done> ReleaseEngine::auditSettled()
{
    auto promise = std::make_shared<QPromise<Core::Done>>();
    promise->start();
    QFuture<Core::Done> future = promise->future();
    Core::post(this, [this, promise] {
        Core::onFinished(m_auditor->settled(), this, [promise](Core::Done) {
            promise->addResult(Core::Done{});
            promise->finish();
        });
    });
    return future;
}

QFuture<Result<Core::EnvironmentPods>> ReleaseEngine::pods(const QString &release, Core::Color color)
{
    return askAboutRelease<Core::EnvironmentPods>(this, release, [this, color](const ReleaseSnapshot &found) {
        return readEnvironmentPods(m_client, found, color, this);
    });
}

quint64 ReleaseEngine::followLog(const QString &namespaceName, const QString &pod, int tailLines)
{
    const quint64 id = m_nextLog++;
    Core::post(this, [this, id, namespaceName, pod, tailLines] {
        for (const auto &[name, problem] : {std::pair{namespaceName, Kube::namespaceProblem(namespaceName)},
                                            std::pair{pod, Kube::objectNameProblem(pod)}}) {
            if (!problem.isEmpty()) {
                Q_EMIT logEnded(id, QStringLiteral("\"%1\" is not a valid name: %2").arg(Core::shown(name), problem));
                return;
            }
        }
        const QString path = QStringLiteral("/api/v1/namespaces/%1/pods/%2/log").arg(namespaceName, pod);
        const Net::StreamId stream = m_client->streamText(
            path,
            {{QStringLiteral("follow"), QStringLiteral("true")},
             {QStringLiteral("tailLines"), QString::number(tailLines)}},
            // The cancel a destructor sends is queued: a slice already on its way must find no engine.
            [engine = QPointer<ReleaseEngine>(this), id](const QByteArray &chunk) {
                if (engine) {
                    Q_EMIT engine->logText(id, QString::fromUtf8(chunk));
                }
            },
            [engine = QPointer<ReleaseEngine>(this), id](const Result<Core::Done> &end) {
                if (engine) {
                    engine->m_logStreams.remove(id);
                    Q_EMIT engine->logEnded(id, end.ok() ? QString() : end.error().message);
                }
            });
        m_logStreams.insert(id, stream);
    });
    return id;
}

void ReleaseEngine::stopLog(quint64 id)
{
    Core::post(this, [this, id] {
        if (const auto stream = m_logStreams.take(id)) {
            m_client->stopWatch(stream);
        }
    });
}

QFuture<Result<Core::ReleaseHistory>> ReleaseEngine::history(const QString &release)
{
    return askAboutRelease<Core::ReleaseHistory>(
        this, release, [this](const ReleaseSnapshot &found) { return m_auditor->history(found); });
}

// A plan's history: its start, each step it moves to, and how it ends, with the judge's words.
void ReleaseEngine::recordPlanProgress(const QString &release, const Core::PlanProgress &progress,
                                       std::optional<std::pair<int, Core::PlanState>> &last)
{
    const std::pair<int, Core::PlanState> now{progress.step, progress.state};
    if (last == now) {
        return;
    }
    const bool started = !last.has_value();
    last = now;
    Core::Error ignored;
    const ReleaseSnapshot *found = findRelease(release, &ignored);
    if (!found) {
        return;
    }
    const QString state = Core::planStateName(progress.state);
    const int steps = int(progress.plan.steps.size());
    QString note = QStringLiteral("%1: step %2 of %3")
                       .arg(progress.plan.name.isEmpty() ? QStringLiteral("plan") : progress.plan.name)
                       .arg(std::min(progress.step + 1, steps))
                       .arg(steps);
    if (!progress.reason.isEmpty()) {
        note += QStringLiteral(" — ") + progress.reason;
    }
    if (Core::isFinal(progress.state)) {
        QString verdict = QStringLiteral("Plan");
        for (const QString &word : state.split(QLatin1Char(' '))) {
            verdict += word.left(1).toUpper() + word.mid(1); // "rolled back" → PlanRolledBack
        }
        const bool bad = progress.state != Core::PlanState::Promoted;
        m_auditor->recordPlan(*found, verdict, state, progress.outcome.isEmpty() ? note : progress.outcome, bad);
    } else {
        m_auditor->recordPlan(*found, started ? QStringLiteral("PlanStarted") : QStringLiteral("PlanStep"), state, note,
                              false);
    }
}

} // namespace Curtain::Engine
