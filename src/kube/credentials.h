#pragma once

#include "core/clusterendpoint.h"
#include "core/result.h"

#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QPromise>

#include <memory>

namespace Curtain::Kube {

// What a request carries to prove who it is, besides TLS settings of the cluster itself.
struct Credential
{
    QByteArray bearerToken; // empty: none
    QByteArray clientCertPem;
    QByteArray clientKeyPem;
};

// Whose credential a message is about: the context, the kubeconfig user and the file it came from.
QString credentialOwner(const Core::ClusterEndpoint &endpoint);

// The credential in an exec plugin's standard output (an ExecCredential of `apiVersion`), checked as
// client-go checks it, with its expiry in `expires` (invalid: none); or the problem, in words that
// follow the plugin's name. Pure, so it is tested and fuzzed without running a process.
Core::Result<Credential> readExecCredential(const QByteArray &output, const QString &apiVersion, QDateTime *expires);

// Supplies the credential for one cluster endpoint: a static token, a token file (re-read when it
// changes, and at least every minute), or an exec plugin (client.authentication.k8s.io v1/v1beta1)
// whose credential is cached until its expirationTimestamp and refreshed after a 401. Lives on the
// network thread; secrets never appear in messages.
class Credentials final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Credentials)

public:
    explicit Credentials(Core::ClusterEndpoint endpoint, QObject *parent = nullptr);

    // The credential to use now; runs the exec plugin if there is no valid cached one. Concurrent
    // callers share one run.
    QFuture<Core::Result<Credential>> get();
    // The cached credential, without running anything (for streams opened after a list).
    Credential cached() const { return m_cached; }
    // After a 401 with `rejected`: forget it so the next get() asks again — once per credential, so
    // a burst of 401s for the same token runs the plugin once. True if asking again can help.
    bool invalidate(const Credential &rejected);

    // The PATH a plugin is searched on: the process's own, plus the user's login-shell PATH on
    // Linux and macOS (a GUI started from a menu does not inherit the shell's).
    static QString pluginSearchPath();
    // How long an exec plugin may run: Limits::execPluginTimeoutMs, or CURTAIN_EXEC_PLUGIN_TIMEOUT
    // seconds for slow single-sign-on helpers (and for tests). Whoever waits on a credential
    // waits longer than this, so that a hung plugin is reported as such.
    static int pluginTimeoutMs();

private:
    Core::Result<Credential> fromTokenFile();
    void runPlugin();
    void finishWaiters(const Core::Result<Credential> &result);
    QByteArray execInfo() const;

    Core::ClusterEndpoint m_endpoint;
    Credential m_cached;
    bool m_valid = false;
    QDateTime m_expires; // invalid: no expiry
    QDateTime m_tokenFileRead;
    QDateTime m_tokenFileModified;
    QList<std::shared_ptr<QPromise<Core::Result<Credential>>>> m_waiters;
};

} // namespace Curtain::Kube
