#pragma once

#include "core/action.h"
#include "core/result.h"
#include "core/rolloutcontrol.h"
#include "kube/kubeclient.h"
#include "kube/objectlist.h"

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
    bool replace = false;               // a PUT of the whole object in `body` (set image), not a patch
    bool afterController = false;       // send only once the controller has observed the writes before it
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
Core::Result<ArgoPlan> planUndo(const Kube::Json &rollout, const Kube::ObjectList &replicaSets, int revision);
// set image: the whole Rollout with the container's image replaced, for a PUT ("*" = every container).
Core::Result<Kube::Json> withImage(const Kube::Json &rollout, const QString &container, const QString &image);
// resume: end a manual pause ({"spec":{"paused":false}}); nothing to write when not paused.
ArgoPlan planResume(const Kube::Json &rollout);

// The writes of one console or curtainctl action on a Rollout. Rollback is `rollback` (abort when
// a canary or preview is in flight, then undo to its revision); SetImage reads "CONTAINER=IMAGE".
Core::Result<ArgoPlan> planRolloutAction(const Kube::Json &rollout, const Kube::ObjectList &replicaSets,
                                         const Core::ActionRequest &request, const Core::RolloutRollback &rollback,
                                         const QDateTime &now);

} // namespace Curtain::Adapters::Argo
