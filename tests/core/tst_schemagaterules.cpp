// The schema gate's rules on plain values: which moves, contracts and aborts it lets through.

#include "core/action.h"
#include "core/rolloutcontrol.h"
#include "core/schemagate.h"

#include <QTest>

using namespace Curtain::Core;

namespace {

// checkout: blue (v1) serves 100 %, green (v2) is ready; database "orders" in `phase`.
ReleaseSnapshot release(const QString &phase, const QStringList &live, const QStringList &gone = {})
{
    ReleaseSnapshot r;
    r.name = QStringLiteral("checkout");
    r.namespaceName = QStringLiteral("demo");
    r.routeKind = RouteKind::HttpRoute;
    r.blue.color = Color::Blue;
    r.blue.present = true;
    r.blue.version = QStringLiteral("v1.4.2");
    r.blue.desiredReplicas = r.blue.readyReplicas = 3;
    r.blue.trafficPercent = 100;
    r.blue.schemaVersion = QStringLiteral("s1");
    r.green = r.blue;
    r.green.color = Color::Green;
    r.green.version = QStringLiteral("v1.5.0");
    r.green.trafficPercent = 0;
    r.green.schemaVersion = QStringLiteral("s2");
    r.stable = Color::Blue;
    r.database = QStringLiteral("service=orders");
    DatabaseState state;
    state.read = true;
    state.phase = phase;
    state.liveVersions = live;
    state.goneVersions = gone;
    state.oldVersion = phase == QLatin1String("expanded") ? QStringLiteral("s1") : QString();
    state.newVersion = live.isEmpty() ? QString() : live.last();
    state.migration = QStringLiteral("s2");
    r.databaseState = state;
    return r;
}

// An Argo canary on the same database: stable revision 1 on s1, the update to revision 2 on s2 either
// in flight (canary at 25 %) or fully promoted (revision 1 kept, still scaled up).
ReleaseSnapshot rollout(const QString &phase, const QStringList &live, const QStringList &gone, bool promoted)
{
    ReleaseSnapshot r = release(phase, live, gone);
    r.routeKind = RouteKind::ArgoRollout;
    RolloutStatus status;
    status.strategy = QStringLiteral("Canary");
    ReplicaSetInfo one{QStringLiteral("checkout-aaa"),
                       QStringLiteral("aaa"),
                       {},
                       QStringLiteral("Healthy"),
                       1,
                       3,
                       3,
                       3,
                       QStringLiteral("registry/checkout:v1.4.2"),
                       QStringLiteral("s1")};
    ReplicaSetInfo two{QStringLiteral("checkout-bbb"),
                       QStringLiteral("bbb"),
                       {},
                       QStringLiteral("Healthy"),
                       2,
                       3,
                       3,
                       3,
                       QStringLiteral("registry/checkout:v1.5.0"),
                       QStringLiteral("s2")};
    (promoted ? two : one).roles << QStringLiteral("stable");
    if (!promoted) {
        two.roles << QStringLiteral("canary");
        status.actualWeight = 25;
    }
    status.replicaSets = {two, one};
    status.stableHash = promoted ? QStringLiteral("bbb") : QStringLiteral("aaa");
    status.currentHash = QStringLiteral("bbb");
    status.steps = {QStringLiteral("setWeight 25"), QStringLiteral("pause (until promoted)")};
    r.rollout = status;
    return r;
}

Result<TargetState> ask(const ReleaseSnapshot &r, ActionKind kind, int weight = 0)
{
    return planAction(r, {kind, r.name, weight, {}});
}

} // namespace

class TestSchemaGateRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void searchPath_namesTheFirstSchema_data()
    {
        QTest::addColumn<QString>("pgoptions");
        QTest::addColumn<QString>("version");
        QTest::newRow("plain") << "-c search_path=v2"
                               << "v2";
        QTest::newRow("joined") << "-csearch_path=v2,public"
                                << "v2";
        QTest::newRow("long form") << "--search_path=\"v2\""
                                   << "v2";
        QTest::newRow("among others") << "-c statement_timeout=5s -c search_path=app_v3"
                                      << "app_v3";
        QTest::newRow("$user") << "-c search_path=$user,public"
                               << "";
        QTest::newRow("folded") << "-c search_path=Orders_V2"
                                << "orders_v2";
        QTest::newRow("quoted keeps case") << "-c search_path=\"Orders_V2\""
                                           << "Orders_V2";
        QTest::newRow("none") << "-c work_mem=64MB"
                              << "";
    }
    void searchPath_namesTheFirstSchema()
    {
        QFETCH(QString, pgoptions);
        QFETCH(QString, version);
        QCOMPARE(searchPathVersion(pgoptions), version);
    }

    void databaseLabel_neverShowsTheConnectionString()
    {
        QCOMPARE(databaseLabel(QStringLiteral("service=orders")), QStringLiteral("orders"));
        QCOMPARE(databaseLabel(QStringLiteral("host=db.internal port=5432 dbname=shop user=app")),
                 QStringLiteral("shop"));
        QCOMPARE(databaseLabel(QStringLiteral("postgresql://app@db/shop?sslmode=require")), QStringLiteral("shop"));
        QCOMPARE(databaseLabel(QStringLiteral("host=db")), QStringLiteral("the database"));
        // A URI where a name was expected may carry a password: never shown.
        QCOMPARE(databaseLabel(QStringLiteral("dbname=postgresql://app:secret@db/shop")),
                 QStringLiteral("the database"));
        QCOMPARE(databaseLabel(QStringLiteral("postgresql://app:secret@db/shop")), QStringLiteral("shop"));
    }

    void trafficTowardsAMissingVersion_isRefused()
    {
        const ReleaseSnapshot r = release(QStringLiteral("contracted"), {QStringLiteral("s1")});
        for (ActionKind kind : {ActionKind::SetWeight, ActionKind::Flip, ActionKind::Promote}) {
            const auto refused = ask(r, kind, 5);
            QVERIFY(!refused.ok());
            QVERIFY2(refused.error().message.contains(QStringLiteral("green (v1.5.0) needs schema version s2 of "
                                                                     "database orders, which does not exist yet")),
                     qPrintable(refused.error().message));
        }
        QVERIFY(!computeCapabilities(r).flip.enabled);
        QVERIFY(computeCapabilities(r).flip.reason.contains(QStringLiteral("Expand first")));
    }

    void bothVersionsLive_letsTrafficMoveBothWays()
    {
        ReleaseSnapshot r = release(QStringLiteral("expanded"), {QStringLiteral("s1"), QStringLiteral("s2")});
        QVERIFY(ask(r, ActionKind::SetWeight, 25).ok());
        QVERIFY(ask(r, ActionKind::Flip).ok());
        r.blue.trafficPercent = 75;
        r.green.trafficPercent = 25;
        QVERIFY(ask(r, ActionKind::Rollback).ok());
    }

    void rollbackToAContractedVersion_isTheTrap()
    {
        // Green serves on s2 after the contract; blue, on s1, is gone underneath.
        ReleaseSnapshot r = release(QStringLiteral("contracted"), {QStringLiteral("s2")}, {QStringLiteral("s1")});
        r.stable = Color::Green;
        r.previous = Color::Blue;
        r.blue.trafficPercent = 0;
        r.green.trafficPercent = 100;
        const auto trap = ask(r, ActionKind::Rollback);
        QVERIFY(!trap.ok());
        QVERIFY2(trap.error().message.contains(QStringLiteral("rollback would send traffic to blue (v1.4.2), which "
                                                              "needs schema version s1 of database orders — migration "
                                                              "s2 contracted it")),
                 qPrintable(trap.error().message));
        QVERIFY(!computeCapabilities(r).rollback.enabled);
        QVERIFY(computeCapabilities(r).rollback.reason.contains(QStringLiteral("Safe path: keep green serving")));

        // Blue scaled down after the flip, as it is before a contract: the schema is still the
        // reason, not readiness ("wait until it is ready" would send the user waiting for nothing).
        r.blue.desiredReplicas = r.blue.readyReplicas = 0;
        const auto scaledDown = ask(r, ActionKind::Rollback);
        QVERIFY(!scaledDown.ok());
        QVERIFY2(scaledDown.error().message.contains(QStringLiteral("migration s2 contracted it")),
                 qPrintable(scaledDown.error().message));
        QVERIFY2(computeCapabilities(r).flip.reason.contains(QStringLiteral("migration s2 contracted it")),
                 qPrintable(computeCapabilities(r).flip.reason));
    }

    void unreadableDatabase_holdsMovesButNotRollback()
    {
        ReleaseSnapshot r = release(QStringLiteral("expanded"), {QStringLiteral("s1"), QStringLiteral("s2")});
        r.databaseState->read = false;
        r.databaseState->error = QStringLiteral("cannot connect to the database: timeout");
        const auto held = ask(r, ActionKind::SetWeight, 5);
        QVERIFY(!held.ok());
        QVERIFY2(held.error().message.contains(QStringLiteral("cannot read that database (cannot connect to the "
                                                              "database: timeout)")),
                 qPrintable(held.error().message));
        r.blue.trafficPercent = 90;
        r.green.trafficPercent = 10;
        QVERIFY(ask(r, ActionKind::Rollback).ok()); // towards stable: always
    }

    void releaseWithoutADatabase_isNotGated()
    {
        ReleaseSnapshot r = release(QStringLiteral("contracted"), {});
        r.database.clear();
        QVERIFY(ask(r, ActionKind::Flip).ok());
    }

    void contractAndAbort_waitForTheColorsThatUseTheVersion()
    {
        ReleaseSnapshot r = release(QStringLiteral("expanded"), {QStringLiteral("s1"), QStringLiteral("s2")});
        QVERIFY(contractGate(r, 0, QDateTime::currentDateTimeUtc()).has_value()); // blue on s1 serves
        QVERIFY(abortGate(r).has_value());                                        // green on s2 has 3 ready pods
        r.green.readyReplicas = 0;
        QVERIFY(!abortGate(r).has_value());
        r.blue.trafficPercent = 0;
        r.green.trafficPercent = 100;
        r.blue.readyReplicas = 1;
        QVERIFY2(contractGate(r, 0, QDateTime::currentDateTimeUtc())
                     ->message.contains(QStringLiteral("it has 0 % of traffic and 1 ready pod.")),
                 qPrintable(contractGate(r, 0, QDateTime::currentDateTimeUtc())->message));
        r.blue.readyReplicas = 0;
        QVERIFY(!contractGate(r, 0, QDateTime::currentDateTimeUtc()).has_value());
        // A color in use that names no version might use the old one: no contract on a guess.
        r.green.schemaVersion.clear();
        QVERIFY2(contractGate(r, 0, QDateTime::currentDateTimeUtc())
                     ->message.contains(QStringLiteral("green (v1.5.0) names no schema version")),
                 qPrintable(contractGate(r, 0, QDateTime::currentDateTimeUtc())->message));
    }

    // An Argo Rollout is gated the same way, per revision: its ReplicaSets' pod templates say what
    // they need, and the controller's actions that send traffic towards a revision ask the gate.
    void argoRollout_promoteWaitsForTheVersion_andRollbackAfterContractIsTheTrap()
    {
        ReleaseSnapshot inFlight = rollout(QStringLiteral("contracted"), {QStringLiteral("s1")}, {}, false);
        Capabilities caps = computeCapabilities(inFlight);
        QVERIFY(!caps.promote.enabled);
        QVERIFY2(caps.promote.reason.contains(QStringLiteral("needs schema version s2 of database orders, which does "
                                                             "not exist yet")),
                 qPrintable(caps.promote.reason));
        QVERIFY(!caps.promoteFull.enabled);
        QVERIFY2(caps.abort.enabled, qPrintable(caps.abort.reason)); // back to s1, which is live
        QVERIFY(caps.rollback.enabled);

        inFlight = rollout(QStringLiteral("expanded"), {QStringLiteral("s1"), QStringLiteral("s2")}, {}, false);
        QVERIFY(computeCapabilities(inFlight).promote.enabled);

        // Promoted and contracted: s1 is gone, and revision 1 still runs — the rollback would break it.
        ReleaseSnapshot after =
            rollout(QStringLiteral("contracted"), {QStringLiteral("s2")}, {QStringLiteral("s1")}, true);
        caps = computeCapabilities(after);
        QVERIFY(!caps.rollback.enabled);
        QVERIFY2(caps.rollback.reason.contains(QStringLiteral("migration s2 contracted it")),
                 qPrintable(caps.rollback.reason));
        QVERIFY(!caps.undo.enabled);
        // While the database cannot be read, Rollback goes: it cannot be shown to break anything.
        after.databaseState->read = false;
        QVERIFY(computeCapabilities(after).rollback.enabled);
        // No database named: no gate at all.
        after = rollout(QStringLiteral("contracted"), {QStringLiteral("s2")}, {QStringLiteral("s1")}, true);
        after.database.clear();
        QVERIFY(computeCapabilities(after).rollback.enabled);
    }

    // The soak: the new version must have carried all traffic, alone, for the time chosen — measured
    // from the flip that gave it everything (curtain.dev/switched-at), not from when anyone looked.
    void contract_waitsForTheSoakSinceTheFlip()
    {
        ReleaseSnapshot r = release(QStringLiteral("expanded"), {QStringLiteral("s1"), QStringLiteral("s2")});
        r.blue.trafficPercent = 0;
        r.blue.readyReplicas = 0;
        r.green.trafficPercent = 100;
        const QDateTime now = QDateTime::fromString(QStringLiteral("2026-12-03T12:10:00Z"), Qt::ISODate);
        r.switchedAt = now.addSecs(-4 * 60);
        const std::optional<Error> soaking = contractGate(r, 15 * 60, now);
        QVERIFY(soaking.has_value());
        QVERIFY2(soaking->message.contains(QStringLiteral("has carried all traffic for 4 min of the 15 min soak")),
                 qPrintable(soaking->message));
        const QString from = now.addSecs(11 * 60).toLocalTime().toString(QStringLiteral("HH:mm"));
        QVERIFY2(soaking->message.contains(QStringLiteral("contract from %1").arg(from)), qPrintable(soaking->message));
        QVERIFY(!contractGate(r, 4 * 60, now).has_value()); // a shorter soak, chosen: over
        QVERIFY(!contractGate(r, 0, now).has_value());
        r.switchedAt = now.addSecs(-16 * 60);
        QVERIFY(!contractGate(r, 15 * 60, now).has_value());
        // Switched outside Curtain: nobody knows since when, so no contract on a guess — but a soak
        // of 0, chosen by a person who watched it, goes through.
        r.switchedAt = QDateTime();
        const std::optional<Error> unknown = contractGate(r, 15 * 60, now);
        QVERIFY(unknown.has_value());
        QVERIFY2(unknown->message.contains(QStringLiteral("cannot tell since when green")),
                 qPrintable(unknown->message));
        QVERIFY(!contractGate(r, 0, now).has_value());
    }
};

QTEST_GUILESS_MAIN(TestSchemaGateRules)
#include "tst_schemagaterules.moc"
