#include "engine/podreader.h"

#include "core/futures.h"
#include "kube/json.h"
#include "kube/kubeclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPromise>
#include <QSet>

#include <algorithm>
#include <memory>

namespace Curtain::Engine {

using Core::ErrorKind;
using Core::Result;

namespace {

// "app=catalog,color=green" from a selector's matchLabels, sorted, as kubectl writes it.
QString labelSelector(const Kube::Json &workload)
{
    QStringList terms;
    const Kube::Reader labels = Kube::Reader(workload).field("spec").field("selector").field("matchLabels");
    for (const auto &[key, value] : labels.members()) {
        terms << QString::fromStdString(key) + QLatin1Char('=') + value.string();
    }
    std::sort(terms.begin(), terms.end());
    return terms.join(QLatin1Char(','));
}

// `objects` as "Kind/name": a Flagger Canary is usually named like its Deployment, and its
// Warnings are not the Deployment's.
QList<Core::HistoryEntry> warningsAbout(const QByteArray &listJson, const QSet<QString> &objects)
{
    QList<Core::HistoryEntry> warnings;
    const QJsonArray items = QJsonDocument::fromJson(listJson).object().value(QLatin1String("items")).toArray();
    for (const QJsonValue &item : items) {
        const QJsonObject event = item.toObject();
        const QJsonObject involved = event.value(QLatin1String("involvedObject")).toObject();
        const QString about = involved.value(QLatin1String("kind")).toString() + QLatin1Char('/') +
                              involved.value(QLatin1String("name")).toString();
        if (objects.contains(about)) {
            warnings.append(Core::historyEntryFromEvent(event));
        }
    }
    std::stable_sort(warnings.begin(), warnings.end(),
                     [](const Core::HistoryEntry &a, const Core::HistoryEntry &b) { return a.time > b.time; });
    if (warnings.size() > 100) {
        warnings.resize(100);
    }
    return warnings;
}

} // namespace

QList<Core::PodInfo> podsFromItems(const std::vector<Kube::Json> &items)
{
    QList<Core::PodInfo> pods;
    for (const Kube::Json &object : items) {
        const Kube::Reader item(object);
        Core::PodInfo pod;
        pod.name = item.field("metadata").field("name").string();
        if (pod.name.isEmpty()) {
            continue;
        }
        pod.phase = item.field("status").field("phase").string(QStringLiteral("Pending"));
        pod.node = item.field("spec").field("nodeName").string();
        pod.created = QDateTime::fromString(item.field("metadata").field("creationTimestamp").string(), Qt::ISODate);
        for (const Kube::Reader &container : item.field("spec").field("containers").items()) {
            pod.containerNames << container.field("name").string();
        }
        const std::vector<Kube::Reader> statuses = item.field("status").field("containerStatuses").items();
        pod.containers = int(std::max(statuses.size(), std::size_t(pod.containerNames.size())));
        for (const Kube::Reader &status : statuses) {
            pod.readyContainers += status.field("ready").boolean() ? 1 : 0;
            pod.restarts += int(status.field("restartCount").integer(0, 0, 1'000'000));
        }
        pods.append(pod);
    }
    std::sort(pods.begin(), pods.end(), [](const Core::PodInfo &a, const Core::PodInfo &b) { return a.name < b.name; });
    return pods;
}

QFuture<Result<Core::EnvironmentPods>>
readEnvironmentPods(Kube::KubeClient *client, const Core::ReleaseSnapshot &release, Core::Color color, QObject *context)
{
    auto promise = std::make_shared<QPromise<Result<Core::EnvironmentPods>>>();
    promise->start();
    QFuture<Result<Core::EnvironmentPods>> future = promise->future();
    const auto finish = [promise](const Result<Core::EnvironmentPods> &result) {
        promise->addResult(result);
        promise->finish();
    };
    const Core::Environment &environment = release.environment(color);
    if (environment.deployment.isEmpty()) {
        finish(Core::makeError(
            ErrorKind::NotFound,
            QStringLiteral("%1 has no %2 workload in the cluster").arg(release.name, Core::colorName(color))));
        return future;
    }
    const bool argo = release.routeKind == Core::RouteKind::ArgoRollout;
    const QString kind = argo ? QStringLiteral("ReplicaSet") : QStringLiteral("Deployment");
    const QString ns = release.namespaceName;
    const QString workloadPath =
        QStringLiteral("/apis/apps/v1/namespaces/%1/%2/%3")
            .arg(ns, argo ? QStringLiteral("replicasets") : QStringLiteral("deployments"), environment.deployment);
    auto result = std::make_shared<Core::EnvironmentPods>();
    result->workload = kind + QLatin1Char('/') + environment.deployment;
    const QString workloadName = environment.deployment;
    Core::onFinished(client->get(workloadPath), context, [=](const Result<Kube::Json> &workload) {
        if (!workload.ok()) {
            return finish(workload.error());
        }
        const QString selector = labelSelector(workload.value());
        if (selector.isEmpty()) {
            return finish(Core::makeError(
                ErrorKind::Protocol,
                QStringLiteral("%1 has no spec.selector.matchLabels to find its pods by").arg(result->workload)));
        }
        const QString podsPath = QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns);
        Core::onFinished(client->list(podsPath, selector), context, [=](const Result<Kube::ListResult> &pods) {
            if (!pods.ok()) {
                return finish(pods.error());
            }
            result->pods = podsFromItems(pods.value().items);
            QSet<QString> names{kind + QLatin1Char('/') + workloadName};
            for (const Core::PodInfo &pod : result->pods) {
                names.insert(QStringLiteral("Pod/") + pod.name);
            }
            const QString eventsPath =
                QStringLiteral("/api/v1/namespaces/%1/events?limit=500&fieldSelector=type%3DWarning").arg(ns);
            Core::onFinished(client->getRaw(eventsPath), context, [=](const Result<QByteArray> &events) {
                if (events.ok()) {
                    result->warnings = warningsAbout(events.value(), names);
                } else {
                    result->warningsProblem = events.error().message;
                }
                finish(*result);
            });
        });
    });
    return future;
}

} // namespace Curtain::Engine
