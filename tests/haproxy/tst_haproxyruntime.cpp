// The runtime client against a real HAProxy (the Debian package haproxy) on loopback: what the
// console reads and writes through the admin socket, and the errors a person sees when the socket,
// the connection or the command endpoint fails. Fails, naming the package, when haproxy is missing.

#include "futurewait.h"
#include "testsupport.h"

#include "haproxy/runtimeclient.h"
#include "haproxy/runtimereplies.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Curtain;
using namespace Curtain::HAProxy;

namespace {

// A port on 127.0.0.1 that nothing listens on right now.
quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// A tiny HTTP server in this process: a pod behind the backend (health checks connect to it).
class TinyHttp : public QTcpServer
{
public:
    TinyHttp()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    if (!socket->isOpen()) { // a health check that connected and left
                        return;
                    }
                    socket->readAll();
                    socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        listen(QHostAddress::LocalHost, 0);
    }
};

} // namespace

class TestHAProxyRuntime : public QObject
{
    Q_OBJECT

    QString m_haproxy;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TinyHttp> m_blue;
    std::unique_ptr<TinyHttp> m_green;
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<RuntimeClient> m_client;
    RuntimeTarget m_unix;
    RuntimeTarget m_tcp;

    Core::Result<QString> send(const RuntimeTarget &target, const QString &command, const RuntimeLimits &limits = {})
    {
        return Test::waitFor(m_client->send(target, command, limits));
    }

    // The catalog server's row of `show stat`, read through the client.
    StatRow statOf(const QString &server)
    {
        const auto reply = send(m_unix, QStringLiteral("show stat"));
        const auto table = reply.ok() ? parseStat(reply.value()) : Core::Result<StatTable>(reply.error());
        for (const StatRow &row : table.ok() ? table.value().rows : QList<StatRow>()) {
            if (row.proxy == QLatin1String("catalog") && row.server == server) {
                return row;
            }
        }
        return {};
    }

