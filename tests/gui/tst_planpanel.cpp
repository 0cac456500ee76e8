// A plan started from the console on the demo cluster: catalog's faulty candidate ends in an
// automatic rollback that the panel explains in one sentence, with the judge's evidence shown.

#include "confirmmovedialog.h"
#include "engine/releaseengine.h"
#include "mainwindow.h"
#include "models/releaselistmodel.h"
#include "notifier.h"
#include "planpanel.h"
#include "settings.h"
#include "sim/democluster.h"

#include "guitestbase.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTest>

using namespace Curtain;

class TestPlanPanel : public Test::GuiTestBase
{
    Q_OBJECT

    int metricsIntervalMs() const override { return 500; }
    QSize windowSize() const override { return {1280, 900}; }

    QString healthOf(const QString &name) const
    {
        const QAbstractItemModel *list = child<QTableView>("releaseList")->model();
        for (int row = 0; row < list->rowCount(); ++row) {
            if (list->index(row, Models::ReleaseListModel::Name).data().toString() == name) {
                return list->index(row, Models::ReleaseListModel::Health).data().toString();
            }
        }
        return {};
    }

private Q_SLOTS:
    void serviceSelectorRelease_cannotRunAPlan_andSaysWhy()
    {
        QTRY_VERIFY(window()->selectedRelease().name == QStringLiteral("catalog"));
        window()->selectRelease(QStringLiteral("checkout"));
        QPushButton *start = child<QPushButton>("startPlan");
        QTRY_VERIFY(start && !start->isVisible()); // no switched-off "Start plan": the row says why
        QVERIFY(!start->isEnabled());
        QTRY_VERIFY2(window()->planPanel()->timelineText().contains(QStringLiteral("Service selector")),
                     qPrintable(window()->planPanel()->timelineText()));
    }

