#pragma once

#include <QString>

namespace Curtain::Core {

// Where a cluster is. Credentials and TLS settings join it when kubeconfig support lands; the demo
// cluster needs only the server URL.
struct ClusterEndpoint
{
    QString name;   // shown to the user: a context name, or "demo"
    QString server; // e.g. http://127.0.0.1:6443
};

} // namespace Curtain::Core
