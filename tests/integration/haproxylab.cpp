#include "haproxylab.h"

#include "testsupport.h"

#include <QTcpSocket>
#include <QTest>

#include <csignal>

namespace Curtain::Test {

namespace {

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

QString HAProxyLab::start(Options options)
{
    options.backendProgram = qEnvironmentVariable("CURTAIN_BIN_DIR") + QStringLiteral("/curtain-backend");
    if (findProgram(QStringLiteral("haproxy")).isEmpty()) {
        return QStringLiteral("haproxy is missing: install the Debian package haproxy (./scripts/setup does)");
    }
    return FleetLab::start(options);
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
    const QString frontend = QStringLiteral("127.0.0.1:%1").arg(webPort(index));
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
    const qint64 pid = masterPid(index);
    if (before.isEmpty() || pid <= 0 || ::kill(pid_t(pid), SIGUSR2) != 0) {
        return false;
    }
    // The new worker answers `show info` with its own process number once it has taken over.
    return QTest::qWaitFor(
        [&] {
            const QString now = pidOf();
            return !now.isEmpty() && now != before;
        },
        10'000);
}

bool HAProxyLab::setHealthy(const QString &color, bool healthy) const
{
    for (const QString &address : podAddresses(color)) {
        const QByteArray body = healthy ? "healthy=true" : "healthy=false";
        if (httpRequest(address, "POST", "/control", body).first != 200) {
            return false;
        }
    }
    return true;
}

} // namespace Curtain::Test
