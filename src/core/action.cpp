#include "core/action.h"

#include "core/canarycontrol.h"
#include "core/capacity.h"
#include "core/rolloutcontrol.h"
#include "core/schemagate.h"

#include <algorithm>

namespace Curtain::Core {

QString actionName(ActionKind kind)
{
    switch (kind) {
    case ActionKind::SetWeight:
        return QStringLiteral("set-weight");
    case ActionKind::Promote:
        return QStringLiteral("promote");
    case ActionKind::Flip:
        return QStringLiteral("flip");
    case ActionKind::Rollback:
        return QStringLiteral("rollback");
    case ActionKind::PromoteFull:
        return QStringLiteral("promote-full");
    case ActionKind::Abort:
        return QStringLiteral("abort");
    case ActionKind::Retry:
        return QStringLiteral("retry");
    case ActionKind::Pause:
        return QStringLiteral("pause");
    case ActionKind::Resume:
        return QStringLiteral("resume");
    case ActionKind::Restart:
        return QStringLiteral("restart");
    case ActionKind::Undo:
        return QStringLiteral("undo");
    case ActionKind::SetImage:
        return QStringLiteral("set-image");
    case ActionKind::CloseGates:
        return QStringLiteral("close-gates");
    }
    return {};
}

QString actionNameOn(ActionKind kind, RouteKind route)
{
    if (route == RouteKind::FlaggerCanary && kind == ActionKind::Pause) {
        return QStringLiteral("suspend");
    }
    return actionName(kind);
}

std::optional<ActionKind> parseActionName(const QString &name)
{
    if (name == QLatin1String("suspend")) {
        return ActionKind::Pause; // Flagger's word for it (spec.suspend)
    }
    for (ActionKind kind :
         {ActionKind::SetWeight, ActionKind::Promote, ActionKind::Flip, ActionKind::Rollback, ActionKind::PromoteFull,
          ActionKind::Abort, ActionKind::Retry, ActionKind::Pause, ActionKind::Resume, ActionKind::Restart,
          ActionKind::Undo, ActionKind::SetImage, ActionKind::CloseGates}) {
        if (actionName(kind) == name) {
            return kind;
        }
    }
    return std::nullopt;
}

Result<int> parseWeight(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.endsWith(QLatin1Char('%'))) {
        trimmed.chop(1);
        trimmed = trimmed.trimmed();
    }
    bool isNumber = false;
    const int weight = trimmed.toInt(&isNumber);
    if (!isNumber) {
        return makeError(
            ErrorKind::InvalidInput,
            QStringLiteral("weight \"%1\" is not a whole number; give a percentage from 0 to 100, e.g. 25").arg(text));
    }
    if (weight < 0 || weight > 100) {
        return makeError(
            ErrorKind::InvalidInput,
            QStringLiteral("weight %1 is outside 0–100; the candidate's share is a percentage").arg(weight));
    }
    return weight;
}

TargetState currentState(const ReleaseSnapshot &release)
{
    return TargetState{release.blue.trafficPercent, release.green.trafficPercent, release.stable, release.previous, {},
                       release.previousVersion,     release.previousTemplate};
}

namespace {

TargetState allTo(Color color, std::optional<Color> previous)
{
    TargetState state;
    state.blueWeight = color == Color::Blue ? 100 : 0;
    state.greenWeight = color == Color::Green ? 100 : 0;
    state.stable = color;
    state.previous = previous;
    return state;
}

// All traffic to `color`, and `replaced` remembered as the previous color with the version it serves
// now (unless that is unknown: then no retry of a promote can be told from a new version).
TargetState replacing(const ReleaseSnapshot &release, Color color, Color replaced)
{
    TargetState state = allTo(color, replaced);
    const QString version = release.environment(replaced).version;
    if (version != QLatin1String("unknown")) {
        state.previousVersion = version;
        state.previousTemplate = release.environment(replaced).templateHash;
    }
    return state;
}

// " -n NS" for a command the user is told to run: the release's namespace may not be their default.
QString namespaceFlag(const ReleaseSnapshot &release)
{
    return release.namespaceName.isEmpty() ? QString() : QStringLiteral(" -n %1").arg(release.namespaceName);
}

std::optional<Error> requireReady(const ReleaseSnapshot &release, Color color, const QString &action)
{
    const Environment &env = release.environment(color);
    if (!env.present) {
        return makeError(ErrorKind::Refused, QStringLiteral("cannot %1 %2: the %3 environment has no Deployment")
                                                 .arg(action, release.name, colorName(color)));
    }
    if (env.deleting) {
        // Its pods still answer, but not for long: whatever moved there would be dropped with them.
        return makeError(ErrorKind::Refused,
                         QStringLiteral("cannot %1 %2: %3's Deployment %4 is %5, and no traffic may move to what is "
                                        "going away (deploy %3 again first)")
                             .arg(action, release.name, colorName(color), env.deployment, env.rolloutMessage));
    }
    if (env.readyReplicas == 0 && env.desiredReplicas == 0) {
        // Scaled to zero: waiting would never end. The way out is the command that sizes it.
        const int size = std::max(1, release.environment(otherColor(color)).desiredReplicas);
        return makeError(ErrorKind::Refused,
                         QStringLiteral("cannot %1 %2: %3 (%4) is scaled to 0 replicas; scale it up first "
                                        "(curtainctl scale %2 %3 %5%6), then try again once they are ready")
                             .arg(action, release.name, colorName(color), env.version)
                             .arg(size)
                             .arg(namespaceFlag(release)));
    }
    if (env.readyReplicas == 0) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("cannot %1 %2: %3 (%4) has 0 of %5 replicas ready; wait until it is ready")
                             .arg(action, release.name, colorName(color), env.version)
                             .arg(env.desiredReplicas));
    }
    return std::nullopt;
}

