#pragma once

#include "core/action.h"
#include "core/plan.h"
#include "core/release.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace Curtain::Core {

// What an action changes when it moves traffic towards a version that is not the known-good one
// (the stable environment, or an Argo Rollout's stable revision): a person confirms it first.
struct UnprovenMove
{
    QString change; // "green v2.4.0 0 % → 100 %", "canary v4.2.0 20 % → 100 %, remaining steps skipped"
    QString verb;   // what the confirming button says: "Flip", "Set 25 %", "Promote full"
};

// nullopt for every move towards the known-good version — Rollback, Abort, Pause, a lower weight, a
// flip back to stable — which stay one click; and for an action that cannot be planned, whose
// refusal the engine reports without any change.
std::optional<UnprovenMove> unprovenMove(const ReleaseSnapshot &release, const ActionRequest &request);

// Starting a plan: it raises the candidate's weight step by step and promotes when every check
// passes, so it always moves towards the candidate.
UnprovenMove unprovenPlan(const ReleaseSnapshot &release, const Plan &plan);

// Whether a kubeconfig context is protected: it matches one of `patterns`, shell wildcards
// compared without regard to case ("*prod*" protects "prod-eu" and "eu-Production").
bool isProtectedContext(const QString &context, const QStringList &patterns);

// The patterns protected contexts match when the settings name none.
QStringList defaultProtectedContexts();

} // namespace Curtain::Core
