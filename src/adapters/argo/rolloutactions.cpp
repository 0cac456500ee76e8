#include "adapters/argo/rolloutactions.h"

#include "adapters/conventions.h"
#include "kube/apinames.h"

#include <algorithm>
#include <climits>

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
    const QString name = Kube::objectName(rollout);
    for (const Kube::Reader &ref : Kube::Reader(rs).field("metadata").field("ownerReferences").items()) {
        if (ref.field("kind").string() == QLatin1String("Rollout") && ref.field("name").string() == name) {
            return true;
        }
    }
    return false;
}

bool manuallyPaused(const Json &rollout)
{
    return Kube::Reader(rollout).field("spec").field("paused").boolean();
}

} // namespace

QString rolloutPath(const Json &rollout)
{
    return QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/%1/rollouts/%2")
        .arg(Kube::pathSegment(Kube::objectNamespace(rollout)), Kube::pathSegment(Kube::objectName(rollout)));
}

Core::Result<ArgoPlan> planPromote(const Json &rollout, bool full)
{
    ArgoPlan plan;
    const Kube::Reader reader(rollout);
    const bool paused = manuallyPaused(rollout);
    const Kube::Reader status = reader.field("status");
    if (full) {
        if (status.field("currentPodHash").string() != status.field("stableRS").string()) {
            plan.writes.append(
                statusPatch(rollout, {{"promoteFull", true}}, paused ? Json{{"paused", false}} : Json()));
        }
    } else {
        const Kube::Reader canaryStrategy = reader.field("spec").field("strategy").field("canary");
        const bool canary = canaryStrategy.exists();
        const long long stepCount = (long long)canaryStrategy.field("steps").items().size();
        const bool noPauses = status.field("pauseConditions").items().empty();
        const long long index = std::min(status.field("currentStepIndex").integer(0, 0, INT_MAX), stepCount);
        const long long next = std::min<long long>(index + 1, stepCount);
        const bool inconclusiveStep =
            status.field("canary").field("currentStepAnalysisRunStatus").field("status").string() ==
            QLatin1String("Inconclusive");
        const Json unpause = paused ? Json{{"paused", false}} : Json();
        if (!reader.ok()) {
            return Core::makeError(Core::ErrorKind::InvalidInput,
                                   QStringLiteral("%1: %2").arg(Kube::objectName(rollout), reader.problem()));
        }
        if (canary && inconclusiveStep && !noPauses && status.field("controllerPause").boolean()) {
            plan.writes.append(statusPatch(
                rollout, {{"pauseConditions", nullptr}, {"controllerPause", false}, {"currentStepIndex", next}},
                unpause));
        } else if (!noPauses) {
            plan.writes.append(statusPatch(rollout, {{"pauseConditions", nullptr}}, unpause));
        } else if (canary && stepCount > 0 && !paused) {
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
    if (!manuallyPaused(rollout)) {
        return {{}, QStringLiteral("%1 is not paused by hand").arg(Kube::objectName(rollout))};
    }
    return {{specPatch(rollout, {{"paused", false}})}, {}};
}

ArgoPlan planRestart(const Json &rollout, const QDateTime &at)
{
    return {{specPatch(rollout, {{"restartAt", at.toUTC().toString(Qt::ISODate).toStdString()}})}, {}};
}

Core::Result<ArgoPlan> planUndo(const Json &rollout, const Kube::ObjectList &replicaSets, int revision)
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
    const Kube::Reader targetTemplate = Kube::Reader(*target).field("spec").field("template");
    Json templ = targetTemplate.isObject() ? *targetTemplate.json() : Json::object();
    if (const auto labels = templ.find("metadata"); labels != templ.end() && labels->is_object()) {
        if (const auto map = labels->find("labels"); map != labels->end() && map->is_object()) {
            map->erase(Conventions::podTemplateHashLabel.toStdString());
        }
    }
    const Kube::Reader current = Kube::Reader(rollout).field("spec").field("template");
    ArgoPlan plan;
    if (templ == (current.isObject() ? *current.json() : Json::object())) {
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
    const Kube::Reader podSpec = Kube::Reader(rollout).field("spec").field("template").field("spec");
    for (const char *list : {"initContainers", "containers", "ephemeralContainers"}) {
        const std::vector<Kube::Reader> containers = podSpec.field(list).items();
        for (std::size_t i = 0; i < containers.size(); ++i) {
            if (containers[i].isObject() &&
                (container == QLatin1String("*") || containers[i].field("name").string() == container)) {
                // Mutable subscripts on the copy, along a path the reader has just seen is there.
                updated["spec"]["template"]["spec"][list][i]["image"] = image.toStdString();
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

namespace {

// The undo's JSON patch also records the template it leaves and the one it returns to, in the same
// write: while that one is stable, a Rollback run again knows the revision before is the one it came
// from (Core::planRolloutRollback).
void markRolledBack(const Json &rollout, const Kube::ObjectList &replicaSets, int toRevision, ArgoWrite &undo)
{
    const QString left = Kube::Reader(rollout).field("status").field("currentPodHash").string();
    QString to;
    for (const Json &rs : replicaSets) {
        if (owns(rs, rollout) &&
            Kube::annotation(rs, QStringLiteral("rollout.argoproj.io/revision")).toInt() == toRevision) {
            to = Kube::label(rs, Conventions::podTemplateHashLabel);
        }
    }
    if (left.isEmpty() || to.isEmpty() || !undo.body.is_array()) {
        return;
    }
    const Json marks = {{Conventions::rolledBackFromAnnotation.toStdString(), left.toStdString()},
                        {Conventions::rolledBackToAnnotation.toStdString(), to.toStdString()}};
    if (Kube::Reader(rollout).field("metadata").field("annotations").isObject()) {
        for (const auto &[key, value] : marks.items()) {
            const std::string escaped =
                QString::fromStdString(key).replace(QLatin1Char('/'), QStringLiteral("~1")).toStdString();
            undo.body.push_back({{"op", "add"}, {"path", "/metadata/annotations/" + escaped}, {"value", value}});
        }
    } else {
        undo.body.push_back({{"op", "add"}, {"path", "/metadata/annotations"}, {"value", marks}});
    }
}

} // namespace

Core::Result<ArgoPlan> planRolloutAction(const Json &rollout, const Kube::ObjectList &replicaSets,
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
        ArgoPlan undone = undo.value();
        if (!undone.writes.isEmpty()) {
            markRolledBack(rollout, replicaSets, rollback.undoRevision, undone.writes.last());
        }
        plan.writes.append(undone.writes);
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
        if (updated.value() == rollout) {
            // The same image again changes nothing: the controller has no new revision to react
            // to, and waiting for one would end in a false "is Argo Rollouts running?".
            return ArgoPlan{{},
                            QStringLiteral("skipped set-image (%1 already runs %2 where asked; nothing was sent)")
                                .arg(Kube::objectName(rollout), request.image.mid(eq + 1))};
        }
        return ArgoPlan{{ArgoWrite{rolloutPath(rollout), Kube::PatchType::Merge, updated.value(), std::nullopt, true}},
                        {}};
    }
    case ActionKind::SetWeight:
    case ActionKind::Flip:
    case ActionKind::CloseGates:
        break;
    }
    return Core::makeError(Core::ErrorKind::Refused,
                           QStringLiteral("%1 is not an Argo Rollouts action").arg(Core::actionName(request.kind)));
}

} // namespace Curtain::Adapters::Argo