// A flip or a promote sends everything at once: the color taking it over must be able to carry what
// the other color carries now. (A rollback is exempt: the way back always goes.)
std::optional<Error> requireCapacity(const ReleaseSnapshot &release, const std::optional<CapacityShortfall> &shortfall,
                                     const QString &verb)
{
    if (!shortfall) {
        return std::nullopt;
    }
    const Color target = shortfall->target;
    const Color serving = shortfall->serving;
    const Environment &to = release.environment(target);
    const Environment &from = release.environment(serving);
    const int needed = shortfall->needed;
    return makeError(
        ErrorKind::Refused,
        QStringLiteral("cannot %12 %1: %2 (%3) has %4 ready %5, and %6 (%7) carries %11 on %8; "
                       "scale %2 to %8 first — curtainctl scale %1 %2 %8%10 (or kubectl scale deployment %9 "
                       "--replicas=%8%10) — and %12 when they are ready; or both in one step: curtainctl %12 %1 "
                       "--scale-first%10")
            .arg(release.name, colorName(target), to.version)
            .arg(to.readyReplicas)
            .arg(to.readyReplicas == 1 ? QStringLiteral("replica") : QStringLiteral("replicas"))
            .arg(colorName(serving), from.version)
            .arg(needed)
            .arg(to.deployment.isEmpty() ? release.name + QLatin1Char('-') + colorName(target) : to.deployment,
                 namespaceFlag(release))
            .arg(from.trafficPercent == 100 ? QStringLiteral("all traffic")
                                            : QStringLiteral("%1 % of the traffic").arg(from.trafficPercent),
                 verb));
}

} // namespace

