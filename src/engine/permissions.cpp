#include "engine/permissions.h"

#include "adapters/routeadapter.h"
#include "core/futures.h"
#include "kube/json.h"
#include "kube/kubeclient.h"

#include <QDateTime>

namespace Curtain::Engine {

using Kube::Json;

namespace {

constexpr qint64 rememberMs = 60'000; // permissions can change without any object changing

// The review's verdict; a cluster that cannot answer (no SSAR, a network blip) is not a "no": the
// write itself will get the server's verdict.
bool allowedIn(const Core::Result<Json> &answer)
{
    if (!answer.ok()) {
        return true;
    }
    const Json &review = answer.value();
    const auto status = review.find("status");
    if (status == review.end() || !status->is_object()) {
        return true;
    }
    const auto allowed = status->find("allowed");
    return allowed == status->end() || !allowed->is_boolean() || *allowed == true;
}

} // namespace

Permissions::Permissions(Kube::KubeClient *client, QObject *parent) : QObject(parent), m_client(client)
{}

void Permissions::ask(const QString &key, const Question &question)
{
    m_answers[key].pending = true;
    Json attributes = {{"namespace", question.namespaceName.toStdString()},
                       {"verb", question.verb.toStdString()},
                       {"group", question.group.toStdString()},
                       {"resource", question.resource.toStdString()}};
    if (!question.subresource.isEmpty()) {
        attributes["subresource"] = question.subresource.toStdString();
    }
    const Json review = {{"kind", "SelfSubjectAccessReview"},
                         {"apiVersion", "authorization.k8s.io/v1"},
                         {"spec", {{"resourceAttributes", attributes}}}};
    Core::onFinished(m_client->create(QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"),
                                      QByteArray::fromStdString(review.dump())),
                     this, [this, key](const Core::Result<Json> &answer) {
                         Answer &a = m_answers[key];
                         a.pending = false;
                         a.checkedMs = QDateTime::currentMSecsSinceEpoch();
                         a.allowed = allowedIn(answer);
                         a.reason = answer.ok() ? Kube::stringAt(answer.value(), "/status/reason") : QString();
                         Q_EMIT changed();
                     });
}

Permissions::Answer Permissions::answer(const Question &question)
{
    const QString key =
        QStringLiteral("%1|%2|%3|%4|%5")
            .arg(question.verb, question.group, question.resource, question.subresource, question.namespaceName);
    const Answer known = m_answers.value(key);
    if (!known.pending && QDateTime::currentMSecsSinceEpoch() - known.checkedMs > rememberMs) {
        ask(key, question);
    }
    return known;
}

void Permissions::apply(Core::ReleaseSnapshot &release)
{
    const Adapters::RouteAdapter *adapter = Adapters::adapterFor(release.routeKind);
    if (!adapter) {
        return;
    }
    if (release.canary) {
        applyGates(release);
    }
    const Answer known =
        answer({QStringLiteral("patch"), adapter->group(), adapter->resource(), {}, release.namespaceName});
    if (known.allowed) {
        return;
    }
    const QString what =
        QStringLiteral("patch %1%2 in namespace %3")
            .arg(adapter->resource(), adapter->group().isEmpty() ? QString() : QLatin1Char('.') + adapter->group(),
                 release.namespaceName);
    const QString reason =
        QStringLiteral("You may not %1, which this action needs%2.")
            .arg(what, known.reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(known.reason));
    Core::Capabilities &c = release.capabilities;
    // Argo's and Flagger's controllers own the weights: no permission would give a slider or a flip.
    const bool argo =
        release.routeKind == Core::RouteKind::ArgoRollout || release.routeKind == Core::RouteKind::FlaggerCanary;
    for (Core::Capability *capability : {&c.setWeight, &c.promote, &c.flip, &c.rollback, &c.scale}) {
        const bool structural =
            (capability == &c.setWeight && (release.routeKind == Core::RouteKind::ServiceSelector || argo)) ||
            (capability == &c.flip && argo);
        if (!structural) { // "use Flip" or "the controller owns the weights" says more than a permission would
            *capability = Core::Capability{false, reason};
        }
    }
    // The controller's own actions (Argo Rollouts) patch the same object.
    for (Core::Capability *capability :
         {&c.promoteFull, &c.abort, &c.retry, &c.pause, &c.resume, &c.restart, &c.undo}) {
        if (capability->enabled) {
            *capability = Core::Capability{false, reason};
        }
    }
}

// A loadtester gate is opened and closed through the API server's service proxy: a POST, which
// RBAC checks as `create services/proxy` in the loadtester's namespace.
void Permissions::applyGates(Core::ReleaseSnapshot &release)
{
    Core::Capabilities &c = release.capabilities;
    for (const Core::CanaryGate &gate : std::as_const(release.canary->gates)) {
        if (!gate.isManual()) {
            continue;
        }
        const Answer known = answer(
            {QStringLiteral("create"), {}, QStringLiteral("services"), QStringLiteral("proxy"), gate.serviceNamespace});
        if (known.allowed) {
            continue;
        }
        const QString reason =
            QStringLiteral("You may not create services/proxy in namespace %1, which opening and closing the gates of "
                           "%2 needs%3.")
                .arg(gate.serviceNamespace, gate.serviceName,
                     known.reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(known.reason));
        const bool rollbackGate = gate.type == QLatin1String("rollback");
        for (Core::Capability *capability : {&c.promote, &c.rollback, &c.closeGates}) {
            // Promote opens the gate it waits at (never a rollback gate), Rollback the rollback gate
            // (else it patches the Canary), CloseGates every gate.
            const bool uses = capability == &c.closeGates || (capability == &c.rollback) == rollbackGate;
            if (capability->enabled && uses) {
                *capability = Core::Capability{false, reason};
            }
        }
    }
}

} // namespace Curtain::Engine
