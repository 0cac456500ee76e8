// pgroll's own chain of example migrations (shared/fixtures/pgroll, upstream's examples/), run in
// order on a real PostgreSQL as a release would: each file starts (both versions live: every table
// of both version schemas readable), rolls back to exactly the schema it started from, starts again
// and completes. Raw SQL without `down` cannot be undone, so those files only start and complete.

#include "db/connection.h"
#include "db/localserver.h"
#include "db/migrator.h"
#include "db/schemainfo.h"
#include "engine/migrationfile.h"
#include "testpostgres.h"
#include "testsupport.h"

#include <QDir>
#include <QTest>

using namespace Curtain;

namespace {

// The error of a result for a failure message (QVERIFY2 builds its message whether it fails or not).
template <typename T>
QByteArray why(const QString &file, const Core::Result<T> &result)
{
    return result.ok() ? QByteArray() : (file + QStringLiteral(": ") + result.error().message).toUtf8();
}

} // namespace

class TestPgrollChain : public QObject
{
    Q_OBJECT

    std::unique_ptr<Db::LocalServer> m_server;
    Db::ConnectionPtr m_db;

    QStringList describe()
    {
        const auto lines = Db::describeSchema(*m_db, QStringLiteral("public"));
        if (!lines.ok()) {
            qFatal("describing the schema failed: %s", qPrintable(lines.error().message));
        }
        return lines.value();
    }

    // Every view of a version schema answers a SELECT: the version is usable by a client.
    QString versionReadable(const QString &version)
    {
        const auto views = m_db->query(QStringLiteral("SELECT table_name FROM information_schema.views WHERE "
                                                      "table_schema = $1"),
                                       {version});
        if (!views.ok()) {
            return views.error().message;
        }
        if (views.value().size() == 0) {
            return QStringLiteral("version schema %1 has no views").arg(version);
        }
        for (const QStringList &row : views.value().values) {
            const auto read = m_db->query(QStringLiteral("SELECT * FROM %1.%2 LIMIT 1")
                                              .arg(m_db->quoteIdentifier(version), m_db->quoteIdentifier(row[0])));
            if (!read.ok()) {
                return QStringLiteral("%1.%2: %3").arg(version, row[0], read.error().message);
            }
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString postgres = Test::startPostgres(&m_server);
        QVERIFY2(postgres.isEmpty(), qPrintable(postgres));
        QVERIFY(m_server->createDatabase(QStringLiteral("chain")).ok());
        auto db = Db::Connection::open(m_server->conninfo(QStringLiteral("chain")));
        QVERIFY2(db.ok(), why(QString(), db).constData());
        m_db = db.value();
    }

    void chain()
    {
        const QString fixtures = Test::upstreamFixtures();
        if (fixtures.isEmpty()) {
            QSKIP(Test::upstreamFixturesMissing().constData());
        }
        const QDir examples(fixtures + QStringLiteral("/pgroll/examples"));
        const QStringList files =
            examples.entryList({QStringLiteral("*.yaml"), QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY2(files.size() >= 45, qPrintable(examples.path()));
        Db::MigratorOptions options;
        options.actor = QStringLiteral("tst_pgrollchain");
        Db::Migrator migrator(m_db, options);
        QStringList refused;
        QString previous;
        for (const QString &file : files) {
            const auto migration = Engine::loadMigrationFile(examples.filePath(file));
            QVERIFY2(migration.ok(), why(file, migration).constData());
            const QString version = migration.value().schemaName();
            const QStringList before = describe();

            auto started = migrator.start(migration.value());
            if (!started.ok() && started.error().kind == Core::ErrorKind::Refused) {
                refused << QStringLiteral("%1: %2").arg(file, started.error().message);
                QCOMPARE(describe(), before); // refused: nothing changed
                continue;
            }
            QVERIFY2(started.ok(), why(file, started).constData());
            QVERIFY2(versionReadable(version).isEmpty(),
                     qPrintable(file + QStringLiteral(": ") + versionReadable(version)));
            if (!previous.isEmpty()) {
                QVERIFY2(versionReadable(previous).isEmpty(),
                         qPrintable(file + QStringLiteral(" (old version): ") + versionReadable(previous)));
            }
            // Raw SQL without `down` cannot be undone by anyone; those files go straight on.
            const bool undoable = std::none_of(migration.value().operations.cbegin(),
                                               migration.value().operations.cend(), [](const Db::Operation &op) {
                                                   const auto *sql = std::get_if<Db::RawSql>(&op);
                                                   return sql && !sql->onComplete && sql->down.isEmpty();
                                               });
            if (undoable) {
                auto rolledBack = migrator.rollback();
                QVERIFY2(rolledBack.ok(), why(file, rolledBack).constData());
                QCOMPARE(describe(), before);
                started = migrator.start(migration.value());
                QVERIFY2(started.ok(), why(file + QStringLiteral(" (again)"), started).constData());
            }
            auto completed = migrator.complete();
            QVERIFY2(completed.ok(), why(file, completed).constData());
            QVERIFY2(versionReadable(version).isEmpty(),
                     qPrintable(file + QStringLiteral(": ") + versionReadable(version)));
            previous = version;
        }
        // Every operation of the format runs: a refusal here is a gap, with the reason Curtain gave.
        QVERIFY2(refused.isEmpty(), qPrintable(refused.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestPgrollChain)
#include "tst_pgrollchain.moc"
