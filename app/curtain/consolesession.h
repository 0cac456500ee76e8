#pragma once

#include "core/result.h"
#include "engine/clusterselection.h"

#include <memory>

namespace Curtain::Engine {
class ReleaseEngine;
}
namespace Curtain::Net {
class NetworkThread;
}
namespace Curtain::Sim {
class DemoCluster;
}

// Everything one connected cluster needs — its network thread, its engine and, for the demo
// context, the in-process demo cluster — so switching contexts is opening one session and dropping
// the previous one.
class ConsoleSession
{
public:
    static Curtain::Core::Result<std::unique_ptr<ConsoleSession>> open(const Curtain::Engine::ClusterChoice &choice,
                                                                       bool demoWhenNoKubeconfig);
    ~ConsoleSession();

    Curtain::Engine::ReleaseEngine *engine() const { return m_engine; }
    QString description() const { return m_description; }
    QString contextName() const { return m_context; }

private:
    ConsoleSession() = default;

    std::unique_ptr<Curtain::Sim::DemoCluster> m_demo; // declared first: outlives the client talking to it
    std::unique_ptr<Curtain::Net::NetworkThread> m_network;
    Curtain::Engine::ReleaseEngine *m_engine = nullptr; // owned by m_network
    QString m_description;
    QString m_context;
};
