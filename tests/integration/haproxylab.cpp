#include "haproxylab.h"

#include "ctlrunner.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QThread>

#include <csignal>

namespace Curtain::Test {

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

// One HTTP/1.0 request on a fresh connection: the status code and the body.
std::pair<int, QByteArray> httpRequest(const QString &hostPort, const QByteArray &method, const QByteArray &path,
                                       const QByteArray &body = {}, const QByteArray &hostHeader = "lab")
{
    const QString host = hostPort.section(QLatin1Char(':'), 0, 0);
    const quint16 port = quint16(hostPort.section(QLatin1Char(':'), 1, 1).toUInt());
    QTcpSocket socket;
    socket.connectToHost(host, port);
    if (!socket.waitForConnected(5000)) {
        return {0, {}};
    }
    QByteArray request = method + ' ' + path + " HTTP/1.0\r\nHost: " + hostHeader + "\r\n";
    if (!body.isEmpty()) {
        request +=
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
    }
    socket.write(request + "\r\n" + body);
    QByteArray reply;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(5000)) {
        reply += socket.readAll();
    }
    reply += socket.readAll();
    const qsizetype headerEnd = reply.indexOf("\r\n\r\n");
    const int status = reply.mid(9, 3).toInt();
    return {status, headerEnd < 0 ? QByteArray() : reply.mid(headerEnd + 4)};
}

} // namespace

HAProxyLab::~HAProxyLab()
{
    for (QProcess *helper : {m_load.get(), m_prometheus.get()}) {
        if (helper) {
            helper->terminate();
            helper->waitForFinished(5000);
        }
    }
    for (Instance &instance : m_instances) {
        instance.process->terminate();
        instance.process->waitForFinished(5000);
    }
    for (auto &pod : m_pods) {
        pod->terminate();
        pod->waitForFinished(5000);
    }
}

QString HAProxyLab::start(const Options &options)
{
    if (QStandardPaths::findExecutable(QStringLiteral("haproxy")).isEmpty()) {
        return QStringLiteral("haproxy is missing: install the Debian package haproxy (./scripts/setup does)");
    }
    if (!m_dir.isValid()) {
        return QStringLiteral("no temporary directory");
    }
    for (const auto &[color, version, errors] :
         {std::tuple{QStringLiteral("blue"), QStringLiteral("v1.4.0"), 0.0},
          std::tuple{QStringLiteral("green"), QStringLiteral("v1.5.0"), options.greenErrorRate}}) {
        if (const QString problem = startPods(color, version, errors); !problem.isEmpty()) {
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

QString HAProxyLab::startPrometheus()
{
    const QString program = findProgram(QStringLiteral("prometheus"));
    if (program.isEmpty()) {
        return QStringLiteral("prometheus is missing: install the Debian package prometheus (./scripts/setup does)");
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
    QFile file(m_dir.filePath(QStringLiteral("prometheus.yml")));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0) {
        return QStringLiteral("cannot write %1").arg(file.fileName());
    }
    file.close();
    m_prometheusPort = freePort();
    m_prometheus = std::make_unique<QProcess>();
    m_prometheus->setProcessChannelMode(QProcess::MergedChannels);
    endsWithTheTest(*m_prometheus);
    m_prometheus->start(program, {QStringLiteral("--config.file=") + file.fileName(),
                                  QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("tsdb")),
                                  QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_prometheusPort)});
    if (!m_prometheus->waitForStarted()) {
        return QStringLiteral("prometheus did not start: ") + m_prometheus->errorString();
    }
    // Ready once it answers its readiness probe; the plan's judge waits for data itself.
    const bool ready = waitUntil(
        [this] {
            return httpRequest(QStringLiteral("127.0.0.1:%1").arg(m_prometheusPort), "GET", "/-/ready").first == 200;
        },
        30'000);
    return ready ? QString()
                 : QStringLiteral("prometheus did not become ready: ") + QString::fromUtf8(m_prometheus->readAll());
}

QString HAProxyLab::startLoad(int index)
{
    const QString wrk = findProgram(QStringLiteral("wrk"));
    if (wrk.isEmpty()) {
        return QStringLiteral("wrk is missing: install the Debian package wrk (./scripts/setup does)");
    }
    m_load = std::make_unique<QProcess>();
    m_load->setProcessChannelMode(QProcess::MergedChannels);
    endsWithTheTest(*m_load);
    m_load->start(wrk, {QStringLiteral("-t1"), QStringLiteral("-c2"), QStringLiteral("-d600s"),
                        QStringLiteral("http://127.0.0.1:%1/").arg(webPort(index))});
    return m_load->waitForStarted() ? QString() : QStringLiteral("wrk did not start: ") + m_load->errorString();
}

QString HAProxyLab::startPods(const QString &color, const QString &version, double errorRate)
{
    auto process = std::make_unique<QProcess>();
    process->setProgram(qEnvironmentVariable("CURTAIN_BIN_DIR") + QStringLiteral("/curtain-backend"));
    process->setArguments({QStringLiteral("--color"), color, QStringLiteral("--version"), version,
                           QStringLiteral("--pods"), QStringLiteral("2"), QStringLiteral("--latency"),
                           QStringLiteral("1ms"), QStringLiteral("--p99"), QStringLiteral("5ms"),
                           QStringLiteral("--error-rate"), QString::number(errorRate), QStringLiteral("--deployment"),
                           QStringLiteral("catalog-") + color});
    process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
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
        return QStringLiteral("curtain-backend (%1) did not report its 2 pods").arg(color);
    }
    m_podAddresses.insert(color, addresses);
    m_pods.push_back(std::move(process));
    return QString();
}

QString HAProxyLab::startInstance(int index, bool operatorOnly)
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
                                    "    default-server check inter 200ms fall 2 rise 2\n")
                         .arg(instance.socket, operatorOnly ? QStringLiteral("operator") : QStringLiteral("admin"),
                              m_dir.filePath(QStringLiteral("lb-%1.state").arg(index)))
                         .arg(instance.webPort)
                         .arg(mapFile());
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
                                 "    default-server check inter 200ms fall 2 rise 2\n")
                      .arg(color);
        const QStringList &addresses = m_podAddresses.value(color);
        for (int i = 0; i < addresses.size(); ++i) {
            config += QStringLiteral("    server %1-%2 %3\n").arg(color).arg(i + 1).arg(addresses[i]);
        }
    }
    QFile map(mapFile());
    if (!map.exists() && (!map.open(QIODevice::WriteOnly) || map.write("checkout.example checkout_blue\n") < 0)) {
        return QStringLiteral("cannot write %1").arg(mapFile());
    }
    map.close();
    const QString configFile = m_dir.filePath(QStringLiteral("lb-%1.cfg").arg(index));
    QFile file(configFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0) {
        return QStringLiteral("cannot write %1").arg(configFile);
    }
    file.close();
    instance.process = std::make_unique<QProcess>();
    instance.process->setProgram(QStringLiteral("haproxy"));
    instance.process->setArguments({QStringLiteral("-W"), QStringLiteral("-db"), QStringLiteral("-f"), configFile});
    // Its notices (each reload, each server going up or down) go to a file beside its configuration.
    instance.process->setStandardOutputFile(m_dir.filePath(QStringLiteral("lb-%1.log").arg(index)));
    instance.process->setStandardErrorFile(m_dir.filePath(QStringLiteral("lb-%1.log").arg(index)), QIODevice::Append);
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

