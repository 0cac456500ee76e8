#include "fleetlab.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

namespace Curtain::Demo {

namespace {

// Waits until `done` holds, or `ms` have passed; processes nothing (the lab has no event loop of its own).
template <typename Done>
bool waitUntil(Done done, int ms)
{
    const QDeadlineTimer deadline(ms);
    while (!done()) {
        if (deadline.hasExpired()) {
            return false;
        }
        QThread::msleep(20);
    }
    return true;
}

// A port on 127.0.0.1 nobody listens on now: HAProxy and Prometheus need one in their configuration.
int freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// The lab's processes must not outlive the program that started them, even when it is killed.
void endsWithItsStarter(QProcess &process)
{
#ifdef Q_OS_LINUX
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#else
    Q_UNUSED(process);
#endif
}

void stop(QProcess *process)
{
    if (process && process->state() != QProcess::NotRunning) {
        process->terminate();
        if (!process->waitForFinished(5000)) {
            process->kill();
            process->waitForFinished(2000);
        }
    }
}

bool writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(contents) == contents.size();
}

bool answersReady(int port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(port));
    if (!socket.waitForConnected(2000)) {
        return false;
    }
    socket.write("GET /-/ready HTTP/1.0\r\n\r\n");
    QByteArray reply;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(2000)) {
        reply += socket.readAll();
    }
    reply += socket.readAll();
    return reply.startsWith("HTTP/1.0 200") || reply.startsWith("HTTP/1.1 200");
}

} // namespace

FleetLab::~FleetLab()
{
    stop(m_load.get());
    stop(m_prometheus.get());
    for (Instance &instance : m_instances) {
        stop(instance.process.get());
    }
    for (auto &pod : m_pods) {
        stop(pod.get());
    }
}

QString FleetLab::unavailable(const QString &backendProgram)
{
    if (QStandardPaths::findExecutable(QStringLiteral("haproxy")).isEmpty()) {
        return QStringLiteral("haproxy is missing: install the Debian package haproxy");
    }
    if (!QFileInfo(backendProgram).isExecutable()) {
        return QStringLiteral("curtain-backend is missing (looked for %1): reinstall Curtain").arg(backendProgram);
    }
    return QString();
}

QString FleetLab::start(const Options &options)
{
    if (const QString problem = unavailable(options.backendProgram); !problem.isEmpty()) {
        return problem;
    }
    if (!m_dir.isValid()) {
        return QStringLiteral("cannot create a temporary directory: ") + m_dir.errorString();
    }
    m_checkInterval = options.checkInterval;
    for (const auto &[color, version, errors] :
         {std::tuple{QStringLiteral("blue"), QStringLiteral("v1.4.0"), 0.0},
          std::tuple{QStringLiteral("green"), QStringLiteral("v1.5.0"), options.greenErrorRate}}) {
        if (const QString problem = startPods(options, color, version, errors); !problem.isEmpty()) {
            return problem;
        }
    }
    const int running = options.lastInstanceMissing ? options.instances - 1 : options.instances;
    for (int i = 0; i < running; ++i) {
        const bool operatorOnly = options.lastInstanceOperatorOnly && i == options.instances - 1;
        if (const QString problem = startInstance(i, operatorOnly); !problem.isEmpty()) {
            return problem;
        }
    }
    if (options.prometheus) {
        if (const QString problem = startPrometheus(); !problem.isEmpty()) {
            return problem;
        }
    }
    return writeFleetFile(options);
}

QString FleetLab::startPrometheus()
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
    if (program.isEmpty()) {
        return QStringLiteral("prometheus is missing: install the Debian package prometheus");
    }
    QStringList targets;
    for (const QString &color : {QStringLiteral("blue"), QStringLiteral("green")}) {
        for (const QString &address : m_podAddresses.value(color)) {
            targets << QStringLiteral("'%1'").arg(address);
        }
    }
    const QString config = QStringLiteral("global: {scrape_interval: 1s}\nscrape_configs:\n"
                                          "  - job_name: pods\n    static_configs: [{targets: [%1]}]\n")
                               .arg(targets.join(QStringLiteral(", ")));
    const QString configFile = m_dir.filePath(QStringLiteral("prometheus.yml"));
    if (!writeFile(configFile, config.toUtf8())) {
        return QStringLiteral("cannot write %1").arg(configFile);
    }
    m_prometheusPort = freePort();
    m_prometheus = std::make_unique<QProcess>();
    m_prometheus->setStandardOutputFile(m_dir.filePath(QStringLiteral("prometheus.log")));
    m_prometheus->setStandardErrorFile(m_dir.filePath(QStringLiteral("prometheus.log")), QIODevice::Append);
    endsWithItsStarter(*m_prometheus);
    m_prometheus->start(program, {QStringLiteral("--config.file=") + configFile,
                                  QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("tsdb")),
                                  QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_prometheusPort)});
    if (!m_prometheus->waitForStarted()) {
        return QStringLiteral("prometheus did not start: ") + m_prometheus->errorString();
    }
    // Ready once it answers its readiness probe; the plan's judge waits for data itself.
    if (!waitUntil([this] { return answersReady(m_prometheusPort); }, 30'000)) {
        QFile log(m_dir.filePath(QStringLiteral("prometheus.log")));
        log.open(QIODevice::ReadOnly);
        return QStringLiteral("prometheus did not become ready: ") + QString::fromUtf8(log.readAll().right(2000));
    }
    return QString();
}

