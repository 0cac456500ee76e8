#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace Curtain::Core {

// An exec credential plugin, as a kubeconfig user names it (client.authentication.k8s.io v1/v1beta1).
struct ExecPlugin
{
    QString apiVersion;
    QString command;
    QStringList args;
    QList<QPair<QString, QString>> env;
    QString interactiveMode; // Never, IfAvailable, Always
    bool provideClusterInfo = false;
    QString installHint;
    QByteArray clusterConfigJson; // the cluster's client.authentication.k8s.io/exec extension, if any
};

// Where a cluster is and how to prove who we are to it: one resolved kubeconfig context, or the
// demo cluster. PEM blocks are held in memory (file references already read); secrets in here are
// never written to logs, errors or the audit trail.
struct ClusterEndpoint
{
    ClusterEndpoint() = default;
    ClusterEndpoint(QString endpointName, QString serverUrl)
        : name(std::move(endpointName)), server(std::move(serverUrl))
    {}

    QString name;          // shown to the user: a context name, or "demo"
    QString server;        // e.g. https://10.0.0.1:6443
    QString namespaceName; // the context's namespace; empty = all namespaces
    // TLS
    QByteArray caPem;
    QByteArray clientCertPem;
    QByteArray clientKeyPem;
    QString tlsServerName;
    bool insecureSkipTlsVerify = false;
    QString proxyUrl;
    // Bearer credentials (at most one source is used: token, then tokenFile, then exec)
    QString token;
    QString tokenFile;
    std::optional<ExecPlugin> exec;
    QString sourceFile; // the kubeconfig file the user entry came from, for messages
    QString userName;   // that user entry's name, for messages
    // How long one request may wait for its answer (kubectl's --request-timeout); 0: 30 s for a
    // read, 15 s for a write.
    int requestTimeoutMs = 0;
};

} // namespace Curtain::Core
