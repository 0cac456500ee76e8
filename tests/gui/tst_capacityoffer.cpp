// When the candidate is too small to take all the traffic, Flip and Promote are off and the bar
// offers the one safe step instead: grow it, then flip or promote once it is ready — asked once,
// now, as the move itself would ask. Afterwards the old colour waits idle with its scale-down offer.

#include "confirmmovedialog.h"
#include "mainwindow.h"

#include "guitestbase.h"
#include "testsupport.h"

#include "sim/democluster.h"

#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>

using namespace Curtain;

class TestCapacityOffer : public Test::GuiTestBase
{
    Q_OBJECT

    int metricsIntervalMs() const override { return 250; }

private Q_SLOTS:
    // A blue-green flip to a color smaller than the serving one is off, and the bar offers the one
    // safe action as one step: grow it and flip once it is ready — asked once, now, as the flip would
    // ask. While it waits the button counts the pods and cancels.
    void flipRefusedForCapacity_scalesThenFlipsWhenReady()
    {
        QVERIFY(waitForDemoReady());
        window()->selectRelease(QStringLiteral("checkout"));
        QCOMPARE(api()->patch("/apis/apps/v1/namespaces/demo/deployments/checkout-green",
                              "application/merge-patch+json", R"({"spec":{"replicas":1}})"),
                 200);
        auto *scale = window()->findChild<QPushButton *>(QStringLiteral("scaleForFlipButton"));
        auto *flip = window()->findChild<QPushButton *>(QStringLiteral("flipButton"));
        QTRY_VERIFY_WITH_TIMEOUT(scale->isVisible(), 10'000);
        QCOMPARE(scale->text(), QStringLiteral("Scale green to 3, flip when ready"));
        QVERIFY(!flip->isEnabled());
        QVERIFY2(flip->toolTip().contains(QStringLiteral("green (v1.5.0) has 1 ready replica")),
                 qPrintable(flip->toolTip()));
        scale->click();
        Ui::ConfirmMoveDialog *dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog); // green v1.5.0 has never served: the flip's question, asked now
        QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("confirmSummary"))->text(),
                 QStringLiteral("demo · demo/checkout: green v1.5.0 0 % → 100 %, and it becomes stable"));
        QCOMPARE(api()->checkoutColor(), std::string("blue")); // nothing sent while it asks
        dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
        QTRY_VERIFY(scale->text().startsWith(QStringLiteral("Cancel flip (")));
        QTRY_COMPARE_WITH_TIMEOUT(api()->checkoutColor(), std::string("green"), 30'000);
        QTRY_VERIFY2(window()->lastActionText().contains(QStringLiteral("✓")), qPrintable(window()->lastActionText()));
        QTRY_COMPARE(text("replicasLabel", "greenPanel"), QStringLiteral("3 of 3 replicas ready"));
        QTRY_VERIFY(!scale->isVisible());
    }

    // On a canary the same offer promotes: catalog's green (2 pods) cannot take over from blue's 4, so
    // Promote is off; "Scale green to 4, promote when ready" asks once, now, as the promote would,
    // and the promote then goes through the usual pipeline.
    void promoteRefusedForCapacity_scalesThenPromotesWhenReady()
    {
        QVERIFY(waitForDemoReady());
        auto *scale = window()->findChild<QPushButton *>(QStringLiteral("scaleForFlipButton"));
        auto *promote = window()->findChild<QPushButton *>(QStringLiteral("promoteButton"));
        QTRY_VERIFY(scale->isVisible());
        QCOMPARE(scale->text(), QStringLiteral("Scale green to 4, promote when ready"));
        QVERIFY(!promote->isEnabled());
        QVERIFY2(promote->toolTip().contains(QStringLiteral("green (v2.4.0) has 2 ready replicas")),
                 qPrintable(promote->toolTip()));
        Test::saveScreenshot(window(), QStringLiteral("flip-capacity"));
        scale->click();
        Ui::ConfirmMoveDialog *dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("confirmSummary"))->text(),
                 QStringLiteral("demo · demo/catalog: green v2.4.0 0 % → 100 %, and it becomes stable"));
        QCOMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL)); // nothing sent while it asks
        dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
        QTRY_VERIFY(scale->text().startsWith(QStringLiteral("Cancel promote (")));
        QTRY_VERIFY_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("✓")), 30000);
        QVERIFY2(window()->lastActionText().contains(QStringLiteral("100 %")), qPrintable(window()->lastActionText()));
        QCOMPARE(api()->catalogWeights(), std::make_pair(0LL, 100LL));
        QCOMPARE(text("replicasLabel", "greenPanel"), QStringLiteral("4 of 4 replicas ready"));
        QTRY_VERIFY(!scale->isVisible());

        // Blue now waits idle: since when, its pods and what they reserve, and the offer to scale it
        // down later, saying that the instant rollback ends then.
        auto *idle = window()->findChild<QLabel *>(QStringLiteral("idleWindowText"));
        QTRY_VERIFY(idle->isVisible());
        QVERIFY2(idle->text().contains(QStringLiteral("blue (v2.3.0) idle since")), qPrintable(idle->text()));
        QVERIFY2(idle->text().contains(QStringLiteral("4 pods reserving 1 CPU and 1 GiB; Rollback to it is instant")),
                 qPrintable(idle->text()));
        auto *delay = window()->findChild<QSpinBox *>(QStringLiteral("scaleDownDelay"));
        QCOMPARE(delay->value(), 30);
        click("scheduleScaleDownButton");
        QVERIFY2(idle->text().contains(QStringLiteral("Scales down to 0 at")), qPrintable(idle->text()));
        QVERIFY2(idle->text().contains(QStringLiteral("instant rollback ends then")), qPrintable(idle->text()));
        Test::saveScreenshot(window(), QStringLiteral("idle-window"));
        click("cancelScaleDownButton"); // Keep it
        QVERIFY(!idle->text().contains(QStringLiteral("Scales down")));
        delay->setValue(0);
        click("scheduleScaleDownButton");
        QTRY_VERIFY_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("scaled from 4 to 0")), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!idle->isVisible(), 20000); // no pods left: no window, and no instant rollback
        QCOMPARE(api()->catalogWeights(), std::make_pair(0LL, 100LL));
    }
};

QTEST_MAIN(TestCapacityOffer)
#include "tst_capacityoffer.moc"
