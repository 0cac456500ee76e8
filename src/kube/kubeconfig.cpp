#include "kube/kubeconfig.h"

#include "core/displaytext.h"
#include "kube/apinames.h"
#include "kube/inputfile.h"
#include "kube/kubeconfigfile.h"
#include "kube/serverurl.h"
#include "kube/yamldocuments.h"
#include "net/httpclient.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace Curtain::Kube {

using Core::ErrorKind;

namespace {

QString resolvePath(const QString &path, const QString &definingFile)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path)) {
        return path;
    }
    if (path.startsWith(QLatin1String("~/"))) {
        return QDir::homePath() + path.mid(1);
    }
    return QFileInfo(definingFile).dir().filePath(path);
}

// PEM from inline base64 data (wins, as in client-go) or from a file.
Core::Result<QByteArray> readPem(const QString &data, const QString &path, const QString &definingFile,
                                 const QString &entry, const char *field, const char *marker)
{
    QByteArray pem;
    QString origin;
    if (!data.isEmpty()) {
        const auto decoded = QByteArray::fromBase64Encoding(data.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            return Core::makeError(
                ErrorKind::InvalidInput,
                QStringLiteral("%1: %2: %3-data is not valid base64").arg(definingFile, entry, QLatin1String(field)));
        }
        pem = *decoded;
        origin = QStringLiteral("%1-data").arg(QLatin1String(field));
    } else if (!path.isEmpty()) {
        const QString resolved = resolvePath(path, definingFile);
        const auto content = readCredentialFile(resolved);
        if (!content.ok()) {
            return Core::makeError(ErrorKind::InvalidInput, QStringLiteral("%1: %2: %3 file %4 %5")
                                                                .arg(definingFile, entry, QLatin1String(field),
                                                                     resolved, content.error().message));
        }
        pem = content.value();
        origin = QStringLiteral("%1 file %2").arg(QLatin1String(field), resolved);
    } else {
        return QByteArray();
    }
    if (!pem.contains("-----BEGIN") || !pem.contains(marker)) {
        return Core::makeError(ErrorKind::InvalidInput, QStringLiteral("%1: %2: %3 does not hold a PEM %4")
                                                            .arg(definingFile, entry, origin, QLatin1String(marker)));
    }
    return pem;
}

} // namespace

QStringList Kubeconfig::files(const QString &explicitPath, const QString &kubeconfigVariable, const QString &homeDir)
{
    if (!explicitPath.isEmpty()) {
        return {explicitPath};
    }
    if (!kubeconfigVariable.isEmpty()) {
#ifdef Q_OS_WIN
        const QChar separator = QLatin1Char(';');
#else
        const QChar separator = QLatin1Char(':');
#endif
        QStringList files;
        for (const QString &file : kubeconfigVariable.split(separator, Qt::SkipEmptyParts)) {
            if (!files.contains(file)) {
                files << file;
            }
        }
        return files;
    }
    return {QDir(homeDir).filePath(QStringLiteral(".kube/config"))};
}

