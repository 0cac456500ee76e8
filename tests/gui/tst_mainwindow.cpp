// The console as a user drives it, offscreen, on the in-process demo cluster: both panels show their
// versions, the slider moves real traffic, Rollback (button or Ctrl+R) moves it back on the cluster.

#include "charts/metricchart.h"
#include "engine/releaseengine.h"
#include "mainwindow.h"
#include "net/networkthread.h"
#include "planpanel.h"
#include "sim/democluster.h"

#include "testsupport.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

using namespace Curtain;

class TestMainWindow : public QObject
{
    Q_OBJECT

    std::unique_ptr<Sim::DemoCluster> m_demo;
    std::unique_ptr<Test::ApiReader> m_api;
    std::unique_ptr<Net::NetworkThread> m_network;
    std::unique_ptr<Ui::MainWindow> m_window;

    template <typename T>
    T *child(const char *name, const char *inside = nullptr) const
    {
        QWidget *parent = inside ? m_window->findChild<QWidget *>(QLatin1String(inside)) : m_window.get();
        return parent ? parent->findChild<T *>(QLatin1String(name)) : nullptr;
    }

    QString text(const char *label, const char *inside) const
    {
        const QLabel *l = child<QLabel>(label, inside);
        return l ? l->text() : QString();
    }

    void click(const char *button)
    {
        QPushButton *b = child<QPushButton>(button);
        QVERIFY2(b, button);
        QTRY_VERIFY2(b->isEnabled(), qPrintable(b->toolTip()));
        QTest::mouseClick(b, Qt::LeftButton);
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::string error;
        m_demo = Sim::startBuiltinDemo(&error);
        QVERIFY2(m_demo, error.c_str());
        const std::string url = m_demo->url();
        m_api = std::make_unique<Test::ApiReader>(std::stoi(url.substr(url.rfind(':') + 1)));
        m_network = std::make_unique<Net::NetworkThread>();
        auto *engine =
            new Engine::ReleaseEngine(m_network->http(), {QStringLiteral("demo"), QString::fromStdString(url)});
        m_network->adopt(engine);
        m_window = std::make_unique<Ui::MainWindow>(engine, QStringLiteral("demo"));
        m_window->resize(1280, 800);
        m_window->show();
        engine->start();
        engine->enableMetrics(250);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_network.reset();
        m_demo.reset();
    }

    void window_showsBothPanelsWithVersions()
    {
        QTRY_COMPARE(m_window->selectedRelease().name, QStringLiteral("catalog"));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v2.3.0"));
        QCOMPARE(text("versionLabel", "greenPanel"), QStringLiteral("v2.4.0"));
        QCOMPARE(text("trafficLabel", "bluePanel"), QStringLiteral("100 %"));
        QCOMPARE(text("roleLabel", "greenPanel"), QStringLiteral("candidate"));
        QTRY_COMPARE(text("replicasLabel", "bluePanel"), QStringLiteral("4 of 4 replicas ready"));
        QTRY_VERIFY(text("connectionLabel", nullptr).contains(QStringLiteral("live")));
    }

