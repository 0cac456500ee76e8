// A fleet's releases assembled from its instances' replies: colors from server names, each color's
// share of traffic, and instances that disagree shown as problems on the release.

#include "haproxy/fleetstate.h"

#include <QTest>

using namespace Curtain;
using namespace Curtain::HAProxy;

namespace {

const QString stateHeader = QStringLiteral("1\n# be_name srv_name srv_addr srv_op_state srv_admin_state srv_uweight "
                                           "srv_iweight srv_port\n");
const QString statHeader =
    QStringLiteral("# pxname,svname,type,status,weight,scur,stot,req_tot,hrsp_2xx,hrsp_5xx,addr\n");

struct Server
{
    QString backend;
    QString name;
    int weight = 100;
    int adminBits = 0;
    QString status = QStringLiteral("UP");
    int scur = 0;
    int stot = 0;
};

// One instance's replies for these servers, through the real parsers.
InstanceReading reading(const QString &instance, const QList<Server> &servers)
{
    QString state = stateHeader;
    QString stat = statHeader;
    int port = 8000;
    for (const Server &s : servers) {
        state += QStringLiteral("%1 %2 127.0.0.1 2 %3 %4 100 %5\n")
                     .arg(s.backend, s.name)
                     .arg(s.adminBits)
                     .arg(s.weight)
                     .arg(++port);
        stat += QStringLiteral("%1,%2,2,%3,%4,%5,%6,%6,%6,0,127.0.0.1:%7\n")
                    .arg(s.backend, s.name, s.status)
                    .arg(s.weight)
                    .arg(s.scur)
                    .arg(s.stot)
                    .arg(port);
    }
    InstanceReading r;
    r.instance = instance;
    r.servers = parseServersState(state).value();
    r.stat = parseStat(stat).value();
    return r;
}

FleetConfig fleet(const QList<ReleaseConfig> &releases)
{
    FleetConfig config;
    config.name = QStringLiteral("shop-edge");
    config.releases = releases;
    return config;
}

ReleaseConfig byServers(const QString &backend)
{
    ReleaseConfig release;
    release.name = backend;
    release.backend = backend;
    return release;
}

ReleaseConfig byMap()
{
    ReleaseConfig release;
    release.name = QStringLiteral("checkout");
    release.kind = ReleaseKind::MapSwitch;
    release.map = QStringLiteral("/etc/haproxy/bg.map");
    release.key = QStringLiteral("checkout.example.com");
    release.blueBackend = QStringLiteral("checkout_blue");
    release.greenBackend = QStringLiteral("checkout_green");
    return release;
}

const QString catalog = QStringLiteral("catalog");

} // namespace

Q_DECLARE_METATYPE(std::optional<Color>)

