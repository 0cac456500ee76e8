#pragma once

#include "core/clusterendpoint.h"
#include "core/result.h"

#include <QString>
#include <QStringList>

namespace Curtain::Engine {

// What the user asked for on the command line (or in the context switcher).
struct ClusterChoice
{
    bool demo = false;
    QString server;        // a URL, bypassing kubeconfig
    QString kubeconfig;    // --kubeconfig: exactly this file
    QString context;       // a kubeconfig context, or "demo"
    QString namespaceName; // -n: overrides the context's namespace
    QString haproxyFile;   // --haproxy: an HAProxy fleet file instead of a cluster
    QString haproxyFleet;  // which of its fleets (empty: the only one)
};

struct SelectedCluster
{
    bool demo = false;              // start the built-in demo cluster and connect to it
    Core::ClusterEndpoint endpoint; // server empty when demo
    QString description;            // for titles and status bars; never contains secrets
    QString warning;                // to show before using it (plain http to another machine), or empty
};

inline const QString demoContextName = QStringLiteral("demo");
// The lab: an HAProxy fleet on loopback that the console starts itself (real HAProxy, real pods).
inline const QString labContextName = QStringLiteral("lab");

// Resolves a choice the way kubectl would: --server, else --context/current-context from
// --kubeconfig, KUBECONFIG or ~/.kube/config. With no kubeconfig at all, the demo cluster if
// `demoWhenNoKubeconfig`, else an error saying where it looked and what to pass instead.
Core::Result<SelectedCluster> selectCluster(const ClusterChoice &choice, bool demoWhenNoKubeconfig);

// Every context the user can pick: the kubeconfig's, then "demo". `current` (if given) gets the current one.
Core::Result<QStringList> availableContexts(const QString &explicitKubeconfig, QString *current);

} // namespace Curtain::Engine
