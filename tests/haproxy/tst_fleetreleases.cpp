// A fleet's releases in the console's terms: what each panel says, which buttons are on and why,
// what an action moves, and traffic from HAProxy's counters. Pure: no HAProxy runs here.

#include "engine/fleetactions.h"
#include "engine/fleetreleases.h"

#include <QTest>

using namespace Curtain;
using namespace Curtain::HAProxy;

namespace {

ServerView server(const QString &name, int weight, AdminState admin = AdminState::Ready,
                  const QString &status = QStringLiteral("UP"))
{
    ServerView view;
    view.name = name;
    view.backend = QStringLiteral("catalog");
    view.status = status;
    view.statusKind = serverStatusOf(status);
    view.admin = admin;
    view.weight = weight;
    return view;
}

// catalog with two servers per color; `greenShare` of the traffic on green.
ReleaseState catalog(double greenShare)
{
    ReleaseState release;
    release.config.name = QStringLiteral("catalog");
    release.config.kind = ReleaseKind::Servers;
    release.config.backend = QStringLiteral("catalog");
    const int green = greenShare > 0 ? 100 : 0;
    const int blue = greenShare < 1 ? 100 : 0;
    release.blue.servers = {server(QStringLiteral("blue-1"), blue), server(QStringLiteral("blue-2"), blue)};
    release.green.servers = {server(QStringLiteral("green-1"), green, green ? AdminState::Ready : AdminState::Maint,
                                    green ? QStringLiteral("UP") : QStringLiteral("MAINT")),
                             server(QStringLiteral("green-2"), green, green ? AdminState::Ready : AdminState::Maint,
                                    green ? QStringLiteral("UP") : QStringLiteral("MAINT"))};
    release.blue.share = 1 - greenShare;
    release.green.share = greenShare;
    return release;
}

Core::ActionRequest request(Core::ActionKind kind, int weight = 0)
{
    Core::ActionRequest action;
    action.kind = kind;
    action.release = QStringLiteral("catalog");
    action.weight = weight;
    return action;
}

} // namespace

