#pragma once

#include "core/clusterendpoint.h"
#include "core/result.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace Curtain::Kube {

struct KubeconfigFile;

struct KubeconfigContext
{
    QString name;
    QString cluster;
    QString user;
    QString namespaceName;
};

// kubeconfig as kubectl reads it (client-go tools/clientcmd): several files merged with
// first-file-wins for every named entry and for current-context, relative paths resolved against
// the file that names them.
class Kubeconfig
{
public:
    // The files kubectl would read, in precedence order: --kubeconfig alone if given; else every
    // entry of KUBECONFIG (':'-separated, ';' on Windows, duplicates dropped); else ~/.kube/config.
    static QStringList files(const QString &explicitPath, const QString &kubeconfigVariable, const QString &homeDir);

    // Loads and merges `files`. Missing files are skipped (unless `explicitPath`), but an
    // unparseable file, an entry of the wrong shape or a file past the limits of kube/inputlimits.h
    // is an error naming the file, the entry and the problem.
    static Core::Result<Kubeconfig> load(const QStringList &files, bool explicitPath = false);

    const QList<KubeconfigContext> &contexts() const { return m_contexts; }
    QString currentContext() const { return m_currentContext; }
    QStringList loadedFiles() const { return m_loaded; }
    bool hasContext(const QString &name) const;

    // Resolves one context (empty = current-context) into an endpoint: files read, base64 decoded,
    // PEM checked. Errors name the file, the entry and the problem.
    Core::Result<Core::ClusterEndpoint> endpoint(const QString &context = {}) const;

    // As written in the file; paths and base64 are resolved by endpoint().
    struct Cluster
    {
        QString file; // the file that defined it: relative paths start there, messages name it
        QString server;
        QString caData; // base64 of PEM
        QString caFile;
        QString tlsServerName;
        bool insecureSkipTlsVerify = false;
        QString proxyUrl;
        QByteArray execExtensionJson;
    };
    struct User
    {
        QString file;
        QString token;
        QString tokenFile;
        QString certData;
        QString certFile;
        QString keyData;
        QString keyFile;
        std::optional<Core::ExecPlugin> exec;
        bool authProvider = false;
    };

private:
    void merge(const KubeconfigFile &file);

    QList<KubeconfigContext> m_contexts;
    QMap<QString, Cluster> m_clusters;
    QMap<QString, User> m_users;
    QString m_currentContext;
    QStringList m_loaded;
};

} // namespace Curtain::Kube
