#include "kube/kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

namespace Curtain::Kube {

using Core::ErrorKind;

namespace {

struct LoadError
{
    QString message;
};

QString text(const YAML::Node &node, const char *key)
{
    const YAML::Node value = node[key];
    return value && value.IsScalar() ? QString::fromStdString(value.Scalar()) : QString();
}

bool flag(const YAML::Node &node, const char *key)
{
    const YAML::Node value = node[key];
    return value && value.IsScalar() && (value.Scalar() == "true" || value.Scalar() == "True");
}

nlohmann::json toJson(const YAML::Node &node)
{
    if (node.IsMap()) {
        nlohmann::json object = nlohmann::json::object();
        for (const auto &entry : node) {
            object[entry.first.Scalar()] = toJson(entry.second);
        }
        return object;
    }
    if (node.IsSequence()) {
        nlohmann::json array = nlohmann::json::array();
        for (const auto &item : node) {
            array.push_back(toJson(item));
        }
        return array;
    }
    return node.IsScalar() ? nlohmann::json(node.Scalar()) : nlohmann::json();
}

// The named entries of one list (clusters, users, contexts), each with its body under `inner`.
template <typename Visit>
void forEachNamed(const YAML::Node &root, const char *list, const char *inner, const QString &file, Visit visit)
{
    const YAML::Node entries = root[list];
    if (!entries || entries.IsNull()) {
        return;
    }
    if (!entries.IsSequence()) {
        throw LoadError{QStringLiteral("%1: \"%2\" must be a list").arg(file, QLatin1String(list))};
    }
    for (const YAML::Node &entry : entries) {
        const QString name = text(entry, "name");
        if (name.isEmpty()) {
            throw LoadError{QStringLiteral("%1: an entry of \"%2\" has no name").arg(file, QLatin1String(list))};
        }
        visit(name, entry[inner] ? entry[inner] : YAML::Node(YAML::NodeType::Map));
    }
}

Core::ExecPlugin readExec(const YAML::Node &node, const QString &file, const QString &user)
{
    Core::ExecPlugin exec;
    exec.apiVersion = text(node, "apiVersion");
    exec.command = text(node, "command");
    exec.interactiveMode = text(node, "interactiveMode");
    exec.provideClusterInfo = flag(node, "provideClusterInfo");
    exec.installHint = text(node, "installHint");
    if (const YAML::Node args = node["args"]; args && args.IsSequence()) {
        for (const YAML::Node &arg : args) {
            exec.args << QString::fromStdString(arg.Scalar());
        }
    }
    if (const YAML::Node env = node["env"]; env && env.IsSequence()) {
        for (const YAML::Node &var : env) {
            exec.env.append({text(var, "name"), text(var, "value")});
        }
    }
    const QString where = QStringLiteral("%1: user \"%2\": exec").arg(file, user);
    // The checks client-go's validation.go makes, in its words.
    if (exec.command.isEmpty()) {
        throw LoadError{where + QStringLiteral(": command must be specified to use exec authentication plugin")};
    }
    if (exec.apiVersion.isEmpty()) {
        throw LoadError{where + QStringLiteral(": apiVersion must be specified to use exec authentication plugin")};
    }
    if (exec.apiVersion != QLatin1String("client.authentication.k8s.io/v1") &&
        exec.apiVersion != QLatin1String("client.authentication.k8s.io/v1beta1")) {
        throw LoadError{where +
                        QStringLiteral(": apiVersion \"%1\" is not supported; use client.authentication.k8s.io/v1 "
                                       "or v1beta1")
                            .arg(exec.apiVersion)};
    }
    if (exec.interactiveMode.isEmpty()) {
        if (exec.apiVersion.endsWith(QLatin1String("/v1"))) {
            throw LoadError{where + QStringLiteral(": interactiveMode must be specified for %1 to use exec "
                                                   "authentication plugin")
                                        .arg(exec.apiVersion)};
        }
        exec.interactiveMode = QStringLiteral("IfAvailable");
    }
    if (!QStringList{QStringLiteral("Never"), QStringLiteral("IfAvailable"), QStringLiteral("Always")}.contains(
            exec.interactiveMode)) {
        throw LoadError{where + QStringLiteral(": invalid interactiveMode \"%1\" (Never, IfAvailable or Always)")
                                    .arg(exec.interactiveMode)};
    }
    return exec;
}

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
        QFile file(resolved);
        if (!file.open(QIODevice::ReadOnly)) {
            return Core::makeError(ErrorKind::InvalidInput,
                                   QStringLiteral("%1: %2: %3 file %4 cannot be read (%5)")
                                       .arg(definingFile, entry, QLatin1String(field), resolved, file.errorString()));
        }
        pem = file.readAll();
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

Core::Result<Kubeconfig> Kubeconfig::load(const QStringList &files, bool explicitPath)
{
    Kubeconfig config;
    try {
        for (const QString &file : files) {
            QFile handle(file);
            if (!handle.exists()) {
                if (explicitPath) {
                    throw LoadError{QStringLiteral("%1: no such kubeconfig file").arg(file)};
                }
                continue; // as kubectl: a missing file in KUBECONFIG is skipped
            }
            if (!handle.open(QIODevice::ReadOnly)) {
                throw LoadError{QStringLiteral("%1: cannot be read (%2)").arg(file, handle.errorString())};
            }
            YAML::Node root;
            try {
                root = YAML::Load(handle.readAll().toStdString());
            } catch (const YAML::Exception &error) {
                throw LoadError{
                    QStringLiteral("%1: not valid YAML: %2").arg(file, QString::fromStdString(error.what()))};
            }
            if (root.IsNull()) {
                config.m_loaded << file;
                continue;
            }
            if (!root.IsMap()) {
                throw LoadError{
                    QStringLiteral("%1: not a kubeconfig (expected a map with clusters, users and contexts)")
                        .arg(file)};
            }
            config.m_loaded << file;
            // First file to set current-context wins.
            if (config.m_currentContext.isEmpty()) {
                config.m_currentContext = text(root, "current-context");
            }
            // First file to define a name wins, whole entry — later same-named entries are ignored.
            forEachNamed(root, "clusters", "cluster", file, [&](const QString &name, const YAML::Node &body) {
                if (config.m_clusters.contains(name)) {
                    return;
                }
                Cluster cluster;
                cluster.file = file;
                cluster.server = text(body, "server");
                cluster.caData = text(body, "certificate-authority-data");
                cluster.caFile = text(body, "certificate-authority");
                cluster.tlsServerName = text(body, "tls-server-name");
                cluster.insecureSkipTlsVerify = flag(body, "insecure-skip-tls-verify");
                cluster.proxyUrl = text(body, "proxy-url");
                if (const YAML::Node extensions = body["extensions"]; extensions && extensions.IsSequence()) {
                    for (const YAML::Node &extension : extensions) {
                        if (text(extension, "name") == QLatin1String("client.authentication.k8s.io/exec")) {
                            cluster.execExtensionJson =
                                QByteArray::fromStdString(toJson(extension["extension"]).dump());
                        }
                    }
                }
                config.m_clusters.insert(name, cluster);
            });
            forEachNamed(root, "users", "user", file, [&](const QString &name, const YAML::Node &body) {
                if (config.m_users.contains(name)) {
                    return;
                }
                User user;
                user.file = file;
                user.token = text(body, "token");
                user.tokenFile = text(body, "tokenFile");
                user.certData = text(body, "client-certificate-data");
                user.certFile = text(body, "client-certificate");
                user.keyData = text(body, "client-key-data");
                user.keyFile = text(body, "client-key");
                user.authProvider = bool(body["auth-provider"]);
                if (body["exec"] && !body["exec"].IsNull()) {
                    user.exec = readExec(body["exec"], file, name);
                    if (user.authProvider) {
                        throw LoadError{
                            QStringLiteral("%1: user \"%2\": authProvider cannot be provided in combination "
                                           "with an exec plugin")
                                .arg(file, name)};
                    }
                }
                config.m_users.insert(name, user);
            });
            forEachNamed(root, "contexts", "context", file, [&](const QString &name, const YAML::Node &body) {
                if (config.hasContext(name)) {
                    return;
                }
                config.m_contexts.append({name, text(body, "cluster"), text(body, "user"), text(body, "namespace")});
            });
        }
    } catch (const LoadError &error) {
        return Core::makeError(ErrorKind::InvalidInput, error.message);
    }
    return config;
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
                .arg(files, name, known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
    }
    if (!m_clusters.contains(context->cluster)) {
        return Core::makeError(ErrorKind::InvalidInput,
                               QStringLiteral("%1: context \"%2\" names cluster \"%3\", which is not defined")
                                   .arg(files, name, context->cluster));
    }
    const Cluster &cluster = m_clusters[context->cluster];
    const QString clusterEntry = QStringLiteral("cluster \"%1\"").arg(context->cluster);
    if (cluster.server.isEmpty()) {
        return Core::makeError(ErrorKind::InvalidInput,
                               QStringLiteral("%1: %2 has no server").arg(cluster.file, clusterEntry));
    }
    Core::ClusterEndpoint endpoint;
    endpoint.name = name;
    endpoint.server = cluster.server;
    // kubectl falls back to "default"; a release console watches every namespace the user may see.
    endpoint.namespaceName = context->namespaceName;
    endpoint.tlsServerName = cluster.tlsServerName;
    endpoint.insecureSkipTlsVerify = cluster.insecureSkipTlsVerify;
    endpoint.proxyUrl = cluster.proxyUrl;
    if (!endpoint.proxyUrl.isEmpty()) {
        const QString scheme = endpoint.proxyUrl.section(QStringLiteral("://"), 0, 0);
        if (scheme != QLatin1String("http") && scheme != QLatin1String("https") && scheme != QLatin1String("socks5")) {
            return Core::makeError(ErrorKind::InvalidInput,
                                   QStringLiteral("%1: %2: proxy-url has unsupported scheme \"%3\", must "
                                                  "be http, https, or socks5")
                                       .arg(cluster.file, clusterEntry, scheme));
        }
    }
    const auto ca =
        readPem(cluster.caData, cluster.caFile, cluster.file, clusterEntry, "certificate-authority", "CERTIFICATE");
    if (!ca.ok()) {
        return ca.error();
    }
    endpoint.caPem = ca.value();
    if (endpoint.insecureSkipTlsVerify && !endpoint.caPem.isEmpty()) {
        return Core::makeError(ErrorKind::InvalidInput,
                               QStringLiteral("%1: %2: specifying a root certificates file with the "
                                              "insecure flag is not allowed")
                                   .arg(cluster.file, clusterEntry));
    }
    if (!context->user.isEmpty()) {
        if (!m_users.contains(context->user)) {
            return Core::makeError(ErrorKind::InvalidInput,
                                   QStringLiteral("%1: context \"%2\" names user \"%3\", which is not defined")
                                       .arg(files, name, context->user));
        }
        const User &user = m_users[context->user];
        const QString userEntry = QStringLiteral("user \"%1\"").arg(context->user);
        endpoint.sourceFile = user.file;
        const auto cert =
            readPem(user.certData, user.certFile, user.file, userEntry, "client-certificate", "CERTIFICATE");
        if (!cert.ok()) {
            return cert.error();
        }
        const auto key = readPem(user.keyData, user.keyFile, user.file, userEntry, "client-key", "PRIVATE KEY");
        if (!key.ok()) {
            return key.error();
        }
        if (cert.value().isEmpty() != key.value().isEmpty()) {
            return Core::makeError(ErrorKind::InvalidInput,
                                   QStringLiteral("%1: %2 has a client certificate without its key, or "
                                                  "a key without its certificate")
                                       .arg(user.file, userEntry));
        }
        endpoint.clientCertPem = cert.value();
        endpoint.clientKeyPem = key.value();
        endpoint.token = user.token;
        endpoint.tokenFile = resolvePath(user.tokenFile, user.file);
        endpoint.exec = user.exec;
        if (endpoint.exec) {
            endpoint.exec->clusterConfigJson = cluster.execExtensionJson;
        }
    }
    return endpoint;
}

} // namespace Curtain::Kube