class TestFleetState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void colorOfServer_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<std::optional<Color>>("color");
        QTest::newRow("blue-1") << QStringLiteral("blue-1") << std::optional(Color::Blue);
        QTest::newRow("green") << QStringLiteral("green") << std::optional(Color::Green);
        QTest::newRow("Green_2") << QStringLiteral("Green_2") << std::optional(Color::Green);
        QTest::newRow("blue-eu-1") << QStringLiteral("blue-eu-1") << std::optional(Color::Blue);
        QTest::newRow("BLUE") << QStringLiteral("BLUE") << std::optional(Color::Blue);
        QTest::newRow("catalog-blue-1") << QStringLiteral("catalog-blue-1") << std::optional<Color>();
        QTest::newRow("bluegreen") << QStringLiteral("bluegreen") << std::optional<Color>();
        QTest::newRow("blue.1") << QStringLiteral("blue.1") << std::optional<Color>();
        QTest::newRow("empty") << QString() << std::optional<Color>();
    }

    void colorOfServer()
    {
        QFETCH(QString, name);
        QFETCH(std::optional<Color>, color);
        QCOMPARE(HAProxy::colorOfServer(name), color);
    }

    void servers_shareFollowsServingWeights()
    {
        const auto state = assembleFleetState(
            fleet({byServers(catalog)}),
            {reading(QStringLiteral("lb-a"), {{catalog, QStringLiteral("blue-1"), 80, 0, QStringLiteral("UP"), 3, 30},
                                              {catalog, QStringLiteral("blue-2"), 50, 0x08, QStringLiteral("DRAIN")},
                                              {catalog, QStringLiteral("green-1"), 20, 0, QStringLiteral("UP"), 1, 7},
                                              {catalog, QStringLiteral("green-2"), 30, 0, QStringLiteral("DOWN")},
                                              {QStringLiteral("other"), QStringLiteral("blue-9"), 100}})});
        QVERIFY(state.problems.isEmpty());
        QCOMPARE(state.releases.size(), 1);
        const ReleaseState &release = state.releases[0];
        QVERIFY2(release.problems.isEmpty(), qPrintable(release.problems.join(u'\n')));
        QCOMPARE(release.blue.servers.size(), 2);
        QCOMPARE(release.green.servers.size(), 2);
        QCOMPARE(release.blue.servingWeight, 80);  // blue-2 is drained
        QCOMPARE(release.green.servingWeight, 20); // green-2 is down
        QCOMPARE(release.blue.share, 0.8);
        QCOMPARE(release.green.share, 0.2);
        const ServerView &blue1 = release.blue.servers[0];
        QCOMPARE(blue1.name, QStringLiteral("blue-1"));
        QCOMPARE(blue1.scur, 3);
        QCOMPARE(blue1.stot, 30);
        QCOMPARE(blue1.addr, QStringLiteral("127.0.0.1:8001"));
        QCOMPARE(release.blue.servers[1].admin, AdminState::Drain);
        QCOMPARE(release.green.servers[1].statusKind, ServerStatus::Down);
    }

    void servers_unnamedColorAndNoTraffic_areProblems()
    {
        const auto state =
            assembleFleetState(fleet({byServers(catalog)}),
                               {reading(QStringLiteral("lb-a"),
                                        {{catalog, QStringLiteral("catalog-blue-1"), 100},
                                         {catalog, QStringLiteral("blue-1"), 0},
                                         {catalog, QStringLiteral("green-1"), 100, 0x01, QStringLiteral("MAINT")}})});
        const ReleaseState &release = state.releases[0];
        QCOMPARE(release.problems.size(), 2);
        QVERIFY2(release.problems[0].contains(QStringLiteral("catalog/catalog-blue-1 is neither blue nor green")),
                 qPrintable(release.problems[0]));
        QVERIFY2(release.problems[1].contains(QStringLiteral("no server of catalog takes traffic")),
                 qPrintable(release.problems[1]));
        QCOMPARE(release.blue.share, 0.0);
        QCOMPARE(release.green.share, 0.0);
    }

    void haPair_disagreeing_isAProblemOnTheRelease_andCountersAdd()
    {
        const QList<Server> a{{catalog, QStringLiteral("blue-1"), 80, 0, QStringLiteral("UP"), 2, 10},
                              {catalog, QStringLiteral("green-1"), 20, 0, QStringLiteral("UP"), 1, 5}};
        const QList<Server> b{{catalog, QStringLiteral("blue-1"), 100, 0, QStringLiteral("UP"), 4, 12},
                              {catalog, QStringLiteral("green-1"), 20, 0x08, QStringLiteral("DRAIN"), 0, 1},
                              {catalog, QStringLiteral("green-9"), 1}};
        const auto state = assembleFleetState(fleet({byServers(catalog)}),
                                              {reading(QStringLiteral("lb-a"), a), reading(QStringLiteral("lb-b"), b)});
        const ReleaseState &release = state.releases[0];
        QCOMPARE(
            release.problems,
            QStringList({QStringLiteral("lb-a and lb-b disagree on catalog/blue-1: weight 80 on lb-a, 100 on lb-b"),
                         QStringLiteral("lb-a and lb-b disagree on catalog/green-1: ready on lb-a, drain on lb-b"),
                         QStringLiteral("lb-b has a server catalog/green-9 that lb-a does not have")}));
        QCOMPARE(release.blue.share, 0.8); // as the first instance sees it
        QCOMPARE(release.blue.servers[0].scur, 6);
        QCOMPARE(release.blue.servers[0].stot, 22);
    }

    void unreachableInstance_isAFleetProblem_theOthersGoOn()
    {
        InstanceReading down;
        down.instance = QStringLiteral("lb-a");
        down.error = Core::makeError(Core::ErrorKind::Unreachable, QStringLiteral("connection refused"));
        const auto state =
            assembleFleetState(fleet({byServers(catalog)}),
                               {down, reading(QStringLiteral("lb-b"), {{catalog, QStringLiteral("blue-1")},
                                                                       {catalog, QStringLiteral("green-1"), 0}})});
        QCOMPARE(state.problems, QStringList{QStringLiteral("lb-a: connection refused")});
        QCOMPARE(state.releases[0].blue.share, 1.0);

        const auto none = assembleFleetState(fleet({byServers(catalog)}), {down});
        QCOMPARE(none.releases[0].problems, QStringList{QStringLiteral("no instance of shop-edge answered")});
    }

    void mapSwitch_followsTheKey()
    {
        const QList<Server> servers{{QStringLiteral("checkout_blue"), QStringLiteral("blue"), 1},
                                    {QStringLiteral("checkout_green"), QStringLiteral("green"), 1}};
        InstanceReading a = reading(QStringLiteral("lb-a"), servers);
        a.maps.insert(
            QStringLiteral("/etc/haproxy/bg.map"),
            parseShowMap(QStringLiteral("0x1 checkout.example.com checkout_green\n0x2 x checkout_blue\n")).value());
        InstanceReading b = reading(QStringLiteral("lb-b"), servers);
        b.maps.insert(QStringLiteral("/etc/haproxy/bg.map"),
                      parseShowMap(QStringLiteral("0x1 checkout.example.com checkout_blue\n")).value());

        const auto one = assembleFleetState(fleet({byMap()}), {a});
        QVERIFY2(one.releases[0].problems.isEmpty(), qPrintable(one.releases[0].problems.join(u'\n')));
        QCOMPARE(one.releases[0].green.share, 1.0);
        QCOMPARE(one.releases[0].blue.share, 0.0);
        QCOMPARE(one.releases[0].blue.servers.size(), 1);

        const auto pair = assembleFleetState(fleet({byMap()}), {a, b});
        QCOMPARE(pair.releases[0].problems,
                 QStringList{QStringLiteral("lb-a and lb-b disagree on where checkout.example.com in "
                                            "/etc/haproxy/bg.map points")});

        InstanceReading c = reading(QStringLiteral("lb-c"), servers);
        c.maps.insert(QStringLiteral("/etc/haproxy/bg.map"),
                      parseShowMap(QStringLiteral("0x1 checkout.example.com legacy\n")).value());
        const auto elsewhere = assembleFleetState(fleet({byMap()}), {c});
        QVERIFY2(elsewhere.releases[0].problems.value(0).contains(QStringLiteral("points at \"legacy\", neither")),
                 qPrintable(elsewhere.releases[0].problems.join(u'\n')));

        const auto unread = assembleFleetState(fleet({byMap()}), {reading(QStringLiteral("lb-d"), servers)});
        QVERIFY(unread.releases[0].problems.value(0).contains(QStringLiteral("was not read")));
    }
};

QTEST_GUILESS_MAIN(TestFleetState)
#include "tst_fleetstate.moc"
