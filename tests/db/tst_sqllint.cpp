// The migration linter, rule by rule: each problematic statement is found, with its line and the
// expand/contract way to write it, and its safe rewrite is not. Every file in the table starts with
// the timeouts set, so only the rule under test can speak.

#include "db/sqllint.h"

#include <QtTest>

#include <vector>

using namespace Curtain;
using namespace Curtain::Db;

namespace {

const QByteArray timeouts = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";

QStringList rulesOf(const QList<LintFinding> &findings)
{
    QStringList rules;
    for (const LintFinding &finding : findings) {
        rules << finding.rule;
    }
    return rules;
}

QString why(const Core::Result<QList<LintFinding>> &result)
{
    return result.ok() ? QStringLiteral("rules: %1").arg(rulesOf(result.value()).join(QStringLiteral(", ")))
                       : result.error().message;
}

struct Case
{
    const char *name;
    const char *rule;
    const char *problem;
    const char *rewrite;
    bool inTransaction;
};

// One problematic statement per rule, and its safe rewrite.
const std::vector<Case> &cases()
{
    static const std::vector<Case> all{
        {"drop column", "ban-drop-column", "ALTER TABLE users DROP COLUMN nickname;",
         "-- contract, later: nothing drops it now\nSELECT 1;", false},
        {"drop table", "ban-drop-table", "DROP TABLE legacy_orders;",
         "CREATE TABLE scratch (id int);\nDROP TABLE scratch;", false},
        {"rename column", "renaming-column", "ALTER TABLE users RENAME COLUMN name TO full_name;",
         "ALTER TABLE users ADD COLUMN full_name text;", false},
        {"rename table", "renaming-table", "ALTER TABLE users RENAME TO customers;",
         "CREATE VIEW customers AS SELECT * FROM users;", false},
        {"change type", "changing-column-type", "ALTER TABLE orders ALTER COLUMN total TYPE bigint;",
         "ALTER TABLE orders ADD COLUMN total_big bigint;", false},
        {"set not null", "adding-not-nullable-field", "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;",
         "ALTER TABLE orders ADD CONSTRAINT note_present CHECK (note IS NOT NULL) NOT VALID;", false},
        {"drop not null", "ban-drop-not-null", "ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;",
         "ALTER TABLE orders ADD COLUMN note_v2 text;", false},
        {"required column", "adding-required-field", "ALTER TABLE orders ADD COLUMN region text NOT NULL;",
         "ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';", false},
        {"volatile default", "adding-field-with-default",
         "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();",
         "ALTER TABLE orders ADD COLUMN created timestamptz DEFAULT now();", false},
        {"serial column", "adding-field-with-default", "ALTER TABLE orders ADD COLUMN seq bigserial;",
         "ALTER TABLE orders ADD COLUMN seq bigint;", false},
        {"index without concurrently", "require-concurrent-index-creation",
         "CREATE INDEX orders_user ON orders (user_id);", "CREATE INDEX CONCURRENTLY orders_user ON orders (user_id);",
         false},
        {"unique index on a new table", "require-concurrent-index-creation",
         "CREATE UNIQUE INDEX orders_ref ON orders (ref);",
         "CREATE TABLE invoices (id int, ref text);\nCREATE UNIQUE INDEX invoices_ref ON invoices (ref);", false},
        {"drop index", "require-concurrent-index-deletion", "DROP INDEX orders_user;",
         "DROP INDEX CONCURRENTLY orders_user;", false},
        {"concurrent index in a transaction", "ban-concurrent-index-creation-in-transaction",
         "BEGIN;\nCREATE INDEX CONCURRENTLY orders_user ON orders (user_id);\nCOMMIT;",
         "CREATE INDEX CONCURRENTLY orders_user ON orders (user_id);", false},
        {"concurrent index in the tool's transaction", "ban-concurrent-index-creation-in-transaction",
         "CREATE INDEX CONCURRENTLY orders_user ON orders (user_id);",
         "CREATE TABLE invoices (id int, ref text);\nCREATE INDEX invoices_ref ON invoices (ref);", true},
        {"check without not valid", "constraint-missing-not-valid",
         "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0);",
         "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\n"
         "ALTER TABLE orders VALIDATE CONSTRAINT positive;",
         false},
        {"foreign key without not valid", "adding-foreign-key-constraint",
         "ALTER TABLE orders ADD CONSTRAINT buyer FOREIGN KEY (user_id) REFERENCES users (id);",
         "ALTER TABLE orders ADD CONSTRAINT buyer FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;", false},
        {"unique constraint", "disallowed-unique-constraint",
         "ALTER TABLE orders ADD CONSTRAINT ref_unique UNIQUE (ref);",
         "ALTER TABLE orders ADD CONSTRAINT ref_unique UNIQUE USING INDEX orders_ref;", false},
        {"unique column", "disallowed-unique-constraint", "ALTER TABLE orders ADD COLUMN ref text UNIQUE;",
         "ALTER TABLE orders ADD COLUMN ref text;", false},
        {"nested transaction", "transaction-nesting",
         "BEGIN;\nBEGIN;\nALTER TABLE orders ADD COLUMN a int;\nCOMMIT;\nCOMMIT;",
         "BEGIN;\nALTER TABLE orders ADD COLUMN a int;\nCOMMIT;", false},
        {"commit in the tool's transaction", "transaction-nesting", "ALTER TABLE orders ADD COLUMN a int;\nCOMMIT;",
         "ALTER TABLE orders ADD COLUMN a int;", true},
        {"drop database", "ban-drop-database", "DROP DATABASE orders;", "DROP TABLE IF EXISTS scratch;", false},
    };
    return all;
}

} // namespace

