// Expand/contract on a real PostgreSQL while clients of both versions work: what a release engineer
// relies on when blue and green share one database.

#include "db/connection.h"
#include "db/localserver.h"
#include "db/migrator.h"
#include "db/schemainfo.h"
#include "engine/migrationfile.h"
#include "testpostgres.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace Curtain;

namespace {

template <typename T>
QByteArray why(const Core::Result<T> &result)
{
    return result.ok() ? QByteArray() : result.error().message.toUtf8();
}

// A client that writes and reads through one version's schema until stopped, as an application
// instance would, counting what failed.
class Client
{
public:
    Client(const QString &conninfo, const QString &version, std::function<QString(int)> insert)
        : m_conninfo(conninfo), m_version(version), m_insert(std::move(insert))
    {}
    ~Client() { stop(); }

    void start()
    {
        m_thread = std::thread([this] {
            auto db = Db::Connection::open(m_conninfo + QStringLiteral(" options='-c search_path=%1'").arg(m_version));
            if (!db.ok()) {
                m_errors << db.error().message;
                return;
            }
            for (int i = 0; !m_stop.load(); ++i) {
                const auto written = db.value()->execute(m_insert(i));
                const auto read = db.value()->query(QStringLiteral("SELECT count(*) FROM items"));
                if (!written.ok() || !read.ok()) {
                    m_errors << (written.ok() ? read.error().message : written.error().message);
                }
                m_statements += 2;
            }
        });
    }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

    QStringList errors() const { return m_errors; }
    int statements() const { return m_statements.load(); }

private:
    QString m_conninfo, m_version;
    std::function<QString(int)> m_insert;
    std::thread m_thread;
    std::atomic_bool m_stop = false;
    std::atomic_int m_statements = 0;
    QStringList m_errors; // read after stop()
};

} // namespace

class TestMigrator : public QObject
{
    Q_OBJECT

    std::unique_ptr<Db::LocalServer> m_server;
    QString m_conninfo;
    Db::ConnectionPtr m_db;
    int m_databases = 0;

    Db::Migration migration(const QByteArray &yaml, const QString &name)
    {
        auto parsed = Engine::parseMigrationText(yaml, name + QStringLiteral(".yaml"), name);
        if (!parsed.ok()) {
            qFatal("%s", qPrintable(parsed.error().message));
        }
        return parsed.value();
    }

    QString scalar(const QString &sql)
    {
        const auto rows = m_db->query(sql);
        return rows.ok() ? rows.value().at(0, 0) : rows.error().message;
    }

    QStringList describe()
    {
        const auto lines = Db::describeSchema(*m_db, QStringLiteral("public"));
        if (!lines.ok()) {
            qFatal("describing the schema failed: %s", qPrintable(lines.error().message));
        }
        return lines.value();
    }

    // A fresh database per test function with `items` (and its first version) and `rows` rows.
    void freshItems(int rows)
    {
        const QString name = QStringLiteral("items%1").arg(++m_databases);
        QVERIFY(m_server->createDatabase(name).ok());
        m_conninfo = m_server->conninfo(name);
        auto db = Db::Connection::open(m_conninfo);
        QVERIFY2(db.ok(), why(db).constData());
        m_db = db.value();
        Db::Migrator migrator(m_db, {});
        const auto started = migrator.start(migration("operations:\n  - create_table:\n      name: items\n"
                                                      "      columns:\n"
                                                      "        - {name: id, type: serial, pk: true}\n"
                                                      "        - {name: name, type: text, nullable: true}\n"
                                                      "        - {name: price, type: integer, default: \"1\"}\n",
                                                      QStringLiteral("v1")));
        QVERIFY2(started.ok(), why(started).constData());
        QVERIFY(migrator.complete().ok());
        QVERIFY(m_db->execute(QStringLiteral("INSERT INTO items (name, price) SELECT 'item ' || n, n % 100 "
                                             "FROM generate_series(1, %1) n")
                                  .arg(rows))
                    .ok());
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString postgres = Test::startPostgres(&m_server);
        QVERIFY2(postgres.isEmpty(), qPrintable(postgres));
    }

