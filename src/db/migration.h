#pragma once

#include "core/result.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

// An expand/contract migration in pgroll's file format (`{version_schema?, operations: [...]}`), as
// plain values: what Db::Migrator runs and the gate reasons about. Every field of the format's schema
// is here, with its default; parseMigration() refuses what the schema refuses, naming the field.
namespace Curtain::Db {

struct CheckConstraint
{
    QString name;
    QString constraint; // a boolean SQL expression
    bool noInherit = false;
};

struct ForeignKeyReference // one column's reference
{
    QString name;
    QString table;
    QString column;
    QString matchType = QStringLiteral("SIMPLE");
    QString onDelete = QStringLiteral("NO ACTION");
    QString onUpdate = QStringLiteral("NO ACTION");
    bool deferrable = false;
    bool initiallyDeferred = false;
};

struct TableForeignKeyReference // a table constraint's reference
{
    QString table;
    QStringList columns;
    QString matchType = QStringLiteral("SIMPLE");
    QString onDelete = QStringLiteral("NO ACTION");
    QString onUpdate = QStringLiteral("NO ACTION");
    QStringList onDeleteSetColumns;
};

struct Column
{
    QString name;
    QString type;
    bool nullable = false; // pgroll's default: NOT NULL unless said otherwise
    bool pk = false;
    bool unique = false;
    std::optional<QString> defaultValue; // SQL, e.g. "'unnamed'" or "now()"
    std::optional<CheckConstraint> check;
    std::optional<ForeignKeyReference> references;
    std::optional<QString> comment;
    QString generatedExpression;     // GENERATED ALWAYS AS (…) STORED
    std::optional<QString> identity; // ALWAYS or BY DEFAULT: an identity column
    QString identitySequenceOptions;
};

struct TableConstraint
{
    QString name;
    QString type; // unique, check, primary_key, foreign_key, exclude
    QStringList columns;
    bool deferrable = false;
    bool initiallyDeferred = false;
    bool nullsNotDistinct = false;
    bool noInherit = false;
    QString check;
    std::optional<TableForeignKeyReference> references;
    QString excludeIndexMethod;
    QString excludeElements;
    QString excludePredicate;
    QString indexTablespace;
    QString indexStorageParameters;
    QStringList indexIncludeColumns;
};

struct IndexField
{
    QString column;
    QString collate;
    QString sort;  // ASC, DESC or empty
    QString nulls; // FIRST, LAST or empty
    QString opclass;
    QString opclassParameters;
};

struct AddColumn
{
    QString table;
    Column column;
    QString up;
};
struct AlterColumn
{
    QString table;
    QString column;
    std::optional<QString> name; // a rename (pgroll's older spelling; rename_column is the newer)
    std::optional<QString> type;
    std::optional<bool> nullable;
    std::optional<std::optional<QString>> defaultValue; // set, or null to drop it
    std::optional<std::optional<QString>> comment;      // set, or null to remove it
    std::optional<CheckConstraint> check;
    std::optional<QString> unique; // the unique constraint's name
    std::optional<ForeignKeyReference> references;
    QString up;
    QString down;
};
struct RenameColumn
{
    QString table, from, to;
};
struct CreateIndex
{
    QString name;
    QString table;
    QList<IndexField> columns;
    QString predicate;
    QString method = QStringLiteral("btree");
    QString storageParameters;
    bool unique = false;
};
struct CreateTable
{
    QString name;
    QList<Column> columns;
    std::optional<QString> comment;
    QList<TableConstraint> constraints;
};
struct DropColumn
{
    QString table, column, down;
};
struct DropConstraint
{
    QString table, name, up, down;
};
struct DropMultiColumnConstraint
{
    QString table, name;
    QMap<QString, QString> up, down; // column → expression
};
struct RenameConstraint
{
    QString table, from, to;
};
struct DropIndex
{
    QString name;
};
struct DropTable
{
    QString name;
};
struct RawSql
{
    QString up;
    QString down;
    bool onComplete = false;
};
struct RenameTable
{
    QString from, to;
};
struct SetReplicaIdentity
{
    QString table;
    QString type; // default, nothing, full, index
    QString index;
};
struct CreateConstraint
{
    QString table, name, type; // unique, check, foreign_key, primary_key
    QStringList columns;
    QString check;
    bool noInherit = false;
    std::optional<TableForeignKeyReference> references;
    QMap<QString, QString> up, down;
};

using Operation = std::variant<AddColumn, AlterColumn, RenameColumn, CreateIndex, CreateTable, DropColumn,
                               DropConstraint, DropMultiColumnConstraint, RenameConstraint, DropIndex, DropTable,
                               RawSql, RenameTable, SetReplicaIdentity, CreateConstraint>;

QString operationName(const Operation &operation);  // "add_column", as in the file
QString operationTable(const Operation &operation); // the table it changes; empty for raw SQL and drop_index

struct Migration
{
    QString name;          // the file's name without extension, unless the file names itself
    QString versionSchema; // the version schema's name; empty: the name
    QList<Operation> operations;
    QByteArray json; // the file as JSON: what the state table keeps

    QString schemaName() const { return versionSchema.isEmpty() ? name : versionSchema; }
};

// Reads one migration from its JSON value (a YAML file already turned into JSON). `fallbackName` is
// the file's base name. Errors name the file, the operation's index and kind, and the field.
Core::Result<Migration> parseMigration(const QByteArray &jsonText, const QString &origin, const QString &fallbackName);

} // namespace Curtain::Db
