// What a release engineer hears about without looking: each change once, nothing at start.

#include "core/notifications.h"

#include <QTest>

using namespace Curtain;

namespace {

const Core::ReleaseKey catalog{QStringLiteral("demo"), QStringLiteral("catalog")};
const Core::ReleaseKey search{QStringLiteral("demo"), QStringLiteral("search")};

Core::AlertState state(const char *health, std::optional<Core::PlanState> plan = std::nullopt, const char *outcome = "")
{
    return {QString::fromLatin1(health), plan, QString::fromUtf8(outcome)};
}

} // namespace

class TestNotifications : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstLook_saysNothing()
    {
        QVERIFY(Core::notificationsBetween(QStringLiteral("prod-eu"), {},
                                           {{catalog, state("degraded (metrics)", Core::PlanState::RolledBack)}})
                    .isEmpty());
    }

    void automaticRollback_isUrgentAndNamesTheJudgesWords()
    {
        const auto notifications = Core::notificationsBetween(
            QStringLiteral("prod-eu"), {{catalog, state("canary", Core::PlanState::Running)}},
            {{catalog, state("rolled back", Core::PlanState::RolledBack, "green failed 4.4 % of 3,100 requests")}});
        QCOMPARE(notifications.size(), 1);
        QCOMPARE(notifications[0].title, QStringLiteral("demo/catalog rolled back automatically"));
        QCOMPARE(notifications[0].body, QStringLiteral("green failed 4.4 % of 3,100 requests — prod-eu"));
        QVERIFY(notifications[0].urgent);
        QCOMPARE(notifications[0].release, catalog);
    }

    void promotedAndHeld_andOnlyOnce()
    {
        const QHash<Core::ReleaseKey, Core::AlertState> running{{catalog, state("canary", Core::PlanState::Running)},
                                                                {search, state("canary", Core::PlanState::Running)}};
        const QHash<Core::ReleaseKey, Core::AlertState> ended{
            {catalog, state("healthy", Core::PlanState::Promoted, "green is no worse than blue")},
            {search, state("canary", Core::PlanState::Held, "no decision by the deadline")}};
        const auto notifications = Core::notificationsBetween(QStringLiteral("demo"), running, ended);
        QCOMPARE(notifications.size(), 2);
        QStringList titles;
        for (const Core::Notification &n : notifications) {
            titles << n.title;
        }
        titles.sort();
        QCOMPARE(titles, (QStringList{QStringLiteral("demo/catalog promoted"),
                                      QStringLiteral("demo/search held: the plan needs a decision")}));
        QVERIFY(Core::notificationsBetween(QStringLiteral("demo"), ended, ended).isEmpty()); // it stays: said once
    }

    void turningDegraded_butNotStayingSo()
    {
        const auto degraded = Core::notificationsBetween(QStringLiteral("demo"), {{catalog, state("canary")}},
                                                         {{catalog, state("degraded (metrics)")}});
        QCOMPARE(degraded.size(), 1);
        QCOMPARE(degraded[0].title, QStringLiteral("demo/catalog is degraded (metrics)"));
        QVERIFY(Core::notificationsBetween(QStringLiteral("demo"), {{catalog, state("degraded (metrics)")}},
                                           {{catalog, state("down")}})
                    .isEmpty()); // still in trouble: no second alarm
        QVERIFY(Core::notificationsBetween(QStringLiteral("demo"), {{catalog, state("canary")}},
                                           {{catalog, state("paused")}})
                    .isEmpty());
    }

    void lostCluster_saysHowLongAndWhatStillWorks()
    {
        const Core::Notification lost =
            Core::clusterLostNotification(QStringLiteral("prod-eu"), 75, QStringLiteral("connection refused"));
        QCOMPARE(lost.title, QStringLiteral("prod-eu: cluster lost for 1 min"));
        QVERIFY2(lost.body.contains(QStringLiteral("75 s old: connection refused")), qPrintable(lost.body));
        QVERIFY(lost.body.contains(QStringLiteral("Rollback")));
    }
};

QTEST_GUILESS_MAIN(TestNotifications)
#include "tst_notifications.moc"
