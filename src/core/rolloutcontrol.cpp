#include "core/rolloutcontrol.h"

#include "core/action.h"
#include "core/schemagate.h"

namespace Curtain::Core {

namespace {

QString revisionText(const ReplicaSetInfo &rs)
{
    return QStringLiteral("revision %1 (%2)").arg(rs.revision).arg(imageTag(rs.image));
}

const ReplicaSetInfo *revisionOf(const RolloutStatus &r, int revision)
{
    for (const ReplicaSetInfo &rs : r.replicaSets) {
        if (rs.revision == revision) {
            return &rs;
        }
    }
    return nullptr;
}

// The schema gate on a Rollout: an action that sends traffic to `target`'s pods asks whether the
// schema version they need is live. The question is put to Core::schemaGate on the release as it
// would be with `target` taking all traffic, so the refusals (the trap after a contract above all)
// read as they do for any route, and Rollback still goes while the database cannot be read.
std::optional<Error> rolloutSchemaRefusal(const ReleaseSnapshot &release, const ReplicaSetInfo &target, bool back)
{
    if (release.database.isEmpty() || target.schemaVersion.isEmpty()) {
        return std::nullopt;
    }
    const bool isStable = release.rollout && release.rollout->replicaSet(QStringLiteral("stable")) == &target;
    const Color color = isStable ? release.stable : otherColor(release.stable);
    ReleaseSnapshot probe = release;
    Environment &env = probe.environment(color);
    env.color = color;
    env.present = true;
    env.version = imageTag(target.image);
    env.schemaVersion = target.schemaVersion;
    env.trafficPercent = 0; // what it may have now does not matter: it is about to get everything
    probe.environment(otherColor(color)).trafficPercent = 100;
    TargetState all;
    all.blueWeight = color == Color::Blue ? 100 : 0;
    all.greenWeight = 100 - all.blueWeight;
    all.stable = color;
    return schemaGate(probe, int(back ? ActionKind::Rollback : ActionKind::Promote), all);
}

void gate(Capability &capability, const ReleaseSnapshot &release, const ReplicaSetInfo *target, bool back)
{
    if (!capability.enabled || !target) {
        return;
    }
    if (const std::optional<Error> refused = rolloutSchemaRefusal(release, *target, back)) {
        capability = {false, refused->message};
    }
}

// The revision that served before the stable one (a fully promoted Rollout's way back).
const ReplicaSetInfo *previousRevision(const RolloutStatus &r)
{
    const ReplicaSetInfo *stable = r.replicaSet(QStringLiteral("stable"));
    const ReplicaSetInfo *previous = nullptr;
    for (const ReplicaSetInfo &rs : r.replicaSets) {
        if (stable && rs.revision < stable->revision && (!previous || rs.revision > previous->revision)) {
            previous = &rs;
        }
    }
    return previous;
}

// Curtain's last Rollback left `previous` for the revision that is stable still: undoing to
// `previous` would undo that rollback. A later deploy (the same bad template again included) makes
// another revision stable, and the mark no longer applies.
bool rolledBackAlready(const RolloutStatus &r, const ReplicaSetInfo *previous)
{
    return previous && !r.rolledBackFrom.isEmpty() && !r.rolledBackTo.isEmpty() &&
           previous->podTemplateHash == r.rolledBackFrom && r.stableHash == r.rolledBackTo;
}

} // namespace

QString gitOpsNote()
{
    return QStringLiteral("If Git drives this Rollout (Argo CD, Flux), revert the change in Git too, or it will be "
                          "synced back.");
}

Result<RolloutRollback> planRolloutRollback(const ReleaseSnapshot &release)
{
    if (!release.rollout) {
        return makeError(ErrorKind::Refused, QStringLiteral("%1 is not an Argo Rollout").arg(release.name));
    }
    const RolloutStatus &r = *release.rollout;
    const ReplicaSetInfo *stable = r.replicaSet(QStringLiteral("stable"));
    if (!r.fullyPromoted()) {
        if (!stable) {
            return makeError(ErrorKind::Refused,
                             QStringLiteral("%1 has no stable ReplicaSet to return to (status.stableRS is \"%2\")")
                                 .arg(release.name, r.stableHash));
        }
        RolloutRollback plan{!r.aborted, stable->revision, false, {}};
        plan.description = QStringLiteral("%1undo the template to the stable %2")
                               .arg(plan.abort ? QStringLiteral("abort (traffic back to stable), then ") : QString(),
                                    revisionText(*stable));
        return plan;
    }
    // Fully promoted: roll back to the revision that served before this one.
    const ReplicaSetInfo *previous = previousRevision(r);
    if (!previous) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 has nothing to roll back: it runs %2 everywhere and keeps no earlier "
                                        "revision")
                             .arg(release.name, stable ? revisionText(*stable) : QStringLiteral("one revision")));
    }
    if (rolledBackAlready(r, previous)) {
        // Curtain's last Rollback came from there: going back to it would undo the rollback.
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 has nothing to roll back: it was rolled back from %2, and %3 serves all "
                                        "traffic; to run %2 again, undo to it (curtainctl undo %1 --to-revision %4)")
                             .arg(release.name, revisionText(*previous),
                                  stable ? revisionText(*stable) : QStringLiteral("the stable revision"))
                             .arg(previous->revision));
    }
    RolloutRollback plan{false, previous->revision, true, {}};
    plan.description = QStringLiteral("undo the template to the previous %1 and promote it at once, skipping the "
                                      "steps (it is known good)")
                           .arg(revisionText(*previous));
    return plan;
}

