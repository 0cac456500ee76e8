#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// An Argo Rollout as its kubectl plugin presents it: the value the adapter derives from the
// Rollout, its ReplicaSets and AnalysisRuns, and the console and curtainctl show.
namespace Curtain::Core {

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
    QString schemaVersion; // what its pods need of the release's database (see Environment::schemaVersion)
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

    // What the console's step control shows beside the plugin's fields.
    QStringList steps;           // each canary step in words: "setWeight 25", "pause 30s", "pause (until promoted)"
    int stepIndex = 0;           // status.currentStepIndex (nil = 0); == steps.size() when all are done
    bool aborted = false;        // status.abort
    bool manuallyPaused = false; // spec.paused
    QString stableHash;          // status.stableRS
    QString currentHash;         // status.currentPodHash
    QString rolledBackFrom;      // the pod-template-hash Curtain's last Rollback left (curtain.dev/rolled-back-from)
    QString rolledBackTo;        // and the one it went back to (curtain.dev/rolled-back-to)
    // Set when the controller has not caught up with a change (a new generation, an unpause): the
    // console shows "waiting for the controller" with how long it has been.
    QString waitingFor;

    bool fullyPromoted() const { return !stableHash.isEmpty() && stableHash == currentHash; }
    const ReplicaSetInfo *replicaSet(const QString &role) const
    {
        for (const ReplicaSetInfo &rs : replicaSets) {
            if (rs.roles.contains(role)) {
                return &rs;
            }
        }
        return nullptr;
    }
};

} // namespace Curtain::Core
