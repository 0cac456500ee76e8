#include "kube/credentials.h"

#include "core/displaytext.h"
#include "kube/inputfile.h"
#include "kube/inputlimits.h"
#include "kube/json.h"
#include "kube/pluginprocess.h"
#include "net/httpclient.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <mutex>

namespace Curtain::Kube {

using Core::ErrorKind;
using Core::Result;

namespace {

// Whose credential a message is about: the context, and the kubeconfig user when there is one.
QString whose(const Core::ClusterEndpoint &endpoint)
{
    return endpoint.userName.isEmpty() ? QStringLiteral("context \"%1\"").arg(Core::shown(endpoint.name))
                                       : QStringLiteral("context \"%1\", user \"%2\"")
                                             .arg(Core::shown(endpoint.name), Core::shown(endpoint.userName));
}

Core::Error pluginError(const Core::ClusterEndpoint &endpoint, const QString &problem)
{
    return Core::makeError(
        ErrorKind::Unauthorized,
        QStringLiteral("%1: exec plugin \"%2\" %3").arg(whose(endpoint), Core::shown(endpoint.exec->command), problem));
}

// A token goes into the Authorization header, where a line break would start a header of the
// token's choosing (Impersonate-User…). Says so without showing the token.
bool holdsControlByte(const QByteArray &token)
{
    return Net::firstControlByte(token) >= 0;
}

const QString controlByteProblem =
    QStringLiteral("contains a control character; a token is one line of printable text (a line break would add "
                   "a header of its own)");

} // namespace

QString credentialOwner(const Core::ClusterEndpoint &endpoint)
{
    return endpoint.sourceFile.isEmpty()
               ? whose(endpoint)
               : QStringLiteral("%1 in %2").arg(whose(endpoint), Core::shown(endpoint.sourceFile));
}

Result<Credential> readExecCredential(const QByteArray &output, const QString &apiVersion, QDateTime *expires)
{
    auto problem = [](const QString &message) { return Core::makeError(ErrorKind::Unauthorized, message); };
    const Json credential = Json::parse(output.constBegin(), output.constEnd(), nullptr, false);
    if (credential.is_discarded() || !credential.is_object() ||
        stringAt(credential, "/kind") != QLatin1String("ExecCredential")) {
        return problem(QStringLiteral("did not print an ExecCredential"));
    }
    if (nestedDeeperThan(credential, Limits::maxJsonDepth)) {
        return problem(
            QStringLiteral("printed JSON nested deeper than %1 levels, the limit").arg(Limits::maxJsonDepth));
    }
    const QString version = stringAt(credential, "/apiVersion");
    if (version != apiVersion) {
        return problem(QStringLiteral("is configured to use API version %1, plugin returned version %2")
                           .arg(apiVersion, Core::shown(version, 80)));
    }
    if (!Reader(credential).field("status").isObject()) {
        return problem(QStringLiteral("didn't return a status field"));
    }
    Credential fresh;
    fresh.bearerToken = stringAt(credential, "/status/token").toUtf8();
    fresh.clientCertPem = stringAt(credential, "/status/clientCertificateData").toUtf8(); // PEM, not base64
    fresh.clientKeyPem = stringAt(credential, "/status/clientKeyData").toUtf8();
    if (fresh.clientCertPem.isEmpty() != fresh.clientKeyPem.isEmpty()) {
        return problem(QStringLiteral("returned only certificate or key, not both"));
    }
    if (fresh.bearerToken.isEmpty() && fresh.clientCertPem.isEmpty()) {
        return problem(QStringLiteral("didn't return a token or cert/key pair"));
    }
    if (holdsControlByte(fresh.bearerToken)) {
        return problem(QStringLiteral("returned a token that ") + controlByteProblem);
    }
    const QString expiry = stringAt(credential, "/status/expirationTimestamp");
    *expires = expiry.isEmpty() ? QDateTime() : QDateTime::fromString(expiry, Qt::ISODate);
    return fresh;
}

int Credentials::pluginTimeoutMs()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("CURTAIN_EXEC_PLUGIN_TIMEOUT", &ok);
    return ok && seconds > 0 ? seconds * 1000 : Limits::execPluginTimeoutMs;
}

