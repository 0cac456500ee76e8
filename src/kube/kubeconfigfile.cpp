#include "kube/kubeconfigfile.h"

#include "core/displaytext.h"

namespace Curtain::Kube {

namespace {

// What a kubeconfig field holds, in YAML's words.
QString shapeOf(const Reader &field)
{
    if (field.isObject()) {
        return QStringLiteral("a map");
    }
    if (field.isArray()) {
        return QStringLiteral("a list");
    }
    return field.json() ? jsonTypeName(*field.json()) : QStringLiteral("empty");
}

// Text as written (absent or null: empty); a map or a list is a problem naming the field.
QString text(const Reader &field)
{
    if (!field.exists()) {
        return {};
    }
    if (!field.isString()) {
        field.fail(QStringLiteral("is %1, expected text").arg(shapeOf(field)));
        return {};
    }
    return field.string();
}

// A boolean in every YAML 1.1 spelling, as client-go's decoder reads it; anything else is named.
bool flag(const Reader &field)
{
    const QString value = text(field);
    if (value.isEmpty()) {
        return false;
    }
    static const QStringList yes = QStringLiteral("true True TRUE yes Yes YES on On ON y Y").split(QLatin1Char(' '));
    static const QStringList no = QStringLiteral("false False FALSE no No NO off Off OFF n N").split(QLatin1Char(' '));
    if (!yes.contains(value) && !no.contains(value)) {
        field.fail(QStringLiteral("is \"%1\", expected true or false").arg(Core::shown(value, 40)));
    }
    return yes.contains(value);
}

// True for a map; anything else, null too, is a problem naming the field. `expected` completes it.
bool isMap(const Reader &field, const QString &expected = QStringLiteral("a map"))
{
    if (!field.isObject()) {
        field.fail(QStringLiteral("is %1, expected %2").arg(shapeOf(field), expected));
    }
    return field.isObject();
}

bool mapOrAbsent(const Reader &field)
{
    return !field.exists() || isMap(field);
}

bool listOrAbsent(const Reader &field)
{
    if (field.exists() && !field.isArray()) {
        field.fail(QStringLiteral("is %1, expected a list").arg(shapeOf(field)));
        return false;
    }
    return true;
}

// The checks client-go's validation.go makes, in its words; `where` is "user \"u\": exec".
Core::Result<Core::ExecPlugin> readExec(const Reader &node, const QString &where)
{
    Core::ExecPlugin exec;
    exec.apiVersion = text(node.field("apiVersion"));
    exec.command = text(node.field("command"));
    exec.interactiveMode = text(node.field("interactiveMode"));
    exec.provideClusterInfo = flag(node.field("provideClusterInfo"));
    exec.installHint = text(node.field("installHint"));
    if (listOrAbsent(node.field("args"))) {
        for (const Reader &arg : node.field("args").items()) {
            exec.args << text(arg);
        }
    }
    if (listOrAbsent(node.field("env"))) {
        for (const Reader &var : node.field("env").items()) {
            if (isMap(var, QStringLiteral("a map with name and value"))) {
                exec.env.append({text(var.field("name")), text(var.field("value"))});
            }
        }
    }
    auto invalid = [&where](const QString &problem) {
        return Core::makeError(Core::ErrorKind::InvalidInput, where + QStringLiteral(": ") + problem);
    };
    if (!node.ok()) {
        return exec; // the shape problem is reported by the caller
    }
    if (exec.command.isEmpty()) {
        return invalid(QStringLiteral("command must be specified to use exec authentication plugin"));
    }
    if (exec.apiVersion.isEmpty()) {
        return invalid(QStringLiteral("apiVersion must be specified to use exec authentication plugin"));
    }
    if (exec.apiVersion != QLatin1String("client.authentication.k8s.io/v1") &&
        exec.apiVersion != QLatin1String("client.authentication.k8s.io/v1beta1")) {
        return invalid(QStringLiteral("apiVersion \"%1\" is not supported; use client.authentication.k8s.io/v1 "
                                      "or v1beta1")
                           .arg(Core::shown(exec.apiVersion, 80)));
    }
    if (exec.interactiveMode.isEmpty()) {
        if (exec.apiVersion.endsWith(QLatin1String("/v1"))) {
            return invalid(QStringLiteral("interactiveMode must be specified for %1 to use exec authentication plugin")
                               .arg(exec.apiVersion));
        }
        exec.interactiveMode = QStringLiteral("IfAvailable");
    }
    if (!QStringList{QStringLiteral("Never"), QStringLiteral("IfAvailable"), QStringLiteral("Always")}.contains(
            exec.interactiveMode)) {
        return invalid(QStringLiteral("invalid interactiveMode \"%1\" (Never, IfAvailable or Always)")
                           .arg(Core::shown(exec.interactiveMode, 80)));
    }
    return exec;
}

Kubeconfig::Cluster readCluster(const Reader &body, const QString &file)
{
    Kubeconfig::Cluster cluster;
    cluster.file = file;
    cluster.server = text(body.field("server"));
    cluster.caData = text(body.field("certificate-authority-data"));
    cluster.caFile = text(body.field("certificate-authority"));
    cluster.tlsServerName = text(body.field("tls-server-name"));
    cluster.insecureSkipTlsVerify = flag(body.field("insecure-skip-tls-verify"));
    cluster.proxyUrl = text(body.field("proxy-url"));
    const Reader extensions = body.field("extensions");
    if (listOrAbsent(extensions)) {
        for (const Reader &extension : extensions.items()) {
            if (isMap(extension, QStringLiteral("a map with name and extension")) &&
                text(extension.field("name")) == QLatin1String("client.authentication.k8s.io/exec") &&
                extension.field("extension").json()) {
                cluster.execExtensionJson = QByteArray::fromStdString(extension.field("extension").json()->dump());
            }
        }
    }
    return cluster;
}

Core::Result<Kubeconfig::User> readUser(const Reader &body, const QString &file, const QString &name)
{
    Kubeconfig::User user;
    user.file = file;
    user.token = text(body.field("token"));
    user.tokenFile = text(body.field("tokenFile"));
    user.certData = text(body.field("client-certificate-data"));
    user.certFile = text(body.field("client-certificate"));
    user.keyData = text(body.field("client-key-data"));
    user.keyFile = text(body.field("client-key"));
    user.authProvider = body.field("auth-provider").exists();
    const Reader exec = body.field("exec");
    if (exec.exists() && isMap(exec)) {
        const QString where = QStringLiteral("user \"%1\": exec").arg(Core::shown(name));
        auto plugin = readExec(exec, where);
        if (!plugin.ok()) {
            return plugin.error();
        }
        user.exec = std::move(plugin).value();
        if (user.authProvider) {
            return Core::makeError(
                Core::ErrorKind::InvalidInput,
                QStringLiteral("user \"%1\": authProvider cannot be provided in combination with an exec plugin")
                    .arg(Core::shown(name)));
        }
    }
    return user;
}

// The named entries of one list (clusters, users, contexts), each with its body under `inner`;
// `visit` returns an error for a problem beyond the shape. Stops at the first problem.
template <typename Visit>
std::optional<Core::Error> forEachNamed(const Reader &root, const char *list, const char *inner, Visit visit)
{
    const Reader entries = root.field(list);
    if (!listOrAbsent(entries)) {
        return std::nullopt;
    }
    const QString innerName = QString::fromLatin1(inner);
    for (const Reader &entry : entries.items()) {
        if (!isMap(entry, QStringLiteral("a map with name and %1").arg(innerName))) {
            return std::nullopt;
        }
        const QString name = text(entry.field("name"));
        const Reader body = entry.field(inner);
        if (!root.ok() || !mapOrAbsent(body)) {
            return std::nullopt;
        }
        if (name.isEmpty()) {
            entry.fail(QStringLiteral("has no name"));
            return std::nullopt;
        }
        if (std::optional<Core::Error> error = visit(name, body); error || !root.ok()) {
            return error;
        }
    }
    return std::nullopt;
}

} // namespace

Core::Result<KubeconfigFile> readKubeconfigFile(const Json &json, const QString &file)
{
    const Reader root(json);
    KubeconfigFile entries;
    entries.currentContext = text(root.field("current-context"));
    std::optional<Core::Error> error =
        forEachNamed(root, "clusters", "cluster", [&](const QString &name, const Reader &body) {
            entries.clusters.append({name, readCluster(body, file)});
            return std::optional<Core::Error>();
        });
    if (!error && root.ok()) {
        error = forEachNamed(root, "users", "user", [&](const QString &name, const Reader &body) {
            auto user = readUser(body, file, name);
            if (!user.ok()) {
                return std::optional<Core::Error>(user.error());
            }
            entries.users.append({name, std::move(user).value()});
            return std::optional<Core::Error>();
        });
    }
    if (!error && root.ok()) {
        error = forEachNamed(root, "contexts", "context", [&](const QString &name, const Reader &body) {
            entries.contexts.append(
                {name, text(body.field("cluster")), text(body.field("user")), text(body.field("namespace"))});
            return std::optional<Core::Error>();
        });
    }
    if (!root.ok()) {
        return Core::makeError(Core::ErrorKind::InvalidInput, QStringLiteral("%1: %2").arg(file, root.problem()));
    }
    if (error) {
        error->message = QStringLiteral("%1: %2").arg(file, error->message);
        return *error;
    }
    return entries;
}

} // namespace Curtain::Kube