    // Blue on v1 and green on v2 write and read all through start (a 100,000-row backfill), the
    // window and complete: no statement fails, and each sees the other's rows with the up/down value.
    void bothVersionsLive_noFailedStatement()
    {
        freshItems(100'000);
        const Db::Migration v2 = migration("operations:\n"
                                           "  - add_column: {table: items, up: upper(name), column: {name: label, "
                                           "type: text, nullable: false}}\n"
                                           "  - drop_column: {table: items, column: price, down: \"0\"}\n",
                                           QStringLiteral("v2"));
        Client blue(m_conninfo, QStringLiteral("v1"), [](int i) {
            return QStringLiteral("INSERT INTO items (name, price) VALUES ('blue %1', 7)").arg(i);
        });
        Client green(m_conninfo, QStringLiteral("v2"), [](int i) {
            return QStringLiteral("INSERT INTO items (name, label) VALUES ('green %1', 'GREEN %1')").arg(i);
        });
        blue.start();

        Db::MigratorOptions options;
        options.batchSize = 1000;
        options.actor = QStringLiteral("release-engineer@example");
        Db::Migrator migrator(m_db, options);
        QList<Db::BackfillProgress> progress;
        const auto started = migrator.start(v2, [&](const Db::BackfillProgress &p) { progress << p; });
        QVERIFY2(started.ok(), why(started).constData());
        QVERIFY(progress.size() >= 100);
        QVERIFY(progress.last().done >= 100'000);
        QCOMPARE(progress.last().done, progress.last().total);

        green.start(); // the new version takes traffic only once it exists
        QTRY_VERIFY(green.statements() > 200 && blue.statements() > 200);
        blue.stop(); // the flip: blue drains, then the contract
        const auto completed = migrator.complete();
        QVERIFY2(completed.ok(), why(completed).constData());
        QTRY_VERIFY(green.statements() > 400);
        green.stop();
        QVERIFY2(blue.errors().isEmpty(), qPrintable(blue.errors().join(QLatin1Char('\n'))));
        QVERIFY2(green.errors().isEmpty(), qPrintable(green.errors().join(QLatin1Char('\n'))));

        // Blue's rows got green's label from up; no row is without one (the column is NOT NULL now).
        QCOMPARE(scalar(QStringLiteral("SELECT label FROM items WHERE name = 'blue 0'")), QStringLiteral("BLUE 0"));
        QCOMPARE(scalar(QStringLiteral("SELECT label FROM items WHERE id = 1")), QStringLiteral("ITEM 1"));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM items WHERE label IS NULL")), QStringLiteral("0"));
        QCOMPARE(scalar(QStringLiteral("SELECT is_nullable FROM information_schema.columns WHERE table_name = "
                                       "'items' AND column_name = 'label'")),
                 QStringLiteral("NO"));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' "
                                       "AND column_name = 'price'")),
                 QStringLiteral("0"));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = 'v1'")), QStringLiteral("0"));
    }

    // While both live, green's writes reach blue's column through down, and blue's reach green's
    // through up — each read through the other version's schema.
    void eachVersion_seesTheOthersRows()
    {
        freshItems(10);
        Db::Migrator migrator(m_db, {});
        QVERIFY(migrator
                    .start(migration("operations:\n"
                                     "  - alter_column: {table: items, column: price, type: \"numeric(10,2)\", "
                                     "up: \"price::numeric / 100\", down: \"(price * 100)::integer\"}\n",
                                     QStringLiteral("v2")))
                    .ok());
        QVERIFY(
            m_db->execute(QStringLiteral("SET search_path = v1; INSERT INTO items (name, price) VALUES ('old', 250);"
                                         "SET search_path = v2; INSERT INTO items (name, price) VALUES ('new', 4.5);"
                                         "RESET search_path"))
                .ok());
        QCOMPARE(scalar(QStringLiteral("SELECT price FROM v2.items WHERE name = 'old'")), QStringLiteral("2.50"));
        QCOMPARE(scalar(QStringLiteral("SELECT price FROM v1.items WHERE name = 'new'")), QStringLiteral("450"));
        QCOMPARE(scalar(QStringLiteral("SELECT price FROM v2.items WHERE id = 3")),
                 QStringLiteral("0.03")); // backfilled
        QVERIFY(migrator.complete().ok());
        QCOMPARE(scalar(QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_name = 'items' "
                                       "AND column_name = 'price'")),
                 QStringLiteral("numeric"));
    }

    // A rollback leaves schema and data exactly as they were before start.
    void rollback_leavesTheDatabaseAsBefore()
    {
        freshItems(5000);
        QVERIFY(m_db->execute(QStringLiteral("CREATE INDEX items_name ON items (name); "
                                             "ALTER TABLE items ADD CONSTRAINT price_positive CHECK (price >= 0)"))
                    .ok());
        const QStringList schema = describe();
        const QString data = scalar(QStringLiteral("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM items t"));
        Db::Migrator migrator(m_db, {});
        const auto started = migrator.start(migration("operations:\n"
                                                      "  - alter_column: {table: items, column: name, nullable: false, "
                                                      "up: \"coalesce(name, 'none')\", down: name}\n"
                                                      "  - rename_column: {table: items, from: price, to: cost}\n"
                                                      "  - create_index: {name: items_cost, table: items, columns: "
                                                      "[{column: cost}]}\n",
                                                      QStringLiteral("v2")));
        QVERIFY2(started.ok(), why(started).constData());
        QVERIFY(describe() != schema);
        const auto rolledBack = migrator.rollback();
        QVERIFY2(rolledBack.ok(), why(rolledBack).constData());
        QCOMPARE(describe(), schema);
        QCOMPARE(scalar(QStringLiteral("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM items t")), data);
        // The history says who did what, in one query.
        QCOMPARE(scalar(QStringLiteral("SELECT string_agg(name || ':' || state, ' ' ORDER BY started_at) FROM "
                                       "curtain.migrations")),
                 QStringLiteral("v1:completed v2:rolled_back"));
    }

    // A constraint and an index on a changed column are there again after complete, under their names.
    void changedColumn_keepsItsConstraintsAndIndexes()
    {
        freshItems(100);
        QVERIFY(m_db->execute(QStringLiteral("CREATE INDEX items_name ON items (name text_pattern_ops); "
                                             "ALTER TABLE items ADD CONSTRAINT name_unique UNIQUE (name); "
                                             "ALTER TABLE items ADD CONSTRAINT name_long CHECK (length(name) > 2)"))
                    .ok());
        Db::Migrator migrator(m_db, {});
        QVERIFY(migrator
                    .start(migration("operations:\n  - alter_column: {table: items, column: name, type: "
                                     "varchar(100), up: name, down: name}\n",
                                     QStringLiteral("v2")))
                    .ok());
        QVERIFY(migrator.complete().ok());
        const QString all = describe().join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("constraint items.name_unique UNIQUE (name)")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("constraint items.name_long CHECK ((length((name)::text) > 2))")),
                 qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("index items_name CREATE INDEX items_name ON public.items USING btree "
                                             "(name varchar_pattern_ops)")) ||
                     all.contains(QStringLiteral("index items_name CREATE INDEX items_name ON public.items USING btree "
                                                 "(name text_pattern_ops)")),
                 qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("column items.name character varying(100)")), qPrintable(all));
    }

    // Another session holds the table: start waits lock_timeout, retries with backoff and goes
    // through once the lock is free; a lock never freed is named, and nothing changed.
    void lockHeld_retriesThenSaysWhy()
    {
        freshItems(10);
        auto holder = Db::Connection::open(m_conninfo);
        QVERIFY(holder.ok());
        QVERIFY(holder.value()->execute(QStringLiteral("BEGIN; SELECT * FROM items LIMIT 1")).ok());
        const QStringList before = describe();
        Db::MigratorOptions options;
        options.lockTimeoutMs = 100;
        options.lockRetries = 2;
        Db::Migrator migrator(m_db, options);
        const Db::Migration v2 = migration("operations:\n  - add_column: {table: items, column: {name: note, type: "
                                           "text, nullable: true}}\n",
                                           QStringLiteral("v2"));
        const auto refused = migrator.start(v2);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.startsWith(QStringLiteral("a lock was not available within 100 ms, 3 times")),
                 qPrintable(refused.error().message));
        // And who holds it: the session to ask about, or to end.
        const QString holderPid = holder.value()->query(QStringLiteral("SELECT pg_backend_pid()")).value().at(0, 0);
        QVERIFY2(refused.error().message.contains(QStringLiteral("held now by pid %1 (").arg(holderPid)) &&
                     refused.error().message.contains(QStringLiteral("idle in transaction for ")) &&
                     refused.error().message.contains(QStringLiteral(" on items")),
                 qPrintable(refused.error().message));
        QCOMPARE(describe(), before);
        QCOMPARE(migrator.status().value().phase, Db::MigrationPhase::Contracted); // v1 still the latest

        // Freed while start waits: the lock is seen waiting, then released, and start goes through.
        options.lockRetries = 8;
        Db::Migrator patient(m_db, options);
        std::thread release([&] {
            auto watcher = Db::Connection::open(m_conninfo);
            for (int i = 0; i < 600 && watcher.ok(); ++i) {
                const auto waiting =
                    watcher.value()->query(QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT granted"));
                if (waiting.ok() && waiting.value().at(0, 0) != QLatin1String("0")) {
                    break;
                }
                std::this_thread::yield();
            }
            (void)holder.value()->execute(QStringLiteral("COMMIT"));
        });
        const auto started = patient.start(v2);
        release.join();
        QVERIFY2(started.ok(), why(started).constData());
        QCOMPARE(patient.status().value().phase, Db::MigrationPhase::Expanded);
    }

    // One migration at a time per schema; a completed one cannot be rolled back; who ran it is kept.
    void stateRules_areNamed()
    {
        freshItems(1);
        Db::MigratorOptions options;
        options.actor = QStringLiteral("alice");
        Db::Migrator migrator(m_db, options);
        QVERIFY(migrator
                    .start(migration("operations:\n  - drop_column: {table: items, column: price, down: \"1\"}\n",
                                     QStringLiteral("v2")))
                    .ok());
        const auto second =
            migrator.start(migration("operations:\n  - drop_table: {name: items}\n", QStringLiteral("v3")));
        QVERIFY(!second.ok());
        QCOMPARE(second.error().message, QStringLiteral("migration v2 is in progress on schema public (started by "
                                                        "alice); complete it or roll it back before starting v3"));
        QVERIFY(migrator.complete().ok());
        const auto late = migrator.rollback();
        QVERIFY(!late.ok());
        QVERIFY(late.error().message.startsWith(QStringLiteral("migration v2 was completed; a completed migration "
                                                               "cannot be rolled back")));
        const auto status = migrator.status();
        QVERIFY(status.ok());
        QCOMPARE(status.value().latest->startedBy, QStringLiteral("alice"));
        QCOMPARE(status.value().latest->finishedBy, QStringLiteral("alice"));
        QCOMPARE(status.value().latest->databaseUser, QStringLiteral("curtain"));
        QCOMPARE(status.value().liveVersions(), QStringList{QStringLiteral("v2")});
    }

    // The connection dies while PostgreSQL runs the COMMIT (a deferred trigger ends its own backend):
    // the step is "sent, not confirmed", never "failed", and what really happened is read afterwards.
    void lostCommit_isSentNotConfirmed()
    {
        freshItems(1);
        Db::Migrator migrator(m_db, {});
        const auto lost = migrator.start(
            migration("operations:\n  - sql:\n      up: |\n"
                      "        CREATE TABLE commit_guard (id int);\n"
                      "        CREATE FUNCTION commit_guard_end() RETURNS trigger LANGUAGE plpgsql AS\n"
                      "          $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;\n"
                      "        CREATE CONSTRAINT TRIGGER commit_guard AFTER INSERT ON commit_guard\n"
                      "          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION commit_guard_end();\n"
                      "        INSERT INTO commit_guard VALUES (1);\n"
                      "      down: DROP TABLE commit_guard; DROP FUNCTION commit_guard_end();\n",
                      QStringLiteral("v2")));
        QVERIFY(!lost.ok());
        QCOMPARE(lost.error().kind, Core::ErrorKind::NotConfirmed);
        QVERIFY2(lost.error().message.startsWith(QStringLiteral("the COMMIT was sent, and the connection was lost "
                                                                "before PostgreSQL answered")),
                 qPrintable(lost.error().message));
        QVERIFY2(lost.error().message.endsWith(QStringLiteral("it may or may not have taken: read curtainctl "
                                                              "migration status before running it again")),
                 qPrintable(lost.error().message));
        // Here the server ended the transaction with its backend: v1 is still the only version.
        auto again = Db::Connection::open(m_conninfo);
        QVERIFY2(again.ok(), why(again).constData());
        const auto status = Db::Migrator(again.value(), {}).status();
        QVERIFY(status.ok());
        QCOMPARE(status.value().latest->name, QStringLiteral("v1"));
    }

    // Refused before anything runs: a missing table changes nothing and leaves no active migration.
    void refusedMigration_changesNothing()
    {
        freshItems(1);
        const QStringList before = describe();
        Db::Migrator migrator(m_db, {});
        const auto refused = migrator.start(
            migration("operations:\n  - rename_column: {table: itemz, from: a, to: b}\n", QStringLiteral("v2")));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, Core::ErrorKind::Refused);
        QCOMPARE(refused.error().message, QStringLiteral("operations[0] (rename_column) of v2: table \"itemz\" does "
                                                         "not exist in the version this migration starts from"));
        QCOMPARE(describe(), before);
        QCOMPARE(migrator.status().value().phase, Db::MigrationPhase::Contracted);
    }
};

QTEST_GUILESS_MAIN(TestMigrator)
#include "tst_migrator.moc"
