// The Database row of a release whose route names a real PostgreSQL database: the migration's phase,
// which version each color needs, the backfill as it runs, and a contract the schema gate refuses
// with its reason on the button.

#include "mainwindow.h"

#include "confirmmovedialog.h"
#include "databasepanel.h"
#include "db/connection.h"
#include "db/migrator.h"
#include "engine/migrationfile.h"
#include "guitestbase.h"
#include "testpostgres.h"
#include "testsupport.h"

#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestDatabasePanel : public Test::GuiTestBase
{
    Q_OBJECT

    std::unique_ptr<Db::LocalServer> m_server;
    QTemporaryDir m_dir;
    QString m_conninfo;
    int m_databases = 0;

    // checkout on a fresh database at v1 with `rows` rows: blue needs v1, green v2.
    void releaseOnDatabase(int rows)
    {
        if (!m_server) {
            const QString postgres = Test::startPostgres(&m_server);
            QVERIFY2(postgres.isEmpty(), qPrintable(postgres));
        }
        const QString name = QStringLiteral("orders%1").arg(++m_databases);
        QVERIFY(m_server->createDatabase(name).ok());
        m_conninfo = m_server->conninfo(name);
        auto db = Db::Connection::open(m_conninfo);
        QVERIFY(db.ok());
        Db::Migrator migrator(db.value(), {});
        QVERIFY(migrator
                    .start(migration("operations:\n  - create_table:\n      name: orders\n      columns:\n"
                                     "        - {name: id, type: serial, pk: true}\n"
                                     "        - {name: total, type: integer}\n",
                                     QStringLiteral("v1")))
                    .ok());
        QVERIFY(migrator.complete().ok());
        QVERIFY(
            db.value()
                ->execute(QStringLiteral("INSERT INTO orders (total) SELECT n FROM generate_series(1, %1) n").arg(rows))
                .ok());
        const auto annotate = [this](const std::string &path, const std::string &key, const QString &value) {
            return api()->patch(path, "application/merge-patch+json",
                                R"({"metadata":{"annotations":{")" + key + R"(":")" + value.toStdString() + R"("}}})");
        };
        QCOMPARE(annotate("/api/v1/namespaces/demo/services/checkout", "curtain.dev/database", m_conninfo), 200);
        QCOMPARE(annotate("/apis/apps/v1/namespaces/demo/deployments/checkout-blue", "curtain.dev/schema-version",
                          QStringLiteral("v1")),
                 200);
        QCOMPARE(annotate("/apis/apps/v1/namespaces/demo/deployments/checkout-green", "curtain.dev/schema-version",
                          QStringLiteral("v2")),
                 200);
        window()->selectRelease(QStringLiteral("checkout"));
        QTRY_VERIFY_WITH_TIMEOUT(child<QWidget>("databasePanel") && child<QWidget>("databasePanel")->isVisible(),
                                 20000);
    }

    static Db::Migration migration(const QByteArray &yaml, const QString &name)
    {
        return Engine::parseMigrationText(yaml, name, name).value();
    }

    QByteArray v2() const
    {
        return "operations:\n  - add_column:\n      table: orders\n      up: total * 100\n"
               "      column: {name: total_cents, type: bigint}\n";
    }

private Q_SLOTS:
    void expand_showsTheBackfillThenBothVersionsLive()
    {
        releaseOnDatabase(300'000);
        QTRY_VERIFY_WITH_TIMEOUT(text("databaseState", "databasePanel").contains(QStringLiteral("No migration yet")) ||
                                     text("databaseState", "databasePanel").contains(QStringLiteral("Contracted")),
                                 20000);
        // Three writes made it so (the Service's database, each color's version): each arrives by the watch.
        QTRY_COMPARE(
            text("databaseColors", "databasePanel"),
            QStringLiteral("blue (v1.4.2) needs v1 ✓ live\ngreen (v1.5.0) needs v2 ✗ not there yet — expand first"));
        const QString file = Test::writeFile(m_dir.filePath(QStringLiteral("v2.yaml")), v2());
        window()->setMigrationFileChooser([file] { return file; });
        click("expandButton");
        auto *progress = child<QProgressBar>("backfillProgress", "databasePanel");
        QTRY_VERIFY_WITH_TIMEOUT(progress->isVisible() && progress->value() >= progress->maximum() / 4, 20000);
        Test::saveScreenshot(window(), QStringLiteral("database-backfill"));
        QTRY_VERIFY_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("✓")), 60000);
        QVERIFY2(window()->lastActionText().contains(QStringLiteral("expanded to v2")),
                 qPrintable(window()->lastActionText()));
        QTRY_VERIFY_WITH_TIMEOUT(
            text("databaseState", "databasePanel")
                .startsWith(QStringLiteral("Expanded — both versions live: v1 (old) and v2 (new).")),
            20000);
        QCOMPARE(text("databaseColors", "databasePanel"),
                 QStringLiteral("blue (v1.4.2) needs v1 ✓ live\ngreen (v1.5.0) needs v2 ✓ live"));
    }

    void stopBackfill_leavesBothVersionsLiveAndTheRestForContract()
    {
        releaseOnDatabase(300'000);
        QTRY_VERIFY_WITH_TIMEOUT(text("databaseState", "databasePanel").contains(QStringLiteral("Contracted")), 20000);
        const QString file = Test::writeFile(m_dir.filePath(QStringLiteral("v2.yaml")), v2());
        window()->setMigrationFileChooser([file] { return file; });
        auto *stop = child<QPushButton>("stopBackfillButton", "databasePanel");
        QVERIFY(!stop->isVisible());
        click("expandButton");
        auto *progress = child<QProgressBar>("backfillProgress", "databasePanel");
        QTRY_VERIFY_WITH_TIMEOUT(progress->isVisible() && progress->value() > 0, 20000);
        QVERIFY(stop->isVisible() && stop->isEnabled());
        stop->click();
        QTRY_VERIFY_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("■")), 30000);
        QVERIFY2(window()->lastActionText().contains(QStringLiteral("expand on checkout stopped: backfill stopped at")),
                 qPrintable(window()->lastActionText()));
        QVERIFY(!stop->isVisible());
        // Started, not finished: both versions are live, and the database says how far the backfill got.
        auto db = Db::Connection::open(m_conninfo);
        QVERIFY(db.ok());
        const auto status = Db::Migrator(db.value(), {}).status();
        QVERIFY(status.ok() && status.value().latest);
        QCOMPARE(status.value().latest->name, QStringLiteral("v2"));
        QCOMPARE(status.value().latest->state, QStringLiteral("started"));
        QVERIFY(!status.value().latest->backfillFinished);
        QVERIFY2(status.value().latest->backfillDone < 300'000,
                 qPrintable(QString::number(status.value().latest->backfillDone)));
        QTRY_VERIFY_WITH_TIMEOUT(
            text("databaseState", "databasePanel").startsWith(QStringLiteral("Expanded — both versions live")), 20000);
    }

    void expand_showsTheLintersFindingsFirst()
    {
        releaseOnDatabase(10);
        QTRY_VERIFY_WITH_TIMEOUT(text("databaseState", "databasePanel").contains(QStringLiteral("Contracted")), 20000);
        // Raw SQL that builds an index under a write lock, and cannot be undone by a rollback.
        const QString file = Test::writeFile(m_dir.filePath(QStringLiteral("v2.yaml")),
                                             "operations:\n  - sql:\n      up: CREATE INDEX orders_total ON orders "
                                             "(total)\n");
        window()->setMigrationFileChooser([file] { return file; });
        const auto findings = [this] { return window()->findChild<QMessageBox *>(QStringLiteral("lintFindings")); };
        // Where the release keeps its migrations: the row names the next file and the linter's word
        // on it before anyone presses Expand.
        QCOMPARE(api()->patch("/api/v1/namespaces/demo/services/checkout", "application/merge-patch+json",
                              R"({"metadata":{"annotations":{"curtain.dev/migrations":")" + m_dir.path().toStdString() +
                                  R"("}}})"),
                 200);
        QTRY_VERIFY2_WITH_TIMEOUT(
            text("databasePending", "databasePanel")
                .startsWith(QStringLiteral("Next: v2.yaml — the linter finds 2 problems: "
                                           "require-concurrent-index-creation (operations[0].sql.up), "
                                           "raw-sql-without-down (operations[0].sql)")),
            qPrintable(text("databasePending", "databasePanel")), 20000);

        click("expandButton");
        QTRY_VERIFY(findings() && findings()->isVisible());
        const QString shown = findings()->text();
        QVERIFY2(shown.startsWith(QStringLiteral("The linter found 2 problems in v2.yaml:")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("operations[0].sql.up: require-concurrent-index-creation")),
                 qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("operations[0].sql: raw-sql-without-down")), qPrintable(shown));
        Test::saveScreenshot(findings(), QStringLiteral("database-lint-findings"));
        findings()->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!findings());
        // Cancelled: nothing ran, the database has no migration.
        auto db = Db::Connection::open(m_conninfo);
        QVERIFY(db.ok());
        const auto status = Db::Migrator(db.value(), {}).status();
        QVERIFY(status.ok());
        QCOMPARE(status.value().latest->name, QStringLiteral("v1"));

        click("expandButton");
        QTRY_VERIFY(findings() && findings()->isVisible());
        QPushButton *anyway = nullptr;
        for (QAbstractButton *button : findings()->buttons()) {
            if (button->text() == QStringLiteral("Expand anyway")) {
                anyway = qobject_cast<QPushButton *>(button);
            }
        }
        QVERIFY(anyway);
        anyway->click();
        QTRY_VERIFY_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("✓")), 60000);
        QVERIFY2(window()->lastActionText().contains(QStringLiteral("expanded to v2")),
                 qPrintable(window()->lastActionText()));
    }

    void contract_isOffWhileBlueServesTheOldVersion()
    {
        releaseOnDatabase(10);
        auto db = Db::Connection::open(m_conninfo);
        QVERIFY(db.ok());
        QVERIFY(Db::Migrator(db.value(), {}).start(migration(v2(), QStringLiteral("v2"))).ok());
        QTRY_VERIFY_WITH_TIMEOUT(text("databaseState", "databasePanel").startsWith(QStringLiteral("Expanded")), 20000);
        auto *contract = child<QPushButton>("contractButton", "databasePanel");
        QTRY_VERIFY(contract->isVisible());
        QVERIFY(!contract->isEnabled());
        QVERIFY2(contract->toolTip().startsWith(QStringLiteral("cannot contract v2: blue (v1.4.2) still uses schema "
                                                               "version v1, which the contract drops — it has 100 % "
                                                               "of traffic and 3 ready pods.")),
                 qPrintable(contract->toolTip()));
        QVERIFY2(
            text("databaseGate", "databasePanel").startsWith(QStringLiteral("Contract is off: cannot contract v2")),
            qPrintable(text("databaseGate", "databasePanel")));
        // Abort is also off: green, on v2, has ready pods (no traffic yet).
        QVERIFY(!child<QPushButton>("abortMigrationButton", "databasePanel")->isEnabled());
        Test::saveScreenshot(window(), QStringLiteral("database-refused-contract"));
    }

    // After the flip, the old version's color idles; Contract waits for the soak chosen in the row
    // (15 min by default), measured from the flip, and then for blue's pods to go.
    void contract_waitsForTheSoakAfterTheFlip()
    {
        releaseOnDatabase(10);
        auto db = Db::Connection::open(m_conninfo);
        QVERIFY(db.ok());
        QVERIFY(Db::Migrator(db.value(), {}).start(migration(v2(), QStringLiteral("v2"))).ok());
        QTRY_VERIFY_WITH_TIMEOUT(text("databaseState", "databasePanel").startsWith(QStringLiteral("Expanded")), 20000);
        auto *flip = child<QPushButton>("flipButton");
        QTRY_VERIFY_WITH_TIMEOUT(flip->isEnabled(), 20000);
        flip->click();
        Ui::ConfirmMoveDialog *dialog = Test::findVisibleConfirmation(window());
        QVERIFY(dialog);
        dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(window()->lastActionText().contains(QStringLiteral("✓")), 20000);

        auto *soak = child<QSpinBox>("soakMinutes", "databasePanel");
        auto *contract = child<QPushButton>("contractButton", "databasePanel");
        QVERIFY(soak->isVisible());
        QCOMPARE(soak->value(), 15);
        QTRY_VERIFY2_WITH_TIMEOUT(contract->toolTip().contains(QStringLiteral("of the 15 min soak")),
                                  qPrintable(contract->toolTip()), 20000);
        QVERIFY(!contract->isEnabled());
        QVERIFY2(contract->toolTip().startsWith(QStringLiteral("cannot contract v2 yet: green (v1.5.0) has carried all "
                                                               "traffic for")),
                 qPrintable(contract->toolTip()));
        QVERIFY2(contract->toolTip().contains(QStringLiteral("until then Rollback stays instant")),
                 qPrintable(contract->toolTip()));
        Test::saveScreenshot(window(), QStringLiteral("database-soak"));
        soak->setValue(0); // a person who watched it long enough chooses no soak
        QTRY_VERIFY2(contract->toolTip().contains(QStringLiteral("scale blue to 0 first")),
                     qPrintable(contract->toolTip()));
        QCOMPARE(api()->patch("/apis/apps/v1/namespaces/demo/deployments/checkout-blue/scale",
                              "application/merge-patch+json", R"({"spec":{"replicas":0}})"),
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(contract->isEnabled(), 20000);
        QVERIFY2(text("databaseGate", "databasePanel").startsWith(QStringLiteral("No color uses v1 any more")),
                 qPrintable(text("databaseGate", "databasePanel")));
        soak->setValue(15); // the setting is the user's: leave it as found
    }
};

QTEST_MAIN(TestDatabasePanel)
#include "tst_databasepanel.moc"
