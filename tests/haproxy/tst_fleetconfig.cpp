// The fleet file as a user writes it (YAML, through the project's bounded reader, as plan files
// are): what Curtain reads from it, and for each mistake an error naming the file, the entry and the fix.

#include "haproxy/fleetconfig.h"
#include "kube/yamldocuments.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Curtain;
using namespace Curtain::HAProxy;

namespace {

const QString fileName = QStringLiteral("fleets.yaml");

Core::Result<QList<FleetConfig>> parse(const QByteArray &yaml)
{
    const auto documents = Kube::parseYamlDocuments(yaml, fileName);
    if (!documents.ok()) {
        return documents.error();
    }
    const QJsonDocument json = documents.value().empty()
                                   ? QJsonDocument()
                                   : QJsonDocument::fromJson(QByteArray::fromStdString(documents.value()[0].dump()));
    return parseFleetConfig(json.isObject() ? QJsonValue(json.object()) : QJsonValue(json.array()), fileName);
}

const QByteArray example = R"(fleets:
  - name: shop-edge
    instances:
      - name: lb-a
        socket: unix:/run/haproxy/admin.sock
        stateFile: /var/lib/haproxy/server-state
        writeMapFiles: true
      - name: lb-b
        command: [ssh, lb-b, socat, -, /run/haproxy/admin.sock]
    prometheus: http://127.0.0.1:9090
    releases:
      - name: catalog
        backend: catalog
        upTimeout: 40s
      - name: checkout
        map: /etc/haproxy/bg.map
        key: checkout.example.com
        blue: checkout_blue
        green: checkout_green
  - name: lab
    instances:
      - {name: lab-1, socket: "ipv4@127.0.0.1:9999"}
)";

// The example with one line replaced (the first that contains `from`).
QByteArray exampleWith(const QByteArray &from, const QByteArray &to)
{
    QByteArray text = example;
    const qsizetype at = text.indexOf(from);
    Q_ASSERT(at >= 0);
    return text.replace(at, from.size(), to);
}

} // namespace

class TestFleetConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void example_isReadAsWritten()
    {
        const auto fleets = parse(example);
        QVERIFY2(fleets.ok(), qPrintable(fleets.ok() ? QString() : fleets.error().message));
        QCOMPARE(fleets.value().size(), 2);
        const FleetConfig &shop = fleets.value()[0];
        QCOMPARE(shop.name, QStringLiteral("shop-edge"));
        QCOMPARE(shop.prometheus, QStringLiteral("http://127.0.0.1:9090"));
        QCOMPARE(shop.instances.size(), 2);
        QCOMPARE(shop.instances[0].name, QStringLiteral("lb-a"));
        QCOMPARE(shop.instances[0].endpoint.kind, Endpoint::Kind::Unix);
        QCOMPARE(shop.instances[0].endpoint.path, QStringLiteral("/run/haproxy/admin.sock"));
        QCOMPARE(shop.instances[0].stateFile, QStringLiteral("/var/lib/haproxy/server-state"));
        QCOMPARE(shop.instances[1].endpoint.kind, Endpoint::Kind::Command);
        QCOMPARE(shop.instances[1].endpoint.argv,
                 QStringList({QStringLiteral("ssh"), QStringLiteral("lb-b"), QStringLiteral("socat"),
                              QStringLiteral("-"), QStringLiteral("/run/haproxy/admin.sock")}));
        QVERIFY(shop.instances[0].writeMapFiles);
        QVERIFY(shop.instances[1].stateFile.isEmpty());
        QVERIFY(!shop.instances[1].writeMapFiles);
        QCOMPARE(shop.releases.size(), 2);
        QCOMPARE(shop.releases[0].kind, ReleaseKind::Servers);
        QCOMPARE(shop.releases[0].backend, QStringLiteral("catalog"));
        QCOMPARE(shop.releases[0].upTimeoutMs, 40'000);
        QCOMPARE(shop.releases[0].drainTimeoutMs, 30'000); // not given: the default
        const ReleaseConfig &checkout = shop.releases[1];
        QCOMPARE(checkout.kind, ReleaseKind::MapSwitch);
        QCOMPARE(checkout.map, QStringLiteral("/etc/haproxy/bg.map"));
        QCOMPARE(checkout.key, QStringLiteral("checkout.example.com"));
        QCOMPARE(checkout.blueBackend, QStringLiteral("checkout_blue"));
        QCOMPARE(checkout.greenBackend, QStringLiteral("checkout_green"));
        const FleetConfig &lab = fleets.value()[1];
        QCOMPARE(lab.instances[0].endpoint.kind, Endpoint::Kind::Tcp);
        QCOMPARE(lab.instances[0].endpoint.port, quint16(9999));
        QVERIFY(lab.releases.isEmpty());
        QVERIFY(lab.prometheus.isEmpty());
    }

    void mistakes_nameFileEntryAndFix_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not a mapping") << QByteArray("- a\n- b\n")
                                       << QStringLiteral("fleets.yaml: is a list, expected a mapping");
        QTest::newRow("no fleets") << QByteArray("fleets: []\n")
                                   << QStringLiteral("fleets.yaml: fleets is an empty list, expected a list of "
                                                     "fleets (at least one)");
        QTest::newRow("top-level typo") << QByteArray("fleet: []\n")
                                        << QStringLiteral("fleets.yaml: unknown key \"fleet\"; expected fleets");
        QTest::newRow("fleet without name")
            << exampleWith("  - name: shop-edge\n", "  - title: shop-edge\n")
            << QStringLiteral("fleets.yaml: fleets[0]: unknown key \"title\"; expected name, instances, prometheus, "
                              "releases");
        QTest::newRow("bad fleet name") << exampleWith("name: shop-edge", "name: shop edge")
                                        << QStringLiteral("fleets[0] (shop edge): name \"shop edge\" is not a name");
        QTest::newRow("no instances") << QByteArray("fleets:\n  - name: a\n    instances: []\n")
                                      << QStringLiteral("fleets.yaml: fleets[0] (a): instances is an empty list, "
                                                        "expected a list of HAProxy instances (at least one)");
        QTest::newRow("both socket and command")
            << exampleWith("        stateFile: /var/lib/haproxy/server-state\n", "        command: [socat]\n")
            << QStringLiteral("fleets.yaml: fleets[0] (shop-edge): instances[0] (lb-a): has both socket and command");
        QTest::newRow("neither socket nor command")
            << exampleWith("        socket: unix:/run/haproxy/admin.sock\n", "")
            << QStringLiteral("instances[0] (lb-a): says neither how to reach it: add socket: "
                              "unix:/run/haproxy/admin.sock");
        QTest::newRow("socket typo") << exampleWith("        socket:", "        soket:")
                                     << QStringLiteral("instances[0] (lb-a): unknown key \"soket\"; expected name, "
                                                       "socket, command, stateFile, writeMapFiles");
        QTest::newRow("writeMapFiles as text")
            << exampleWith("writeMapFiles: true", "writeMapFiles: yes please")
            << QStringLiteral("instances[0] (lb-a): writeMapFiles is \"yes please\", expected true or false");
        QTest::newRow("bad socket")
            << exampleWith("unix:/run/haproxy/admin.sock\n", "unix:run/admin.sock\n")
            << QStringLiteral("instances[0] (lb-a): runtime API address \"unix:run/admin.sock\" is not an absolute "
                              "path");
        QTest::newRow("command as a string")
            << exampleWith("[ssh, lb-b, socat, -, /run/haproxy/admin.sock]", "\"ssh lb-b socat\"")
            << QStringLiteral("instances[1] (lb-b): command is text, expected a list of text, one argument per item");
        QTest::newRow("relative state file") << exampleWith("/var/lib/haproxy/server-state", "server-state")
                                             << QStringLiteral("instances[0] (lb-a): stateFile \"server-state\" is "
                                                               "not an absolute path");
        QTest::newRow("duplicate instance") << exampleWith("name: lb-b", "name: lb-a")
                                            << QStringLiteral("fleets[0] (shop-edge): instances[1]: name \"lb-a\" "
                                                              "appears twice");
        QTest::newRow("duplicate fleet") << exampleWith("name: lab\n", "name: shop-edge\n")
                                         << QStringLiteral("fleets.yaml: fleets[1]: name \"shop-edge\" appears twice");
        QTest::newRow("duplicate release") << exampleWith("name: checkout", "name: catalog")
                                           << QStringLiteral("releases[1]: name \"catalog\" appears twice");
        QTest::newRow("release kind missing")
            << exampleWith("        backend: catalog\n", "")
            << QStringLiteral("releases[0] (catalog): says neither which backend nor which map; give backend: NAME");
        QTest::newRow("release of both kinds")
            << exampleWith("        backend: catalog\n", "        backend: catalog\n        map: /etc/a.map\n")
            << QStringLiteral("releases[0] (catalog): has both backend and map keys");
        QTest::newRow("map release incomplete")
            << exampleWith("        green: checkout_green\n", "")
            << QStringLiteral("releases[1] (checkout): green is missing, expected text such as checkout_green");
        QTest::newRow("backend with a space") << exampleWith("backend: catalog", "backend: \"catalog; shutdown\"")
                                              << QStringLiteral("backend \"catalog; shutdown\" is not an HAProxy "
                                                                "backend name");
        QTest::newRow("key with a space") << exampleWith("key: checkout.example.com", "key: \"a b\"")
                                          << QStringLiteral("key \"a b\" cannot be sent to HAProxy as one argument");
        QTest::newRow("key as a reference")
            << exampleWith("key: checkout.example.com", "key: \"#1\"") << QStringLiteral("no leading '#'");
        QTest::newRow("same backends") << exampleWith("green: checkout_green", "green: checkout_blue")
                                       << QStringLiteral("blue and green are both \"checkout_blue\"");
        QTest::newRow("two releases, one backend")
            << exampleWith("        map: /etc/haproxy/bg.map\n        key: checkout.example.com\n        blue: "
                           "checkout_blue\n        green: checkout_green\n",
                           "        backend: catalog\n")
            << QStringLiteral("releases[1]: route \"backend catalog\" appears twice");
        QTest::newRow("upTimeout in words")
            << exampleWith("upTimeout: 40s", "upTimeout: a while")
            << QStringLiteral("releases[0] (catalog): upTimeout is \"a while\", expected a duration from 1s to 1h "
                              "such as 15s or 2m");
        QTest::newRow("upTimeout too long") << exampleWith("upTimeout: 40s", "upTimeout: 2h")
                                            << QStringLiteral("upTimeout is \"2h\", expected a duration from 1s");
        QTest::newRow("drainTimeout as a list") << exampleWith("upTimeout: 40s", "drainTimeout: [1]")
                                                << QStringLiteral("drainTimeout is a list, expected a duration");
        QTest::newRow("upTimeout on a map switch")
            << exampleWith("        key: checkout.example.com\n",
                           "        key: checkout.example.com\n        upTimeout: 5s\n")
            << QStringLiteral("releases[1] (checkout): upTimeout is for a release of blue and green servers in one "
                              "backend; a map switch waits for no server, remove it");
        QTest::newRow("bad prometheus") << exampleWith("http://127.0.0.1:9090", "127.0.0.1:9090")
                                        << QStringLiteral("prometheus \"127.0.0.1:9090\" is not an http:// or https:// "
                                                          "URL");
        QTest::newRow("number as name") << exampleWith("name: lb-a", "name: [1]")
                                        << QStringLiteral("instances[0]: name is a list, expected text such as lb-a");
    }

    void mistakes_nameFileEntryAndFix()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const auto fleets = parse(text);
        QVERIFY2(!fleets.ok(), text.constData());
        QCOMPARE(fleets.error().kind, Core::ErrorKind::InvalidInput);
        QVERIFY2(fleets.error().message.startsWith(fileName), qPrintable(fleets.error().message));
        QVERIFY2(fleets.error().message.contains(expected), qPrintable(fleets.error().message));
    }

    void commandArgv_isNeverInAnError()
    {
        const auto fleets = parse(exampleWith("[ssh, lb-b, socat, -, /run/haproxy/admin.sock]",
                                              "[ssh, -o, \"IdentityFile=/keys/s3cr3t\", 7]"));
        QVERIFY(!fleets.ok());
        QVERIFY2(fleets.error().message.contains(QStringLiteral("an item that is not text")),
                 qPrintable(fleets.error().message));
        QVERIFY(!fleets.error().message.contains(QStringLiteral("s3cr3t")));
    }

    void proxyNames()
    {
        QVERIFY(isProxyName(QStringLiteral("checkout_blue")));
        QVERIFY(isProxyName(QStringLiteral("be:v2.1-x")));
        QVERIFY(!isProxyName(QString()));
        QVERIFY(!isProxyName(QStringLiteral("a b")));
        QVERIFY(!isProxyName(QStringLiteral("a;show")));
        QVERIFY(!isProxyName(QStringLiteral("a/b")));
    }
};

QTEST_GUILESS_MAIN(TestFleetConfig)
#include "tst_fleetconfig.moc"
