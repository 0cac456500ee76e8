#pragma once

#include "core/result.h"
#include "kube/json.h"
#include "kube/kubeclient.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace Curtain::Adapters::Argo {

// One request of an Argo action, exactly as the kubectl plugin sends it. Status patches go to the
// /status subresource first; a 404 there (a v0.9 controller without it) means sending `fallback`
// to the main resource instead.
struct ArgoWrite
{
    QString path;
    Kube::PatchType type = Kube::PatchType::Merge;
    Kube::Json body;
    std::optional<Kube::Json> fallback; // the unified patch for the main resource
};

struct ArgoPlan
{
    QList<ArgoWrite> writes; // in order
    QString skipped;         // why nothing needs writing (e.g. undo to the template already running)
};

QString rolloutPath(const Kube::Json &rollout);

// promote: end the current pause or skip the current step; --full: jump to the end.
Core::Result<ArgoPlan> planPromote(const Kube::Json &rollout, bool full);
ArgoPlan planAbort(const Kube::Json &rollout);
ArgoPlan planRetry(const Kube::Json &rollout);
ArgoPlan planPause(const Kube::Json &rollout);
ArgoPlan planRestart(const Kube::Json &rollout, const QDateTime &at);
// undo: the pod template of the ReplicaSet at `revision` (0 = the previous one), as a JSON patch.
Core::Result<ArgoPlan> planUndo(const Kube::Json &rollout, const std::vector<Kube::Json> &replicaSets, int revision);
// set image: the whole Rollout with the container's image replaced, for a PUT ("*" = every container).
Core::Result<Kube::Json> withImage(const Kube::Json &rollout, const QString &container, const QString &image);

} // namespace Curtain::Adapters::Argo