namespace {

// The cluster's part of an endpoint: the server, TLS and the proxy, each checked.
std::optional<Core::Error> applyCluster(const Kubeconfig::Cluster &cluster, const QString &name,
                                        Core::ClusterEndpoint &endpoint)
{
    const QString entry = QStringLiteral("cluster \"%1\"").arg(Core::shown(name));
    auto invalid = [&](const QString &problem) {
        return Core::makeError(ErrorKind::InvalidInput, QStringLiteral("%1: %2%3").arg(cluster.file, entry, problem));
    };
    if (cluster.server.isEmpty()) {
        return invalid(QStringLiteral(" has no server"));
    }
    const auto server = parseServerUrl(cluster.server);
    if (!server.ok()) {
        return invalid(
            QStringLiteral(": server \"%1\" %2").arg(shownServerUrl(cluster.server), server.error().message));
    }
    endpoint.server = server.value();
    endpoint.tlsServerName = cluster.tlsServerName;
    endpoint.insecureSkipTlsVerify = cluster.insecureSkipTlsVerify;
    endpoint.proxyUrl = cluster.proxyUrl;
    if (!endpoint.proxyUrl.isEmpty()) {
        const QString scheme = endpoint.proxyUrl.section(QStringLiteral("://"), 0, 0);
        if (scheme != QLatin1String("http") && scheme != QLatin1String("https") && scheme != QLatin1String("socks5")) {
            return invalid(QStringLiteral(": proxy-url has unsupported scheme \"%1\", must be http, https, or socks5")
                               .arg(Core::shown(scheme, 20)));
        }
    }
    const auto ca =
        readPem(cluster.caData, cluster.caFile, cluster.file, entry, "certificate-authority", "CERTIFICATE");
    if (!ca.ok()) {
        return ca.error();
    }
    endpoint.caPem = ca.value();
    if (endpoint.insecureSkipTlsVerify && !endpoint.caPem.isEmpty()) {
        return invalid(QStringLiteral(": specifying a root certificates file with the insecure flag is not allowed"));
    }
    return std::nullopt;
}

// The user's part: client certificate and key, token, tokenFile, exec plugin.
std::optional<Core::Error> applyUser(const Kubeconfig::User &user, const QString &name, Core::ClusterEndpoint &endpoint)
{
    const QString entry = QStringLiteral("user \"%1\"").arg(Core::shown(name));
    auto invalid = [&](const QString &problem) {
        return Core::makeError(ErrorKind::InvalidInput, QStringLiteral("%1: %2%3").arg(user.file, entry, problem));
    };
    endpoint.sourceFile = user.file;
    endpoint.userName = name;
    if (Net::firstControlByte(user.token.toUtf8()) >= 0) { // it would add headers of its own; never shown
        return invalid(QStringLiteral(": token contains a control character; a token is one line of printable text"));
    }
    const auto cert = readPem(user.certData, user.certFile, user.file, entry, "client-certificate", "CERTIFICATE");
    if (!cert.ok()) {
        return cert.error();
    }
    const auto key = readPem(user.keyData, user.keyFile, user.file, entry, "client-key", "PRIVATE KEY");
    if (!key.ok()) {
        return key.error();
    }
    if (cert.value().isEmpty() != key.value().isEmpty()) {
        return invalid(QStringLiteral(" has a client certificate without its key, or a key without its certificate"));
    }
    endpoint.clientCertPem = cert.value();
    endpoint.clientKeyPem = key.value();
    endpoint.token = user.token;
    endpoint.tokenFile = resolvePath(user.tokenFile, user.file);
    endpoint.exec = user.exec;
    return std::nullopt;
}

// One file's entries, or why it cannot be read; null JSON for an empty file.
Core::Result<Json> parseFile(const QString &file)
{
    const auto content = readConfigFile(file);
    if (!content.ok()) {
        return Core::makeError(ErrorKind::InvalidInput, QStringLiteral("%1: %2").arg(file, content.error().message));
    }
    // Text scalars: `server: 8080` and `token: 0x1F` stay what was written, for the checks to see.
    auto documents = parseYamlDocuments(content.value(), file, YamlScalars::Text);
    if (!documents.ok()) {
        return documents.error();
    }
    return documents.value().empty() ? Json() : std::move(documents.value().front());
}

} // namespace

Core::Result<Kubeconfig> Kubeconfig::load(const QStringList &files, bool explicitPath)
{
    Kubeconfig config;
    for (const QString &file : files) {
        if (!QFile::exists(file)) {
            if (explicitPath) {
                return Core::makeError(ErrorKind::InvalidInput,
                                       QStringLiteral("%1: no such kubeconfig file").arg(file));
            }
            continue; // as kubectl: a missing file in KUBECONFIG is skipped
        }
        const auto root = parseFile(file);
        if (!root.ok()) {
            return root.error();
        }
        config.m_loaded << file;
        if (root.value().is_null()) {
            continue;
        }
        if (!root.value().is_object()) {
            return Core::makeError(
                ErrorKind::InvalidInput,
                QStringLiteral("%1: not a kubeconfig (expected a map with clusters, users and contexts)").arg(file));
        }
        const auto entries = readKubeconfigFile(root.value(), file);
        if (!entries.ok()) {
            return entries.error();
        }
        config.merge(entries.value());
    }
    return config;
}

