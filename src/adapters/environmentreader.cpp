#include "adapters/environmentreader.h"

#include "adapters/conventions.h"

namespace Curtain::Adapters {

using Kube::Json;

namespace {

QString versionOf(const Json &deployment)
{
    QString version = Kube::label(deployment, Conventions::versionLabel);
    if (!version.isEmpty()) {
        return version;
    }
    const QString image = Kube::stringAt(deployment, "/spec/template/spec/containers/0/image");
    return image.isEmpty() ? QStringLiteral("unknown") : Core::imageTag(image);
}

} // namespace

std::optional<Core::Color> serviceColor(const Json &service)
{
    return Core::parseColor(Kube::label(service, Conventions::colorLabel));
}

std::pair<QString, bool> rolloutStatus(const Json &deployment)
{
    const QString name = Kube::objectName(deployment);
    const long long generation = Kube::intAt(deployment, "/metadata/generation");
    const long long observed = Kube::intAt(deployment, "/status/observedGeneration");
    if (generation > observed) {
        return {QStringLiteral("Waiting for deployment spec update to be observed..."), false};
    }
    if (const auto conditions = deployment.value(Json::json_pointer("/status/conditions"), Json::array());
        conditions.is_array()) {
        for (const Json &condition : conditions) {
            if (condition.value("type", "") == "Progressing" &&
                condition.value("reason", "") == "ProgressDeadlineExceeded") {
                return {QStringLiteral("deployment \"%1\" exceeded its progress deadline").arg(name), false};
            }
        }
    }
    const long long desired = Kube::intAt(deployment, "/spec/replicas", 1);
    const long long replicas = Kube::intAt(deployment, "/status/replicas");
    const long long updated = Kube::intAt(deployment, "/status/updatedReplicas");
    const long long available = Kube::intAt(deployment, "/status/availableReplicas");
    if (updated < desired) {
        return {QStringLiteral("%1 out of %2 new replicas have been updated").arg(updated).arg(desired), false};
    }
    if (replicas > updated) {
        return {QStringLiteral("%1 old replicas are pending termination").arg(replicas - updated), false};
    }
    if (available < updated) {
        return {QStringLiteral("%1 of %2 updated replicas are available").arg(available).arg(updated), false};
    }
    return {QStringLiteral("successfully rolled out"), true};
}

Core::Environment readEnvironment(const ClusterView &view, const QString &namespaceName, const QString &release,
                                  Core::Color color)
{
    Core::Environment env;
    env.color = color;
    if (const Json *deployment = view.deploymentFor(namespaceName, release, Core::colorName(color))) {
        env.present = true;
        env.deployment = Kube::objectName(*deployment);
        env.version = versionOf(*deployment);
        env.desiredReplicas = int(Kube::intAt(*deployment, "/spec/replicas", 1));
        env.readyReplicas = int(Kube::intAt(*deployment, "/status/readyReplicas"));
        std::tie(env.rolloutMessage, env.rolloutComplete) = rolloutStatus(*deployment);
    }
    if (const Json *service = view.colorServiceFor(namespaceName, release, Core::colorName(color))) {
        // Scraped through the API server's service proxy, which works wherever the user may proxy.
        QString path = Kube::annotation(*service, Conventions::metricsPathAnnotation);
        if (path.isEmpty()) {
            path = QStringLiteral("/metrics");
        }
        env.metricsPath = QStringLiteral("/api/v1/namespaces/%1/services/%2/proxy%3")
                              .arg(namespaceName, Kube::objectName(*service), path);
    }
    return env;
}

} // namespace Curtain::Adapters
