// ReleaseEngine::scale: an environment's Deployment resized through its /scale subresource — the
// way out of a flip refused for capacity ("scale green to 4 first").

#include "engine/releaseengine.h"

#include "engine/auditor.h"
#include "engine/clustercache.h"

#include "core/futures.h"
#include "core/handoff.h"
#include "kube/json.h"
#include "kube/kubeclient.h"

#include <QPromise>

namespace Curtain::Engine {

using Core::ErrorKind;
using Core::Result;
using Kube::Json;

namespace {

constexpr int maxReplicas = 10'000; // a typo's guard; far above any release this console shows

// Why this resize must not go out, or nothing. Scaling down the color that carries traffic would
// take serving capacity away from users: the traffic goes first.
std::optional<Core::Error> scaleRefusal(const Core::ReleaseSnapshot &release, Core::Color color, int replicas)
{
    const Core::Environment &env = release.environment(color);
    if (replicas < 0 || replicas > maxReplicas) {
        return Core::makeError(ErrorKind::InvalidInput,
                               QStringLiteral("%1 replicas is outside 0–%2").arg(replicas).arg(maxReplicas));
    }
    if (release.routeKind == Core::RouteKind::ArgoRollout) {
        // Its ReplicaSets are the controller's: a resize of one would be undone, and its name is
        // a ReplicaSet's, not a Deployment's.
        return Core::makeError(ErrorKind::Refused,
                               QStringLiteral("cannot scale %1 %2: %1 is an Argo Rollout, whose controller sizes its "
                                              "ReplicaSets from spec.replicas; change that instead (kubectl scale "
                                              "rollout %1 --replicas=%3%4)")
                                   .arg(release.name, Core::colorName(color))
                                   .arg(replicas)
                                   .arg(release.namespaceName.isEmpty()
                                            ? QString()
                                            : QStringLiteral(" -n %1").arg(release.namespaceName)));
    }
    if (!env.present || env.deployment.isEmpty()) {
        return Core::makeError(ErrorKind::Refused,
                               QStringLiteral("cannot scale %1: the %2 environment has no Deployment")
                                   .arg(release.name, Core::colorName(color)));
    }
    if (env.trafficPercent > 0 && replicas < env.desiredReplicas) {
        return Core::makeError(
            ErrorKind::Refused,
            QStringLiteral("cannot scale %1 %2 (%3) down to %4: it carries %5 % of traffic; move the traffic away "
                           "first (flip or rollback), then scale it down")
                .arg(release.name, Core::colorName(color), env.version)
                .arg(replicas)
                .arg(env.trafficPercent));
    }
    return std::nullopt;
}

} // namespace

QFuture<Result<QString>> ReleaseEngine::scale(const QString &release, Core::Color color, int replicas)
{
    auto promise = std::make_shared<QPromise<Result<QString>>>();
    promise->start();
    QFuture<Result<QString>> future = promise->future();
    Core::post(this, [this, release, color, replicas, promise] {
        const auto finish = [promise](const Result<QString> &result) {
            promise->addResult(result);
            promise->finish();
        };
        Core::Error error;
        const Core::ReleaseSnapshot *found = findRelease(release, &error);
        if (!found) {
            return finish(error);
        }
        const Core::ReleaseSnapshot before = *found;
        std::optional<Core::Error> refused = scaleRefusal(before, color, replicas);
        if (!refused && replicas < before.environment(color).desiredReplicas && !m_cache->freshness().live) {
            // Shrinking is safe only for a color known to serve nothing now, not as last seen.
            refused = Core::makeError(ErrorKind::Refused,
                                      QStringLiteral("cannot scale %1 %2 down: the data shown is stale (%3), so "
                                                     "Curtain cannot tell whether it serves traffic now")
                                          .arg(before.name, Core::colorName(color), m_cache->freshness().reason));
        }
        if (refused) {
            m_auditor->recordChange(before, QStringLiteral("ScaleRefused"), QStringLiteral("refused"),
                                    refused->message);
            return finish(*refused);
        }
        const Core::Environment &env = before.environment(color);
        if (env.desiredReplicas == replicas) {
            // Run again: nothing to write, and said so (the journal too: unchanged, not applied).
            const QString note = QStringLiteral("%1 %2 (%3) has %4 replicas already, nothing to change; %5 ready now")
                                     .arg(before.name, Core::colorName(color), env.version)
                                     .arg(replicas)
                                     .arg(env.readyReplicas);
            m_auditor->recordChange(before, QStringLiteral("Scaled"), QStringLiteral("unchanged"), note);
            return finish(note);
        }
        const QString path = QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/%2/scale")
                                 .arg(before.namespaceName, env.deployment);
        const Json patch = {{"spec", {{"replicas", replicas}}}};
        Core::onFinished(
            m_client->patch(path, Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())), this,
            [this, before, color, replicas, finish](const Result<Json> &written) {
                const Core::Environment &env = before.environment(color);
                if (!written.ok()) {
                    m_auditor->recordChange(before, QStringLiteral("Scaled"), QStringLiteral("failed"),
                                            written.error().message);
                    return finish(written.error());
                }
                // The server's answer is the Scale it now holds: the report is what it says.
                const std::optional<long long> now =
                    Kube::Reader(written.value()).field("spec").field("replicas").optionalInteger(0, maxReplicas);
                if (now != replicas) {
                    const Core::Error unconfirmed = Core::makeError(
                        ErrorKind::NotConfirmed,
                        QStringLiteral("the scale of %1 was sent; not confirmed: the answer does not show %2 replicas")
                            .arg(env.deployment)
                            .arg(replicas));
                    m_auditor->recordChange(before, QStringLiteral("Scaled"), QStringLiteral("not confirmed"),
                                            unconfirmed.message);
                    return finish(unconfirmed);
                }
                const QString note = QStringLiteral("%1 %2 (%3) scaled from %4 to %5 replicas; %6 ready now")
                                         .arg(before.name, Core::colorName(color), env.version)
                                         .arg(env.desiredReplicas)
                                         .arg(replicas)
                                         .arg(env.readyReplicas);
                m_auditor->recordChange(before, QStringLiteral("Scaled"), QStringLiteral("applied"), note);
                finish(note);
            });
    });
    return future;
}

} // namespace Curtain::Engine