QString HAProxyLab::writeFleetFile(const Options &options)
{
    QString yaml = QStringLiteral("fleets:\n  - name: lab\n    instances:\n");
    for (int i = 0; i < options.instances; ++i) {
        yaml += QStringLiteral("      - name: lb-%1\n        socket: unix:%2\n        stateFile: %3\n")
                    .arg(i)
                    .arg(m_dir.filePath(QStringLiteral("lb-%1.sock").arg(i)),
                         m_dir.filePath(QStringLiteral("lb-%1.state").arg(i)));
    }
    if (options.prometheus) {
        yaml += QStringLiteral("    prometheus: http://127.0.0.1:%1\n").arg(m_prometheusPort);
    }
    yaml += QStringLiteral("    releases:\n      - name: catalog\n        backend: catalog\n"
                           "      - name: checkout\n        map: %1\n        key: checkout.example\n"
                           "        blue: checkout_blue\n        green: checkout_green\n")
                .arg(mapFile());
    QFile file(fleetFile());
    if (!file.open(QIODevice::WriteOnly) || file.write(yaml.toUtf8()) < 0) {
        return QStringLiteral("cannot write %1").arg(fleetFile());
    }
    return QString();
}

QString HAProxyLab::runtime(int index, const QString &command) const
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

QHash<QString, QString> HAProxyLab::servers(int index) const
{
    // Fields (management.txt, "show servers state"): 3 srv_name, 6 srv_admin_state, 7 srv_uweight.
    QHash<QString, QString> servers;
    for (const QString &line : runtime(index, QStringLiteral("show servers state catalog")).split(QLatin1Char('\n'))) {
        const QStringList fields = line.split(QLatin1Char(' '));
        if (line.startsWith(QLatin1Char('#')) || fields.size() < 8) {
            continue;
        }
        const int admin = fields[6].toInt();
        // Maintenance in effect: FMAINT, IMAINT, RMAINT, HMAINT (CMAINT only records `disabled`).
        const QString state = (admin & 0x63)   ? QStringLiteral("maint")
                              : (admin & 0x18) ? QStringLiteral("drain")
                                               : QStringLiteral("ready");
        servers.insert(fields[3], fields[7] + QLatin1Char('/') + state);
    }
    return servers;
}

QHash<QString, int> HAProxyLab::sample(int index, int count, const QByteArray &host) const
{
    QHash<QString, int> answers;
    const QString frontend = QStringLiteral("127.0.0.1:%1").arg(m_instances.at(size_t(index)).webPort);
    for (int i = 0; i < count; ++i) {
        const auto [status, body] = httpRequest(frontend, "GET", "/", {}, host);
        answers[status == 200 ? QString::fromUtf8(body).section(QLatin1Char(' '), 0, 0) : QStringLiteral("error")] += 1;
    }
    return answers;
}

bool HAProxyLab::reload(int index)
{
    const auto pidOf = [this, index] {
        return runtime(index, QStringLiteral("show info"))
            .section(QStringLiteral("Pid: "), 1, 1)
            .section(QLatin1Char('\n'), 0, 0);
    };
    const QString before = pidOf();
    const qint64 pid = m_instances.at(size_t(index)).process->processId();
    if (before.isEmpty() || pid <= 0 || ::kill(pid_t(pid), SIGUSR2) != 0) {
        return false;
    }
    // The new worker answers `show info` with its own process number once it has taken over.
    return waitUntil(
        [&] {
            const QString now = pidOf();
            return !now.isEmpty() && now != before;
        },
        10'000);
}

bool HAProxyLab::setHealthy(const QString &color, bool healthy) const
{
    for (const QString &address : m_podAddresses.value(color)) {
        const QByteArray body = healthy ? "healthy=true" : "healthy=false";
        if (httpRequest(address, "POST", "/control", body).first != 200) {
            return false;
        }
    }
    return true;
}

} // namespace Curtain::Test