    // A console driving a plan dies: nothing on the route changes, but its heartbeat lapses. Every
    // other console shows the plan as left at once — since when, where the weight holds — with
    // Take over plan, not a frozen countdown for a minute or two.
    void lapsedDriver_isShownAsGoneAtOnce()
    {
        QTRY_VERIFY(window()->selectedRelease().name == QStringLiteral("catalog"));
        Core::PlanProgress progress;
        progress.plan = Core::classicPlan();
        progress.step = 1;
        progress.state = Core::PlanState::Running;
        progress.startedAt = QDateTime::currentDateTimeUtc().addSecs(-120);
        progress.stepStartedAt = progress.startedAt;
        progress.driver = QStringLiteral("curtain@elsewhere/4711");
        progress.heartbeat = QDateTime::currentDateTimeUtc().addSecs(-26); // lapses in about 4 s
        const std::string annotation = QJsonDocument(progress.toJson()).toJson(QJsonDocument::Compact).toStdString();
        QCOMPARE(
            api()->patch(
                "/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog", "application/merge-patch+json",
                nlohmann::json{{"metadata", {{"annotations", {{"curtain.dev/plan-progress", annotation}}}}}}.dump()),
            200);
        Ui::PlanPanel *panel = window()->planPanel();
        QPushButton *start = child<QPushButton>("startPlan");
        QTRY_VERIFY2(panel->statusText().contains(QStringLiteral("driven by curtain@elsewhere/4711")),
                     qPrintable(panel->statusText()));
        QVERIFY(!start->isEnabled()); // driven elsewhere: nothing to start here
        // The engine looks again when the heartbeat lapses; the recheck every minute would be too late.
        QTRY_VERIFY2_WITH_TIMEOUT(start->isEnabled() && start->text() == QStringLiteral("Take over plan"),
                                  qPrintable(panel->statusText()), 10'000);
        QVERIFY2(panel->statusText().contains(QStringLiteral("driver curtain@elsewhere/4711 has gone")),
                 qPrintable(panel->statusText()));
        QVERIFY2(panel->statusText().contains(QStringLiteral("The weight holds at 0 %")),
                 qPrintable(panel->statusText()));
        Test::saveScreenshot(window(), QStringLiteral("lapsed-driver"));
    }

    void faultyCanary_isRolledBack_andThePanelSaysWhy()
    {
        QTRY_VERIFY(window()->selectedRelease().name == QStringLiteral("catalog"));
        window()->selectRelease(QStringLiteral("catalog"));
        QComboBox *templates = child<QComboBox>("planTemplate");
        QTRY_VERIFY(templates && templates->findData(QStringLiteral("quick")) >= 0);
        templates->setCurrentIndex(templates->findData(QStringLiteral("quick")));
        QPushButton *start = child<QPushButton>("startPlan");
        QTRY_VERIFY(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        Ui::ConfirmMoveDialog *question = Test::findVisibleConfirmation(window());
        QVERIFY(question); // a plan moves traffic towards the candidate: it asks first
        QVERIFY2(question->summary().contains(QStringLiteral("plan moves green v2.4.0 from 0 % through 5 %")),
                 qPrintable(question->summary()));
        Test::confirmMove(window());

        // The timeline shows the plan while it runs, and the buttons that would fight it are off.
        Ui::PlanPanel *panel = window()->planPanel();
        QTRY_VERIFY2(panel->timelineText().contains(QStringLiteral("set weight 5 %")),
                     qPrintable(panel->timelineText()));
        QTRY_VERIFY_WITH_TIMEOUT(panel->outcomeText().contains(QStringLiteral("Rolled back automatically: green")),
                                 60'000);
        QVERIFY2(panel->outcomeText().contains(QStringLiteral("requests")), qPrintable(panel->outcomeText()));
        QVERIFY2(panel->evidenceText().contains(QStringLiteral("errors")), qPrintable(panel->evidenceText()));
        QVERIFY(panel->evidencePoints() > 0);
        QTRY_COMPARE(api()->catalogWeights(), std::make_pair(100LL, 0LL));
        QTRY_VERIFY(start->isEnabled()); // the plan is over: another may start
        QTRY_VERIFY2(window()->lastActionText().startsWith(QStringLiteral("catalog: Rolled back automatically")),
                     qPrintable(window()->lastActionText()));
        const QString shot = qEnvironmentVariable("CURTAIN_PLAN_SCREENSHOT");
        if (!shot.isEmpty()) {
            window()->grab().save(shot);
        }

        // The rollback leaves a mark on the release, in the list and above the panels, until a person
        // acknowledges it; the acknowledgement is remembered.
        QTRY_VERIFY2(
            window()->rollbackMarkText().startsWith(QStringLiteral("↺ catalog was rolled back automatically ")),
            qPrintable(window()->rollbackMarkText()));
        QVERIFY2(window()->rollbackMarkText().contains(QStringLiteral("green")),
                 qPrintable(window()->rollbackMarkText()));
        QCOMPARE(healthOf(QStringLiteral("catalog")), QStringLiteral("rolled back"));
        // …and a desktop notification says so, once (offscreen there is no tray: it is kept).
        QTRY_VERIFY(!window()->notifier()->shown().isEmpty());
        int rollbacks = 0;
        for (const Core::Notification &n : window()->notifier()->shown()) {
            rollbacks += n.title == QLatin1String("demo/catalog rolled back automatically") ? 1 : 0;
        }
        QCOMPARE(rollbacks, 1);
        Test::saveScreenshot(window(), QStringLiteral("rollback-mark"));
        click("rollbackMarkAcknowledgeButton");
        QCOMPARE(window()->rollbackMarkText(), QString());
        QCOMPARE(healthOf(QStringLiteral("catalog")), QStringLiteral("healthy"));
        Ui::Settings::flush(); // written on a thread of its own
        QVERIFY(QSettings().value(QStringLiteral("history/acknowledgedRollbacks")).toStringList().size() == 1);
    }
};

QTEST_MAIN(TestPlanPanel)
#include "tst_planpanel.moc"
