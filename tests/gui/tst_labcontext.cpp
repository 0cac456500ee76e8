// The lab as a user finds it: with HAProxy installed, the console's context list offers "lab"
// beside the demo; picking it starts real HAProxy, curtain-backend pods and a steady load on
// loopback and shows their fleet; leaving it stops them all.

#include "engine/clusterselection.h"
#include "guitestbase.h"
#include "mainwindow.h"
#include "settings.h"
#include "windowmanager.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestLabContext : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home; // no kubeconfig: the demo and the lab are the contexts
    std::unique_ptr<Ui::WindowManager> m_manager;

    static QString backendProgram()
    {
        return qEnvironmentVariable("CURTAIN_BIN_DIR") + QStringLiteral("/curtain-backend");
    }

    Ui::MainWindow *window() const { return m_manager->window(); }

    QStringList offered() const
    {
        QStringList names;
        auto *contexts = window()->findChild<QComboBox *>(QStringLiteral("contextSwitcher"));
        for (int i = 0; contexts && i < contexts->count(); ++i) {
            names << contexts->itemText(i);
        }
        return names;
    }

    QStringList listed() const { return Test::listedIn(window()); }

    QString text(const char *label, const char *panel) const { return Test::labelIn(window(), label, panel); }

    void openOnTheDemo(Engine::ClusterHostFactory startLab)
    {
        Ui::WindowManager::Options options;
        options.choice.context = Engine::demoContextName;
        options.metricsIntervalMs = 250;
        options.startLab = std::move(startLab);
        m_manager = std::make_unique<Ui::WindowManager>(options, Ui::WindowManager::builtinDemo());
        QSignalSpy opened(m_manager.get(), &Ui::WindowManager::opened);
        m_manager->open();
        QVERIFY(opened.wait(20000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("HOME", m_home.path().toUtf8());
        qunsetenv("KUBECONFIG");
        for (const char *tool : {"haproxy", "wrk", "prometheus"}) {
            QVERIFY2(!QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty(),
                     qPrintable(QStringLiteral("%1 is missing: install the Debian package %1 (./scripts/setup does)")
                                    .arg(QString::fromLatin1(tool))));
        }
    }

    void init() { Ui::Settings::clear(); }
    void cleanup() { m_manager.reset(); }

    void labContext_opensRealHAProxyAndStopsItWhenLeft()
    {
        openOnTheDemo(Ui::WindowManager::builtinLab(backendProgram()));
        QCOMPARE(offered(), (QStringList{QStringLiteral("demo"), QStringLiteral("lab")}));

        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        m_manager->switchContext(QStringLiteral("lab"));
        QVERIFY(switched.wait(60000));
        QVERIFY2(switched.last().at(0).toBool(), qPrintable(switched.last().at(1).toString()));
        QCOMPARE(m_manager->session()->contextName(), QStringLiteral("lab"));
        QCOMPARE(offered(), (QStringList{QStringLiteral("demo"), QStringLiteral("lab")})); // and back again
        QTRY_VERIFY_WITH_TIMEOUT(
            listed().contains(QStringLiteral("catalog")) && listed().contains(QStringLiteral("checkout")), 20000);
        window()->selectRelease(QStringLiteral("catalog"));
        QTRY_COMPARE_WITH_TIMEOUT(text("replicasLabel", "bluePanel"), QStringLiteral("2 of 2 servers up"), 10000);
        QCOMPARE(text("trafficLabel", "bluePanel"), QStringLiteral("100 %"));
        // wrk's steady load reaches blue through HAProxy, with nobody sending a request by hand.
        QTRY_VERIFY2_WITH_TIMEOUT(text("metricsLabel", "bluePanel").contains(QStringLiteral("req/s")),
                                  qPrintable(text("metricsLabel", "bluePanel")), 20000);

        // The lab's files (HAProxy's socket and configuration, the fleet file) live as long as it runs.
        const QString description = m_manager->session()->description();
        const QString fleetFile = description.section(QLatin1Char('('), -1).chopped(1);
        QVERIFY2(QFileInfo::exists(fleetFile), qPrintable(description));
        const QString socket = QFileInfo(fleetFile).dir().filePath(QStringLiteral("lb-0.sock"));
        QVERIFY(QFileInfo::exists(socket));

        m_manager->switchContext(QStringLiteral("demo"));
        QVERIFY(switched.wait(30000));
        QVERIFY2(switched.last().at(0).toBool(), qPrintable(switched.last().at(1).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(fleetFile), 20000); // stopped, and its files removed
        QVERIFY(!QFileInfo::exists(socket));
    }

    // The console is never left on the lab at the next start: it starts processes only when picked.
    void labContext_isNotRememberedForTheNextStart()
    {
        openOnTheDemo(Ui::WindowManager::builtinLab(backendProgram()));
        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        m_manager->switchContext(QStringLiteral("lab"));
        QVERIFY(switched.wait(60000));
        QVERIFY2(switched.last().at(0).toBool(), qPrintable(switched.last().at(1).toString()));
        // The next start opens the demo again, as the last context worth remembering.
        Ui::Settings::flush(); // written on a thread of its own
        QCOMPARE(QSettings().value(QStringLiteral("session/context")).toString(), QStringLiteral("demo"));
    }

    // Without HAProxy (or without curtain-backend) there is no lab to offer.
    void labContext_isNotOfferedWhenItCannotRun()
    {
        QVERIFY(!Ui::WindowManager::builtinLab(m_home.filePath(QStringLiteral("no-such-backend"))));
        openOnTheDemo({});
        QVERIFY2(!offered().contains(QStringLiteral("lab")), qPrintable(offered().join(QLatin1Char(' '))));
    }
};

QTEST_MAIN(TestLabContext)
#include "tst_labcontext.moc"
