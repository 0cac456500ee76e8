// ReleaseEngine's plans: one runner per release, driven from this engine's thread, its progress
// published as it goes and its end told to whoever started it (DrivenPlans, also when the session
// closes first); and saving a plan on the route without running it.

#include "engine/releaseengine.h"

#include "engine/planrunner.h"

#include "core/futures.h"
#include "core/handoff.h"

#include "adapters/conventions.h"
#include "kube/kubeclient.h"

#include <QJsonDocument>
#include <QPromise>

namespace Curtain::Engine {

using Core::ErrorKind;
using Core::ReleaseSnapshot;
using Core::Result;
using Kube::Json;

QString ReleaseEngine::runnerKey(const QString &release) const
{
    Core::Error ignored;
    const ReleaseSnapshot *found = findRelease(release, &ignored);
    return found ? found->namespaceName + QLatin1Char('/') + found->name : release;
}

QFuture<Result<Core::PlanProgress>> ReleaseEngine::runPlan(const QString &release, const Core::Plan &plan,
                                                           const PlanOptions &options)
{
    auto promise = std::make_shared<QPromise<Result<Core::PlanProgress>>>();
    promise->start();
    QFuture<Result<Core::PlanProgress>> future = promise->future();
    Core::post(this, [this, given = release, plan, options, promise] {
        // One runner per release, whatever the caller called it ("catalog" or "demo/catalog"), and
        // progress always names it as namespace/name.
        const QString release = runnerKey(given);
        if (m_runners.contains(release)) {
            promise->addResult(Core::makeError(ErrorKind::Refused,
                                               QStringLiteral("a plan is already running on %1 here").arg(release)));
            promise->finish();
            return;
        }
        auto *runner = new PlanRunner(this, m_client, m_http, given, plan, options, this);
        m_runners.insert(release, runner);
        m_drivenPlans.add(release, promise);
        connect(runner, &PlanRunner::updated, this,
                [this, release, last = std::make_shared<std::optional<std::pair<int, Core::PlanState>>>()](
                    const Core::PlanProgress &progress, const Core::Judgement &judgement) {
                    recordPlanProgress(release, progress, *last);
                    Q_EMIT planUpdated(release, progress, judgement);
                });
        connect(runner, &PlanRunner::finished, this,
                [this, runner, release, promise](const Result<Core::PlanProgress> &end) {
                    m_runners.remove(release);
                    m_drivenPlans.remove(release);
                    runner->deleteLater();
                    promise->addResult(end);
                    promise->finish();
                });
        runner->start();
    });
    return future;
}

void ReleaseEngine::resumePlan(const QString &release)
{
    Core::post(this, [this, release] {
        if (PlanRunner *runner = m_runners.value(runnerKey(release))) {
            runner->resume();
        }
    });
}

void ReleaseEngine::stopPlan(const QString &release, const QString &why)
{
    Core::post(this, [this, release, why] {
        if (PlanRunner *runner = m_runners.value(runnerKey(release))) {
            runner->stop(why);
        }
    });
}

QFuture<Result<Core::Done>> ReleaseEngine::savePlan(const QString &release, const Core::Plan &plan)
{
    auto promise = std::make_shared<QPromise<Result<Core::Done>>>();
    promise->start();
    QFuture<Result<Core::Done>> future = promise->future();
    Core::post(this, [this, release, plan, promise] {
        auto finish = [promise](const Result<Core::Done> &r) {
            promise->addResult(r);
            promise->finish();
        };
        Core::Error error;
        const ReleaseSnapshot *found = findRelease(release, &error);
        if (!found) {
            return finish(error);
        }
        const Json patch = {{"metadata",
                             {{"annotations",
                               {{Adapters::Conventions::planAnnotation.toStdString(),
                                 QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact).toStdString()}}}}}};
        const QString path = found->routePath;
        Core::onFinished(m_client->patch(path, Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())), this,
                         [finish](const Result<Json> &written) {
                             finish(written.ok() ? Result<Core::Done>(Core::Done{})
                                                 : Result<Core::Done>(written.error()));
                         });
    });
    return future;
}

} // namespace Curtain::Engine