QString FleetLab::startLoad(int index, int connections)
{
    const QString wrk = QStandardPaths::findExecutable(QStringLiteral("wrk"));
    if (wrk.isEmpty()) {
        return QStringLiteral("wrk is missing: install the Debian package wrk");
    }
    m_load = std::make_unique<QProcess>();
    m_load->setStandardOutputFile(QProcess::nullDevice());
    m_load->setStandardErrorFile(QProcess::nullDevice());
    endsWithItsStarter(*m_load);
    m_load->start(wrk, {QStringLiteral("-t1"), QStringLiteral("-c%1").arg(connections), QStringLiteral("-d24h"),
                        QStringLiteral("http://127.0.0.1:%1/").arg(webPort(index))});
    return m_load->waitForStarted() ? QString() : QStringLiteral("wrk did not start: ") + m_load->errorString();
}

QString FleetLab::startPods(const Options &options, const QString &color, const QString &version, double errorRate)
{
    auto process = std::make_unique<QProcess>();
    process->setProgram(options.backendProgram);
    process->setArguments({QStringLiteral("--color"), color, QStringLiteral("--version"), version,
                           QStringLiteral("--pods"), QStringLiteral("2"), QStringLiteral("--latency"), options.latency,
                           QStringLiteral("--p99"), options.p99, QStringLiteral("--error-rate"),
                           QString::number(errorRate), QStringLiteral("--deployment"),
                           QStringLiteral("catalog-") + color});
    process->setStandardErrorFile(m_dir.filePath(color + QStringLiteral(".log")));
    endsWithItsStarter(*process);
    process->start();
    QStringList addresses;
    const bool up = waitUntil(
        [&] {
            process->waitForReadyRead(50);
            while (process->canReadLine()) {
                addresses << QString::fromUtf8(process->readLine()).trimmed().section(QLatin1Char(' '), 1, 1);
            }
            return addresses.size() >= 2 || process->state() == QProcess::NotRunning;
        },
        10'000);
    if (!up || addresses.size() < 2) {
        QFile log(m_dir.filePath(color + QStringLiteral(".log")));
        log.open(QIODevice::ReadOnly);
        return QStringLiteral("curtain-backend (%1) did not report its 2 pods: %2")
            .arg(color, QString::fromUtf8(log.readAll().right(2000)));
    }
    m_podAddresses.insert(color, addresses);
    m_pods.push_back(std::move(process));
    return QString();
}
QString FleetLab::startInstance(int index, bool operatorOnly)
{
    Instance instance;
    instance.socket = m_dir.filePath(QStringLiteral("lb-%1.sock").arg(index));
    instance.webPort = freePort();
    QString config = QStringLiteral("global\n"
                                    "    stats socket %1 mode 600 level %2\n"
                                    "    server-state-file %3\n"
                                    "defaults\n"
                                    "    mode http\n"
                                    "    timeout connect 2s\n"
                                    "    timeout client 10s\n"
                                    "    timeout server 10s\n"
                                    "    load-server-state-from-file global\n"
                                    "    option http-ignore-probes\n"
                                    "frontend web\n"
                                    "    bind 127.0.0.1:%4\n"
                                    "    use_backend %[req.hdr(host),lower,map(%5,catalog)]\n"
                                    "    default_backend catalog\n"
                                    "backend catalog\n"
                                    "    balance roundrobin\n"
                                    "    option httpchk GET /healthz\n"
                                    "    default-server check inter %6 fall 2 rise 2\n")
                         .arg(instance.socket, operatorOnly ? QStringLiteral("operator") : QStringLiteral("admin"),
                              m_dir.filePath(QStringLiteral("lb-%1.state").arg(index)))
                         .arg(instance.webPort)
                         .arg(mapFile(), m_checkInterval);
    for (const QString &color : {QStringLiteral("blue"), QStringLiteral("green")}) {
        const QStringList &addresses = m_podAddresses.value(color);
        for (int i = 0; i < addresses.size(); ++i) {
            config +=
                QStringLiteral("    server %1-%2 %3 weight %4%5\n")
                    .arg(color)
                    .arg(i + 1)
                    .arg(addresses[i], color == QLatin1String("blue") ? QStringLiteral("100") : QStringLiteral("0"),
                         color == QLatin1String("green") ? QStringLiteral(" disabled") : QString());
        }
    }
    // The map release: a Host switched between two backends of the same pods by bg.map.
    for (const QString &color : {QStringLiteral("blue"), QStringLiteral("green")}) {
        config += QStringLiteral("backend checkout_%1\n"
                                 "    option httpchk GET /healthz\n"
                                 "    default-server check inter %2 fall 2 rise 2\n")
                      .arg(color, m_checkInterval);
        const QStringList &addresses = m_podAddresses.value(color);
        for (int i = 0; i < addresses.size(); ++i) {
            config += QStringLiteral("    server %1-%2 %3\n").arg(color).arg(i + 1).arg(addresses[i]);
        }
    }
    if (!QFile::exists(mapFile()) && !writeFile(mapFile(), "checkout.example checkout_blue\n")) {
        return QStringLiteral("cannot write %1").arg(mapFile());
    }
    const QString configFile = m_dir.filePath(QStringLiteral("lb-%1.cfg").arg(index));
    if (!writeFile(configFile, config.toUtf8())) {
        return QStringLiteral("cannot write %1").arg(configFile);
    }
    instance.process = std::make_unique<QProcess>();
    instance.process->setProgram(QStringLiteral("haproxy"));
    instance.process->setArguments({QStringLiteral("-W"), QStringLiteral("-db"), QStringLiteral("-f"), configFile});
    // Its notices (each reload, each server going up or down) go to a file beside its configuration.
    instance.process->setStandardOutputFile(m_dir.filePath(QStringLiteral("lb-%1.log").arg(index)));
    instance.process->setStandardErrorFile(m_dir.filePath(QStringLiteral("lb-%1.log").arg(index)), QIODevice::Append);
    endsWithItsStarter(*instance.process);
    instance.process->start();
    m_instances.push_back(std::move(instance));
    const int added = int(m_instances.size()) - 1;
    if (!waitUntil([&] { return runtime(added, QStringLiteral("show info")).contains(QLatin1String("Name: HAProxy")); },
                   10'000)) {
        QFile log(m_dir.filePath(QStringLiteral("lb-%1.log").arg(index)));
        log.open(QIODevice::ReadOnly);
        return QStringLiteral("haproxy lb-%1 did not answer on its runtime socket: %2")
            .arg(index)
            .arg(QString::fromUtf8(log.readAll().right(2000)));
    }
    return QString();
}

QString FleetLab::writeFleetFile(const Options &options)
{
    QString yaml = QStringLiteral("fleets:\n  - name: lab\n    instances:\n");
    for (int i = 0; i < options.instances; ++i) {
        yaml += QStringLiteral("      - name: lb-%1\n        socket: unix:%2\n        stateFile: %3\n")
                    .arg(i)
                    .arg(m_dir.filePath(QStringLiteral("lb-%1.sock").arg(i)),
                         m_dir.filePath(QStringLiteral("lb-%1.state").arg(i)));
        if (options.writeMapFiles) {
            yaml += QStringLiteral("        writeMapFiles: true\n");
        }
    }
    if (options.prometheus) {
        yaml += QStringLiteral("    prometheus: http://127.0.0.1:%1\n").arg(m_prometheusPort);
    }
    // Its servers are checked every 200 ms and UP after two passes: 5 s is ample.
    yaml += QStringLiteral("    releases:\n      - name: catalog\n        backend: catalog\n        upTimeout: 5s\n"
                           "      - name: checkout\n        map: %1\n        key: checkout.example\n"
                           "        blue: checkout_blue\n        green: checkout_green\n")
                .arg(mapFile());
    return writeFile(fleetFile(), yaml.toUtf8()) ? QString() : QStringLiteral("cannot write %1").arg(fleetFile());
}

QString FleetLab::runtime(int index, const QString &command) const
{
    QLocalSocket socket;
    socket.connectToServer(m_instances.at(size_t(index)).socket);
    if (!socket.waitForConnected(2000)) {
        return QStringLiteral("ERROR: ") + socket.errorString();
    }
    socket.write(command.toUtf8() + '\n');
    QByteArray reply;
    while (socket.state() == QLocalSocket::ConnectedState && socket.waitForReadyRead(5000)) {
        reply += socket.readAll();
    }
    return QString::fromUtf8(reply + socket.readAll());
}

} // namespace Curtain::Demo
