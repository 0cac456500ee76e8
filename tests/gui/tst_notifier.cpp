// The fleet window's other contexts reach the desktop when they stop answering for longer than the
// delay (a minute; shorter here), with the reason and how long — and never after they came back.

#include "notifier.h"

#include <QTest>
#include <QWidget>

using namespace Curtain;

namespace {

QStringList lostNotices(const Ui::Notifier &notifier)
{
    QStringList lost;
    for (const Core::Notification &n : notifier.shown()) {
        if (n.title.contains(QStringLiteral("cluster lost"))) {
            lost << n.title + QStringLiteral(" | ") + n.body;
        }
    }
    return lost;
}

} // namespace

class TestNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fleetContext_lostPastTheDelay_isNotifiedOnceWithItsReason()
    {
        QWidget window;
        Ui::Notifier notifier(&window);
        notifier.setLostDelay(50);
        notifier.setFleetReachable(QStringLiteral("second"), true, {});
        notifier.setFleetReachable(QStringLiteral("second"), false,
                                   QStringLiteral("the server has not answered for over 15 s"));
        QTRY_COMPARE(lostNotices(notifier).size(), 1);
        QCOMPARE(lostNotices(notifier).first(),
                 QStringLiteral("second: cluster lost for 1 min | What the console shows is 60 s old: the server has "
                                "not answered for over 15 s. Only Rollback is possible until it is back."));
        // Still lost: the same loss is not announced again.
        notifier.setFleetReachable(QStringLiteral("second"), false, QStringLiteral("connection refused"));
        notifier.setLostDelay(0);
        notifier.setFleetReachable(QStringLiteral("third"), true, {});
        notifier.setFleetReachable(QStringLiteral("third"), false, QStringLiteral("connection refused"));
        QTRY_COMPARE(lostNotices(notifier).size(), 2);
        QVERIFY(lostNotices(notifier).last().startsWith(QStringLiteral("third: cluster lost")));
    }

    // A context that answers again before the delay is over is not reported, even when its timer was
    // already due in the same turn of the event loop (it once was, as "60 s old: ." with no reason).
    void fleetContext_backBeforeTheDelay_isNeverNotified()
    {
        QWidget window;
        Ui::Notifier notifier(&window);
        notifier.setLostDelay(0); // due at the next turn of the event loop
        notifier.setFleetReachable(QStringLiteral("second"), true, {});
        notifier.setFleetReachable(QStringLiteral("second"), false, QStringLiteral("connecting"));
        notifier.setFleetReachable(QStringLiteral("second"), true, {});
        // Another context's loss, due in the same turn, tells when that turn has happened.
        notifier.setFleetReachable(QStringLiteral("third"), true, {});
        notifier.setFleetReachable(QStringLiteral("third"), false, QStringLiteral("connection refused"));
        QTRY_VERIFY(!lostNotices(notifier).isEmpty());
        QCOMPARE(lostNotices(notifier),
                 QStringList{QStringLiteral("third: cluster lost for 1 min | What the console shows is 60 s old: "
                                            "connection refused. Only Rollback is possible until it is back.")});
    }

    void fleetContext_thatNeverAnswered_isLeftToTheFleetTable()
    {
        QWidget window;
        Ui::Notifier notifier(&window);
        notifier.setLostDelay(0);
        notifier.setFleetReachable(QStringLiteral("second"), false, QStringLiteral("connection refused"));
        notifier.setFleetReachable(QStringLiteral("third"), true, {});
        notifier.setFleetReachable(QStringLiteral("third"), false, QStringLiteral("connection refused"));
        QTRY_VERIFY(!lostNotices(notifier).isEmpty());
        QCOMPARE(lostNotices(notifier).size(), 1);
        QVERIFY(lostNotices(notifier).first().startsWith(QStringLiteral("third: ")));
    }
};

QTEST_MAIN(TestNotifier)
#include "tst_notifier.moc"