namespace {

// What the action would make of the roles and weights. With `checkColors`, the color it moves
// traffic to must also be ready (and, for a flip, big enough).
Result<TargetState> planRoles(const ReleaseSnapshot &release, const ActionRequest &request, bool checkColors)
{
    if (!release.problem.isEmpty()) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 cannot be changed: %2").arg(release.name, release.problem));
    }
    if (release.routeKind == RouteKind::ArgoRollout) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 is an Argo Rollout: its controller moves the traffic, Curtain sends the "
                                        "controller's own actions instead")
                             .arg(release.name));
    }
    if (release.routeKind == RouteKind::FlaggerCanary) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 is a Flagger canary: Flagger moves the traffic, Curtain opens its gates "
                                        "instead")
                             .arg(release.name));
    }
    if (request.kind == ActionKind::CloseGates) {
        return makeError(ErrorKind::Refused,
                         QStringLiteral("close-gates closes a Flagger canary's loadtester gates, and %1 is routed by a "
                                        "%2")
                             .arg(release.name, routeKindName(release.routeKind)));
    }
    if (isControllerAction(request.kind)) {
        const bool flaggerToo = request.kind == ActionKind::Pause || request.kind == ActionKind::Resume;
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 is an Argo Rollouts action%2, and %3 is routed by its %4; use "
                                        "set-weight, promote, flip or rollback (a plan has its own pause and resume)")
                             .arg(actionName(request.kind),
                                  flaggerToo ? QStringLiteral(" (and a Flagger canary's: suspend, resume)") : QString(),
                                  release.name, routeKindName(release.routeKind)));
    }
    const auto readyFor = [&release, checkColors](Color color, const QString &action) {
        return checkColors ? requireReady(release, color, action) : std::nullopt;
    };
    const auto bigEnough = [&release, checkColors](const std::optional<CapacityShortfall> &shortfall,
                                                   const QString &verb) {
        return checkColors ? requireCapacity(release, shortfall, verb) : std::nullopt;
    };
    const Color stable = release.stable;
    const Color candidate = release.candidate();
    switch (request.kind) {
    case ActionKind::SetWeight: {
        if (release.routeKind == RouteKind::ServiceSelector) {
            return makeError(ErrorKind::Refused,
                             QStringLiteral("%1 is routed by a Service selector, which sends all traffic to one color; "
                                            "use flip instead of a weight")
                                 .arg(release.name));
        }
        if (request.weight < 0 || request.weight > 100) {
            return makeError(ErrorKind::InvalidInput,
                             QStringLiteral("weight %1 is outside 0–100; the candidate's share is a percentage")
                                 .arg(request.weight));
        }
        if (request.weight > 0) {
            if (auto error = readyFor(candidate, QStringLiteral("send traffic to"))) {
                return *error;
            }
        }
        TargetState state = currentState(release);
        state.stable = stable;
        (candidate == Color::Blue ? state.blueWeight : state.greenWeight) = request.weight;
        (stable == Color::Blue ? state.blueWeight : state.greenWeight) = 100 - request.weight;
        return state;
    }
    case ActionKind::Promote:
        if (isPromotedAlready(release)) {
            // Promoting again would hand everything back to the version just replaced: a retried
            // pipeline step must not roll production back. Going back is Rollback's (or Flip's).
            return currentState(release);
        }
        if (auto error = readyFor(candidate, QStringLiteral("promote"))) {
            return *error;
        }
        if (auto error = bigEnough(promoteShortfall(release), QStringLiteral("promote"))) {
            return *error;
        }
        return replacing(release, candidate, stable);
    case ActionKind::Flip: {
        // Flip moves everything to the environment that is not serving the majority now.
        const Color serving = release.blue.trafficPercent >= release.green.trafficPercent ? Color::Blue : Color::Green;
        const Color target = otherColor(serving);
        if (auto error = readyFor(target, QStringLiteral("flip"))) {
            return *error;
        }
        if (auto error = bigEnough(flipShortfall(release), QStringLiteral("flip"))) {
            return *error;
        }
        // Back to stable from a candidate that carried most traffic: the candidate was never
        // promoted, so it is no "version replaced" (Promote of it stays a promote).
        return target == stable ? allTo(target, std::nullopt) : replacing(release, target, serving);
    }
    case ActionKind::Rollback: {
        if (release.candidateWeight() > 0) {
            // A canary (or an unpromoted 100 %) is in flight: everything back to stable.
            return allTo(stable, std::nullopt);
        }
        if (release.previous && *release.previous != stable) {
            const Color target = *release.previous;
            if (auto error = readyFor(target, QStringLiteral("roll back"))) {
                return *error;
            }
            return allTo(target, std::nullopt);
        }
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 has nothing to roll back: %2 (%3) serves all traffic "
                                        "and no earlier environment is recorded")
                             .arg(release.name, colorName(stable), release.environment(stable).version));
    }
    case ActionKind::PromoteFull:
    case ActionKind::Abort:
    case ActionKind::Retry:
    case ActionKind::Pause:
    case ActionKind::Resume:
    case ActionKind::Restart:
    case ActionKind::Undo:
    case ActionKind::SetImage:
    case ActionKind::CloseGates:
        break; // refused above
    }
    return makeError(ErrorKind::InvalidInput, QStringLiteral("unknown action"));
}

} // namespace

bool isPromotedAlready(const ReleaseSnapshot &release)
{
    // The same version string is not enough: a mutable tag (latest), an unbumped label or a new env
    // roll out a new build under it. The pod template must be the one replaced, too, when recorded.
    const Color candidate = release.candidate();
    const Environment &idle = release.environment(candidate);
    const bool sameTemplate = release.previousTemplate.isEmpty() || idle.templateHash == release.previousTemplate;
    return release.candidateWeight() == 0 && release.previous == candidate && !release.previousVersion.isEmpty() &&
           idle.version == release.previousVersion && sameTemplate;
}

