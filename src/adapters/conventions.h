#pragma once

#include <QString>

// How Curtain recognises a release on a cluster (documented in the README, "Labels"):
//   curtain.dev/release=<name>  on the route, on each color's Deployment and on each color's Service
//   curtain.dev/color=blue|green on each color's Deployment (and its pods) and each color's Service
// The route remembers roles in annotations, so every console and curtainctl read the same state.
namespace Curtain::Adapters::Conventions {

inline const QString releaseLabel = QStringLiteral("curtain.dev/release");
inline const QString colorLabel = QStringLiteral("curtain.dev/color");
inline const QString stableAnnotation = QStringLiteral("curtain.dev/stable-color");
inline const QString previousAnnotation = QStringLiteral("curtain.dev/previous-color");
// The version the previous color served when it was replaced: a promote run again finds the candidate
// is that version still (a retry, which must not roll back), not a new one deployed on the idle color.
inline const QString previousVersionAnnotation = QStringLiteral("curtain.dev/previous-version");
// …and that color's pod template then (a hash): the same version string rolled out again is new.
inline const QString previousTemplateAnnotation = QStringLiteral("curtain.dev/previous-template");
// When the serving color took all traffic (RFC 3339, UTC), written with the flip, promote or rollback
// that did it and removed while traffic is split: how long the idle color has waited, and the soak.
inline const QString switchedAtAnnotation = QStringLiteral("curtain.dev/switched-at");
inline const QString planAnnotation = QStringLiteral("curtain.dev/plan");                  // the saved plan
inline const QString planProgressAnnotation = QStringLiteral("curtain.dev/plan-progress"); // where it is
// Istio: which DestinationRule subset is each color (when the subsets are not named blue/green).
inline QString subsetAnnotation(const QString &color)
{
    return QStringLiteral("curtain.dev/%1-subset").arg(color);
}
// Argo Rollouts: the pod-template-hash a Rollback of Curtain's left (written with its undo). After
// it, "the revision before" is the one just rolled back from: a Rollback run again must not undo to it.
inline const QString rolledBackFromAnnotation = QStringLiteral("curtain.dev/rolled-back-from");
// …and the one it went back to: the mark holds only while that one is still stable (a later deploy,
// or the same bad template deployed again, makes the revision before a legitimate way back).
inline const QString rolledBackToAnnotation = QStringLiteral("curtain.dev/rolled-back-to");
// Argo Rollouts: the label on a Rollout's ReplicaSets (and pods) naming its pod template.
inline const QString podTemplateHashLabel = QStringLiteral("rollouts-pod-template-hash");
inline const QString versionLabel = QStringLiteral("app.kubernetes.io/version");
inline const QString metricsPathAnnotation = QStringLiteral("prometheus.io/path");
// The schema gate: the route names its database (a libpq service name or conninfo, no password) and
// the tables' schema; each color's Deployment (or pod template) may name its schema version, else
// its pods' PGOPTIONS search_path says it.
inline const QString databaseAnnotation = QStringLiteral("curtain.dev/database");
inline const QString databaseSchemaAnnotation = QStringLiteral("curtain.dev/database-schema");
inline const QString schemaVersionAnnotation = QStringLiteral("curtain.dev/schema-version");
inline const QString migrationsAnnotation = QStringLiteral("curtain.dev/migrations"); // a directory of files
// OpenFeature flags: which flag of a FeatureFlag resource is the release (needed only when several
// flags split by `fractional`), and which of its variants is each color (default: "blue", "green").
inline const QString flagAnnotation = QStringLiteral("curtain.dev/flag");
// A flagd file in a ConfigMap: which data key holds it (needed only when several could).
inline const QString flagFileAnnotation = QStringLiteral("curtain.dev/flag-file");
inline QString variantAnnotation(const QString &color)
{
    return QStringLiteral("curtain.dev/%1-variant").arg(color);
}
inline const QString databaseUnavailableAnnotation = QStringLiteral("curtain.dev/database-unavailable");

} // namespace Curtain::Adapters::Conventions