std::optional<Error> rolloutUndoRefusal(const ReleaseSnapshot &release, int revision)
{
    if (!release.rollout) {
        return std::nullopt;
    }
    // The ReplicaSet the undo puts back, chosen as the plugin does: the one of `revision`, or the
    // second newest for "previous" (replicaSets are newest first).
    const QList<ReplicaSetInfo> &sets = release.rollout->replicaSets;
    const ReplicaSetInfo *target =
        revision == 0 ? (sets.size() >= 2 ? &sets[1] : nullptr) : revisionOf(*release.rollout, revision);
    return target ? rolloutSchemaRefusal(release, *target, true) : std::nullopt;
}

Capabilities rolloutCapabilities(const ReleaseSnapshot &release)
{
    Capabilities caps;
    caps.setWeight = {false, QStringLiteral("Argo Rollouts owns the weights of %1: its steps set them. Use the step "
                                            "controls (Promote moves to the next step).")
                                 .arg(release.name)};
    caps.flip = {
        false,
        QStringLiteral("%1 is an Argo Rollout: Promote full switches to the new version at once").arg(release.name)};
    if (!release.problem.isEmpty() || !release.rollout) {
        const Capability off{false, release.problem.isEmpty() ? QStringLiteral("no Rollout status") : release.problem};
        for (Capability *c : {&caps.promote, &caps.rollback, &caps.promoteFull, &caps.abort, &caps.retry, &caps.pause,
                              &caps.resume, &caps.restart, &caps.undo}) {
            *c = off;
        }
        return caps;
    }
    const RolloutStatus &r = *release.rollout;
    const bool inFlight = !r.fullyPromoted();
    const Capability nothing{
        false, QStringLiteral("nothing to promote: %1 runs one revision everywhere").arg(release.name), true};
    const Capability aborted{false, QStringLiteral("aborted: Retry starts the steps again, Rollback returns to stable "
                                                   "for good")};
    caps.promote = !inFlight ? nothing : r.aborted ? aborted : Capability{true, {}};
    if (r.manuallyPaused) {
        caps.promote = {true, {}}; // promote also ends a manual pause, as the plugin's does
    }
    caps.promoteFull = !inFlight ? nothing : Capability{true, {}};
    caps.abort = !inFlight   ? Capability{false, QStringLiteral("nothing to abort: no update is in flight"), true}
                 : r.aborted ? Capability{false, QStringLiteral("already aborted"), true}
                             : Capability{true, {}};
    caps.retry = r.aborted && inFlight ? Capability{true, {}}
                                       : Capability{false, QStringLiteral("Retry restarts an aborted update; %1 is not "
                                                                          "aborted")
                                                               .arg(release.name)};
    caps.pause = r.manuallyPaused ? Capability{false, QStringLiteral("already paused"), true} : Capability{true, {}};
    // Resume ends a pause made by hand. A step's pause is not one (Promote ends it: refused, so a
    // pipeline does not take "resumed" for "moving"); a rollout not paused at all is already running.
    const bool running = r.status == QLatin1String("Healthy") || r.status == QLatin1String("Progressing");
    const QString notPaused = QStringLiteral("not paused: the rollout is %1").arg(r.status.toLower());
    const Capability stepPause{false, QStringLiteral("not paused by hand (a step's pause ends with Promote)")};
    caps.resume = r.manuallyPaused                      ? Capability{true, {}}
                  : running                             ? Capability{false, notPaused, true}
                  : r.status == QLatin1String("Paused") ? stepPause
                                                        : Capability{false, notPaused};
    caps.restart = {true, {}};
    caps.undo = r.replicaSets.size() >= 2 ? Capability{true, {}}
                                          : Capability{false, QStringLiteral("only one revision is kept")};
    const auto rollback = planRolloutRollback(release);
    if (rollback.ok()) {
        caps.rollback = {true, rollback.value().description};
    } else {
        // Rolled back by Curtain already: the way back it would take is the way it came.
        caps.rollback = {false, rollback.error().message,
                         r.fullyPromoted() && rolledBackAlready(r, previousRevision(r))};
    }
    // Each control that moves traffic towards a revision, through the schema gate.
    const ReplicaSetInfo *stableRs = r.replicaSet(QStringLiteral("stable"));
    const ReplicaSetInfo *candidateRs = r.replicaSet(QStringLiteral("canary"));
    if (!candidateRs) {
        candidateRs = r.replicaSet(QStringLiteral("preview"));
    }
    for (const ReplicaSetInfo &rs : r.replicaSets) {
        if (!candidateRs && !r.fullyPromoted() && rs.podTemplateHash == r.currentHash) {
            candidateRs = &rs; // a blue-green update without a preview Service: the new template's
        }
    }
    for (Capability *forward : {&caps.promote, &caps.promoteFull, &caps.retry}) {
        gate(*forward, release, candidateRs, false);
    }
    gate(caps.abort, release, stableRs, true);
    if (rollback.ok()) {
        gate(caps.rollback, release, revisionOf(r, rollback.value().undoRevision), true);
    }
    if (caps.undo.enabled) {
        if (const std::optional<Error> refused = rolloutUndoRefusal(release, 0)) {
            caps.undo = {false, refused->message};
        }
    }
    return caps;
}

} // namespace Curtain::Core
