#pragma once

#include "kube/objectlist.h"

#include <QHash>
#include <QString>

namespace Curtain::Adapters {

// The objects adapters read releases from: one consistent moment of the watched collections, with
// lookups by name and by release so reading N releases costs O(N), not O(N²).
struct ClusterView
{
    ClusterView() = default;
    // Copies never share the index: it points into the vectors of the object that built it.
    ClusterView(const ClusterView &other) { *this = other; }
    ClusterView &operator=(const ClusterView &other)
    {
        deployments = other.deployments;
        services = other.services;
        httpRoutes = other.httpRoutes;
        virtualServices = other.virtualServices;
        trafficSplits = other.trafficSplits;
        ingresses = other.ingresses;
        rollouts = other.rollouts;
        replicaSets = other.replicaSets;
        analysisRuns = other.analysisRuns;
        featureFlags = other.featureFlags;
        canaries = other.canaries;
        configMaps = other.configMaps;
        m_index = {};
        return *this;
    }

    Kube::ObjectList deployments;
    Kube::ObjectList services;
    Kube::ObjectList httpRoutes;
    Kube::ObjectList virtualServices;
    Kube::ObjectList trafficSplits;
    Kube::ObjectList ingresses;
    Kube::ObjectList rollouts;     // argoproj.io Rollouts labelled curtain.dev/release
    Kube::ObjectList replicaSets;  // the ReplicaSets those Rollouts own
    Kube::ObjectList analysisRuns; // and their AnalysisRuns
    Kube::ObjectList featureFlags; // core.openfeature.dev FeatureFlags labelled curtain.dev/release
    Kube::ObjectList canaries;     // every flagger.app Canary
    Kube::ObjectList configMaps;   // ConfigMaps labelled curtain.dev/release (flagd files)

    // "namespace/release/color" → the color's Deployment or Service.
    const Kube::Json *deploymentFor(const QString &ns, const QString &release, const QString &color) const;
    const Kube::Json *colorServiceFor(const QString &ns, const QString &release, const QString &color) const;
    // "namespace/name" → the Service or Deployment of that name (a watched one: labelled with a release).
    const Kube::Json *service(const QString &ns, const QString &name) const;
    const Kube::Json *deployment(const QString &ns, const QString &name) const;

private:
    struct Index
    {
        bool built = false;
        QHash<QString, const Kube::Json *> deployments;
        QHash<QString, const Kube::Json *> deploymentsByName;
        QHash<QString, const Kube::Json *> colorServices;
        QHash<QString, const Kube::Json *> services;
    };
    const Index &index() const;
    mutable Index m_index; // built on first lookup; the vectors must not change after that
};

} // namespace Curtain::Adapters
