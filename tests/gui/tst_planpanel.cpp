// A plan started from the console on the demo cluster: catalog's faulty candidate ends in an
// automatic rollback that the panel explains in one sentence, with the judge's evidence shown.

#include "engine/releaseengine.h"
#include "mainwindow.h"
#include "net/networkthread.h"
#include "planpanel.h"
#include "sim/democluster.h"

#include "testsupport.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTest>

using namespace Curtain;

class TestPlanPanel : public QObject
{
    Q_OBJECT

    std::unique_ptr<Sim::DemoCluster> m_demo;
    std::unique_ptr<Test::ApiReader> m_api;
    std::unique_ptr<Net::NetworkThread> m_network;
    std::unique_ptr<Ui::MainWindow> m_window;

    template <typename T>
    T *child(const char *name) const
    {
        return m_window->findChild<T *>(QLatin1String(name));
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
        m_window->resize(1280, 900);
        m_window->show();
        engine->start();
        engine->enableMetrics(500);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_network.reset();
        m_demo.reset();
    }

    void serviceSelectorRelease_cannotRunAPlan_andSaysWhy()
    {
        QTRY_VERIFY(m_window->selectedRelease().name == QStringLiteral("catalog"));
        m_window->selectRelease(QStringLiteral("checkout"));
        QPushButton *start = child<QPushButton>("startPlan");
        QTRY_VERIFY(start && !start->isEnabled());
        QVERIFY2(start->toolTip().contains(QStringLiteral("Service selector")), qPrintable(start->toolTip()));
    }

    void faultyCanary_isRolledBack_andThePanelSaysWhy()
    {
        m_window->selectRelease(QStringLiteral("catalog"));
        QComboBox *templates = child<QComboBox>("planTemplate");
        QTRY_VERIFY(templates && templates->findData(QStringLiteral("quick")) >= 0);
        templates->setCurrentIndex(templates->findData(QStringLiteral("quick")));
        QPushButton *start = child<QPushButton>("startPlan");
        QTRY_VERIFY(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);

        // The timeline shows the plan while it runs, and the buttons that would fight it are off.
        Ui::PlanPanel *panel = m_window->planPanel();
        QTRY_VERIFY2(panel->timelineText().contains(QStringLiteral("set weight 5 %")),
                     qPrintable(panel->timelineText()));
        QTRY_VERIFY_WITH_TIMEOUT(panel->outcomeText().contains(QStringLiteral("Rolled back automatically: green")),
                                 60'000);
        QVERIFY2(panel->outcomeText().contains(QStringLiteral("requests")), qPrintable(panel->outcomeText()));
        QVERIFY2(panel->evidenceText().contains(QStringLiteral("errors")), qPrintable(panel->evidenceText()));
        QVERIFY(panel->evidencePoints() > 0);
        QTRY_COMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        QTRY_VERIFY(start->isEnabled()); // the plan is over: another may start
        QTRY_VERIFY2(m_window->lastActionText().startsWith(QStringLiteral("catalog: Rolled back automatically")),
                     qPrintable(m_window->lastActionText()));
        const QString shot = qEnvironmentVariable("CURTAIN_PLAN_SCREENSHOT");
        if (!shot.isEmpty()) {
            m_window->grab().save(shot);
        }
    }
};

QTEST_MAIN(TestPlanPanel)
#include "tst_planpanel.moc"