QString promotedAlreadyText(const ReleaseSnapshot &release)
{
    const Color replaced = release.candidate();
    return QStringLiteral("%1 is promoted already: %2 (%3) serves all traffic, and %4 still runs %5, the version it "
                          "replaced; promoting that would be a rollback (Rollback goes back; deploy a new version on "
                          "%4 to promote it)")
        .arg(release.name, colorName(release.stable), release.environment(release.stable).version, colorName(replaced),
             release.previousVersion);
}

Result<TargetState> planAction(const ReleaseSnapshot &release, const ActionRequest &request)
{
    const Result<TargetState> intended = planRoles(release, request, false);
    if (!intended.ok()) {
        return intended;
    }
    // Roles and weights allow it; the database may not (a color on a schema version that is not
    // there). Asked before the colors' readiness: when the schema forbids the move, "wait until it
    // is ready" would send the user waiting for nothing.
    if (std::optional<Error> refused = schemaGate(release, int(request.kind), intended.value())) {
        return *refused;
    }
    return planRoles(release, request, true);
}

Capability drivenByPlan(const QString &driver)
{
    return {false,
            QStringLiteral("A plan driven by %1 is running; stop it first (Rollback always works and ends the plan)")
                .arg(driver)};
}

Error refusedWhileDriven(const QString &release, const QString &driver)
{
    return makeError(ErrorKind::Refused, QStringLiteral("%1 is driven by a plan (%2); stop the plan first, or press "
                                                        "Rollback, which always works and ends it")
                                             .arg(release, driver));
}

Capabilities computeCapabilities(const ReleaseSnapshot &release)
{
    if (release.routeKind == RouteKind::ArgoRollout) {
        return rolloutCapabilities(release);
    }
    if (release.routeKind == RouteKind::FlaggerCanary) {
        return canaryCapabilities(release);
    }
    Capabilities caps;
    const Capability argoOnly{false, QStringLiteral("Argo Rollouts only")};
    for (Capability *c :
         {&caps.promoteFull, &caps.abort, &caps.retry, &caps.pause, &caps.resume, &caps.restart, &caps.undo}) {
        *c = argoOnly;
    }
    auto probe = [&](ActionKind kind, int weight = 0) {
        ActionRequest request{kind, release.name, weight, {}};
        const Result<TargetState> plan = planAction(release, request);
        if (!plan.ok()) {
            return Capability{false, plan.error().message};
        }
        if (plan.value() == currentState(release)) {
            return Capability{false,
                              kind == ActionKind::Promote && isPromotedAlready(release)
                                  ? promotedAlreadyText(release)
                                  : QStringLiteral("nothing to change"),
                              true};
        }
        return Capability{true, {}};
    };
    if (release.routeKind == RouteKind::ServiceSelector) {
        caps.setWeight = {false, QStringLiteral("A Service selector sends all traffic to one color: use Flip. "
                                                "Route %1 through an HTTPRoute to split traffic by weight.")
                                     .arg(release.name)};
    } else if (!release.problem.isEmpty()) {
        caps.setWeight = {false, release.problem};
    } else {
        caps.setWeight = {true, {}};
    }
    caps.promote = probe(ActionKind::Promote);
    caps.flip = probe(ActionKind::Flip);
    caps.rollback = probe(ActionKind::Rollback);
    caps.scale = release.problem.isEmpty() ? Capability{true, {}} : Capability{false, release.problem};
    if (!release.planDriver.isEmpty()) {
        // A running plan owns the weights; hands off, except the one button that must always work.
        const Capability driven = drivenByPlan(release.planDriver);
        caps.setWeight = caps.setWeight.enabled ? driven : caps.setWeight;
        caps.promote = caps.promote.enabled ? driven : caps.promote;
        caps.flip = caps.flip.enabled ? driven : caps.flip;
        caps.scale = caps.scale.enabled ? driven : caps.scale;
    }
    return caps;
}

QString describeChange(const ReleaseSnapshot &before, const ReleaseSnapshot &after)
{
    QStringList parts;
    for (Color color : {Color::Blue, Color::Green}) {
        const int was = before.environment(color).trafficPercent;
        const int now = after.environment(color).trafficPercent;
        if (was != now) {
            parts << QStringLiteral("%1 %2 % → %3 %").arg(colorName(color)).arg(was).arg(now);
        }
    }
    if (before.stable != after.stable) {
        parts << QStringLiteral("stable is now %1 (%2)")
                     .arg(colorName(after.stable), after.environment(after.stable).version);
    }
    if (parts.isEmpty()) {
        return QStringLiteral("%1: no change").arg(after.name);
    }
    return QStringLiteral("%1: %2").arg(after.name, parts.join(QStringLiteral(", ")));
}

} // namespace Curtain::Core
