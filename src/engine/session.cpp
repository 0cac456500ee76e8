#include "engine/session.h"

#include "engine/fleetengine.h"
#include "engine/fleetfile.h"
#include "engine/releaseengine.h"
#include "net/networkthread.h"

#include <QtConcurrent/QtConcurrentRun>

namespace Curtain::Engine {

QFuture<SessionResult> Session::open(ClusterChoice choice, SessionOptions options)
{
    return QtConcurrent::run(
        [choice = std::move(choice), options = std::move(options)] { return openHere(choice, options); });
}

SessionResult Session::openHere(const ClusterChoice &choice, const SessionOptions &options)
{
    if (!choice.haproxyFile.isEmpty()) {
        return openFleet(choice, options);
    }
    if (choice.context == labContextName && options.startLab && !choice.demo && choice.server.isEmpty()) {
        // A kubeconfig context of that name comes first, as contextsFor() lists it.
        const auto contexts = availableContexts(choice.kubeconfig, nullptr);
        if (!contexts.ok() || !contexts.value().contains(labContextName)) {
            return openLab(choice, options);
        }
    }
    const auto selected = selectCluster(choice, options.demoWhenNoKubeconfig);
    if (!selected.ok()) {
        return selected.error();
    }
    SessionPtr session(new Session);
    Core::ClusterEndpoint endpoint = selected.value().endpoint;
    session->m_choice = choice;
    session->m_description = selected.value().description;
    session->m_warning = selected.value().warning;
    session->m_context = selected.value().demo ? demoContextName : endpoint.name;
    if (options.listContexts) {
        session->m_contexts = contextsFor(choice, options);
    }
    if (selected.value().demo) {
        if (!options.startDemo) {
            return Core::makeError(Core::ErrorKind::InvalidInput,
                                   QStringLiteral("the demo cluster is not available in this program"));
        }
        const auto started = options.startDemo();
        if (!started.ok()) {
            return started.error();
        }
        session->m_host = started.value().keepAlive;
        session->m_resumeHost = started.value().resume;
        endpoint.server = started.value().url;
        session->m_description = QStringLiteral("demo (%1)").arg(endpoint.server);
    }
    session->m_network = options.network ? options.network : std::make_shared<Net::NetworkThread>();
    endpoint.requestTimeoutMs = options.requestTimeoutMs;
    session->attach(endpoint);
    if (options.syncRetryMs > 0) {
        session->m_engine->setSyncRetryMs(options.syncRetryMs);
    }
    session->m_engine->setReactionWaitMs(options.reactionWaitMs);
    if (options.liveBoundMs > 0) {
        session->m_engine->setLiveBound(options.liveBoundMs);
    }
    if (options.startEngine) {
        session->m_engine->start();
    }
    return session;
}

SessionPtr Session::openEndpoint(const Core::ClusterEndpoint &endpoint, std::shared_ptr<Net::NetworkThread> network)
{
    SessionPtr session(new Session);
    session->m_choice.server = endpoint.server;
    session->m_choice.namespaceName = endpoint.namespaceName;
    session->m_context = endpoint.name;
    session->m_description = QStringLiteral("%1 (%2)").arg(endpoint.name, endpoint.server);
    session->m_network = network ? std::move(network) : std::make_shared<Net::NetworkThread>();
    session->attach(endpoint);
    return session;
}

QFuture<SessionResult> Session::withNamespace(SessionPtr from, QString namespaceName)
{
    return QtConcurrent::run([from = std::move(from), namespaceName = std::move(namespaceName)]() -> SessionResult {
        if (!from->m_engine) {
            return Core::makeError(Core::ErrorKind::InvalidInput,
                                   QStringLiteral("%1 is an HAProxy fleet: it has no namespaces").arg(from->m_context));
        }
        SessionPtr session(new Session);
        session->m_choice = from->m_choice;
        session->m_choice.namespaceName = namespaceName;
        session->m_context = from->m_context;
        session->m_description = from->m_description;
        session->m_warning = from->m_warning;
        session->m_contexts = from->m_contexts;
        session->m_host = from->m_host;
        session->m_resumeHost = from->m_resumeHost;
        // A thread of its own, not `from`'s: an engine disposed of while its HTTP client lives on
        // can still be handed a watch chunk (cancel is queued), see the report on the engine's
        // teardown. Closing the old session then takes its client down with it, as before.
        session->m_network = std::make_shared<Net::NetworkThread>();
        Core::ClusterEndpoint endpoint = from->m_endpoint;
        endpoint.namespaceName = namespaceName;
        session->attach(endpoint);
        return session;
    });
}

QFuture<void> Session::close(SessionPtr session)
{
    return QtConcurrent::run([session = std::move(session)]() mutable { session.reset(); });
}

SessionResult Session::openFleet(const ClusterChoice &choice, const SessionOptions &options)
{
    const auto fleets = readFleetFile(choice.haproxyFile);
    if (!fleets.ok()) {
        return fleets.error();
    }
    const auto fleet = chooseFleet(fleets.value(), choice.haproxyFleet, choice.haproxyFile);
    if (!fleet.ok()) {
        return fleet.error();
    }
    SessionPtr session(new Session);
    session->m_choice = choice;
    session->m_context = QStringLiteral("haproxy:") + fleet.value().name;
    session->m_description = QStringLiteral("HAProxy fleet %1 (%2)").arg(fleet.value().name, choice.haproxyFile);
    session->m_contexts = {session->m_context};
    session->m_network = options.network ? options.network : std::make_shared<Net::NetworkThread>();
    session->m_source = new FleetEngine(fleet.value(), choice.haproxyFile, session->m_network->http());
    session->m_network->adopt(session->m_source);
    if (options.startEngine) {
        session->m_source->start();
    }
    return session;
}

SessionResult Session::openLab(const ClusterChoice &choice, const SessionOptions &options)
{
    const auto started = options.startLab();
    if (!started.ok()) {
        return started.error();
    }
    ClusterChoice fleetChoice = choice;
    fleetChoice.haproxyFile = started.value().url;
    fleetChoice.haproxyFleet.clear();
    auto opened = openFleet(fleetChoice, options);
    if (!opened.ok()) {
        return opened;
    }
    const SessionPtr &session = opened.value();
    session->m_choice = choice; // switching away from it is switching away from "lab", not from a file
    session->m_host = started.value().keepAlive;
    session->m_resumeHost = started.value().resume;
    session->m_context = labContextName;
    session->m_description = QStringLiteral("lab: HAProxy and pods on this machine (%1)").arg(fleetChoice.haproxyFile);
    if (options.listContexts) {
        session->m_contexts = contextsFor(choice, options);
    }
    return opened;
}

QStringList Session::contextsFor(const ClusterChoice &choice, const SessionOptions &options)
{
    const auto contexts = availableContexts(choice.kubeconfig, nullptr);
    QStringList names = contexts.ok() ? contexts.value() : QStringList{demoContextName};
    if (options.startLab && !names.contains(labContextName)) { // a kubeconfig's own "lab" comes first
        names << labContextName;
    }
    return names;
}

void Session::attach(const Core::ClusterEndpoint &endpoint)
{
    m_endpoint = endpoint;
    m_engine = new ReleaseEngine(m_network->http(), endpoint);
    m_source = m_engine;
    m_network->adopt(m_engine);
}

Session::~Session()
{
    if (m_source) {
        m_network->dispose(m_source); // its watches close while the thread and the cluster are still up
    }
    m_network.reset();
    m_host.reset();
}

void Session::resumeHost() const
{
    if (m_resumeHost) {
        m_resumeHost();
    }
}

QString Session::server() const
{
    return m_endpoint.server;
}

QString Session::namespaceName() const
{
    return m_endpoint.namespaceName;
}

} // namespace Curtain::Engine
