// An HAProxy fleet in the console, as a release engineer opens it with `curtain --haproxy FILE`:
// real HAProxy, real pods (curtain-backend), real requests. The window lists the fleet's releases
// with their servers and shares, hides what only a cluster has (pods, namespaces), and its
// Flip and Rollback move the traffic HAProxy really sends.

#include "../integration/haproxylab.h"

#include "confirmmovedialog.h"
#include "guitestbase.h"
#include "mainwindow.h"
#include "settings.h"
#include "windowmanager.h"

#include <QAbstractItemView>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestFleetConsole : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::HAProxyLab> m_lab;
    QTemporaryDir m_dir; // the journal
    std::unique_ptr<Ui::WindowManager> m_manager;

    Ui::MainWindow *window() const { return m_manager->window(); }

    QString text(const char *label, const char *panel) const { return Test::labelIn(window(), label, panel); }

    QStringList listed() const { return Test::listedIn(window()); }

    void clickAndConfirm(const char *button)
    {
        auto *found = window()->findChild<QPushButton *>(QString::fromLatin1(button));
        QVERIFY(found);
        QTRY_VERIFY2_WITH_TIMEOUT(found->isEnabled(), qPrintable(found->toolTip()), 10000);
        found->click();
        Ui::ConfirmMoveDialog *dialog = nullptr;
        for (Ui::ConfirmMoveDialog *candidate : window()->findChildren<Ui::ConfirmMoveDialog *>()) {
            dialog = candidate->isVisible() ? candidate : dialog;
        }
        QVERIFY2(dialog, "no confirmation was asked for");
        if (auto *typed = dialog->findChild<QLineEdit *>(QStringLiteral("typedReleaseName"))) {
            QTest::keyClicks(typed, typed->placeholderText());
        }
        dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("CURTAIN_JOURNAL", m_dir.filePath(QStringLiteral("journal.jsonl")).toUtf8());
    }

    void init()
    {
        Ui::Settings::clear();
        m_lab = std::make_unique<Test::HAProxyLab>();
        const QString failed = m_lab->start({});
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        Ui::WindowManager::Options options;
        options.choice.haproxyFile = m_lab->fleetFile();
        options.contextSwitcher = false;
        options.metricsIntervalMs = 250;
        m_manager = std::make_unique<Ui::WindowManager>(options, Engine::ClusterHostFactory());
        QSignalSpy opened(m_manager.get(), &Ui::WindowManager::opened);
        m_manager->open();
        QVERIFY(opened.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(listed().contains(QStringLiteral("catalog")), 20000);
        window()->selectRelease(QStringLiteral("catalog"));
    }

    void cleanup()
    {
        m_manager.reset();
        m_lab.reset();
    }

    // What the fleet is, on screen: each color's servers, how many are up, its share of traffic,
    // and the requests HAProxy counted; nothing that only a cluster has.
    void fleet_showsServersSharesAndTraffic()
    {
        QVERIFY(listed().contains(QStringLiteral("checkout"))); // the map-switched release
        QTRY_COMPARE_WITH_TIMEOUT(text("trafficLabel", "bluePanel"), QStringLiteral("100 %"), 10000);
        QCOMPARE(text("trafficLabel", "greenPanel"), QStringLiteral("0 %"));
        QCOMPARE(text("versionLabel", "bluePanel"), QStringLiteral("blue-1, blue-2"));
        QCOMPARE(text("replicasLabel", "bluePanel"), QStringLiteral("2 of 2 servers up"));
        // The lab's green servers wait in maintenance: not up, and said so per server.
        QCOMPARE(text("replicasLabel", "greenPanel"), QStringLiteral("0 of 2 servers up"));
        QVERIFY2(text("statusLabel", "greenPanel").contains(QStringLiteral("green-1 MAINT")),
                 qPrintable(text("statusLabel", "greenPanel")));
        // Real requests, counted by HAProxy, reach blue's panel.
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                (void)m_lab->sample(0, 20);
                return text("metricsLabel", "bluePanel").contains(QStringLiteral("req/s"));
            }(),
            20000);
        QVERIFY2(text("metricsLabel", "bluePanel").contains(QStringLiteral("no latency quantiles")),
                 qPrintable(text("metricsLabel", "bluePanel")));
        for (const char *clusterOnly : {"namespaceSwitcher", "podList"}) {
            for (QWidget *widget : window()->findChildren<QWidget *>(QString::fromLatin1(clusterOnly))) {
                QVERIFY2(!widget->isVisible(), clusterOnly);
            }
        }
    }

    // Flip moves every real request to green, make-before-break; Rollback brings them back to blue,
    // the color HAProxy's configuration weights.
    void flipThenRollback_moveRealTraffic()
    {
        clickAndConfirm("flipButton");
        QTRY_VERIFY2_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("✓")),
                                  qPrintable(window()->lastActionText()), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(text("trafficLabel", "greenPanel"), QStringLiteral("100 %"), 10000);
        QCOMPARE(m_lab->sample(0, 30).value(QStringLiteral("green")), 30);

        // One click, no question: Rollback goes towards the known-good color.
        auto *rollback = window()->findChild<QPushButton *>(QStringLiteral("rollbackButton"));
        QVERIFY(rollback && rollback->isEnabled());
        rollback->click();
        QTRY_VERIFY2_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("✓")) &&
                                      window()->lastActionText().contains(QStringLiteral("blue")),
                                  qPrintable(window()->lastActionText()), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(text("trafficLabel", "bluePanel"), QStringLiteral("100 %"), 10000);
        QCOMPARE(m_lab->sample(0, 30).value(QStringLiteral("blue")), 30);
        // Both are in this machine's journal, as the console's.
        QFile journal(m_dir.filePath(QStringLiteral("journal.jsonl")));
        QVERIFY(journal.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = journal.readAll().split('\n');
        QVERIFY2(lines.size() >= 3, "fewer than two journal records"); // the last line is empty
        const QByteArray flipped = lines.at(lines.size() - 3), rolledBack = lines.at(lines.size() - 2);
        QVERIFY2(flipped.contains("\"action\":\"Flip\"") && flipped.contains("\"outcome\":\"applied\"") &&
                     flipped.contains("\"via\":\"console\"") &&
                     flipped.contains("\"after\":{\"blue\":0,\"green\":100}"),
                 flipped.constData());
        QVERIFY2(rolledBack.contains("\"action\":\"Rollback\"") && rolledBack.contains("\"context\":\"haproxy:lab\""),
                 rolledBack.constData());
    }
};

QTEST_MAIN(TestFleetConsole)
#include "tst_fleetconsole.moc"
