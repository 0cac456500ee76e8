#pragma once

#include "adapters/clusterview.h"
#include "core/release.h"

namespace Curtain::Adapters {

// Fills one color's Environment from the release's Deployment and per-color Service (if any):
// version, replicas, rollout state as `kubectl rollout status` words it, and where its metrics are.
// A malformed Deployment reads as far as it can and, if `problem` is empty, names its first fault there.
Core::Environment readEnvironment(const ClusterView &view, const QString &namespaceName, const QString &release,
                                  Core::Color color, QString *problem = nullptr);

// One Deployment as a color's environment (no metrics path: the route kind decides where they are).
Core::Environment environmentOf(const Kube::Json &deployment, Core::Color color, QString *problem = nullptr);

// Where a Service's Prometheus exposition is read: its service-proxy path, with the path from its
// prometheus.io/path annotation (default /metrics).
QString metricsPathOf(const Kube::Json &service);

// kubectl's rollout predicate (kubectl/pkg/polymorphichelpers/rollout_status.go): message and done.
std::pair<QString, bool> rolloutStatus(const Kube::Json &deployment);

// The schema version a workload's pods use (a Deployment or a ReplicaSet): the annotation
// curtain.dev/schema-version on it or its pod template, else the first schema of the search_path
// PGOPTIONS gives any container; empty when it names none.
QString schemaVersionOf(const Kube::Reader &workload);

// The color a Service stands for: its curtain.dev/color label.
std::optional<Core::Color> serviceColor(const Kube::Json &service);

} // namespace Curtain::Adapters
