// How an instance's runtime API is reached, as a fleet file says it: the socket Curtain then opens,
// or the problem it names and the forms that work. Command endpoints never show their argv.

#include "haproxy/endpoint.h"
#include "haproxy/runtimeclient.h"

#include <QTest>

using namespace Curtain;
using HAProxy::Endpoint;

Q_DECLARE_METATYPE(Endpoint::Kind)

class TestHAProxyEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accepted_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<Endpoint::Kind>("kind");
        QTest::addColumn<QString>("described");
        QTest::newRow("unix:") << QStringLiteral("unix:/run/haproxy/admin.sock") << Endpoint::Kind::Unix
                               << QStringLiteral("unix:/run/haproxy/admin.sock");
        QTest::newRow("bare absolute path") << QStringLiteral("/run/haproxy/admin.sock") << Endpoint::Kind::Unix
                                            << QStringLiteral("unix:/run/haproxy/admin.sock");
        QTest::newRow("haproxy's unix@") << QStringLiteral("unix@/var/run/hap.sock") << Endpoint::Kind::Unix
                                         << QStringLiteral("unix:/var/run/hap.sock");
        QTest::newRow("tcp:") << QStringLiteral("tcp:127.0.0.1:9999") << Endpoint::Kind::Tcp
                              << QStringLiteral("tcp:127.0.0.1:9999");
        QTest::newRow("tcp: host name") << QStringLiteral("tcp:lb-a.internal:9999") << Endpoint::Kind::Tcp
                                        << QStringLiteral("tcp:lb-a.internal:9999");
        QTest::newRow("haproxy's ipv4@") << QStringLiteral("ipv4@127.0.0.1:9999") << Endpoint::Kind::Tcp
                                         << QStringLiteral("tcp:127.0.0.1:9999");
        QTest::newRow("tcp: ipv6") << QStringLiteral("tcp:[::1]:9999") << Endpoint::Kind::Tcp
                                   << QStringLiteral("tcp:[::1]:9999");
        QTest::newRow("haproxy's ipv6@") << QStringLiteral("ipv6@::1:9999") << Endpoint::Kind::Tcp
                                         << QStringLiteral("tcp:[::1]:9999");
    }

    void accepted()
    {
        QFETCH(QString, text);
        QFETCH(Endpoint::Kind, kind);
        QFETCH(QString, described);
        const auto endpoint = HAProxy::parseEndpoint(text);
        QVERIFY2(endpoint.ok(), qPrintable(endpoint.ok() ? QString() : endpoint.error().message));
        QCOMPARE(endpoint.value().kind, kind);
        QCOMPARE(endpoint.value().describe(), described);
    }

    void tcpParts()
    {
        const auto endpoint = HAProxy::parseEndpoint(QStringLiteral("ipv4@10.0.0.7:9999"));
        QVERIFY(endpoint.ok());
        QCOMPARE(endpoint.value().host, QStringLiteral("10.0.0.7"));
        QCOMPARE(endpoint.value().port, quint16(9999));
    }

    void refused_namesTheProblemAndTheFix_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem");
        QTest::newRow("empty") << QString() << QStringLiteral("is empty");
        QTest::newRow("relative path") << QStringLiteral("unix:run/admin.sock")
                                       << QStringLiteral("is not an absolute path");
        QTest::newRow("relative bare") << QStringLiteral("admin.sock")
                                       << QStringLiteral("neither an absolute path nor a unix:, tcp:");
        QTest::newRow("no port") << QStringLiteral("tcp:127.0.0.1") << QStringLiteral("has no port");
        QTest::newRow("port 0") << QStringLiteral("tcp:127.0.0.1:0") << QStringLiteral("expected a number from 1");
        QTest::newRow("port too big") << QStringLiteral("tcp:127.0.0.1:65536")
                                      << QStringLiteral("expected a number from 1");
        QTest::newRow("port text") << QStringLiteral("tcp:127.0.0.1:admin") << QStringLiteral("has the port \"admin\"");
        QTest::newRow("no host") << QStringLiteral("tcp::9999") << QStringLiteral("has no host");
        QTest::newRow("ipv6 without brackets")
            << QStringLiteral("tcp:::1:9999") << QStringLiteral("IPv6 address without brackets");
        QTest::newRow("ipv4@ with a name")
            << QStringLiteral("ipv4@lb-a:9999") << QStringLiteral("does not hold an IPv4 address");
        QTest::newRow("a URL") << QStringLiteral("http://127.0.0.1:9999") << QStringLiteral("is a URL");
        QTest::newRow("a command in one string") << QStringLiteral("ssh lb-a socat - /run/haproxy/admin.sock")
                                                 << QStringLiteral("a command goes in a list under `command`");
        QTest::newRow("line break") << QStringLiteral("/run/a\nb") << QStringLiteral("control character");
        QTest::newRow("path too long") << QStringLiteral("/") + QString(120, QLatin1Char('a'))
                                       << QStringLiteral("longer than the 107 bytes");
    }

    void refused_namesTheProblemAndTheFix()
    {
        QFETCH(QString, text);
        QFETCH(QString, problem);
        const auto endpoint = HAProxy::parseEndpoint(text);
        QVERIFY(!endpoint.ok());
        QCOMPARE(endpoint.error().kind, Core::ErrorKind::InvalidInput);
        QVERIFY2(endpoint.error().message.contains(problem), qPrintable(endpoint.error().message));
        if (!text.isEmpty()) { // every refusal shows the forms that work
            QVERIFY2(endpoint.error().message.contains(QStringLiteral("write unix:/run/haproxy/admin.sock")),
                     qPrintable(endpoint.error().message));
        }
    }

    void command_keepsItsArgv_andNeverDescribesIt()
    {
        const QStringList argv{QStringLiteral("ssh"),
                               QStringLiteral("-i"),
                               QStringLiteral("secret-key-path"),
                               QStringLiteral("lb-a"),
                               QStringLiteral("socat"),
                               QStringLiteral("-"),
                               QStringLiteral("/run/haproxy/admin.sock")};
        const auto endpoint = HAProxy::commandEndpoint(argv);
        QVERIFY(endpoint.ok());
        QCOMPARE(endpoint.value().kind, Endpoint::Kind::Command);
        QCOMPARE(endpoint.value().argv, argv);
        QCOMPARE(endpoint.value().describe(), QStringLiteral("a command"));
    }

    void command_refused()
    {
        QVERIFY(!HAProxy::commandEndpoint({}).ok());
        QVERIFY(HAProxy::commandEndpoint({}).error().message.contains(QStringLiteral("give the program")));
        QVERIFY(!HAProxy::commandEndpoint({QStringLiteral("  ")}).ok());
        const QString secret = QStringLiteral("tok") + QChar(0) + QStringLiteral("en-4711");
        const auto nul = HAProxy::commandEndpoint({QStringLiteral("ssh"), secret});
        QVERIFY(!nul.ok());
        QVERIFY2(nul.error().message.contains(QStringLiteral("argument 2")), qPrintable(nul.error().message));
        QVERIFY(!nul.error().message.contains(QStringLiteral("4711")));
    }

    void commandLine_refusesLineBreaksAndNul_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("refused");
        QTest::newRow("plain") << QStringLiteral("set server catalog/green-1 weight 20") << false;
        QTest::newRow("several with ;") << QStringLiteral("show info;show stat") << false;
        QTest::newRow("LF") << QStringLiteral("show stat\nshutdown sessions server catalog/blue-1") << true;
        QTest::newRow("CR") << QStringLiteral("show stat\r") << true;
        QTest::newRow("NUL") << QStringLiteral("show stat") + QChar(0) + QStringLiteral("x") << true;
        QTest::newRow("empty") << QString() << true;
    }

    void commandLine_refusesLineBreaksAndNul()
    {
        QFETCH(QString, command);
        QFETCH(bool, refused);
        QCOMPARE(!HAProxy::commandLineProblem(command).isEmpty(), refused);
    }
};

QTEST_GUILESS_MAIN(TestHAProxyEndpoint)
#include "tst_haproxyendpoint.moc"