    static RuntimeTarget target(const QString &instance, const QString &address)
    {
        return RuntimeTarget{instance, parseEndpoint(address).value()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_haproxy = Test::findProgram(QStringLiteral("haproxy"));
        if (m_haproxy.isEmpty()) {
            m_haproxy = Test::findProgram(QStringLiteral("/usr/sbin/haproxy"));
        }
        QVERIFY2(
            !m_haproxy.isEmpty(),
            "haproxy is not installed: apt-get install haproxy (the Debian package haproxy; ./scripts/setup does)");
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_blue = std::make_unique<TinyHttp>();
        m_green = std::make_unique<TinyHttp>();
        QVERIFY(m_blue->isListening() && m_green->isListening());
        const QString socket = m_dir->filePath(QStringLiteral("admin.sock"));
        const quint16 adminPort = freePort();
        const QByteArray config =
            QStringLiteral("global\n"
                           "    stats socket %1 mode 600 level admin\n"
                           "    stats socket ipv4@127.0.0.1:%2 level admin\n"
                           "defaults\n"
                           "    mode http\n"
                           "    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n"
                           "frontend shop\n"
                           "    bind 127.0.0.1:%3\n"
                           "    default_backend catalog\n"
                           "backend catalog\n"
                           "    balance roundrobin\n"
                           "    server blue-1 127.0.0.1:%4 weight 100 check inter 200ms rise 1 fall 1\n"
                           "    server green-1 127.0.0.1:%5 weight 0 check inter 200ms rise 1 fall 1\n")
                .arg(socket)
                .arg(adminPort)
                .arg(freePort())
                .arg(m_blue->serverPort())
                .arg(m_green->serverPort())
                .toUtf8();
        const QString configFile = Test::writeFile(m_dir->filePath(QStringLiteral("haproxy.cfg")), config);
        QVERIFY(!configFile.isEmpty());
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        Test::endsWithTheTest(*m_process);
        m_process->start(m_haproxy, {QStringLiteral("-db"), QStringLiteral("-f"), configFile});
        QVERIFY2(m_process->waitForStarted(), qPrintable(m_process->errorString()));
        QTRY_VERIFY2_WITH_TIMEOUT(QFile::exists(socket) || m_process->state() == QProcess::NotRunning,
                                  "haproxy did not create its stats socket", 10'000);
        QVERIFY2(m_process->state() == QProcess::Running, m_process->readAll().constData());
        m_client = std::make_unique<RuntimeClient>();
        m_unix = target(QStringLiteral("lb-a"), QStringLiteral("unix:") + socket);
        m_tcp = target(QStringLiteral("lb-a"), QStringLiteral("ipv4@127.0.0.1:%1").arg(adminPort));
        // Both servers pass their health check before a test starts.
        QTRY_COMPARE_WITH_TIMEOUT(statOf(QStringLiteral("green-1")).status, QStringLiteral("UP"), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(statOf(QStringLiteral("blue-1")).status, QStringLiteral("UP"), 10'000);
    }

    void cleanup()
    {
        m_client.reset();
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->terminate();
            if (!m_process->waitForFinished(5000)) {
                m_process->kill();
                m_process->waitForFinished(2000);
            }
        }
        m_process.reset();
        m_blue.reset();
        m_green.reset();
        m_dir.reset();
    }

    void showStat_andServersState_overUnixAndTcp()
    {
        const auto stat = send(m_unix, QStringLiteral("show stat"));
        QVERIFY2(stat.ok(), qPrintable(stat.ok() ? QString() : stat.error().message));
        const auto table = parseStat(stat.value());
        QVERIFY(table.ok());
        QVERIFY2(table.value().problems.isEmpty(), qPrintable(table.value().problems.join(u'\n')));
        const StatRow blue = statOf(QStringLiteral("blue-1"));
        QVERIFY(blue.isServer());
        QCOMPARE(blue.weight, 100);
        QCOMPARE(blue.addr, QStringLiteral("127.0.0.1:%1").arg(m_blue->serverPort()));
        QCOMPARE(statOf(QStringLiteral("green-1")).weight, 0);

        const auto state = send(m_tcp, QStringLiteral("show servers state catalog"));
        QVERIFY2(state.ok(), qPrintable(state.ok() ? QString() : state.error().message));
        const auto servers = parseServersState(state.value());
        QVERIFY(servers.ok());
        QCOMPARE(servers.value().servers.size(), 2);
        QCOMPARE(servers.value().servers[0].server, QStringLiteral("blue-1"));
        QCOMPARE(servers.value().servers[0].admin, AdminState::Ready);
        QCOMPARE(servers.value().servers[1].userWeight, 0);
    }

    void setWeight_outOfRange_quotesHAProxy_thenSetAndGet()
    {
        const auto refused = send(m_unix, QStringLiteral("set server catalog/green-1 weight 300"));
        QVERIFY(refused.ok());
        const auto check = checkCommandReply(refused.value());
        QVERIFY(!check.ok());
        QVERIFY2(check.error().message.contains(
                     QStringLiteral("\"Absolute weight can only be between 0 and 256 inclusive.\"")),
                 qPrintable(check.error().message));

        const auto set = send(m_unix, QStringLiteral("set server catalog/green-1 weight 20"));
        QVERIFY(set.ok());
        QVERIFY2(checkCommandReply(set.value()).ok(), qPrintable(set.value()));
        const auto got = send(m_tcp, QStringLiteral("get weight catalog/green-1"));
        QVERIFY(got.ok());
        const auto weight = parseGetWeight(got.value());
        QVERIFY2(weight.ok(), qPrintable(got.value()));
        QCOMPARE(weight.value().current, 20);
        QCOMPARE(weight.value().initial, 0);
        QCOMPARE(statOf(QStringLiteral("green-1")).weight, 20);
    }

    void drain_showsDrain()
    {
        const auto drain = send(m_unix, QStringLiteral("set server catalog/blue-1 state drain"));
        QVERIFY(drain.ok());
        QVERIFY2(checkCommandReply(drain.value()).ok(), qPrintable(drain.value()));
        QCOMPARE(statOf(QStringLiteral("blue-1")).status, QStringLiteral("DRAIN"));
        const auto state = send(m_unix, QStringLiteral("show servers state catalog"));
        QVERIFY(state.ok());
        QCOMPARE(parseServersState(state.value()).value().servers[0].admin, AdminState::Drain);
    }

    void commandEndpoint_throughSocat()
    {
        const QString socat = Test::findProgram(QStringLiteral("socat"));
        QVERIFY2(!socat.isEmpty(), "socat is not installed: apt-get install socat (./scripts/setup does)");
        const RuntimeTarget viaSocat{QStringLiteral("lb-a"),
                                     commandEndpoint({socat, QStringLiteral("-"), m_unix.endpoint.path}).value()};
        const auto weight = send(viaSocat, QStringLiteral("get weight catalog/blue-1"));
        QVERIFY2(weight.ok(), qPrintable(weight.ok() ? QString() : weight.error().message));
        QCOMPARE(parseGetWeight(weight.value()).value().current, 100);
    }

    void errors_nameTheInstanceAndTheFix()
    {
        const QString missing = m_dir->filePath(QStringLiteral("nothing.sock"));
        const auto noSocket = send(target(QStringLiteral("lb-b"), missing), QStringLiteral("show stat"));
        QVERIFY(!noSocket.ok());
        QCOMPARE(noSocket.error().kind, Core::ErrorKind::Unreachable);
        QCOMPARE(noSocket.error().message,
                 QStringLiteral("HAProxy instance \"lb-b\" (unix:%1): no runtime socket at %1: is HAProxy running with "
                                "`stats socket %1 level admin`?")
                     .arg(missing));

        const auto refused = send(target(QStringLiteral("lb-b"), QStringLiteral("tcp:127.0.0.1:%1").arg(freePort())),
                                  QStringLiteral("show stat"));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("connection refused: is HAProxy running with")),
                 qPrintable(refused.error().message));

        const auto newline = send(m_unix, QStringLiteral("show stat\nshutdown sessions server catalog/blue-1"));
        QVERIFY(!newline.ok());
        QCOMPARE(newline.error().kind, Core::ErrorKind::InvalidInput);
    }

    void peerClosingEarly_isNamed()
    {
        QLocalServer server;
        const QString path = m_dir->filePath(QStringLiteral("rude.sock"));
        QVERIFY(server.listen(path));
        connect(&server, &QLocalServer::newConnection, &server, [&server] {
            QLocalSocket *socket = server.nextPendingConnection();
            socket->disconnectFromServer();
            socket->deleteLater();
        });
        const auto closed = send(target(QStringLiteral("lb-c"), path), QStringLiteral("show stat"));
        QVERIFY(!closed.ok());
        QVERIFY2(closed.error().message.contains(QStringLiteral("\"lb-c\"")) &&
                     closed.error().message.contains(QStringLiteral("closed the connection without answering")),
                 qPrintable(closed.error().message));
    }

    void commandFailures_neverShowTheArgv()
    {
        const auto run = [this](const QStringList &argv, const RuntimeLimits &limits = {}) {
            return send(RuntimeTarget{QStringLiteral("lb-d"), commandEndpoint(argv).value()},
                        QStringLiteral("show stat"), limits);
        };
        const auto failed = run({QStringLiteral("sh"), QStringLiteral("-c"),
                                 QStringLiteral("echo no route >&2; exit 3"), QStringLiteral("token-4711")});
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().message,
                 QStringLiteral("HAProxy instance \"lb-d\" (a command): the runtime API command "
                                "exited with code 3: no route"));

        const auto missing = run({QStringLiteral("/nonexistent/curtain-ssh-4711")});
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.contains(QStringLiteral("could not be started")),
                 qPrintable(missing.error().message));
        QVERIFY(!missing.error().message.contains(QStringLiteral("4711")));

