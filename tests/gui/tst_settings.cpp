// What the console remembers between runs, as two consoles open at once see it: each holds the file
// in memory from its first read, so a list both change must merge into the file, not overwrite it.

#include "settings.h"

#include "core/release.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace Curtain;

// Settings in a test location, never the user's; the same file for this test and its other console.
void useTestSettings()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("curtain-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
}

class TestSettings : public QObject
{
    Q_OBJECT

    const QString key = QStringLiteral("history/acknowledgedRollbacks");

private Q_SLOTS:
    void initTestCase() { useTestSettings(); }

    void init()
    {
        Ui::Settings::clear();
        Ui::Settings::reload();
    }

    // This console read the file at start; another console acknowledged a rollback since. This
    // one's acknowledgement keeps the other's.
    void acknowledgedRollbacks_ofTwoConsoles_areBothKept()
    {
        const QDateTime planA = QDateTime::fromString(QStringLiteral("2026-12-05T10:00:00.000Z"), Qt::ISODateWithMs);
        const QDateTime planB = QDateTime::fromString(QStringLiteral("2026-12-05T11:00:00.000Z"), Qt::ISODateWithMs);
        QVERIFY(Ui::Settings::acknowledgedRollbacks(QStringLiteral("demo")).isEmpty()); // read once, now
        // The other console: this binary again, in a process of its own, through the same code.
        QProcess other;
        other.start(
            QCoreApplication::applicationFilePath(),
            {QStringLiteral("--other-console"), QStringLiteral("demo/payments"), planA.toString(Qt::ISODateWithMs)});
        QVERIFY(other.waitForFinished(30'000));
        QCOMPARE(other.exitCode(), 0);
        Ui::Settings::acknowledgeRollback(QStringLiteral("demo"),
                                          Core::ReleaseKey::fromString(QStringLiteral("demo/catalog")), planB);
        Ui::Settings::flush();

        Ui::Settings::reload(); // the next start of either console
        const auto acknowledged = Ui::Settings::acknowledgedRollbacks(QStringLiteral("demo"));
        QCOMPARE(acknowledged.size(), 2);
        QCOMPARE(acknowledged.value(Core::ReleaseKey::fromString(QStringLiteral("demo/payments"))), planA);
        QCOMPARE(acknowledged.value(Core::ReleaseKey::fromString(QStringLiteral("demo/catalog"))), planB);
    }

    // A later rollback of the same release replaces its entry, in memory and in the file.
    void acknowledgingAgain_replacesTheReleasesEntry()
    {
        const QDateTime first = QDateTime::fromString(QStringLiteral("2026-12-05T10:00:00.000Z"), Qt::ISODateWithMs);
        const QDateTime later = QDateTime::fromString(QStringLiteral("2026-12-05T12:00:00.000Z"), Qt::ISODateWithMs);
        const Core::ReleaseKey catalog = Core::ReleaseKey::fromString(QStringLiteral("demo/catalog"));
        Ui::Settings::acknowledgeRollback(QStringLiteral("demo"), catalog, first);
        Ui::Settings::acknowledgeRollback(QStringLiteral("demo"), catalog, later);
        QCOMPARE(Ui::Settings::acknowledgedRollbacks(QStringLiteral("demo")).value(catalog), later);
        Ui::Settings::flush();
        QCOMPARE(QSettings().value(key).toStringList().size(), 1);
        QVERIFY(Ui::Settings::acknowledgedRollbacks(QStringLiteral("other-context")).isEmpty());
    }
};

// `--other-console RELEASE TIME`: acknowledges as a second console would, and exits.
int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 4 && qstrcmp(argv[1], "--other-console") == 0) {
        useTestSettings();
        Ui::Settings::acknowledgedRollbacks(QStringLiteral("demo")); // a console reads the file at start
        Ui::Settings::acknowledgeRollback(QStringLiteral("demo"),
                                          Core::ReleaseKey::fromString(QString::fromUtf8(argv[2])),
                                          QDateTime::fromString(QString::fromUtf8(argv[3]), Qt::ISODateWithMs));
        Ui::Settings::flush();
        return 0;
    }
    TestSettings test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_settings.moc"
