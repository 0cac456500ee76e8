#include "adapters/environmentreader.h"

#include "adapters/conventions.h"
#include "core/quantity.h"
#include "core/schemagate.h"
#include "kube/apinames.h"

#include <QCryptographicHash>

#include <climits>

namespace Curtain::Adapters {

using Kube::Json;
using Kube::Reader;

namespace {

QString versionOf(const Reader &deployment)
{
    QString version =
        deployment.field("metadata").field("labels").field(Conventions::versionLabel.toStdString()).string();
    if (!version.isEmpty()) {
        return version;
    }
    const QString image =
        deployment.field("spec").field("template").field("spec").field("containers").item(0).field("image").string();
    return image.isEmpty() ? QStringLiteral("unknown") : Core::imageTag(image);
}

// What one pod of the template requests: the sum over its containers (init containers run before,
// not beside them, so they do not add to what a running pod holds).
std::pair<double, double> podRequestsOf(const Reader &deployment)
{
    double cpu = 0;
    double memory = 0;
    for (const Reader &container :
         deployment.field("spec").field("template").field("spec").field("containers").items()) {
        const Reader requests = container.field("resources").field("requests");
        cpu += Core::parseQuantity(requests.field("cpu").scalarText()).value_or(0);
        memory += Core::parseQuantity(requests.field("memory").scalarText()).value_or(0);
    }
    return {cpu, memory};
}

std::pair<QString, bool> rolloutStatus(const Reader &deployment)
{
    const QString name = deployment.field("metadata").field("name").string();
    const Reader spec = deployment.field("spec");
    const Reader status = deployment.field("status");
    const long long generation = deployment.field("metadata").field("generation").integer();
    const long long observed = status.field("observedGeneration").integer();
    if (generation > observed) {
        return {QStringLiteral("Waiting for deployment spec update to be observed..."), false};
    }
    for (const Reader &condition : status.field("conditions").items()) {
        if (condition.field("type").string() == QLatin1String("Progressing") &&
            condition.field("reason").string() == QLatin1String("ProgressDeadlineExceeded")) {
            return {QStringLiteral("deployment \"%1\" exceeded its progress deadline").arg(name), false};
        }
    }
    const long long desired = spec.field("replicas").integer(1, 0, INT_MAX);
    const long long replicas = status.field("replicas").integer(0, 0, INT_MAX);
    const long long updated = status.field("updatedReplicas").integer(0, 0, INT_MAX);
    const long long available = status.field("availableReplicas").integer(0, 0, INT_MAX);
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

} // namespace

QString schemaVersionOf(const Reader &deployment)
{
    const std::string key = Conventions::schemaVersionAnnotation.toStdString();
    const Reader podTemplate = deployment.field("spec").field("template");
    for (const Reader &metadata : {deployment.field("metadata"), podTemplate.field("metadata")}) {
        if (const QString version = metadata.field("annotations").field(key).string(); !version.isEmpty()) {
            return version;
        }
    }
    for (const Reader &container : podTemplate.field("spec").field("containers").items()) {
        for (const Reader &variable : container.field("env").items()) {
            if (variable.field("name").string() == QLatin1String("PGOPTIONS")) {
                if (const QString version = Core::searchPathVersion(variable.field("value").string());
                    !version.isEmpty()) {
                    return version;
                }
            }
        }
    }
    return {};
}

std::optional<Core::Color> serviceColor(const Json &service)
{
    return Core::parseColor(Kube::label(service, Conventions::colorLabel));
}

std::pair<QString, bool> rolloutStatus(const Json &deployment)
{
    return rolloutStatus(Reader(deployment));
}

Core::Environment environmentOf(const Json &deployment, Core::Color color, QString *problem)
{
    Core::Environment env;
    env.color = color;
    const Reader reader(deployment);
    env.present = true;
    env.deployment = Kube::objectName(deployment);
    env.version = versionOf(reader);
    env.desiredReplicas = int(reader.field("spec").field("replicas").integer(1, 0, INT_MAX));
    env.readyReplicas = int(reader.field("status").field("readyReplicas").integer(0, 0, INT_MAX));
    std::tie(env.rolloutMessage, env.rolloutComplete) = rolloutStatus(reader);
    env.schemaVersion = schemaVersionOf(reader);
    std::tie(env.podCpuRequest, env.podMemoryRequest) = podRequestsOf(reader);
    if (const Json *podTemplate = reader.field("spec").field("template").json(); podTemplate) {
        const std::string text = podTemplate->dump(-1, ' ', false, Json::error_handler_t::replace);
        env.templateHash = QString::fromLatin1(
            QCryptographicHash::hash(QByteArray::fromStdString(text), QCryptographicHash::Sha256).toHex().left(16));
    }
    if (const Reader deletion = reader.field("metadata").field("deletionTimestamp"); deletion.exists()) {
        // Kept by its finalizers, it still serves (its pods run until it is gone), and says so.
        env.deleting = true;
        const QDateTime since = QDateTime::fromString(deletion.string(), Qt::ISODate);
        QStringList finalizers;
        for (const Reader &finalizer : reader.field("metadata").field("finalizers").items()) {
            if (finalizer.isString()) { // the API server only stores strings; anything else says nothing
                finalizers << finalizer.string();
            }
        }
        env.rolloutMessage =
            QStringLiteral("being deleted since %1%2")
                .arg(since.isValid() ? since.toUTC().toString(Qt::ISODate) : deletion.string(),
                     finalizers.isEmpty() ? QString()
                                          : QStringLiteral(", held by %1").arg(finalizers.join(QStringLiteral(", "))));
    }
    if (!reader.ok() && problem && problem->isEmpty()) {
        *problem = QStringLiteral("Deployment %1/%2: %3")
                       .arg(Kube::objectNamespace(deployment), env.deployment, reader.problem());
    }
    return env;
}

Core::Environment readEnvironment(const ClusterView &view, const QString &namespaceName, const QString &release,
                                  Core::Color color, QString *problem)
{
    Core::Environment env;
    env.color = color;
    if (const Json *deployment = view.deploymentFor(namespaceName, release, Core::colorName(color))) {
        env = environmentOf(*deployment, color, problem);
    }
    if (const Json *service = view.colorServiceFor(namespaceName, release, Core::colorName(color))) {
        env.metricsPath = metricsPathOf(*service);
    }
    return env;
}

QString metricsPathOf(const Kube::Json &service)
{
    // Scraped through the API server's service proxy, which works wherever the user may proxy.
    QString path = Kube::annotation(service, Conventions::metricsPathAnnotation);
    if (path.isEmpty()) {
        path = QStringLiteral("/metrics");
    }
    return QStringLiteral("/api/v1/namespaces/%1/services/%2/proxy%3")
        .arg(Kube::pathSegment(Kube::objectNamespace(service)), Kube::pathSegment(Kube::objectName(service)), path);
}

} // namespace Curtain::Adapters