Credentials::Credentials(Core::ClusterEndpoint endpoint, QObject *parent)
    : QObject(parent), m_endpoint(std::move(endpoint))
{
    if (!m_endpoint.token.isEmpty() && !holdsControlByte(m_endpoint.token.toUtf8())) {
        m_cached.bearerToken = m_endpoint.token.toUtf8(); // a literal token wins over tokenFile (client-go)
        m_valid = true;
    }
}

QString Credentials::pluginSearchPath()
{
    static std::once_flag once;
    static QString path;
    std::call_once(once, [] {
        path = qEnvironmentVariable("PATH");
#if defined(Q_OS_LINUX) || defined(Q_OS_MACOS)
        // Ask the user's login shell once; bounded so a broken shell profile cannot hang us.
        const QString shell = qEnvironmentVariable("SHELL", QStringLiteral("/bin/sh"));
        QProcess process;
        process.start(shell, {QStringLiteral("-l"), QStringLiteral("-c"), QStringLiteral("printf %s \"$PATH\"")});
        if (process.waitForFinished(3000) && process.exitCode() == 0) {
            const QStringList extra =
                QString::fromLocal8Bit(process.readAllStandardOutput()).split(QLatin1Char(':'), Qt::SkipEmptyParts);
            QStringList merged = path.split(QLatin1Char(':'), Qt::SkipEmptyParts);
            for (const QString &dir : extra) {
                if (!merged.contains(dir)) {
                    merged << dir;
                }
            }
            path = merged.join(QLatin1Char(':'));
        } else {
            process.kill();
        }
#endif
    });
    return path;
}

bool Credentials::invalidate(const Credential &rejected)
{
    if (!m_endpoint.token.isEmpty()) {
        return false; // a literal token cannot get better by asking again
    }
    if (m_valid && rejected.bearerToken != m_cached.bearerToken) {
        return true; // already replaced since that request went out: just retry with the new one
    }
    m_valid = false;
    m_tokenFileRead = {};
    return !m_endpoint.tokenFile.isEmpty() || m_endpoint.exec.has_value();
}

