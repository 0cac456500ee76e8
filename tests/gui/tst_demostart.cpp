// The console's start on the built-in demo, as `curtain --demo` makes it: the demo's controllers wait
// for the first frame (WindowManager::builtinDemo()), so the panels' first read of pods may come back
// before the pods exist. They still show, without waiting for the next refresh. The demo here holds
// its controllers for an hour unless resumed, so a demo nobody resumes shows no pods at all. Between
// two reads of the pods, their ages count on.

#include "engine/session.h"
#include "environmentpanel.h"
#include "mainwindow.h"
#include "settings.h"
#include "sim/democluster.h"
#include "sim/scenario.h"
#include "windowmanager.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Curtain;

class TestDemoStart : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static const Ui::EnvironmentPanel *panel(Ui::WindowManager &manager, const char *name)
    {
        return manager.window()->findChild<Ui::EnvironmentPanel *>(QLatin1String(name));
    }

    Ui::WindowManager::Options onTheDemo() const
    {
        Ui::WindowManager::Options options;
        options.choice = {false, {}, m_dir.filePath(QStringLiteral("no-kubeconfig")), Engine::demoContextName, {},
                          {},    {}};
        return options;
    }

    // Opens the first window with the periodic read of the pods (5 s) moved out of the way (10 min).
    static bool openWithoutPodsRefresh(Ui::WindowManager &manager)
    {
        QSignalSpy opened(&manager, &Ui::WindowManager::opened);
        manager.open();
        auto *refresh = manager.window()->findChild<QTimer *>(QStringLiteral("podsRefresh"));
        if (!refresh) {
            return false;
        }
        refresh->setInterval(std::chrono::minutes(10));
        return opened.wait(20'000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings in a test location, never the user's
        QVERIFY(m_dir.isValid());
        Ui::Settings::clear();
    }

    void builtinDemo_showsItsPodsSoonAfterTheFirstFrame()
    {
        // Pods that show come from the panel reading again because it got fewer than the replicas it
        // counts as ready: the periodic refresh is out of the way.
        Ui::WindowManager manager(onTheDemo(), Ui::WindowManager::builtinDemo(std::chrono::hours(1)));
        QVERIFY(openWithoutPodsRefresh(manager));
        const auto *blue = panel(manager, "bluePanel");
        const auto *green = panel(manager, "greenPanel");
        QVERIFY(blue && green);
        // catalog, selected first: 4 of 4 ready in blue, 2 of 2 in green.
        QTRY_COMPARE_WITH_TIMEOUT(blue->podCount(), 4, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(green->podCount(), 2, 60'000);
    }

    // A pod's age counts on between the panel's reads of the pods, every 5 s (here 10 min): a pod
    // of 3 s did not read "0s".
    void podAges_countOnBetweenReads()
    {
        Ui::WindowManager manager(onTheDemo(), Ui::WindowManager::builtinDemo(std::chrono::hours(1)));
        QVERIFY(openWithoutPodsRefresh(manager));
        const auto *blue = panel(manager, "bluePanel");
        QTRY_COMPARE_WITH_TIMEOUT(blue->podCount(), 4, 60'000);
        const auto age = [blue] { return blue->podText(0).split(QStringLiteral(" | ")).value(3); };
        const QString first = age();
        QVERIFY2(first.endsWith(QLatin1Char('s')), qPrintable(blue->podText(0)));
        QTRY_VERIFY2_WITH_TIMEOUT(age() != first, qPrintable(blue->podText(0)), 10'000);
        QCOMPARE(blue->podCount(), 4);
    }

    // A demo opened by switching to it from another cluster has no first frame of its own to make
    // room for: its controllers run as soon as the switch is done.
    void switchToTheDemo_runsItsControllers()
    {
        Sim::DemoCluster empty{Sim::Scenario{}}; // a cluster with no release, to start on
        std::string error;
        QVERIFY2(empty.start("127.0.0.1", 0, &error) > 0, error.c_str());
        const QString kubeconfig = m_dir.filePath(QStringLiteral("empty-config"));
        QFile config(kubeconfig);
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("clusters:\n- {name: empty, cluster: {server: %1}}\n"
                                    "contexts:\n- {name: empty, context: {cluster: empty}}\n")
                         .arg(QString::fromStdString(empty.url()))
                         .toUtf8());
        config.close();
        Ui::WindowManager::Options options;
        options.choice = {false, {}, kubeconfig, QStringLiteral("empty"), {}, {}, {}};
        Ui::WindowManager manager(options, Ui::WindowManager::builtinDemo(std::chrono::hours(1)));
        QSignalSpy opened(&manager, &Ui::WindowManager::opened);
        manager.open();
        QVERIFY(opened.wait(20'000));
        QCOMPARE(manager.session()->contextName(), QStringLiteral("empty"));

        QSignalSpy switched(&manager, &Ui::WindowManager::switched);
        manager.switchContext(Engine::demoContextName);
        QVERIFY(switched.wait(20'000));
        QVERIFY2(switched.first().first().toBool(), qPrintable(switched.first().at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(panel(manager, "bluePanel")->podCount(), 4, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(panel(manager, "greenPanel")->podCount(), 2, 60'000);
    }
};

QTEST_MAIN(TestDemoStart)
#include "tst_demostart.moc"
