// `curtainctl migration lint` as a CI job runs it on a team's migration files: each finding with
// file:line, why and the expand/contract way, JSON for tools, and exit codes a pipeline can tell
// apart (0 clean, 1 findings, 2 a file it could not read or parse).

#include "ctlrunner.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestMigrationLint : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString file(const QString &name, const QByteArray &text) { return Test::writeFile(m_dir.filePath(name), text); }

    static Test::CtlRun lint(const QStringList &arguments)
    {
        return Test::runCurtainctl(QStringList{QStringLiteral("migration"), QStringLiteral("lint")} + arguments);
    }

private Q_SLOTS:
    void flywayFile_namesEachFindingWithItsLineAndFix()
    {
        const QString sql =
            file(QStringLiteral("V3__rename.sql"), "-- Flyway: V3\n"
                                                   "SET lock_timeout = '2s';\n"
                                                   "SET statement_timeout = '5min';\n"
                                                   "ALTER TABLE users RENAME COLUMN name TO full_name;\n"
                                                   "\n"
                                                   "CREATE INDEX users_email ON users (email);\n");
        const Test::CtlRun run = lint({sql});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(sql + QStringLiteral(":4:1: renaming-column (breaks the previous version)\n"
                                                       "    ALTER TABLE users RENAME COLUMN name TO full_name\n")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral(
                     "  pgroll: {\"rename_column\":{\"from\":\"name\",\"table\":\"users\",\"to\":\"full_name\"}}")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(sql + QStringLiteral(":6:1: require-concurrent-index-creation (long lock)")),
                 qPrintable(run.out));
        QVERIFY2(run.out.endsWith(QStringLiteral("1 file: 2 findings\n")), qPrintable(run.out));
    }

    void safeRewrite_isCleanAndExitsZero()
    {
        const QString sql = file(QStringLiteral("V4__expand.sql"), "SET lock_timeout = '2s';\n"
                                                                   "SET statement_timeout = '5min';\n"
                                                                   "ALTER TABLE users ADD COLUMN full_name text;\n");
        const QString index =
            file(QStringLiteral("V5__index.sql"), "CREATE INDEX CONCURRENTLY users_email ON users (email);\n");
        const Test::CtlRun run = lint({sql, index});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QStringLiteral("2 files: 0 findings\n"));
        // The same index inside the transaction the tool opens cannot run at all.
        const Test::CtlRun wrapped = lint({index, QStringLiteral("--assume-in-transaction")});
        QCOMPARE(wrapped.exitCode, 1);
        QVERIFY2(wrapped.out.contains(QStringLiteral("ban-concurrent-index-creation-in-transaction (fails)")),
                 qPrintable(wrapped.out));
    }

    void json_isWhatAToolReads()
    {
        const QString sql =
            file(QStringLiteral("0007_required.up.sql"), "ALTER TABLE orders ADD COLUMN region text NOT NULL;\n");
        const QString pgroll = file(QStringLiteral("08_raw.yaml"),
                                    "operations:\n  - sql:\n      up: ALTER TABLE orders DROP COLUMN note\n");
        const Test::CtlRun run = lint({sql, pgroll, QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject report = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QCOMPARE(report[QStringLiteral("unreadable")].toInt(), 0);
        const QJsonArray files = report[QStringLiteral("files")].toArray();
        QCOMPARE(files.size(), 2);
        QStringList rules;
        for (const QJsonValue &finding : files[0].toObject()[QStringLiteral("findings")].toArray()) {
            rules << finding.toObject()[QStringLiteral("rule")].toString();
        }
        QCOMPARE(rules,
                 (QStringList{QStringLiteral("require-timeout-settings"), QStringLiteral("adding-required-field")}));
        const QJsonObject required = files[0].toObject()[QStringLiteral("findings")].toArray()[1].toObject();
        QCOMPARE(required[QStringLiteral("line")].toInt(), 1);
        QCOMPARE(required[QStringLiteral("risk")].toString(), QStringLiteral("breaks"));
        QCOMPARE(required[QStringLiteral("pgroll")]
                     .toObject()[QStringLiteral("add_column")]
                     .toObject()[QStringLiteral("table")]
                     .toString(),
                 QStringLiteral("orders"));
        // In a pgroll file only raw SQL is read: a drop in start's transaction breaks the old version.
        const QJsonArray raw = files[1].toObject()[QStringLiteral("findings")].toArray();
        QCOMPARE(raw.size(), 2);
        QCOMPARE(raw[0].toObject()[QStringLiteral("rule")].toString(), QStringLiteral("ban-drop-column"));
        QCOMPARE(raw[0].toObject()[QStringLiteral("where")].toString(), QStringLiteral("operations[0].sql.up"));
        QCOMPARE(raw[1].toObject()[QStringLiteral("rule")].toString(), QStringLiteral("raw-sql-without-down"));
        QCOMPARE(report[QStringLiteral("findings")].toInt(), 4);
    }

    void unreadableFiles_exitTwoAndTheOthersAreStillLinted()
    {
        const QString broken = file(QStringLiteral("V9__typo.sql"), "ALTER TABLE orders\n  ADD COLUMNN x int;\n");
        const QString fine = file(QStringLiteral("V10__fine.sql"), "SELECT 1;\n");
        const QString missing = m_dir.filePath(QStringLiteral("V11__missing.sql"));
        const Test::CtlRun run = lint({broken, fine, missing});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.out.contains(
                     broken + QStringLiteral(":2:17: PostgreSQL cannot parse this: syntax error at or near \"int\"")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(missing + QStringLiteral(" cannot be read")), qPrintable(run.out));
        QVERIFY2(run.out.endsWith(QStringLiteral("3 files: 0 findings, 2 not linted\n")), qPrintable(run.out));

        const Test::CtlRun usage = Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("lint")});
        QCOMPARE(usage.exitCode, 2);
        QVERIFY2(usage.err.contains(QStringLiteral("usage: curtainctl migration lint FILE...")), qPrintable(usage.err));
    }
};

QTEST_GUILESS_MAIN(TestMigrationLint)
#include "tst_migrationlint.moc"