Result<Credential> Credentials::fromTokenFile()
{
    const QFileInfo info(m_endpoint.tokenFile);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Re-read when the file changed, and at least every minute (client-go's cached file token source).
    if (m_valid && m_tokenFileRead.isValid() && m_tokenFileRead.secsTo(now) < 60 &&
        info.lastModified() == m_tokenFileModified) {
        return m_cached;
    }
    const auto content = readCredentialFile(m_endpoint.tokenFile);
    if (!content.ok()) {
        return Core::makeError(ErrorKind::Unauthorized,
                               QStringLiteral("%1: tokenFile %2 %3")
                                   .arg(whose(m_endpoint), m_endpoint.tokenFile, content.error().message));
    }
    // Surrounding white space, the trailing newline above all, is not part of it (client-go's TrimSpace).
    const QByteArray token = content.value().trimmed();
    if (token.isEmpty()) {
        return Core::makeError(
            ErrorKind::Unauthorized,
            QStringLiteral("%1: tokenFile %2 is empty").arg(whose(m_endpoint), m_endpoint.tokenFile));
    }
    if (holdsControlByte(token)) {
        return Core::makeError(ErrorKind::Unauthorized,
                               QStringLiteral("%1: tokenFile %2: the token %3")
                                   .arg(whose(m_endpoint), m_endpoint.tokenFile, controlByteProblem));
    }
    m_cached.bearerToken = token;
    m_valid = true;
    m_tokenFileRead = now;
    m_tokenFileModified = info.lastModified();
    return m_cached;
}

QFuture<Result<Credential>> Credentials::get()
{
    auto promise = std::make_shared<QPromise<Result<Credential>>>();
    promise->start();
    QFuture<Result<Credential>> future = promise->future();
    auto answer = [&promise](const Result<Credential> &result) {
        promise->addResult(result);
        promise->finish();
    };
    if (!m_endpoint.token.isEmpty() && !m_valid) { // refused by the constructor
        answer(Core::makeError(ErrorKind::Unauthorized,
                               QStringLiteral("%1: token %2").arg(whose(m_endpoint), controlByteProblem)));
    } else if (!m_endpoint.token.isEmpty() || (!m_endpoint.exec && m_endpoint.tokenFile.isEmpty())) {
        answer(m_cached); // a literal token, or only TLS client certificates / nothing at all
    } else if (!m_endpoint.tokenFile.isEmpty() && !m_endpoint.exec) {
        answer(fromTokenFile());
    } else if (m_valid && (!m_expires.isValid() || QDateTime::currentDateTimeUtc().secsTo(m_expires) > 10)) {
        answer(m_cached);
    } else {
        m_waiters.append(promise);
        if (m_waiters.size() == 1) {
            runPlugin();
        }
    }
    return future;
}

void Credentials::finishWaiters(const Result<Credential> &result)
{
    for (const auto &waiter : std::exchange(m_waiters, {})) {
        waiter->addResult(result);
        waiter->finish();
    }
}

QByteArray Credentials::execInfo() const
{
    Json info = {{"kind", "ExecCredential"},
                 {"apiVersion", m_endpoint.exec->apiVersion.toStdString()},
                 {"spec", {{"interactive", false}}}};
    if (m_endpoint.exec->provideClusterInfo) {
        Json cluster = {{"server", m_endpoint.server.toStdString()}};
        if (!m_endpoint.tlsServerName.isEmpty()) {
            cluster["tls-server-name"] = m_endpoint.tlsServerName.toStdString();
        }
        if (m_endpoint.insecureSkipTlsVerify) {
            cluster["insecure-skip-tls-verify"] = true;
        }
        if (!m_endpoint.caPem.isEmpty()) {
            cluster["certificate-authority-data"] = m_endpoint.caPem.toBase64().toStdString();
        }
        if (!m_endpoint.proxyUrl.isEmpty()) {
            cluster["proxy-url"] = m_endpoint.proxyUrl.toStdString();
        }
        if (!m_endpoint.exec->clusterConfigJson.isEmpty()) {
            cluster["config"] = Json::parse(m_endpoint.exec->clusterConfigJson.toStdString(), nullptr, false);
        }
        info["spec"]["cluster"] = cluster;
    }
    return QByteArray::fromStdString(info.dump());
}

void Credentials::runPlugin()
{
    const Core::ExecPlugin &exec = *m_endpoint.exec;
    if (exec.interactiveMode == QLatin1String("Always")) {
        return finishWaiters(
            pluginError(m_endpoint, QStringLiteral("needs a terminal (interactiveMode: Always) and Curtain has "
                                                   "none; run it once in a terminal, or set interactiveMode to "
                                                   "IfAvailable or Never")));
    }
    const QString searchPath = pluginSearchPath();
    const QString program =
        QDir::isAbsolutePath(exec.command) || exec.command.contains(QLatin1Char('/'))
            ? QFileInfo(QFileInfo(m_endpoint.sourceFile).dir(), exec.command).absoluteFilePath()
            : QStandardPaths::findExecutable(exec.command, searchPath.split(QLatin1Char(':'), Qt::SkipEmptyParts));
    if (program.isEmpty() || !QFileInfo(program).isExecutable()) {
        QString problem = QStringLiteral("was not found (searched PATH: %1)").arg(searchPath);
        if (!exec.installHint.isEmpty()) {
            problem += QStringLiteral(". ") + exec.installHint;
        }
        return finishWaiters(pluginError(m_endpoint, problem));
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), searchPath);
    for (const auto &[name, value] : exec.env) {
        env.insert(name, value);
    }
    env.insert(QStringLiteral("KUBERNETES_EXEC_INFO"), QString::fromUtf8(execInfo()));
    PluginProcess::run(program, exec.args, env, pluginTimeoutMs(), this, [this](const Result<QByteArray> &output) {
        if (!output.ok()) {
            return finishWaiters(pluginError(m_endpoint, output.error().message));
        }
        QDateTime expires;
        const auto fresh = readExecCredential(output.value(), m_endpoint.exec->apiVersion, &expires);
        if (!fresh.ok()) {
            return finishWaiters(pluginError(m_endpoint, fresh.error().message));
        }
        m_expires = expires;
        m_cached = fresh.value();
        m_valid = true;
        finishWaiters(m_cached);
    });
}

} // namespace Curtain::Kube
