// The console's start on the built-in demo, as `curtain --demo` makes it: the demo's controllers wait
// for the first frame (WindowManager::builtinDemo()), so the panels' first read of pods may come back
// before the pods exist. They still show, without waiting for the next refresh.

#include "engine/session.h"
#include "environmentpanel.h"
#include "mainwindow.h"
#include "settings.h"
#include "windowmanager.h"

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

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings in a test location, never the user's
        QVERIFY(m_dir.isValid());
        Ui::Settings::clear();
    }

    void builtinDemo_showsItsPodsSoonAfterTheFirstFrame()
    {
        Ui::WindowManager::Options options;
        options.choice = {false, {}, m_dir.filePath(QStringLiteral("no-kubeconfig")), Engine::demoContextName, {},
                          {},    {}};
        Ui::WindowManager manager(options, Ui::WindowManager::builtinDemo());
        QSignalSpy opened(&manager, &Ui::WindowManager::opened);
        manager.open();
        // The periodic refresh out of the way (5 s; here 10 min): pods that show come from the panel
        // reading again because it got fewer than the replicas it counts as ready.
        auto *refresh = manager.window()->findChild<QTimer *>(QStringLiteral("podsRefresh"));
        QVERIFY(refresh);
        refresh->setInterval(std::chrono::minutes(10));
        QVERIFY(opened.wait(20'000));
        const auto *blue = manager.window()->findChild<Ui::EnvironmentPanel *>(QStringLiteral("bluePanel"));
        const auto *green = manager.window()->findChild<Ui::EnvironmentPanel *>(QStringLiteral("greenPanel"));
        QVERIFY(blue && green);
        // catalog, selected first: 4 of 4 ready in blue, 2 of 2 in green.
        QTRY_COMPARE_WITH_TIMEOUT(blue->podCount(), 4, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(green->podCount(), 2, 60'000);
    }
};

QTEST_MAIN(TestDemoStart)
#include "tst_demostart.moc"
