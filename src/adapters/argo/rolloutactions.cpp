#include "adapters/argo/rolloutactions.h"

#include <algorithm>

namespace Curtain::Adapters::Argo {

using Kube::Json;

namespace {

ArgoWrite statusPatch(const Json &rollout, const Json &status, const Json &specPart = Json())
{
    Json unified = {{"status", status}};
    if (!specPart.is_null()) {
        unified["spec"] = specPart;
    }
    return {rolloutPath(rollout) + QStringLiteral("/status"), Kube::PatchType::Merge, {{"status", status}}, unified};
}

ArgoWrite specPatch(const Json &rollout, const Json &spec)
{
    return {rolloutPath(rollout), Kube::PatchType::Merge, {{"spec", spec}}, std::nullopt};
}

bool owns(const Json &rs, const Json &rollout)
{
    for (const Json &ref : rs.value(Json::json_pointer("/metadata/ownerReferences"), Json::array())) {
        if (ref.value("kind", "") == "Rollout" && ref.value("name", "") == rollout["metadata"].value("name", "")) {
            return true;
        }
    }
    return false;
}

} // namespace

QString rolloutPath(const Json &rollout)
{
    return QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/%1/rollouts/%2")
        .arg(Kube::objectNamespace(rollout), Kube::objectName(rollout));
}

Core::Result<ArgoPlan> planPromote(const Json &rollout, bool full)
{
    ArgoPlan plan;
    const bool paused = rollout.value(Json::json_pointer("/spec/paused"), false);
    const Json status = rollout.value("status", Json::object());
    if (full) {
        if (status.value("currentPodHash", "") != status.value("stableRS", "")) {
            plan.writes.append(
                statusPatch(rollout, {{"promoteFull", true}}, paused ? Json{{"paused", false}} : Json()));
        }
    } else {
        const bool canary = rollout.contains(Json::json_pointer("/spec/strategy/canary"));
        const Json steps = rollout.value(Json::json_pointer("/spec/strategy/canary/steps"), Json::array());
        const Json pauses = status.value("pauseConditions", Json::array());
        const long long index = std::min<long long>(status.value("currentStepIndex", 0LL), (long long)steps.size());
        const long long next = std::min<long long>(index + 1, (long long)steps.size());
        const bool inconclusiveStep = status.value(Json::json_pointer("/canary/currentStepAnalysisRunStatus/status"),
                                                   std::string()) == "Inconclusive";
        const Json unpause = paused ? Json{{"paused", false}} : Json();
        if (canary && inconclusiveStep && !pauses.empty() && status.value("controllerPause", false)) {
            plan.writes.append(statusPatch(
                rollout, {{"pauseConditions", nullptr}, {"controllerPause", false}, {"currentStepIndex", next}},
                unpause));
        } else if (!pauses.empty()) {
            plan.writes.append(statusPatch(rollout, {{"pauseConditions", nullptr}}, unpause));
        } else if (canary && !steps.empty() && !paused) {
            // Not paused: promote skips the step in progress (an analysis or an experiment).
            plan.writes.append(statusPatch(rollout, {{"pauseConditions", nullptr}, {"currentStepIndex", next}}));
        }
    }
    if (paused) {
        plan.writes.append(specPatch(rollout, {{"paused", false}}));
    }
    if (plan.writes.isEmpty()) {
        plan.skipped = QStringLiteral("%1 is not paused and has no step to skip").arg(Kube::objectName(rollout));
    }
    return plan;
}

ArgoPlan planAbort(const Json &rollout)
{
    return {{statusPatch(rollout, {{"abort", true}})}, {}};
}

ArgoPlan planRetry(const Json &rollout)
{
    return {{statusPatch(rollout, {{"abort", false}})}, {}};
}

ArgoPlan planPause(const Json &rollout)
{
    return {{specPatch(rollout, {{"paused", true}})}, {}};
}

ArgoPlan planResume(const Json &rollout)
{
    if (!rollout.value(Json::json_pointer("/spec/paused"), false)) {
        return {{}, QStringLiteral("%1 is not paused by hand").arg(Kube::objectName(rollout))};
    }
    return {{specPatch(rollout, {{"paused", false}})}, {}};
}

ArgoPlan planRestart(const Json &rollout, const QDateTime &at)
{
    return {{specPatch(rollout, {{"restartAt", at.toUTC().toString(Qt::ISODate).toStdString()}})}, {}};
}

Core::Result<ArgoPlan> planUndo(const Json &rollout, const std::vector<Json> &replicaSets, int revision)
{
    std::vector<std::pair<int, const Json *>> owned;
    for (const Json &rs : replicaSets) {
        if (owns(rs, rollout)) {
            owned.emplace_back(Kube::annotation(rs, QStringLiteral("rollout.argoproj.io/revision")).toInt(), &rs);
        }
    }
    std::sort(owned.begin(), owned.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    const Json *target = nullptr;
    if (revision == 0) {
        target = owned.size() >= 2 ? owned[1].second : nullptr; // the previous revision
    } else {
        for (const auto &[r, rs] : owned) {
            if (r == revision) {
                target = rs;
            }
        }
    }
    if (!target) {
        QStringList known;
        for (const auto &[r, rs] : owned) {
            known << QString::number(r);
        }
        return Core::makeError(Core::ErrorKind::NotFound,
                               QStringLiteral("%1 has no ReplicaSet for revision %2 to undo to (revisions kept: %3)")
                                   .arg(Kube::objectName(rollout),
                                        revision == 0 ? QStringLiteral("\"previous\"") : QString::number(revision),
                                        known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
    }
    Json templ = target->value(Json::json_pointer("/spec/template"), Json::object());
    if (templ.contains(Json::json_pointer("/metadata/labels"))) {
        templ["metadata"]["labels"].erase("rollouts-pod-template-hash");
    }
    ArgoPlan plan;
    if (templ == rollout.value(Json::json_pointer("/spec/template"), Json::object())) {
        plan.skipped = QStringLiteral("skipped rollback (current template already matches revision %1)")
                           .arg(Kube::annotation(*target, QStringLiteral("rollout.argoproj.io/revision")));
        return plan;
    }
    plan.writes.append({rolloutPath(rollout), Kube::PatchType::Json,
                        Json::array({{{"op", "replace"}, {"path", "/spec/template"}, {"value", templ}}}),
                        std::nullopt});
    return plan;
}

Core::Result<Json> withImage(const Json &rollout, const QString &container, const QString &image)
{
    Json updated = rollout;
    bool found = false;
    for (const char *list : {"initContainers", "containers", "ephemeralContainers"}) {
        const Json::json_pointer pointer("/spec/template/spec/" + std::string(list));
        if (!updated.contains(pointer)) {
            continue;
        }
        for (Json &c : updated.at(pointer)) {
            if (container == QLatin1String("*") || c.value("name", "") == container.toStdString()) {
                c["image"] = image.toStdString();
                found = true;
            }
        }
    }
    if (!found) {
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("%1 has no container named \"%2\"").arg(Kube::objectName(rollout), container));
    }
    return updated;
}

Core::Result<ArgoPlan> planRolloutAction(const Json &rollout, const std::vector<Json> &replicaSets,
                                         const Core::ActionRequest &request, const Core::RolloutRollback &rollback,
                                         const QDateTime &now)
{
    using Core::ActionKind;
    switch (request.kind) {
    case ActionKind::Promote:
        return planPromote(rollout, false);
    case ActionKind::PromoteFull:
        return planPromote(rollout, true);
    case ActionKind::Abort:
        return planAbort(rollout);
    case ActionKind::Retry:
        return planRetry(rollout);
    case ActionKind::Pause:
        return planPause(rollout);
    case ActionKind::Resume:
        return planResume(rollout);
    case ActionKind::Restart:
        return planRestart(rollout, now);
    case ActionKind::Undo:
        return planUndo(rollout, replicaSets, request.revision);
    case ActionKind::Rollback: {
        const auto undo = planUndo(rollout, replicaSets, rollback.undoRevision);
        if (!undo.ok()) {
            return undo.error();
        }
        ArgoPlan plan;
        if (rollback.abort) {
            plan.writes.append(planAbort(rollout).writes);
        }
        plan.writes.append(undo.value().writes);
        if (rollback.promoteFull && !undo.value().writes.isEmpty()) {
            // A template change resets status.promoteFull: it must follow the controller's reset.
            ArgoWrite full = statusPatch(rollout, {{"promoteFull", true}});
            full.afterController = true;
            plan.writes.append(full);
        }
        plan.skipped = plan.writes.isEmpty() ? undo.value().skipped : QString();
        return plan;
    }
    case ActionKind::SetImage: {
        const qsizetype eq = request.image.indexOf(QLatin1Char('='));
        if (eq <= 0 || eq == request.image.size() - 1) {
            return Core::makeError(
                Core::ErrorKind::InvalidInput,
                QStringLiteral("set-image needs CONTAINER=IMAGE (e.g. payments=registry/payments:v2, "
                               "or *=IMAGE for every container), not \"%1\"")
                    .arg(request.image));
        }
        const auto updated = withImage(rollout, request.image.left(eq), request.image.mid(eq + 1));
        if (!updated.ok()) {
            return updated.error();
        }
        return ArgoPlan{{ArgoWrite{rolloutPath(rollout), Kube::PatchType::Merge, updated.value(), std::nullopt, true}},
                        {}};
    }
    case ActionKind::SetWeight:
    case ActionKind::Flip:
        break;
    }
    return Core::makeError(Core::ErrorKind::Refused,
                           QStringLiteral("%1 is not an Argo Rollouts action").arg(Core::actionName(request.kind)));
}

} // namespace Curtain::Adapters::Argo