        RuntimeLimits quick;
        quick.timeoutMs = 300;
        const auto slow = run({QStringLiteral("sleep"), QStringLiteral("30")}, quick);
        QVERIFY(!slow.ok());
        QCOMPARE(slow.error().kind, Core::ErrorKind::Timeout);
        QVERIFY2(slow.error().message.contains(QStringLiteral("no complete answer within 0.3 s")),
                 qPrintable(slow.error().message));

        RuntimeLimits small;
        small.maxReplyBytes = 1000;
        const auto big =
            run({QStringLiteral("head"), QStringLiteral("-c"), QStringLiteral("100000"), QStringLiteral("/dev/zero")},
                small);
        QVERIFY(!big.ok());
        QVERIFY2(
            big.error().message.contains(QStringLiteral("more than 1000 bytes, the limit for one runtime API reply")),
            qPrintable(big.error().message));
    }

    void destroyingTheClient_cancelsWhatRuns()
    {
        const auto future =
            m_client->send(RuntimeTarget{QStringLiteral("lb-e"),
                                         commandEndpoint({QStringLiteral("sleep"), QStringLiteral("30")}).value()},
                           QStringLiteral("show stat"));
        QTRY_VERIFY(!m_client->children().isEmpty()); // the exchange runs (its command started or starting)
        QElapsedTimer elapsed;
        elapsed.start();
        m_client.reset();
        QVERIFY2(elapsed.elapsed() < 5000, "the client waited for the command instead of killing it");
        QVERIFY(future.isFinished());
        QCOMPARE(future.resultCount(), 1);
        QCOMPARE(future.result().error().kind, Core::ErrorKind::Cancelled);
        QVERIFY(future.result().error().message.contains(QStringLiteral("\"lb-e\"")));
    }
};

QTEST_GUILESS_MAIN(TestHAProxyRuntime)
#include "tst_haproxyruntime.moc"
