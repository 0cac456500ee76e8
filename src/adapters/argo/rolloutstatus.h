#pragma once

#include "core/result.h"
#include "kube/json.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace Curtain::Adapters::Argo {

// One ReplicaSet of a Rollout as the kubectl plugin shows it.
struct ReplicaSetInfo
{
    QString name;
    QString podTemplateHash;
    QStringList roles; // "stable", "canary", "active", "preview" (a ReplicaSet may be stable and active)
    QString health;    // Progressing, ReplicaFailure, ScaledDown, Healthy
    int revision = 0;
    int desired = 0;
    int ready = 0;
    int available = 0;
    QString image;
};

struct AnalysisRunInfo
{
    QString name;
    QString phase; // Pending, Running, Successful, Failed, Error, Inconclusive
    QString type;  // Step, Background, PrePromotion, PostPromotion (label rollout-type)
    QString message;
    int measurements = 0;
    QString lastValue; // the newest measurement's value, as the provider returned it
};

// The status of an Argo Rollout derived exactly as `kubectl argo rollouts get` does
// (rolloututil.GetRolloutPhase, then the info package's weights, steps and ReplicaSet roles).
struct RolloutStatus
{
    QString name;
    QString namespaceName;
    QString strategy; // Canary or BlueGreen
    QString status;   // Healthy, Progressing, Paused, Degraded
    QString message;
    QString step; // "i/n" for a canary, empty for blue-green
    int setWeight = 0;
    int actualWeight = 0;
    int desired = 1;
    int current = 0;
    int updated = 0;
    int ready = 0;
    int available = 0;
    QList<ReplicaSetInfo> replicaSets; // newest revision first
    QList<AnalysisRunInfo> analysisRuns;
    std::optional<QDateTime> pauseEndsAt; // a timed pause's end
    QString needsHuman;                   // why the rollout waits for a person, if it does
};

// Derives the status from a Rollout and the ReplicaSets and AnalysisRuns it owns (others are
// ignored). A Rollout the controller never reconciled, or with an unknown step type, is an error.
Core::Result<RolloutStatus> deriveRolloutStatus(const Kube::Json &rollout, const std::vector<Kube::Json> &replicaSets,
                                                const std::vector<Kube::Json> &analysisRuns);

// Argo's pause durations: an int, "30", or a Go duration ("10m", "1h30m", "1.5s"). nullopt: invalid.
std::optional<double> parseArgoDuration(const Kube::Json &value);

} // namespace Curtain::Adapters::Argo
