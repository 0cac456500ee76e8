#pragma once

#include "core/result.h"
#include "core/rollout.h"
#include "kube/objectlist.h"

#include <optional>
#include <vector>

namespace Curtain::Adapters::Argo {

using Core::AnalysisRunInfo;
using Core::ReplicaSetInfo;
using Core::RolloutStatus;

// Derives the status from a Rollout and the ReplicaSets and AnalysisRuns it owns (others are
// ignored). A Rollout the controller never reconciled, or with an unknown step type, is an error.
// A malformed Rollout is an error naming the field ("Rollout shop/web: status.currentStepIndex is -1, …").
Core::Result<RolloutStatus> deriveRolloutStatus(const Kube::Json &rollout, const Kube::ObjectList &replicaSets,
                                                const Kube::ObjectList &analysisRuns);
// The same, recording a malformed field on `rollout` (for the adapters' read boundary to name).
Core::Result<RolloutStatus> deriveRolloutStatus(const Kube::Reader &rollout, const Kube::ObjectList &replicaSets,
                                                const Kube::ObjectList &analysisRuns);

// Argo's pause durations: an int, "30", or a Go duration ("10m", "1h30m", "1.5s"). nullopt: invalid,
// negative, or longer than a Go duration can be (about 292 years).
std::optional<double> parseArgoDuration(const Kube::Json &value);

} // namespace Curtain::Adapters::Argo
