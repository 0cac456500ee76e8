#pragma once

#include <QString>

namespace Curtain::Core {

// What the console may show about the cluster a session talks to: its name, where it is and how
// safely it is reached — never a credential. Built by the engine from the endpoint it was given.
struct ClusterDescription
{
    QString name;          // a context name, or "demo"
    QString server;        // e.g. https://10.0.0.1:6443
    QString namespaceName; // empty = all namespaces
    bool insecureSkipTlsVerify = false;
    bool execCredential = false; // its credential comes from an exec plugin (which may take a while)
};

} // namespace Curtain::Core