class TestFleetReleases : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void servers_becomeEnvironments()
    {
        const Core::ReleaseSnapshot shown =
            Engine::fleetRelease(catalog(0), Color::Blue, QDateTime::currentDateTimeUtc());
        QCOMPARE(shown.routeKind, Core::RouteKind::HAProxyServers);
        QCOMPARE(shown.stable, Core::Color::Blue);
        QCOMPARE(shown.blue.trafficPercent, 100);
        QCOMPARE(shown.blue.readyReplicas, 2);
        QCOMPARE(shown.green.readyReplicas, 0); // in maintenance: not up
        QCOMPARE(shown.green.desiredReplicas, 2);
        QCOMPARE(shown.green.version, QStringLiteral("green-1, green-2"));
        QVERIFY(shown.green.rolloutMessage.contains(QStringLiteral("green-1 MAINT, maint, weight 0")));
        QVERIFY(shown.capabilities.flip.enabled);
        QVERIFY(shown.capabilities.setWeight.enabled);
        QVERIFY(shown.capabilities.promote.enabled);
        QVERIFY(shown.capabilities.rollback.enabled);
        QVERIFY(!shown.capabilities.abort.enabled);
    }

    // Without a configured color, Promote and Rollback do not guess where the known-good is; a split
    // release cannot be flipped. Each says why.
    void capabilities_sayWhyNot()
    {
        const Core::ReleaseSnapshot unknown = Engine::fleetRelease(catalog(0.25), std::nullopt, {});
        QVERIFY(!unknown.capabilities.rollback.enabled);
        QVERIFY(unknown.capabilities.rollback.reason.contains(QStringLiteral("known-good color is not known")));
        QVERIFY(!unknown.capabilities.flip.enabled);
        QVERIFY(unknown.capabilities.flip.reason.contains(QStringLiteral("split")));
        QCOMPARE(unknown.stable, Core::Color::Blue); // the color with more traffic
    }

    void version_changesWithWhatAWriteWouldChange()
    {
        ReleaseState release = catalog(0);
        const QString before = Engine::fleetVersion(release);
        QCOMPARE(Engine::fleetVersion(release), before);
        release.green.servers[0].admin = AdminState::Ready;
        QVERIFY(Engine::fleetVersion(release) != before);
    }

    void metrics_fromCountersBetweenReadings()
    {
        ReleaseState before = catalog(0);
        ReleaseState now = catalog(0);
        before.blue.servers[0].reqTot = 1000;
        before.blue.servers[0].hrsp5xx = 10;
        now.blue.servers[0].reqTot = 1400;
        now.blue.servers[0].hrsp5xx = 14;
        const Core::ReleaseMetrics metrics = Engine::fleetMetrics(before, now, 2.0, 5000);
        QVERIFY(metrics.blue.hasTraffic);
        QCOMPARE(metrics.blue.requestsPerSecond, 200.0);
        QCOMPARE(metrics.blue.errorRatio, 0.01);
        QVERIFY(!metrics.blue.hasLatency);
        QVERIFY(!metrics.green.hasTraffic);
        // A reload starts the counters again: no traffic that round, never a negative rate.
        now.blue.servers[0].reqTot = 5;
        QVERIFY(!Engine::fleetMetrics(before, now, 2.0, 5000).blue.hasTraffic);
    }

    void moves_followTheConfiguration()
    {
        const auto flip = Engine::planFleetMove(catalog(0), Color::Blue, request(Core::ActionKind::Flip));
        QVERIFY(flip.ok());
        QCOMPARE(flip.value().greenShare, 1.0);
        const auto rollback = Engine::planFleetMove(catalog(1), Color::Blue, request(Core::ActionKind::Rollback));
        QVERIFY(rollback.ok());
        QCOMPARE(rollback.value().greenShare, 0.0);
        const auto promote = Engine::planFleetMove(catalog(0.05), Color::Blue, request(Core::ActionKind::Promote));
        QCOMPARE(promote.value().greenShare, 1.0);
        const auto split = Engine::planFleetMove(catalog(0.25), Color::Blue, request(Core::ActionKind::Flip));
        QVERIFY(!split.ok());
        QVERIFY(split.error().message.contains(QStringLiteral("is split")));
        const auto unknown = Engine::planFleetMove(
            catalog(1), Core::makeError(Core::ErrorKind::Refused, QStringLiteral("both colors are weighted")),
            request(Core::ActionKind::Rollback));
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().message, QStringLiteral("both colors are weighted"));
    }

    // set-weight N gives N % to the candidate, the color HAProxy's configuration does not weight —
    // whichever it is, in curtainctl as on the console's slider.
    void setWeight_isTheCandidatesShare()
    {
        const auto toGreen = Engine::planFleetMove(catalog(0), Color::Blue, request(Core::ActionKind::SetWeight, 5));
        QVERIFY(toGreen.ok());
        QCOMPARE(toGreen.value().greenShare, 0.05);
        const auto toBlue = Engine::planFleetMove(catalog(1), Color::Green, request(Core::ActionKind::SetWeight, 5));
        QVERIFY(toBlue.ok());
        QCOMPARE(toBlue.value().greenShare, 0.95);
        // Configured both or neither: the color carrying more traffic is stable.
        const auto unknown = Core::Result<Color>(Core::makeError(Core::ErrorKind::Refused, QStringLiteral("both")));
        QCOMPARE(
            Engine::planFleetMove(catalog(1), unknown, request(Core::ActionKind::SetWeight, 25)).value().greenShare,
            0.75);
        QCOMPARE(Engine::fleetRelease(catalog(1), Color::Green, {}).candidate(), Core::Color::Blue);
    }

    void mapRelease_takesFlipOnly()
    {
        ReleaseState map = catalog(0);
        map.config.kind = ReleaseKind::MapSwitch;
        const auto flip = Engine::planFleetMove(map, Color::Blue, request(Core::ActionKind::Flip));
        QVERIFY(flip.ok());
        QCOMPARE(flip.value().kind, Engine::FleetMove::Kind::Map);
        QCOMPARE(flip.value().mapTo, Color::Green);
        QVERIFY(!Engine::planFleetMove(map, Color::Blue, request(Core::ActionKind::SetWeight, 5)).ok());
        const Core::ReleaseSnapshot shown = Engine::fleetRelease(map, std::nullopt, {});
        QCOMPARE(shown.strategy(), Core::Strategy::BlueGreen);
        QVERIFY(!shown.capabilities.rollback.enabled);
        QVERIFY(shown.capabilities.rollback.reason.contains(QStringLiteral("Flip is this release's rollback")));
    }
};

QTEST_GUILESS_MAIN(TestFleetReleases)
#include "tst_fleetreleases.moc"
