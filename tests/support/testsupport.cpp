#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <httplib.h>

#include <algorithm>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

namespace Curtain::Test {

std::vector<nlohmann::json> finishedJsonLines(const QString &path)
{
    std::vector<nlohmann::json> lines;
    const std::string text = readFile(path).toStdString();
    std::size_t start = 0;
    for (std::size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start = end + 1)) {
        lines.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    }
    return lines;
}

QString binary(const QString &name)
{
    // Without CURTAIN_BIN_DIR (a test or benchmark started by hand), the programs built beside it.
    QString dir = qEnvironmentVariable("CURTAIN_BIN_DIR");
    if (dir.isEmpty() && QCoreApplication::instance()) {
        dir = QCoreApplication::applicationDirPath();
    }
    return dir + QLatin1Char('/') + name;
}

QString projectFixture(const QString &relativePath)
{
    return qEnvironmentVariable("CURTAIN_SOURCE_DIR") + QStringLiteral("/tests/fixtures/") + relativePath;
}

QString writeFile(const QString &path, const QByteArray &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size() ? path : QString();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return file.readAll();
}

QString upstreamFixturesSearched()
{
    QString dir = qEnvironmentVariable("CURTAIN_UPSTREAM_FIXTURES");
    if (dir.isEmpty()) {
        dir = qEnvironmentVariable("CURTAIN_SOURCE_DIR") + QStringLiteral("/../shared/fixtures");
    }
    return QDir::cleanPath(dir);
}

QString upstreamFixtures()
{
    const QString dir = upstreamFixturesSearched();
    return QFileInfo(dir).isDir() ? QDir(dir).canonicalPath() : QString();
}

QByteArray upstreamFixturesMissing()
{
    return QStringLiteral("conformance fixtures not found at %1: set CURTAIN_UPSTREAM_FIXTURES or place "
                          "shared/fixtures beside the project")
        .arg(upstreamFixturesSearched())
        .toUtf8();
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? -1 : values[values.size() / 2];
}

QString findProgram(const QString &name)
{
    return QStandardPaths::findExecutable(name);
}

QString runKubectl(const QString &kubectl, const QString &server, const QString &home, const QStringList &arguments,
                   int *exitCode)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.remove(QStringLiteral("KUBECONFIG"));
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    endsWithTheTest(process);
    process.start(kubectl, QStringList{QStringLiteral("--server"), server} + arguments);
    const bool finished = process.waitForFinished(60'000);
    if (exitCode) {
        *exitCode = finished && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    return QString::fromUtf8(process.readAll());
}

void endsWithTheTest(QProcess &process)
{
#ifdef Q_OS_LINUX
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#else
    Q_UNUSED(process);
#endif
}

SimProcess::~SimProcess()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
    }
}

bool SimProcess::start(QString *error, const QStringList &extraArguments)
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    endsWithTheTest(*m_process);
    m_process->start(binary(QStringLiteral("curtain-sim")),
                     QStringList{QStringLiteral("--port"), QStringLiteral("0")} + extraArguments);
    if (!m_process->waitForStarted(5000)) {
        *error = QStringLiteral("curtain-sim did not start: %1").arg(m_process->errorString());
        return false;
    }
    QByteArray output;
    // With --orders the address comes after a PostgreSQL cluster is made and started (initdb): seconds
    // alone, and over ten with ASan on a machine running two suites at once.
    QElapsedTimer waited;
    waited.start();
    while (!output.contains('\n')) {
        if (!m_process->waitForReadyRead(int(std::max<qint64>(1, 60'000 - waited.elapsed())))) {
            *error = QStringLiteral("curtain-sim printed no address: %1")
                         .arg(QString::fromUtf8(m_process->readAllStandardError()));
            return false;
        }
        output += m_process->readAllStandardOutput();
    }
    const QString line = QString::fromUtf8(output).trimmed();
    m_url = line.mid(line.lastIndexOf(QLatin1Char(' ')) + 1);
    m_port = m_url.mid(m_url.lastIndexOf(QLatin1Char(':')) + 1).toInt();
    if (m_port <= 0) {
        *error = QStringLiteral("cannot read the port from \"%1\"").arg(line);
        return false;
    }
    return true;
}

QString SimProcess::errorOutput()
{
    if (m_process) {
        m_errorOutput += m_process->readAllStandardError();
    }
    return QString::fromUtf8(m_errorOutput);
}

std::optional<nlohmann::json> ApiReader::get(const std::string &path) const
{
    httplib::Client client("127.0.0.1", m_port);
    const auto res = client.Get(path.c_str());
    if (!res || res->status != 200) {
        return std::nullopt;
    }
    return nlohmann::json::parse(res->body, nullptr, false);
}

int ApiReader::patch(const std::string &path, const std::string &contentType, const std::string &body) const
{
    httplib::Client client("127.0.0.1", m_port);
    const auto res = client.Patch(path.c_str(), body, contentType.c_str());
    return res ? res->status : -1;
}

int ApiReader::setFaults(const std::string &plan, const std::string &token) const
{
    httplib::Client client("127.0.0.1", m_port);
    if (!token.empty()) {
        client.set_bearer_token_auth(token);
    }
    const auto res = client.Put("/curtain-sim/faults", plan, "application/json");
    return res ? res->status : -1;
}

std::pair<long long, long long> ApiReader::catalogWeights() const
{
    const auto route = get("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog");
    if (!route) {
        return {-1, -1};
    }
    const auto &refs = (*route)["spec"]["rules"][0]["backendRefs"];
    return {refs[0].value("weight", 1LL), refs[1].value("weight", 1LL)};
}

std::string ApiReader::checkoutColor() const
{
    const auto service = get("/api/v1/namespaces/demo/services/checkout");
    return service ? (*service)["spec"]["selector"].value("curtain.dev/color", "") : std::string();
}

std::string ApiReader::resourceVersion(const std::string &path) const
{
    const auto object = get(path);
    return object ? (*object)["metadata"].value("resourceVersion", "") : std::string();
}

} // namespace Curtain::Test
