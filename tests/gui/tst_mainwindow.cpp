// The console as a user drives it, offscreen, on the in-process demo cluster: both panels show their
// versions, the slider moves real traffic, Rollback (button or Ctrl+R) moves it back on the cluster.

#include "charts/metricchart.h"
#include "confirmmovedialog.h"
#include "engine/releaseengine.h"
#include "environmentpanel.h"
#include "historywindow.h"
#include "mainwindow.h"
#include "models/releaselistmodel.h"
#include "planpanel.h"
#include "podlogwindow.h"
#include "sim/democluster.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"

#include "guitestbase.h"
#include "settings.h"
#include "testsupport.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QWheelEvent>

#include <algorithm>

using namespace Curtain;

class TestMainWindow : public Test::GuiTestBase
{
    Q_OBJECT

    int metricsIntervalMs() const override { return 250; }

private Q_SLOTS:
    void window_showsBothPanelsWithVersions()
    {
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("catalog"));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v2.3.0"));
        QCOMPARE(text("versionLabel", "greenPanel"), QStringLiteral("v2.4.0"));
        QCOMPARE(text("trafficLabel", "bluePanel"), QStringLiteral("100 %"));
        QCOMPARE(text("roleLabel", "greenPanel"), QStringLiteral("candidate"));
        QTRY_COMPARE(text("replicasLabel", "bluePanel"), QStringLiteral("4 of 4 replicas ready"));
        QTRY_VERIFY(text("connectionLabel", nullptr).contains(QStringLiteral("live")));
    }

    void preset_movesTrafficAndTheChartShowsTheCandidate()
    {
        QVERIFY(waitForDemoReady());
        clickAndConfirm("preset25");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(75LL, 25LL));
        QTRY_VERIFY(text("weightState", "weightSlider").contains(QStringLiteral("applied 25 %")));
        QTRY_COMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("25 %"));
        // The candidate now serves requests, so its line appears on the error chart.
        const auto *errors = window()->findChild<Ui::MetricChart *>(QStringLiteral("errorChart"));
        QVERIFY(errors);
        QTRY_VERIFY_WITH_TIMEOUT(text("metricsLabel", "greenPanel").contains(QStringLiteral("req/s")), 15000);
        QTRY_VERIFY(errors->pointCount() > 2);
    }

    // Three wheel notches over the slider, on the way down the window, move nothing: the slider
    // keeps its value, so nothing is sent (a changed value is what starts the send).
    void wheelOverTheSlider_movesNoTraffic()
    {
        QVERIFY(waitForDemoReady());
        auto *track = child<QSlider>("weightTrack");
        QCOMPARE(track->value(), 0);
        const QPointF centre = track->rect().center();
        for (int notch = 0; notch < 3; ++notch) {
            QWheelEvent wheel(centre, track->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(track, &wheel);
        }
        QCOMPARE(track->value(), 0);
        QCOMPARE(text("weightValue", "weightSlider"), QStringLiteral("0 %"));
        QVERIFY(!track->hasFocus());
        QCOMPARE(track->focusPolicy(), Qt::StrongFocus);
    }

    // Flip on a canary at 0 % asks first, naming context, release and change; Cancel is the default,
    // so Enter sends nothing, and the slider and the cluster stay where they were.
    void flipTowardsTheCandidate_asksAndEnterCancels()
    {
        QVERIFY(waitForDemoReady());
        // Green as big as blue (4): a flip to a smaller color is refused for capacity.
        QCOMPARE(api()->patch("/apis/apps/v1/namespaces/demo/deployments/catalog-green", "application/merge-patch+json",
                              R"({"spec":{"replicas":4}})"),
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(window()->findChild<QPushButton *>(QStringLiteral("flipButton"))->isEnabled(), 20000);
        click("flipButton");
        Ui::ConfirmMoveDialog *dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("confirmSummary"))->text(),
                 QStringLiteral("demo · demo/catalog: green v2.4.0 0 % → 100 %, and it becomes stable"));
        QVERIFY(dialog->findChild<QPushButton *>(QStringLiteral("cancelButton"))->isDefault());
        QVERIFY(!dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))->isDefault());
        QVERIFY(!dialog->findChild<QWidget *>(QStringLiteral("typedReleaseName"))); // "demo" is not protected
        Test::saveScreenshot(dialog, QStringLiteral("confirm-flip"));
        QTest::keyClick(dialog, Qt::Key_Return);
        QTRY_VERIFY(!dialog->isVisible());
        QVERIFY2(window()->lastActionText().startsWith(QStringLiteral("Cancelled, nothing sent")),
                 qPrintable(window()->lastActionText()));
        QCOMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        QCOMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("0 %"));
    }

    // The 100 % preset asks too; Escape cancels and the slider goes back to what the cluster has.
    void presetTowardsTheCandidate_asksAndEscapeLeavesTheSlider()
    {
        QVERIFY(waitForDemoReady());
        click("preset100");
        Ui::ConfirmMoveDialog *dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog);
        QVERIFY(dialog->summary().endsWith(QStringLiteral("green v2.4.0 0 % → 100 %")));
        QCOMPARE(dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))->text(),
                 QStringLiteral("Set 100 %"));
        QTest::keyClick(dialog, Qt::Key_Escape);
        QTRY_VERIFY(!dialog->isVisible());
        QCOMPARE(child<QSlider>("weightTrack")->value(), 0);
        QCOMPARE(text("weightState", "weightSlider"), QStringLiteral("not sent"));
        QCOMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        clickAndConfirm("preset25");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(75LL, 25LL));
        QTRY_VERIFY(text("weightState", "weightSlider").contains(QStringLiteral("applied 25 %")));
        click("preset5"); // a lower weight moves traffic back towards stable: no question
        QVERIFY(!Test::findVisibleConfirmation(window()));
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(95LL, 5LL));
    }

    // In a protected context (settings: safety/protectedContexts) the release's name must be typed.
    void protectedContext_needsTheReleaseNameTyped()
    {
        QSettings().setValue(QStringLiteral("safety/protectedContexts"), QStringList{QStringLiteral("dem*")});
        Ui::Settings::reload(); // set by hand in the file, as a user does
        QVERIFY(waitForDemoReady());
        click("preset25");
        Ui::ConfirmMoveDialog *dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog);
        auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"));
        auto *typed = dialog->findChild<QLineEdit *>(QStringLiteral("typedReleaseName"));
        QVERIFY(typed);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("protectedWarning"))
                    ->text()
                    .contains(QStringLiteral("demo is a protected context")));
        QVERIFY(!confirm->isEnabled());
        Test::saveScreenshot(dialog, QStringLiteral("confirm-protected"));
        QTest::keyClicks(typed, QStringLiteral("checkout")); // another release's name
        QVERIFY(!confirm->isEnabled());
        typed->clear();
        QTest::keyClicks(typed, QStringLiteral("catalog"));
        QVERIFY(confirm->isEnabled());
        QTest::mouseClick(confirm, Qt::LeftButton);
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(75LL, 25LL));
        window()->activateWindow(); // as a window manager does when the dialog closes
        QVERIFY(QTest::qWaitForWindowActive(window()));
        // Rollback asks nothing, in a protected context too.
        QTRY_VERIFY(child<QPushButton>("rollbackButton")->isEnabled());
        QTest::keyClick(window(), Qt::Key_R, Qt::ControlModifier);
        QVERIFY(!Test::findVisibleConfirmation(window()));
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
    }

    // From start to every action with keys only: the list, the weight up and down, Flip, Rollback,
    // a question answered from the keyboard, and Tab leaving the list.
    void keysOnly_reachEveryAction()
    {
        QVERIFY(waitForDemoReady());
        // Green as big as blue (4): a flip to a smaller color is refused for capacity.
        QCOMPARE(api()->patch("/apis/apps/v1/namespaces/demo/deployments/catalog-green", "application/merge-patch+json",
                              R"({"spec":{"replicas":4}})"),
                 200);
        QVERIFY(QTest::qWaitForWindowActive(window()));
        QTest::keyClick(window(), Qt::Key_L, Qt::ControlModifier); // View ▸ Release list
        auto *list = child<QTableView>("releaseList");
        QTRY_VERIFY(list->hasFocus());
        QTest::keyClick(list, Qt::Key_Tab); // Tab leaves the list instead of walking its cells
        QVERIFY(!list->hasFocus());

        QTest::keyClick(window(), Qt::Key_BracketRight, Qt::ControlModifier); // more traffic
        Ui::ConfirmMoveDialog *dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->findChild<QPushButton *>(QStringLiteral("cancelButton"))->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QTRY_VERIFY(dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(99LL, 1LL)); // the next preset: 1 %
        QTRY_VERIFY(window()->lastActionText().contains(QStringLiteral("✓")));
        window()->activateWindow(); // as a window manager does when the dialog closes
        QVERIFY(QTest::qWaitForWindowActive(window()));

        QTest::keyClick(window(), Qt::Key_BracketLeft, Qt::ControlModifier); // back: no question
        QVERIFY(!Test::findVisibleConfirmation(window()));
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));

        QTRY_VERIFY_WITH_TIMEOUT(window()->findChild<QAction *>(QStringLiteral("flipAction"))->isEnabled(),
                                 20000); // nothing in flight, and green ready at 4
        QTest::keyClick(window(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier); // Flip asks…
        dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog);
        QTest::keyClick(dialog, Qt::Key_Escape); // …and Escape sends nothing
        QTRY_VERIFY(!dialog->isVisible());
        QCOMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window()));

        QTest::keyClick(window(), Qt::Key_BracketRight, Qt::ControlModifier);
        Test::confirmMove(window());
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(99LL, 1LL));
        QTRY_VERIFY(window()->findChild<QAction *>(QStringLiteral("rollbackAction"))->isEnabled());
        QTest::keyClick(window(), Qt::Key_R, Qt::ControlModifier); // Release ▸ Rollback
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));

        // Every menu action the Release menu lists has a shortcut.
        for (const char *name :
             {"rollbackAction", "promoteAction", "flipAction", "moreWeightAction", "lessWeightAction"}) {
            QVERIFY2(!window()->findChild<QAction *>(QLatin1String(name))->shortcut().isEmpty(), name);
        }
    }

    // Ctrl+F filters the list; a click on Health sorts by urgency; selection follows the release,
    // not the row it was on.
    void releaseList_filtersAndSortsByUrgency()
    {
        QVERIFY(waitForDemoReady());
        auto *list = child<QTableView>("releaseList");
        QVERIFY(QTest::qWaitForWindowActive(window()));
        QTest::keyClick(window(), Qt::Key_F, Qt::ControlModifier);
        auto *filter = child<QLineEdit>("releaseFilter");
        QTRY_VERIFY(filter->hasFocus());
        QTest::keyClicks(filter, QStringLiteral("CHECK"));
        QCOMPARE(list->model()->rowCount(), 1);
        QCOMPARE(list->model()->index(0, Models::ReleaseListModel::Name).data().toString(), QStringLiteral("checkout"));
        // The clear button, as a user empties the filter (it is made with the first character).
        const auto buttons = filter->findChildren<QToolButton *>();
        const auto clear = std::find_if(buttons.begin(), buttons.end(), [](QToolButton *b) { return b->isVisible(); });
        QVERIFY2(clear != buttons.end(), "a clear button shows over the filter's text");
        QTest::mouseClick(*clear, Qt::LeftButton);
        QCOMPARE(filter->text(), QString());
        QCOMPARE(list->model()->rowCount(), 11);

        QTest::mouseClick(
            list->horizontalHeader()->viewport(), Qt::LeftButton, {},
            QPoint(list->horizontalHeader()->sectionViewportPosition(Models::ReleaseListModel::Health) + 5,
                   list->horizontalHeader()->height() / 2));
        QCOMPARE(list->horizontalHeader()->sortIndicatorSection(), int(Models::ReleaseListModel::Health));
        QCOMPARE(list->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
        // Most urgent first, whatever state the demo's releases are in right now.
        for (int row = 0; row + 1 < list->model()->rowCount(); ++row) {
            const QString health = list->model()->index(row, Models::ReleaseListModel::Health).data().toString();
            const QString next = list->model()->index(row + 1, Models::ReleaseListModel::Health).data().toString();
            QVERIFY2(Core::attentionRank(health) <= Core::attentionRank(next),
                     qPrintable(health + QStringLiteral(" before ") + next));
        }
        QVERIFY(list->isColumnHidden(Models::ReleaseListModel::Namespace)); // one namespace: no column for it

        window()->selectRelease(QStringLiteral("search"));
        QTRY_COMPARE(list->currentIndex().data(Models::ReleaseListModel::ReleaseKeyRole).value<Core::ReleaseKey>().name,
                     QStringLiteral("search"));
        QTRY_COMPARE(text("releaseHeading"), QStringLiteral("search"));
    }

    void rollbackButton_returnsTrafficToStable()
    {
        QVERIFY(waitForDemoReady());
        clickAndConfirm("preset25");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(75LL, 25LL));
        // As a user would: the move is confirmed on screen before Rollback is pressed.
        QTRY_VERIFY(window()->lastActionText().contains(QStringLiteral("✓")));
        QVERIFY(child<QPushButton>("rollbackButton")->isVisible());
        click("rollbackButton");
        QVERIFY(!Test::findVisibleConfirmation(window())); // one click, no question
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        QTRY_VERIFY2(window()->lastActionText().contains(QStringLiteral("✓ catalog: blue 75 % → 100 %")),
                     qPrintable(window()->lastActionText()));
        QTRY_COMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("0 %"));
        QTRY_VERIFY(!child<QPushButton>("rollbackButton")->isEnabled()); // nothing left to roll back
        QVERIFY2(!text("weightState", "weightSlider").contains(QStringLiteral("applied 25 %")),
                 qPrintable(text("weightState", "weightSlider"))); // no claim about a state that is gone
    }

    // Who did what, in the console: the action just taken is History's newest row, with the user
    // the cluster names, and the charts carry a mark where it happened.
    void history_showsEachActionWithItsActorAndMarksTheCharts()
    {
        QVERIFY(waitForDemoReady());
        clickAndConfirm("preset25");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(75LL, 25LL));
        QTest::keyClick(window(), Qt::Key_H, Qt::ControlModifier);
        Ui::HistoryWindow *history = window()->historyWindow();
        QVERIFY(history);
        QTRY_VERIFY(history->isVisible());
        QTRY_VERIFY(history->rowCount() >= 1);
        const QString set = history->rowText(0);
        for (const char *expected : {"curtain-sim-user", "SetWeight", "applied", "console", "green 0 % → 25 %"}) {
            QVERIFY2(set.contains(QString::fromUtf8(expected)), qPrintable(set));
        }
        QCOMPARE(history->warningText(), QString());
        const auto *errors = window()->findChild<Ui::MetricChart *>(QStringLiteral("errorChart"));
        QVERIFY(errors);
        QTRY_COMPARE(errors->markerCount(), 1);

        window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window()));
        click("rollbackButton");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        QTRY_VERIFY2(history->rowText(0).contains(QLatin1String("Rollback")), qPrintable(history->rowText(0)));
        QCOMPARE(history->rowCount(), 2);
        QTRY_COMPARE(errors->markerCount(), 2);
        history->resize(1000, 360);
        Test::saveScreenshot(history, QStringLiteral("curtain-history"));
    }

    // The pod list follows the replica count above it: scaled, the new pods are listed as soon as
    // the panel counts them, not at the next periodic refresh (stopped here, so only that is seen).
    void scaledGreen_listsItsNewPodsWithTheCount()
    {
        QVERIFY(waitForDemoReady());
        auto *green = window()->findChild<Ui::EnvironmentPanel *>(QStringLiteral("greenPanel"));
        QTRY_COMPARE_WITH_TIMEOUT(green->podCount(), 2, 15'000); // the first read, on a loaded machine
        window()->findChild<QTimer *>(QStringLiteral("podsRefresh"))->stop();
        QCOMPARE(api()->patch("/apis/apps/v1/namespaces/demo/deployments/catalog-green", "application/merge-patch+json",
                              R"({"spec":{"replicas":3}})"),
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(text("replicasLabel", "greenPanel"), QStringLiteral("3 of 3 replicas ready"), 15'000);
        const auto allReady = [green] {
            for (int row = 0; row < green->podCount(); ++row) {
                if (!green->podText(row).contains(QLatin1String(" | 1/1 | "))) {
                    return false;
                }
            }
            return green->podCount() == 3;
        };
        QTRY_VERIFY2(allReady(),
                     qPrintable(QStringLiteral("%1 pods, first: %2").arg(green->podCount()).arg(green->podText(0))));
    }

    // When green fails, its pods, their Warning events and a log that follows: the first things a
    // release engineer looks at, in the panel of the failing version.
    void pods_listTheirWarningsAndALogThatFollows()
    {
        QVERIFY(waitForDemoReady());
        auto *green = window()->findChild<Ui::EnvironmentPanel *>(QStringLiteral("greenPanel"));
        QVERIFY(green);
        QTRY_COMPARE_WITH_TIMEOUT(green->podCount(), 2, 15'000); // the first read, on a loaded machine
        for (int row = 0; row < 2; ++row) {
            QVERIFY2(green->podText(row).startsWith(QLatin1String("catalog-green-")), qPrintable(green->podText(row)));
            QVERIFY2(green->podText(row).contains(QLatin1String(" | 1/1 | ")), qPrintable(green->podText(row)));
        }
        // v2.4.0 fails 3 % of its requests: the kubelet's readiness probe says so.
        QTRY_VERIFY_WITH_TIMEOUT(green->warningsText().contains(QLatin1String("Unhealthy")), 20'000);

        clickAndConfirm("preset50");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(50LL, 50LL));
        QPushButton *logButton = child<QPushButton>("logButton", "greenPanel");
        QVERIFY(logButton && logButton->isEnabled());
        logButton->click(); // the first pod is selected
        Ui::PodLogWindow *log = nullptr;
        QTRY_VERIFY((log = window()->findChild<Ui::PodLogWindow *>()) && log->isVisible());
        QVERIFY2(log->windowTitle().contains(QLatin1String("catalog-green-")), qPrintable(log->windowTitle()));
        QTRY_VERIFY2_WITH_TIMEOUT(log->text().contains(QLatin1String("HTTP/1.1\" 200")), qPrintable(log->statusText()),
                                  15'000);
        // Its 5xx lines arrive as they are served, through the followed stream. The demo's kubelet
        // restarts a failing container now and then, which ends the stream as kubelet's does: the
        // window says so, and a user opens the log again.
        const auto following = [&log] { return log->statusText().startsWith(QLatin1String("Following")); };
        const auto reopen = [&] {
            log->close(); // deleted on close
            QTRY_VERIFY(!window()->findChild<Ui::PodLogWindow *>());
            logButton->click();
            QTRY_VERIFY((log = window()->findChild<Ui::PodLogWindow *>()) && log->isVisible());
        };
        QTRY_VERIFY2_WITH_TIMEOUT(log->text().contains(QLatin1String("HTTP/1.1\" 500")) || !following(),
                                  qPrintable(log->statusText()), 20'000);
        if (!log->text().contains(QLatin1String("HTTP/1.1\" 500"))) {
            reopen();
            if (QTest::currentTestFailed()) {
                return; // a QTRY in the lambda returns from the lambda only
            }
            QTRY_VERIFY2_WITH_TIMEOUT(log->text().contains(QLatin1String("HTTP/1.1\" 500")),
                                      qPrintable(log->statusText()), 20'000);
        }
        Test::saveScreenshot(log, QStringLiteral("curtain-pod-log"));
        // The pod deleted: its stream ends, and the window says so rather than waiting in silence.
        if (!following()) { // a restart ended it meanwhile: the deletion must be what ends it below
            reopen();
            if (QTest::currentTestFailed()) {
                return;
            }
            QTRY_VERIFY_WITH_TIMEOUT(log->text().contains(QLatin1String("HTTP/1.1\"")), 15'000);
        }
        QVERIFY2(following(), qPrintable(log->statusText()));
        const QString pod = log->windowTitle().section(QLatin1Char('/'), -1);
        QVERIFY(std::holds_alternative<nlohmann::json>(
            demo()->store().remove(*Sim::findResourceTypeByKind("Pod"), "demo", pod.toStdString())));
        QTRY_COMPARE_WITH_TIMEOUT(log->statusText(),
                                  QStringLiteral("The log stream ended: the container stopped or restarted, the pod "
                                                 "was deleted, or the server closed it. Open the log again to follow "
                                                 "a new run."),
                                  10'000);
        Test::saveScreenshot(log, QStringLiteral("curtain-pod-log-ended"));
        log->close();
        window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window()));
        Test::saveScreenshot(window(), QStringLiteral("curtain-pods-1280x800"));
    }

    void ctrlR_rollsBackWithoutAConfirmation()
    {
        QVERIFY(waitForDemoReady());
        clickAndConfirm("preset5");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(95LL, 5LL));
        // As a user would: the move's verdict is on screen before the key is pressed (else the
        // move's verdict, arriving second, is the last action shown).
        QTRY_VERIFY(window()->lastActionText().contains(QStringLiteral("✓ catalog: blue 100 % → 95 %")));
        QTRY_VERIFY(child<QPushButton>("rollbackButton")->isEnabled());
        QTest::keyClick(window(), Qt::Key_R, Qt::ControlModifier);
        QVERIFY(!Test::findVisibleConfirmation(window()));
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        QTRY_VERIFY(window()->lastActionText().contains(QStringLiteral("✓ catalog: blue 95 % → 100 %")));
    }

    // A failed Rollback stays on the release in the server's words until dismissed, whatever the
    // status bar says next, and Retry sends it again.
    void failedRollback_staysInABannerWithRetry()
    {
        QVERIFY(waitForDemoReady());
        clickAndConfirm("preset25");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(75LL, 25LL));
        QTRY_VERIFY(window()->lastActionText().contains(QStringLiteral("✓")));
        QCOMPARE(window()->failureText(), QString());
        QCOMPARE(api()->setFaults(R"({"errorRate":1.0,"errorStatus":422})"), 200);
        click("rollbackButton");
        QTRY_VERIFY2(window()->failureText().startsWith(QStringLiteral("✗ Rollback on catalog failed at ")),
                     qPrintable(window()->failureText()));
        QVERIFY2(window()->failureText().contains(QStringLiteral("HTTP 422")), qPrintable(window()->failureText()));
        QVERIFY(!window()->failureText().contains(QLatin1Char('{')));
        Test::saveScreenshot(window(), QStringLiteral("failed-rollback"));
        window()->showMessage(QStringLiteral("a later message")); // the status line moves on…
        window()->selectRelease(QStringLiteral("search"));
        QTRY_COMPARE(window()->failureText(), QString()); // …another release has no failure…
        window()->selectRelease(QStringLiteral("catalog"));
        QTRY_VERIFY(window()->failureText().contains(QStringLiteral("Rollback on catalog failed"))); // …this one does

        QCOMPARE(api()->setFaults(R"({"errorRate":0})"), 200);
        click("bannerRetryButton");
        QVERIFY(!Test::findVisibleConfirmation(window())); // a Rollback asks nothing, retried or not
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        QTRY_COMPARE(window()->failureText(), QString()); // resolved
    }

    void failureBanner_staysUntilDismissed()
    {
        QVERIFY(waitForDemoReady());
        QCOMPARE(api()->setFaults(R"({"errorRate":1.0,"errorStatus":422})"), 200);
        click("preset25");
        Test::confirmMove(window());
        QTRY_VERIFY2(window()->failureText().startsWith(QStringLiteral("✗ Set-weight on catalog failed at ")),
                     qPrintable(window()->failureText()));
        QCOMPARE(api()->setFaults(R"({"errorRate":0})"), 200);
        click("bannerDismissButton");
        QCOMPARE(window()->failureText(), QString());
        QCOMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
    }

    // v2.4.0 promoted and serving everything at ~3 % errors: the Deployments are fine, the release is not.
    void promotedCandidateOverItsErrorBudget_readsDegradedInTheList()
    {
        QVERIFY(waitForDemoReady());
        // Green as big as blue first: Promote is off while it would hand 2 pods the load of 4.
        QVERIFY(!child<QPushButton>("promoteButton")->isEnabled());
        QVERIFY2(child<QPushButton>("promoteButton")->toolTip().contains(QStringLiteral("scale green to 4 first")),
                 qPrintable(child<QPushButton>("promoteButton")->toolTip()));
        QCOMPARE(api()->patch("/apis/apps/v1/namespaces/demo/deployments/catalog-green",
                              "application/strategic-merge-patch+json", R"({"spec":{"replicas":4}})"),
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>("promoteButton")->isEnabled(), 20000);
        clickAndConfirm("promoteButton");
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(0LL, 100LL));
        auto health = [this] {
            const QAbstractItemModel *list = child<QTableView>("releaseList")->model();
            const QModelIndexList rows =
                list->match(list->index(0, Models::ReleaseListModel::Name), Qt::DisplayRole, QStringLiteral("catalog"));
            return rows.isEmpty() ? QString()
                                  : rows.front().siblingAtColumn(Models::ReleaseListModel::Health).data().toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(health(), QStringLiteral("degraded (metrics)"), 20000);
    }

    void serviceSelectorRelease_disablesTheSliderAndSaysWhy()
    {
        QVERIFY(waitForDemoReady());
        window()->selectRelease(QStringLiteral("checkout"));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v1.4.2"));
        QVERIFY(!child<QSlider>("weightTrack")->isEnabled());
        QVERIFY(text("weightReason", "weightSlider").contains(QStringLiteral("Flip")));
        clickAndConfirm("flipButton");
        QTRY_COMPARE(api()->checkoutColor(), std::string("green"));
        QTRY_VERIFY(window()->lastActionText().contains(QStringLiteral("✓ checkout: blue 100 % → 0 %")));
        QTRY_COMPARE(text("roleLabel", "greenPanel"), QStringLiteral("stable"));
        // The version the flip replaced is the way back, not a candidate to promote.
        QCOMPARE(text("roleLabel", "bluePanel"), QStringLiteral("previous · rollback target"));
        click("rollbackButton");
        QTRY_COMPARE(api()->checkoutColor(), std::string("blue"));
        // The cluster changes before the console hears back; wait for what the user sees.
        QTRY_VERIFY(window()->lastActionText().contains(QStringLiteral("✓ checkout: blue 0 % → 100 %")));
    }

    void failedAction_isShownAndChangesNothing()
    {
        window()->selectRelease(QStringLiteral("catalog"));
        QTRY_COMPARE(window()->selectedRelease().name, QStringLiteral("catalog"));
        // Someone scales the candidate to zero: sending it traffic must be refused, visibly.
        QCOMPARE(api()->patch("/apis/apps/v1/namespaces/demo/deployments/catalog-green", "application/merge-patch+json",
                              R"({"spec":{"replicas":0}})"),
                 200);
        QTRY_COMPARE(text("replicasLabel", "greenPanel"), QStringLiteral("0 of 0 replicas ready"));
        click("preset50");
        QTRY_VERIFY(text("weightState", "weightSlider").contains(QStringLiteral("not applied")));
        QVERIFY2(window()->lastActionText().contains(
                     QStringLiteral("green (v2.4.0) is scaled to 0 replicas; scale it up first (curtainctl scale "
                                    "catalog green 4 -n demo)")),
                 qPrintable(window()->lastActionText()));
        QCOMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        QCOMPARE(child<QSlider>("weightTrack")->value(), 0);
    }

    void argoRollout_stepControlReplacesTheSlider()
    {
        QVERIFY(waitForDemoReady());
        window()->selectRelease(QStringLiteral("payments"));
        QTRY_VERIFY(child<QWidget>("rolloutPanel")->isVisible());
        QVERIFY(!window()->planPanel()->isVisible()); // the controller walks its own steps
        // The demo's update reaches its first pause: the panel says who must act.
        QTRY_VERIFY_WITH_TIMEOUT(text("rolloutState", "rolloutPanel").contains(QStringLiteral("step 1/6")), 20000);
        QVERIFY(text("rolloutState", "rolloutPanel").contains(QStringLiteral("Waiting for you")));
        QVERIFY(text("rolloutSteps", "rolloutPanel").contains(QStringLiteral("▶ pause (until promoted)")));
        QVERIFY(!child<QSlider>("weightTrack")->isEnabled());
        QCOMPARE(text("roleLabel", "greenPanel"), QStringLiteral("canary"));

        // Promote full would skip every step: it asks, and cancelling leaves the Rollout paused.
        click("promoteFullButton");
        Ui::ConfirmMoveDialog *dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog);
        QVERIFY2(dialog->summary().contains(QStringLiteral("→ 100 %, every remaining step and analysis skipped")),
                 qPrintable(dialog->summary()));
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("cancelButton")), Qt::LeftButton);
        QTRY_VERIFY(!dialog->isVisible());
        QVERIFY(text("rolloutState", "rolloutPanel").contains(QStringLiteral("step 1/6")));

        click("abortButton"); // towards stable: no question
        QVERIFY(!Test::findVisibleConfirmation(window()));
        QTRY_VERIFY_WITH_TIMEOUT(text("rolloutState", "rolloutPanel").contains(QStringLiteral("Degraded")), 15000);
        QTRY_VERIFY(child<QPushButton>("retryButton")->isEnabled());
        QVERIFY(text("rolloutRollbackNote", "rolloutPanel").contains(QStringLiteral("revert the change in Git")));

        click("rollbackButton"); // abort is done: the undo to the stable revision is what is left
        QTRY_VERIFY_WITH_TIMEOUT(text("rolloutState", "rolloutPanel").contains(QStringLiteral("Healthy")), 15000);
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v4.1.0"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            text("lastActionLabel", nullptr).contains(QStringLiteral("v4.1.0 serves all traffic")),
            qPrintable(text("lastActionLabel", nullptr)), 15000);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