class TestSqlLint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachRule_findsTheStatementAndNotItsRewrite_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QByteArray>("problem");
        QTest::addColumn<QByteArray>("rewrite");
        QTest::addColumn<bool>("inTransaction");
        for (const Case &c : cases()) {
            QTest::newRow(c.name) << QString::fromLatin1(c.rule) << QByteArray(c.problem) << QByteArray(c.rewrite)
                                  << c.inTransaction;
        }
    }

    void eachRule_findsTheStatementAndNotItsRewrite()
    {
        QFETCH(QString, rule);
        QFETCH(QByteArray, problem);
        QFETCH(QByteArray, rewrite);
        QFETCH(bool, inTransaction);
        LintOptions options;
        options.inTransaction = inTransaction;

        const auto found = lintSql(timeouts + problem, options);
        QVERIFY2(found.ok(), qPrintable(why(found)));
        QVERIFY2(rulesOf(found.value()).contains(rule), qPrintable(why(found)));
        for (const LintFinding &finding : found.value()) {
            if (finding.rule == rule) {
                QVERIFY2(finding.line >= 3, qPrintable(QString::number(finding.line))); // after the two SETs
                QVERIFY(!finding.problem.isEmpty());
                QVERIFY(!finding.fix.isEmpty());
                QVERIFY(!finding.statement.isEmpty());
            }
        }

        const auto clean = lintSql(timeouts + rewrite, options);
        QVERIFY2(clean.ok(), qPrintable(why(clean)));
        QVERIFY2(!rulesOf(clean.value()).contains(rule), qPrintable(why(clean)));
    }

    void everyRule_hasACase()
    {
        // The table covers each rule the linter knows, but the two with tests of their own below.
        QStringList covered{QStringLiteral("require-timeout-settings"), QStringLiteral("raw-sql-without-down")};
        for (const Case &c : cases()) {
            covered << QString::fromLatin1(c.rule);
        }
        for (const QString &rule : lintRuleNames()) {
            QVERIFY2(covered.contains(rule), qPrintable(rule));
        }
    }

    void missingTimeouts_areNamedOnceAtTheFirstLock()
    {
        const auto found = lintSql("-- add a column\nALTER TABLE orders ADD COLUMN a int;\n"
                                   "ALTER TABLE orders ADD COLUMN b int;\n");
        QVERIFY2(found.ok(), qPrintable(why(found)));
        QCOMPARE(rulesOf(found.value()), QStringList{QStringLiteral("require-timeout-settings")});
        const LintFinding &finding = found.value().constFirst();
        QCOMPARE(finding.line, 2);
        QCOMPARE(finding.column, 1);
        QVERIFY2(finding.problem.contains(QLatin1String("lock_timeout and statement_timeout")),
                 qPrintable(finding.problem));

        const auto lockOnly = lintSql("SET lock_timeout TO '1s';\nALTER TABLE orders ADD COLUMN a int;");
        QVERIFY2(lockOnly.ok(), qPrintable(why(lockOnly)));
        QCOMPARE(lockOnly.value().size(), 1);
        QVERIFY2(lockOnly.value().constFirst().problem.startsWith(QLatin1String("statement_timeout is not set")),
                 qPrintable(lockOnly.value().constFirst().problem));

        // 0 turns a timeout off again.
        const auto off = lintSql(timeouts + "SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN a int;");
        QVERIFY2(off.ok(), qPrintable(why(off)));
        QCOMPARE(rulesOf(off.value()), QStringList{QStringLiteral("require-timeout-settings")});

        // New tables lock nothing anyone waits on.
        const auto fresh = lintSql("CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int;");
        QVERIFY2(fresh.ok() && fresh.value().isEmpty(), qPrintable(why(fresh)));
    }

    void findings_sayWhereWhyAndTheSafeWay()
    {
        const auto found = lintSql(timeouts + "\n  /* step 2 */ ALTER TABLE public.users\n"
                                              "    RENAME COLUMN name TO full_name;\n");
        QVERIFY2(found.ok(), qPrintable(why(found)));
        QCOMPARE(found.value().size(), 1);
        const LintFinding &finding = found.value().constFirst();
        QCOMPARE(finding.line, 4);
        QCOMPARE(finding.column, 16);
        QCOMPARE(finding.statement, QStringLiteral("ALTER TABLE public.users RENAME COLUMN name TO full_name"));
        QCOMPARE(finding.risk, LintRisk::Breaks);
        QVERIFY2(finding.problem.contains(QLatin1String("public.users.name to full_name")),
                 qPrintable(finding.problem));
        QCOMPARE(finding.pgroll,
                 QStringLiteral(R"({"rename_column":{"from":"name","table":"public.users","to":"full_name"}})"));
    }

    void textThatDoesNotParse_isAnErrorWithItsPlace()
    {
        const auto bad = lintSql("ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE orders ADD COLUMNN b int;\n");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message.startsWith(QLatin1String("2:")), qPrintable(bad.error().message));
        QVERIFY2(bad.error().message.contains(QLatin1String("syntax error")), qPrintable(bad.error().message));

        const auto binary = lintSql(QByteArray("SELECT 1;\nSE\0LECT", 17));
        QVERIFY(!binary.ok());
        QVERIFY2(binary.error().message.contains(QLatin1String("NUL byte")), qPrintable(binary.error().message));
    }

    void pgrollFile_readsOnlyItsRawSql()
    {
        Migration migration;
        migration.name = QStringLiteral("05_raw");
        migration.operations.append(AddColumn{});
        migration.operations.append(
            RawSql{QStringLiteral("CREATE INDEX CONCURRENTLY i ON orders (a)"), QString(), false});
        migration.operations.append(
            RawSql{QStringLiteral("ALTER TABLE orders DROP COLUMN legacy"), QString(), true}); // at contract: fine

        const QList<LintFinding> findings = lintMigration(migration);
        QCOMPARE(rulesOf(findings), (QStringList{QStringLiteral("ban-concurrent-index-creation-in-transaction"),
                                                 QStringLiteral("raw-sql-without-down")}));
        QCOMPARE(findings[0].where, QStringLiteral("operations[1].sql.up"));
        QCOMPARE(findings[1].where, QStringLiteral("operations[1].sql"));
    }
};

QTEST_GUILESS_MAIN(TestSqlLint)
#include "tst_sqllint.moc"