    void preset_movesTrafficAndTheChartShowsTheCandidate()
    {
        click("preset25");
        QTRY_COMPARE(m_api->catalogWeights(), std::make_pair(75LL, 25LL));
        QTRY_VERIFY(text("weightState", "weightSlider").contains(QStringLiteral("applied 25 %")));
        QTRY_COMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("25 %"));
        // The candidate now serves requests, so its line appears on the error chart.
        const auto *errors = m_window->findChild<Ui::MetricChart *>(QStringLiteral("errorChart"));
        QVERIFY(errors);
        QTRY_VERIFY_WITH_TIMEOUT(text("metricsLabel", "greenPanel").contains(QStringLiteral("req/s")), 15000);
        QTRY_VERIFY(errors->pointCount() > 2);
    }

    void rollbackButton_returnsTrafficToStable()
    {
        QVERIFY(child<QPushButton>("rollbackButton")->isVisible());
        click("rollbackButton");
        QTRY_COMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        QTRY_VERIFY(m_window->lastActionText().contains(QStringLiteral("✓ catalog: blue 75 % → 100 %")));
        QTRY_COMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("0 %"));
        QTRY_VERIFY(!child<QPushButton>("rollbackButton")->isEnabled()); // nothing left to roll back
    }

    void ctrlR_rollsBackWithoutAConfirmation()
    {
        click("preset5");
        QTRY_COMPARE(m_api->catalogWeights(), std::make_pair(95LL, 5LL));
        QTRY_VERIFY(child<QPushButton>("rollbackButton")->isEnabled());
        QTest::keyClick(m_window.get(), Qt::Key_R, Qt::ControlModifier);
        QTRY_COMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        QTRY_VERIFY(m_window->lastActionText().contains(QStringLiteral("✓ catalog: blue 95 % → 100 %")));
    }

    void serviceSelectorRelease_disablesTheSliderAndSaysWhy()
    {
        m_window->selectRelease(QStringLiteral("checkout"));
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v1.4.2"));
        QVERIFY(!child<QSlider>("weightTrack")->isEnabled());
        QVERIFY(text("weightReason", "weightSlider").contains(QStringLiteral("Flip")));
        click("flipButton");
        QTRY_COMPARE(m_api->checkoutColor(), std::string("green"));
        QTRY_VERIFY(m_window->lastActionText().contains(QStringLiteral("✓ checkout: blue 100 % → 0 %")));
        QTRY_COMPARE(text("roleLabel", "greenPanel"), QStringLiteral("stable"));
        click("rollbackButton");
        QTRY_COMPARE(m_api->checkoutColor(), std::string("blue"));
        // The cluster changes before the console hears back; wait for what the user sees.
        QTRY_VERIFY(m_window->lastActionText().contains(QStringLiteral("✓ checkout: blue 0 % → 100 %")));
    }

    void failedAction_isShownAndChangesNothing()
    {
        m_window->selectRelease(QStringLiteral("catalog"));
        QTRY_COMPARE(m_window->selectedRelease().name, QStringLiteral("catalog"));
        // Someone scales the candidate to zero: sending it traffic must be refused, visibly.
        QCOMPARE(m_api->patch("/apis/apps/v1/namespaces/demo/deployments/catalog-green", "application/merge-patch+json",
                              R"({"spec":{"replicas":0}})"),
                 200);
        QTRY_COMPARE(text("replicasLabel", "greenPanel"), QStringLiteral("0 of 0 replicas ready"));
        click("preset50");
        QTRY_VERIFY(text("weightState", "weightSlider").contains(QStringLiteral("not applied")));
        QVERIFY2(m_window->lastActionText().contains(QStringLiteral("0 of 0 replicas ready")),
                 qPrintable(m_window->lastActionText()));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        QCOMPARE(child<QSlider>("weightTrack")->value(), 0);
    }

    void argoRollout_stepControlReplacesTheSlider()
    {
        m_window->selectRelease(QStringLiteral("payments"));
        QTRY_VERIFY(child<QWidget>("rolloutPanel")->isVisible());
        QVERIFY(!m_window->planPanel()->isVisible()); // the controller walks its own steps
        // The demo's update reaches its first pause: the panel says who must act.
        QTRY_VERIFY_WITH_TIMEOUT(text("rolloutState", "rolloutPanel").contains(QStringLiteral("step 1/6")), 20000);
        QVERIFY(text("rolloutState", "rolloutPanel").contains(QStringLiteral("Waiting for you")));
        QVERIFY(text("rolloutSteps", "rolloutPanel").contains(QStringLiteral("▶ pause (until promoted)")));
        QVERIFY(!child<QSlider>("weightTrack")->isEnabled());
        QCOMPARE(text("roleLabel", "greenPanel"), QStringLiteral("canary"));

        click("abortButton");
        QTRY_VERIFY_WITH_TIMEOUT(text("rolloutState", "rolloutPanel").contains(QStringLiteral("Degraded")), 15000);
        QTRY_VERIFY(child<QPushButton>("retryButton")->isEnabled());
        QVERIFY(text("rolloutRollbackNote", "rolloutPanel").contains(QStringLiteral("revert the change in Git")));

        click("rollbackButton"); // abort is done: the undo to the stable revision is what is left
        QTRY_VERIFY_WITH_TIMEOUT(text("rolloutState", "rolloutPanel").contains(QStringLiteral("Healthy")), 15000);
        QTRY_COMPARE(text("versionLabel", "bluePanel"), QStringLiteral("v4.1.0"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            text("lastActionLabel", nullptr).contains(QStringLiteral("v4.1.0 serves all traffic")),
            qPrintable(text("lastActionLabel", nullptr)), 15000);
        m_window->selectRelease(QStringLiteral("catalog"));
    }

    void namespaceSwitcher_offersTheNamespacesSeenAndAsksForOne()
    {
        auto *namespaces = m_window->findChild<QComboBox *>(QStringLiteral("namespaceSwitcher"));
        QVERIFY(namespaces);
        QTRY_VERIFY(namespaces->findText(QStringLiteral("demo")) > 0);
        QSignalSpy requested(m_window.get(), &Ui::MainWindow::namespaceRequested);
        Q_EMIT namespaces->activated(namespaces->findText(QStringLiteral("demo")));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("demo"));
        Q_EMIT namespaces->activated(0);
        QCOMPARE(requested.at(1).at(0).toString(), QString()); // all namespaces
    }

    void lostCluster_marksTheDataStaleWithItsAgeAndKeepsRunning()
    {
        m_demo->stop(); // the cluster goes away under the console
        QTRY_VERIFY_WITH_TIMEOUT(text("connectionLabel", nullptr).contains(QStringLiteral("stale for")), 15000);
        QVERIFY(!m_window->findChild<QWidget *>(QStringLiteral("bluePanel"))->isEnabled());
        QVERIFY(!text("connectionLabel", nullptr).contains(QStringLiteral("live")));
        QVERIFY(m_window->isVisible());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
