#pragma once

#include "core/clusterendpoint.h"
#include "core/result.h"
#include "engine/clusterselection.h"

#include <QFuture>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace Curtain::Net {
class NetworkThread;
}

namespace Curtain::Engine {

class ReleaseEngine;
class ReleaseSource;

// A cluster that runs only while sessions talk to it (the in-process demo): where it listens, and
// what keeps it running. The last session using it destroys it, after its engine.
struct HostedCluster
{
    QString url; // the API server; for the lab, the fleet file that names its HAProxy instances
    std::shared_ptr<void> keepAlive;
    // What it held back while the console starts, let go (the demo's controllers); may be empty.
    std::function<void()> resume;
};
// Starts a hosted cluster (called on a worker thread), or says why it could not.
using ClusterHostFactory = std::function<Core::Result<HostedCluster>()>;

struct SessionOptions
{
    bool demoWhenNoKubeconfig = false;           // no kubeconfig at all: the demo rather than an error
    ClusterHostFactory startDemo;                // how the demo context starts; without one it cannot be opened
    std::shared_ptr<Net::NetworkThread> network; // share this thread (the fleet); empty: one of its own
    bool listContexts = false;                   // also read every context the user can switch to
    bool startEngine = false;                    // start listing at once, before anyone listens (see republish())
    ClusterHostFactory startLab;                 // how the lab context starts; without one it is not offered
    int requestTimeoutMs = 0;                    // one API request's bound (ClusterEndpoint); 0: the defaults
    int syncRetryMs = 0;                         // ReleaseEngine::setSyncRetryMs; 0: its default
    int reactionWaitMs = 0;                      // ReleaseEngine::setReactionWaitMs; 0: the drivers' own
    int liveBoundMs = 0;                         // ReleaseEngine::setLiveBound; 0: its default (15 s)
};

class Session;
using SessionPtr = std::shared_ptr<Session>;
using SessionResult = Core::Result<SessionPtr>;

// One open cluster: what it was opened from, its ReleaseEngine, the network thread the engine lives
// on and, for the demo, the cluster itself. Opening (kubeconfig read, demo start, thread and engine)
// and closing (engine, thread and demo teardown) take up to a few hundred milliseconds, so the GUI
// does both on a worker thread through open() and close(). The engine is not started: call
// engine()->start() once the receiver is connected.
class Session final
{
    Q_DISABLE_COPY_MOVE(Session)

public:
    // Opens `choice` on a worker thread; the future carries the session or the reason it cannot be opened.
    static QFuture<SessionResult> open(ClusterChoice choice, SessionOptions options);
    // The same on the calling thread, for command-line tools, tests and benchmarks.
    static SessionResult openHere(const ClusterChoice &choice, const SessionOptions &options = {});
    // A session on an endpoint resolved elsewhere (tests and benchmarks name their own), on the calling thread.
    static SessionPtr openEndpoint(const Core::ClusterEndpoint &endpoint,
                                   std::shared_ptr<Net::NetworkThread> network = {});
    // Another session on `from`'s running cluster (same endpoint and demo cluster, a new engine)
    // that watches `namespaceName` (empty: all namespaces); opened on a worker thread.
    static QFuture<SessionResult> withNamespace(SessionPtr from, QString namespaceName);
    // Drops `session` on a worker thread: its engine, then its network thread and demo cluster
    // unless another session still uses them.
    static QFuture<void> close(SessionPtr session);
    ~Session();

    // What serves the releases: a cluster's ReleaseEngine or an HAProxy fleet's FleetEngine.
    ReleaseSource *source() const { return m_source; }
    ReleaseEngine *engine() const { return m_engine; } // null for an HAProxy fleet
    Net::NetworkThread *network() const { return m_network.get(); }
    const ClusterChoice &choice() const { return m_choice; } // what opened it, namespace included
    QString contextName() const { return m_context; }        // a kubeconfig context, "demo", "lab" or "server"
    QString description() const { return m_description; }    // for titles; never contains secrets
    QString warning() const { return m_warning; }            // SelectedCluster::warning, or empty
    QString server() const;                                  // the URL the engine talks to
    QString namespaceName() const;                           // empty: all namespaces
    bool isDemo() const { return bool(m_host); }             // the demo or the lab: started by this program
    // Lets the cluster this program hosts go on with what it held back (HostedCluster::resume):
    // the console calls it once its first frame is shown. Nothing for any other cluster.
    void resumeHost() const;
    QStringList contexts() const { return m_contexts; } // with SessionOptions::listContexts

private:
    Session() = default;
    void attach(const Core::ClusterEndpoint &endpoint); // the engine, adopted by the network thread
    static SessionResult openFleet(const ClusterChoice &choice, const SessionOptions &options);
    static SessionResult openLab(const ClusterChoice &choice, const SessionOptions &options);
    static QStringList contextsFor(const ClusterChoice &choice, const SessionOptions &options);

    ClusterChoice m_choice;
    QString m_context;
    QString m_description;
    QString m_warning;
    QStringList m_contexts;
    Core::ClusterEndpoint m_endpoint; // with its credentials: the engine and withNamespace() need them
    // Destroyed in the reverse order: the engine, then the thread it lived on, then the cluster it talked to.
    std::shared_ptr<void> m_host;
    std::function<void()> m_resumeHost;
    std::shared_ptr<Net::NetworkThread> m_network;
    ReleaseSource *m_source = nullptr; // owned by m_network
    ReleaseEngine *m_engine = nullptr; // m_source, when it is a cluster's
};

} // namespace Curtain::Engine