void Kubeconfig::merge(const KubeconfigFile &file)
{
    // First file to set current-context wins; first file to define a name wins, whole entry.
    if (m_currentContext.isEmpty()) {
        m_currentContext = file.currentContext;
    }
    for (const auto &[name, cluster] : file.clusters) {
        if (!m_clusters.contains(name)) {
            m_clusters.insert(name, cluster);
        }
    }
    for (const auto &[name, user] : file.users) {
        if (!m_users.contains(name)) {
            m_users.insert(name, user);
        }
    }
    for (const KubeconfigContext &context : file.contexts) {
        if (!hasContext(context.name)) {
            m_contexts.append(context);
        }
    }
}

bool Kubeconfig::hasContext(const QString &name) const
{
    return std::any_of(m_contexts.begin(), m_contexts.end(),
                       [&](const KubeconfigContext &c) { return c.name == name; });
}

Core::Result<Core::ClusterEndpoint> Kubeconfig::endpoint(const QString &contextName) const
{
    const QString files = m_loaded.isEmpty() ? QStringLiteral("kubeconfig") : m_loaded.join(QStringLiteral(", "));
    const QString name = contextName.isEmpty() ? m_currentContext : contextName;
    const QString shownName = Core::shown(name); // from the command line or a file: shown safely
    if (name.isEmpty()) {
        return Core::makeError(
            ErrorKind::InvalidInput,
            QStringLiteral("%1: no current-context is set; pick one with --context NAME").arg(files));
    }
    const auto context =
        std::find_if(m_contexts.begin(), m_contexts.end(), [&](const KubeconfigContext &c) { return c.name == name; });
    if (context == m_contexts.end()) {
        QStringList known;
        for (const KubeconfigContext &c : m_contexts) {
            known << c.name;
        }
        return Core::makeError(
            ErrorKind::InvalidInput,
            QStringLiteral("%1: context \"%2\" does not exist; contexts: %3")
                .arg(files, shownName,
                     known.isEmpty() ? QStringLiteral("none") : Core::shown(known.join(QStringLiteral(", ")), 2000)));
    }
    if (!context->namespaceName.isEmpty()) { // it goes into every URL path
        if (const QString problem = namespaceProblem(context->namespaceName); !problem.isEmpty()) {
            return Core::makeError(ErrorKind::InvalidInput,
                                   QStringLiteral("%1: context \"%2\": namespace \"%3\" is not a valid namespace: %4")
                                       .arg(files, shownName, Core::shown(context->namespaceName), problem));
        }
    }
    if (!m_clusters.contains(context->cluster)) {
        return Core::makeError(ErrorKind::InvalidInput,
                               QStringLiteral("%1: context \"%2\" names cluster \"%3\", which is not defined")
                                   .arg(files, shownName, Core::shown(context->cluster)));
    }
    const Cluster &cluster = m_clusters[context->cluster];
    Core::ClusterEndpoint endpoint;
    endpoint.name = name;
    // kubectl falls back to "default"; a release console watches every namespace the user may see.
    endpoint.namespaceName = context->namespaceName;
    if (std::optional<Core::Error> error = applyCluster(cluster, context->cluster, endpoint)) {
        return *error;
    }
    if (!context->user.isEmpty()) {
        if (!m_users.contains(context->user)) {
            return Core::makeError(ErrorKind::InvalidInput,
                                   QStringLiteral("%1: context \"%2\" names user \"%3\", which is not defined")
                                       .arg(files, shownName, Core::shown(context->user)));
        }
        if (std::optional<Core::Error> error = applyUser(m_users[context->user], context->user, endpoint)) {
            return *error;
        }
        if (endpoint.exec) {
            endpoint.exec->clusterConfigJson = cluster.execExtensionJson;
        }
    }
    return endpoint;
}

} // namespace Curtain::Kube
