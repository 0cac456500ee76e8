#include "consolesession.h"

#include "engine/releaseengine.h"
#include "net/networkthread.h"
#include "sim/democluster.h"

using namespace Curtain;

Core::Result<std::unique_ptr<ConsoleSession>> ConsoleSession::open(const Engine::ClusterChoice &choice,
                                                                   bool demoWhenNoKubeconfig)
{
    const auto selected = Engine::selectCluster(choice, demoWhenNoKubeconfig);
    if (!selected.ok()) {
        return selected.error();
    }
    std::unique_ptr<ConsoleSession> session(new ConsoleSession);
    Core::ClusterEndpoint endpoint = selected.value().endpoint;
    session->m_description = selected.value().description;
    session->m_context = selected.value().demo ? Engine::demoContextName : endpoint.name;
    if (selected.value().demo) {
        std::string error;
        session->m_demo = Sim::startBuiltinDemo(&error);
        if (!session->m_demo) {
            return Core::makeError(
                Core::ErrorKind::Unreachable,
                QStringLiteral("cannot start the demo cluster: %1").arg(QString::fromStdString(error)));
        }
        endpoint.server = QString::fromStdString(session->m_demo->url());
        session->m_description = QStringLiteral("demo (%1)").arg(endpoint.server);
    }
    session->m_network = std::make_unique<Net::NetworkThread>();
    session->m_engine = new Engine::ReleaseEngine(session->m_network->http(), endpoint);
    session->m_network->adopt(session->m_engine);
    return session;
}

ConsoleSession::~ConsoleSession()
{
    m_network.reset(); // the engine and its connections go first, then the demo cluster they used
    m_demo.reset();
}
