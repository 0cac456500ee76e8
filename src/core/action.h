#pragma once

#include "core/release.h"
#include "core/result.h"

#include <QString>

#include <optional>

namespace Curtain::Core {

enum class ActionKind {
    SetWeight,
    Promote,
    Flip,
    Rollback,
    // Argo Rollouts' own actions, sent as its kubectl plugin sends them.
    PromoteFull,
    Abort,
    Retry,
    Pause,
    Resume,
    Restart,
    Undo,
    SetImage,
    // Flagger: close every loadtester gate the Canary names, whoever opened it.
    CloseGates,
};

// Actions only a controller (Argo Rollouts) performs.
constexpr bool isControllerAction(ActionKind kind)
{
    return kind >= ActionKind::PromoteFull && kind != ActionKind::CloseGates;
}

QString actionName(ActionKind kind);
// The verb as the route's own tool says it: a Flagger canary is suspended and resumed, not paused.
QString actionNameOn(ActionKind kind, RouteKind route);
std::optional<ActionKind> parseActionName(const QString &name);

struct ActionRequest
{
    ActionKind kind = ActionKind::Rollback;
    QString release;
    int weight = 0;                  // SetWeight only
    QString expectedResourceVersion; // the route version the user looked at; empty = "whatever is current"
    bool fromPlan = false;           // sent by the plan driving the release (others are refused meanwhile)
    int revision = 0;                // Undo: the revision to return to; 0 = the previous one
    QString image = {};              // SetImage: "CONTAINER=IMAGE" (container "*" = every container)
    bool databaseRead = false;       // the engine read the release's database for this request already
};

// Where a route should end up: the whole state written in one conditional write.
struct TargetState
{
    int blueWeight = 0;
    int greenWeight = 0;
    Color stable = Color::Blue;
    std::optional<Color> previous;
    // Set by the engine when this write gives all traffic to a color that did not have it: written as
    // curtain.dev/switched-at, the start of the idle color's window and of the soak before a contract.
    // Not part of where the route ends up (==): a time is not a state to compare.
    QDateTime switchedAt;
    // The version `previous` served when it was replaced, written beside it (curtain.dev/previous-version)
    // so that a promote run again can tell a retry from a new version. Not part of ==, like switchedAt.
    QString previousVersion;
    QString previousTemplate; // and its pod template's fingerprint (Environment::templateHash)

    int weight(Color color) const { return color == Color::Blue ? blueWeight : greenWeight; }
    // True when everything goes to one color.
    bool isWhole() const { return blueWeight == 0 || greenWeight == 0; }
    bool operator==(const TargetState &other) const
    {
        return blueWeight == other.blueWeight && greenWeight == other.greenWeight && stable == other.stable &&
               previous == other.previous;
    }
};

struct ActionOutcome
{
    ActionRequest request;
    ReleaseSnapshot before;
    ReleaseSnapshot after;
    QString summary; // one sentence for the status bar and the CLI
    // False when the writes were accepted but the cluster has not shown their effect (an Argo
    // controller that did not react in time): sent, not confirmed.
    bool confirmed = true;
    // False when this action wrote nothing: the release was there already (a retry, or someone
    // else's change that got there first). Audited as "unchanged", not "applied".
    bool changed = true;
};

// Parses a weight as users type it ("25", "25%", " 5 "). Anything else, or outside 0–100, is an
// InvalidInput error that names the value and the allowed range.
Result<int> parseWeight(const QString &text);

// The candidate holds no traffic and is still the version the stable one replaced (a promote or
// flip happened, and nothing new was deployed on the idle color since): promoting it would be a
// rollback, so Promote plans no change.
bool isPromotedAlready(const ReleaseSnapshot &release);
QString promotedAlreadyText(const ReleaseSnapshot &release); // why Promote changes nothing then

// What every action but Rollback says while a plan driven by `driver` runs on the release, and why
// one asked for anyway (from curtainctl, or a second console) is refused.
Capability drivenByPlan(const QString &driver);
Error refusedWhileDriven(const QString &release, const QString &driver);

// The role and weight logic of DESIGN.md's actions, independent of how a route is written.
Result<TargetState> planAction(const ReleaseSnapshot &release, const ActionRequest &request);

// The state a snapshot is in now, in TargetState terms.
TargetState currentState(const ReleaseSnapshot &release);

// What the user may do with the release now, and why not.
Capabilities computeCapabilities(const ReleaseSnapshot &release);

// A one-line description of a state change, e.g. "catalog: green 25 % → 0 %, blue serves 100 %".
QString describeChange(const ReleaseSnapshot &before, const ReleaseSnapshot &after);

} // namespace Curtain::Core
