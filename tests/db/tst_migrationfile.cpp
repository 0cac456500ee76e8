// Migration files as a person writes them: pgroll's format read into values, and every way a file
// can be wrong named by operation and field, before anything touches a database.

#include "db/migration.h"
#include "db/sqltext.h"
#include "engine/migrationfile.h"

#include <QTest>

using namespace Curtain;

class TestMigrationFile : public QObject
{
    Q_OBJECT

    static Core::Result<Db::Migration> parse(const QByteArray &yaml)
    {
        return Engine::parseMigrationText(yaml, QStringLiteral("m.yaml"), QStringLiteral("03_add_column"));
    }

private Q_SLOTS:
    void addColumn_readsEveryField()
    {
        const auto m = parse("operations:\n"
                             "  - add_column:\n"
                             "      table: products\n"
                             "      up: UPPER(name)\n"
                             "      column: {name: description, type: varchar(255), nullable: true, default: \"'x'\",\n"
                             "               check: {name: c, constraint: length(description) > 1}}\n");
        QVERIFY2(m.ok(), m.ok() ? "" : qPrintable(m.error().message));
        QCOMPARE(m.value().name, QStringLiteral("03_add_column"));
        QCOMPARE(m.value().schemaName(), QStringLiteral("03_add_column"));
        QCOMPARE(m.value().operations.size(), 1);
        const auto &op = std::get<Db::AddColumn>(m.value().operations[0]);
        QCOMPARE(op.table, QStringLiteral("products"));
        QCOMPARE(op.up, QStringLiteral("UPPER(name)"));
        QCOMPARE(op.column.type, QStringLiteral("varchar(255)"));
        QVERIFY(op.column.nullable);
        QCOMPARE(op.column.defaultValue.value_or(QString()), QStringLiteral("'x'"));
        QCOMPARE(op.column.check->name, QStringLiteral("c"));
    }

    void defaults_areTheFormats()
    {
        const auto m =
            parse("version_schema: v2\noperations:\n  - add_column: {table: t, column: {name: c, type: int}}\n"
                  "  - create_index: {name: i, table: t, columns: [{column: c}]}\n");
        QVERIFY2(m.ok(), m.ok() ? "" : qPrintable(m.error().message));
        QCOMPARE(m.value().schemaName(), QStringLiteral("v2"));
        QVERIFY(!std::get<Db::AddColumn>(m.value().operations[0]).column.nullable); // NOT NULL unless said
        QCOMPARE(std::get<Db::CreateIndex>(m.value().operations[1]).method, QStringLiteral("btree"));
    }

    void alterColumn_nullDefaultIsNotAbsent()
    {
        const auto m = parse("operations:\n  - alter_column: {table: t, column: c, default: null, up: c, down: c}\n");
        QVERIFY2(m.ok(), m.ok() ? "" : qPrintable(m.error().message));
        const auto &op = std::get<Db::AlterColumn>(m.value().operations[0]);
        QVERIFY(op.defaultValue.has_value());   // given…
        QVERIFY(!op.defaultValue->has_value()); // …as null: drop the default
        QVERIFY(!op.comment.has_value());
    }

    void wrongFiles_areNamedByOperationAndField_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown field") << QByteArray("operations:\n  - add_column: {table: t, colum: {}}\n")
                                       << "m.yaml: operations[0].add_column.colum is not a field of add_column";
        QTest::newRow("missing field") << QByteArray("operations:\n  - drop_column: {table: t}\n")
                                       << "m.yaml: operations[0].drop_column.column is missing";
        QTest::newRow("wrong type") << QByteArray("operations:\n  - create_table: {name: t, columns: [{name: a, type: "
                                                  "int, pk: yes-please}]}\n")
                                    << "m.yaml: operations[0].create_table.columns[0].pk is a string, expected true or "
                                       "false";
        QTest::newRow("unknown operation") << QByteArray("operations:\n  - add_colum: {table: t}\n")
                                           << "m.yaml: operations[0].add_colum is not an operation Curtain knows; "
                                              "expected one of add_column, alter_column, rename_column, create_index, "
                                              "create_table, drop_column, drop_constraint, "
                                              "drop_multicolumn_constraint, rename_constraint, drop_index, "
                                              "drop_table, sql, rename_table, set_replica_identity, create_constraint";
        QTest::newRow("two operations in one item")
            << QByteArray("operations:\n  - {drop_table: {name: a}, drop_index: {name: b}}\n")
            << "m.yaml: operations[0] must be a map with exactly one operation, e.g. {add_column: {…}}";
        QTest::newRow("no operations") << QByteArray("operations: []\n")
                                       << "m.yaml: operations is empty: a migration needs an operation";
        QTest::newRow("raw SQL beside others")
            << QByteArray("operations:\n  - sql: {up: SELECT 1}\n  - drop_table: {name: a}\n")
            << "m.yaml: operations mix raw SQL with other operations; raw SQL must be alone in its migration, unless "
               "it has onComplete: true";
        QTest::newRow("alter nothing") << QByteArray("operations:\n  - alter_column: {table: t, column: c}\n")
                                       << "m.yaml: operations[0].alter_column changes nothing: give at least one of "
                                          "name, type, nullable, default, comment, check, unique or references";
        QTest::newRow("long name") << QByteArray("operations:\n  - drop_table: {name: " + QByteArray(64, 'x') + "}\n")
                                   << "m.yaml: operations[0].drop_table.name is longer than PostgreSQL's 63 bytes for "
                                      "a name";
        QTest::newRow("bad enum") << QByteArray("operations:\n  - create_index: {name: i, table: t, method: btre, "
                                                "columns: [{column: c}]}\n")
                                  << "m.yaml: operations[0].create_index.method is \"btre\", expected one of btree, "
                                     "hash, gist, spgist, gin, brin";
        QTest::newRow("not a map") << QByteArray("- 1\n- 2\n") << "m.yaml: migration is a list, expected a map";
        QTest::newRow("two documents") << QByteArray("operations: []\n---\noperations: []\n")
                                       << "m.yaml: a migration file holds one document, this one has 2";
    }

    void wrongFiles_areNamedByOperationAndField()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, error);
        const auto m = parse(yaml);
        QVERIFY(!m.ok());
        QCOMPARE(m.error().message, error);
        QCOMPARE(m.error().kind, Core::ErrorKind::InvalidInput);
    }

    void ownNames_stayWithinPostgresLimit()
    {
        QCOMPARE(Db::temporaryColumn(QStringLiteral("description")), QStringLiteral("_curtain_new_description"));
        const QString a = Db::temporaryColumn(QString(60, QLatin1Char('a')) + QStringLiteral("1"));
        const QString b = Db::temporaryColumn(QString(60, QLatin1Char('a')) + QStringLiteral("2"));
        QVERIFY(a.toUtf8().size() <= 63);
        QVERIFY(a != b); // cut to the same prefix, told apart by the hash
        QCOMPARE(Db::ident(QStringLiteral("we\"ird")), QStringLiteral("\"we\"\"ird\""));
        QCOMPARE(Db::literal(QStringLiteral("it's")), QStringLiteral("'it''s'"));
    }
};

QTEST_GUILESS_MAIN(TestMigrationFile)
#include "tst_migrationfile.moc"
