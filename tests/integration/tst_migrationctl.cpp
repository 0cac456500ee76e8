// `curtainctl migration` as a pipeline runs it against a real PostgreSQL: start with progress, status
// in text and JSON, complete and rollback, and the errors a script must be able to tell apart.

#include "ctlrunner.h"
#include "db/connection.h"
#include "db/localserver.h"
#include "testpostgres.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestMigrationCtl : public QObject
{
    Q_OBJECT

    std::unique_ptr<Db::LocalServer> m_server;
    QTemporaryDir m_dir;
    int m_databases = 0;

    // A fresh database with `orders` (5,000 rows) made by curtainctl's first migration.
    QString freshDatabase()
    {
        const QString name = QStringLiteral("orders%1").arg(++m_databases);
        if (!m_server->createDatabase(name).ok()) {
            return {};
        }
        const QString conninfo = m_server->conninfo(name);
        const Test::CtlRun created =
            Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("start"),
                                 file(QStringLiteral("01_orders.yaml"), "operations:\n  - create_table:\n"
                                                                        "      name: orders\n      columns:\n"
                                                                        "        - {name: id, type: serial, pk: true}\n"
                                                                        "        - {name: customer, type: text}\n"),
                                 QStringLiteral("--database"), conninfo});
        const Test::CtlRun completed = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("complete"), QStringLiteral("--database"), conninfo});
        auto db = Db::Connection::open(conninfo);
        if (created.exitCode != 0 || completed.exitCode != 0 || !db.ok() ||
            !db.value()
                 ->execute(
                     QStringLiteral("INSERT INTO orders (customer) SELECT 'c' || n FROM generate_series(1, 5000) n"))
                 .ok()) {
            qWarning() << created.err << completed.err;
            return {};
        }
        return conninfo;
    }

    QString file(const QString &name, const QByteArray &text) { return Test::writeFile(m_dir.filePath(name), text); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString postgres = Test::startPostgres(&m_server);
        QVERIFY2(postgres.isEmpty(), qPrintable(postgres));
        QVERIFY(m_dir.isValid());
    }

    void startStatusComplete_asAPipelineSeesThem()
    {
        const QString conninfo = freshDatabase();
        QVERIFY(!conninfo.isEmpty());
        const QString v2 =
            file(QStringLiteral("02_add_email.yaml"),
                 "operations:\n  - add_column:\n      table: orders\n      up: customer || '@example.org'\n"
                 "      column: {name: email, type: text}\n");
        const Test::CtlRun started =
            Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("start"), v2, QStringLiteral("--database"),
                                 conninfo, QStringLiteral("--batch-size"), QStringLiteral("500")});
        QCOMPARE(started.exitCode, 0);
        QVERIFY2(started.out.startsWith(QStringLiteral("Started 02_add_email in ")), qPrintable(started.out));
        QVERIFY2(started.out.contains(QStringLiteral("Schema public: expanded — both versions live: 01_orders (old) "
                                                     "and 02_add_email (new).")),
                 qPrintable(started.out));
        QVERIFY2(started.out.contains(QStringLiteral("backfill 5000 of 5000 rows, finished")), qPrintable(started.out));
        QVERIFY2(started.err.contains(QStringLiteral("backfill orders: 5000 of 5000 rows (100 %)")),
                 qPrintable(started.err));

        const Test::CtlRun status =
            Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("status"), QStringLiteral("--database"),
                                 conninfo, QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(status.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(status.out.toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("phase")).toString(), QStringLiteral("expanded"));
        QCOMPARE(json.value(QStringLiteral("liveVersions")).toArray().size(), 2);
        QCOMPARE(json.value(QStringLiteral("latest")).toObject().value(QStringLiteral("startedBy")).toString(),
                 QStringLiteral("local:%1").arg(qEnvironmentVariable("USER", QStringLiteral("unknown"))));

        // A second start while one is in progress is refused, exit 1, and says what to do.
        const Test::CtlRun again = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("start"), v2, QStringLiteral("--database"), conninfo});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QStringLiteral("migration 02_add_email is in progress on schema public")),
                 qPrintable(again.err));

        const Test::CtlRun completed = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("complete"), QStringLiteral("--database"), conninfo});
        QCOMPARE(completed.exitCode, 0);
        QVERIFY2(completed.out.contains(QStringLiteral("Schema public: contracted — version 02_add_email is the only "
                                                       "one live.")),
                 qPrintable(completed.out));
        const Test::CtlRun late = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("rollback"), QStringLiteral("--database"), conninfo});
        QCOMPARE(late.exitCode, 1);
        QVERIFY2(late.err.contains(QStringLiteral("a completed migration cannot be rolled back")),
                 qPrintable(late.err));
    }

    // The version before the first migration is the bare tables, named by their schema in JSON as in
    // the text (it was ""), and the history is a table whose columns line up.
    void status_namesTheBareTablesAndAlignsItsColumns()
    {
        const QString name = QStringLiteral("orders%1").arg(++m_databases);
        QVERIFY(m_server->createDatabase(name).ok());
        const QString conninfo = m_server->conninfo(name);
        const Test::CtlRun started =
            Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("start"),
                                 file(QStringLiteral("01_orders.yaml"),
                                      "operations:\n  - create_table:\n      name: orders\n      columns:\n"
                                      "        - {name: id, type: serial, pk: true}\n"),
                                 QStringLiteral("--database"), conninfo});
        QVERIFY2(started.exitCode == 0, qPrintable(started.err));
        const Test::CtlRun json =
            Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("status"), QStringLiteral("--database"),
                                 conninfo, QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("liveVersions")).toArray(),
                 QJsonArray({QStringLiteral("public"), QStringLiteral("01_orders")}));
        const Test::CtlRun text = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("status"), QStringLiteral("--database"), conninfo});
        const QStringList lines = text.out.split(QLatin1Char('\n'));
        const qsizetype header = lines.indexOf(QRegularExpression(QStringLiteral("MIGRATION .*")));
        QVERIFY2(header > 0 && header + 1 < lines.size(), qPrintable(text.out));
        // The STATE column starts where its heading does.
        QCOMPARE(lines[header + 1].indexOf(QStringLiteral("started")), lines[header].indexOf(QStringLiteral("STATE")));
    }

    void rehearse_runsEveryStepOnAScratchCopyAndLeavesTheLiveDatabase()
    {
        const QString conninfo = freshDatabase();
        QVERIFY(!conninfo.isEmpty());
        const QString v2 =
            file(QStringLiteral("02_email.yaml"),
                 "operations:\n  - add_column:\n      table: orders\n      up: customer || '@example.org'\n"
                 "      column: {name: email, type: text}\n");
        // As the README writes it: without --rows, 1000 rows a table, so the backfill runs (it copied none).
        const Test::CtlRun run = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("rehearse"), v2, QStringLiteral("--database"), conninfo});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        for (const char *step :
             {"✓ copy schema", "✓ start", "✓ both versions", "✓ rollback", "✓ start again", "✓ complete"}) {
            QVERIFY2(run.out.contains(QString::fromUtf8(step)), qPrintable(run.out));
        }
        QVERIFY2(run.out.contains(QStringLiteral("1000 rows sampled per table: 1000 rows")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("the schema is as it was before start")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("backfilled 1000 rows")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("views read in 01_orders and 02_email")), qPrintable(run.out));
        QVERIFY2(
            run.out.endsWith(QStringLiteral("Rehearsal passed: every step worked on a copy of the live schema.\n")),
            qPrintable(run.out));

        // The live database is as it was (01_orders, 5000 rows, no email), and no scratch database is left.
        auto db = Db::Connection::open(conninfo);
        QVERIFY(db.ok());
        const auto state = db.value()->query(QStringLiteral(
            "SELECT (SELECT count(*) FROM curtain.migrations), (SELECT count(*) FROM orders), "
            "(SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name LIKE "
            "'%email%'), (SELECT count(*) FROM pg_database WHERE datname LIKE 'curtain_rehearsal_%')"));
        QVERIFY(state.ok());
        QCOMPARE(state.value().values.value(0),
                 (QStringList{QStringLiteral("1"), QStringLiteral("5000"), QStringLiteral("0"), QStringLiteral("0")}));

        // A migration that cannot start fails its rehearsal, exit 1, and still leaves nothing behind.
        const QString broken =
            file(QStringLiteral("03_broken.yaml"), "operations:\n  - add_column:\n      table: invoices\n"
                                                   "      column: {name: total, type: integer, nullable: true}\n");
        const Test::CtlRun failed = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("rehearse"), broken, QStringLiteral("--database"), conninfo});
        QCOMPARE(failed.exitCode, 1);
        QVERIFY2(failed.out.contains(QStringLiteral("✗ start")) &&
                     failed.out.contains(QStringLiteral("Rehearsal failed at start")),
                 qPrintable(failed.out));
        const auto left = db.value()->query(
            QStringLiteral("SELECT count(*) FROM pg_database WHERE datname LIKE 'curtain_rehearsal_%'"));
        QVERIFY(left.ok());
        QCOMPARE(left.value().at(0, 0), QStringLiteral("0"));
    }

    // curtain-sim --orders: the demo's orders release on its own PostgreSQL, ready when the address
    // is printed. A rehearsal through the release finds the database the route names and goes into
    // the release's history with its steps.
    void simOrders_rehearsalThroughTheReleaseIsInItsHistory()
    {
        Test::SimProcess sim;
        QString error;
        QVERIFY2(sim.start(&error, {QStringLiteral("--orders")}), qPrintable(error));
        const auto ctl = [&sim](QStringList arguments) {
            return Test::runCurtainctl(QStringList{QStringLiteral("--server"), sim.url()} + arguments);
        };
        const Test::CtlRun status = ctl({QStringLiteral("migration"), QStringLiteral("status"),
                                         QStringLiteral("--release"), QStringLiteral("orders")});
        QVERIFY2(status.exitCode == 0, qPrintable(status.err));
        QVERIFY2(status.out.contains(QStringLiteral("version 01_orders is the only one live")), qPrintable(status.out));
        // The release's status reads the database before it says what may move (it once printed
        // "Curtain cannot read that database (not read yet)").
        const Test::CtlRun release = ctl({QStringLiteral("status"), QStringLiteral("orders")});
        QVERIFY2(release.exitCode == 0, qPrintable(release.err));
        QVERIFY2(release.out.contains(QStringLiteral("needs schema version 02_orders_cents of database orders, which "
                                                     "does not exist yet (live: 01_orders)")),
                 qPrintable(release.out));
        const auto route = Test::ApiReader(sim.port()).get("/api/v1/namespaces/demo/services/orders");
        QVERIFY(route);
        const QString directory =
            QString::fromStdString(route->at("metadata").at("annotations").value("curtain.dev/migrations", ""));
        const QString next = QDir(directory).filePath(QStringLiteral("02_orders_cents.yaml"));
        QVERIFY2(QFile::exists(next), qPrintable(next));

        const Test::CtlRun rehearsed =
            ctl({QStringLiteral("migration"), QStringLiteral("rehearse"), next, QStringLiteral("--release"),
                 QStringLiteral("orders"), QStringLiteral("--rows"), QStringLiteral("100")});
        QVERIFY2(rehearsed.exitCode == 0, qPrintable(rehearsed.err));
        QVERIFY2(rehearsed.out.contains(QStringLiteral("Rehearsal passed")), qPrintable(rehearsed.out));
        const Test::CtlRun history = ctl({QStringLiteral("history"), QStringLiteral("orders")});
        QVERIFY2(history.out.contains(QStringLiteral("SchemaRehearsed")), qPrintable(history.out));
        QVERIFY2(history.out.contains(QStringLiteral("rehearsal of 02_orders_cents on a scratch copy: ✓ copy schema")),
                 qPrintable(history.out));
        // The live database did not move.
        QVERIFY(ctl({QStringLiteral("migration"), QStringLiteral("status"), QStringLiteral("--release"),
                     QStringLiteral("orders")})
                    .out.contains(QStringLiteral("version 01_orders is the only one live")));
    }

    void badInput_isNamedAndChangesNothing()
    {
        const QString conninfo = freshDatabase();
        QVERIFY(!conninfo.isEmpty());
        // A password on the command line would end up in shell history and process lists.
        const Test::CtlRun password =
            Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("status"), QStringLiteral("--database"),
                                 conninfo + QStringLiteral(" password=hunter2")});
        QCOMPARE(password.exitCode, 2);
        QVERIFY2(password.err.contains(QStringLiteral("holds a password; put it in ~/.pgpass")),
                 qPrintable(password.err));
        QVERIFY(!password.err.contains(QStringLiteral("hunter2")));

        const Test::CtlRun wrongFile = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("start"),
             file(QStringLiteral("bad.yaml"), "operations:\n  - add_column: {table: orders, colum: {}}\n"),
             QStringLiteral("--database"), conninfo});
        QCOMPARE(wrongFile.exitCode, 2);
        QVERIFY2(wrongFile.err.contains(QStringLiteral("bad.yaml: operations[0].add_column.colum is not a field of "
                                                       "add_column")),
                 qPrintable(wrongFile.err));

        const Test::CtlRun missingTable =
            Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("start"),
                                 file(QStringLiteral("03_x.yaml"), "operations:\n  - drop_table: {name: invoices}\n"),
                                 QStringLiteral("--database"), conninfo});
        QCOMPARE(missingTable.exitCode, 1);
        QVERIFY2(missingTable.err.contains(QStringLiteral("table \"invoices\" does not exist")),
                 qPrintable(missingTable.err));

        const Test::CtlRun nowhere =
            Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("status"), QStringLiteral("--database"),
                                 QStringLiteral("host=%1/none port=1 dbname=x").arg(m_dir.path())});
        QCOMPARE(nowhere.exitCode, 3);
        QVERIFY2(nowhere.err.contains(QStringLiteral("cannot connect to the database")), qPrintable(nowhere.err));

        const Test::CtlRun usage = Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("status")});
        QCOMPARE(usage.exitCode, 2);
        QVERIFY2(usage.err.contains(
                     QStringLiteral("migration status needs --release RELEASE (its route names the database")),
                 qPrintable(usage.err));
    }
};

QTEST_GUILESS_MAIN(TestMigrationCtl)
#include "tst_migrationctl.moc"
