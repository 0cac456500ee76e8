#pragma once

#include "core/release.h"
#include "core/result.h"

// What a person may do with an Argo Rollout now, and what Curtain's one-click Rollback means for
// one: Argo's abort only moves traffic back (the Rollout stays Degraded on the new template), so
// Curtain aborts and then undoes the template to the stable revision, as Argo's own help advises.
// After a full promotion, Rollback undoes to the revision before and promotes it at once: it is
// known good, and a blue-green's old ReplicaSet still has its pods during the scale-down delay, so
// the switch back is instant (what Argo's rollbackWindow does for canaries).
namespace Curtain::Core {

Capabilities rolloutCapabilities(const ReleaseSnapshot &release);

struct RolloutRollback
{
    bool abort = false;       // send abort first (a canary or preview is in flight)
    int undoRevision = 0;     // then undo the template to this revision
    bool promoteFull = false; // and, once the controller has taken the undo, skip its steps (known good)
    QString description;      // for the button's tooltip, the confirmation line and the CLI
};

Result<RolloutRollback> planRolloutRollback(const ReleaseSnapshot &release);

// Why an undo to `revision` (0: the previous one) would break the pods it brings back — their schema
// version is not live on the release's database — or nothing.
std::optional<Error> rolloutUndoRefusal(const ReleaseSnapshot &release, int revision);

// Said wherever Rollback on a Rollout is offered: a GitOps tool would sync the new version back.
QString gitOpsNote();

} // namespace Curtain::Core
