// What the console remembers between runs, as two consoles open at once see it: each holds the file
// in memory from its first read, so a list both change must merge into the file, not overwrite it.

#include "settings.h"

#include "core/release.h"

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace Curtain;

class TestSettings : public QObject
{
    Q_OBJECT

    const QString key = QStringLiteral("history/acknowledgedRollbacks");

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // never the user's settings
        QCoreApplication::setOrganizationName(QStringLiteral("curtain-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
    }

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
        {
            QSettings other; // the other console, writing the file
            other.setValue(key, QStringList{QStringLiteral("demo") + QChar(0x1f) + QStringLiteral("demo/payments") +
                                            QChar(0x1f) + planA.toString(Qt::ISODateWithMs)});
        }
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

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
