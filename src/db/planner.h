#pragma once

#include "db/migrationplan.h"

// The planner behind Db::planMigration, in two files: planner.cpp (the model of the new version,
// triggers, tables, indexes, raw SQL) and plannercolumns.cpp (columns and constraints: everything
// that needs a copy of a column while both versions live).
namespace Curtain::Db::Internal {

// A change to one column that the old version could not live with, made on a copy of it.
struct ColumnChange
{
    std::optional<QString> type;
    std::optional<bool> nullable;
    std::optional<std::optional<QString>> defaultValue;
    std::optional<std::optional<QString>> comment;
    std::optional<CheckConstraint> check;
    std::optional<QString> unique; // the unique constraint's name
    std::optional<ForeignKeyReference> references;
    std::optional<QString> name; // the new version's name for it
    QString dropConstraint;      // a constraint the copy does not get
    QString up;                  // the copy's value from the old version's columns; empty: the same value
    QString down;                // the original's value from the new version's columns; empty: the same
};

// Works out one migration, operation by operation, on a model of the tables as the new version will
// see them. Names in a file are the new version's as far as the operations before have renamed them.
class Planner
{
public:
    Planner(const Migration &migration, QString schema, QString stateSchema, const SchemaInfo &tables);
    Core::Result<MigrationSteps> plan();

private:
    // The model.
    ViewTable *table(const QString &name);
    ViewColumn *column(ViewTable *view, const QString &name);
    const TableInfo *physicalTableInfo(const ViewTable *view) const;
    const ColumnInfo *physicalColumn(const ViewTable *view, const QString &physical) const;
    QString physicalTable(const ViewTable *view) const;
    QString referencedTable(const QString &name) const;
    QString referencedColumn(const QString &table, const QString &column) const;
    QList<ViewColumn> oldColumns(const ViewTable *view) const;
    bool indexExists(const QString &name) const;
    const ConstraintInfo *constraintOf(const ViewTable *view, const QString &name); // fails when missing
    void fail(const QString &text);

    // Statements that several operations share.
    void addTrigger(const ViewTable *view, const QString &direction, const QString &column, const QString &target,
                    const QString &expression, const QList<ViewColumn> &variables, bool forNewVersion);
    void backfill(const ViewTable *view);
    QString columnDefinition(const Column &c, const QString &name) const;
    QString tableConstraint(const TableConstraint &k) const;
    void addNotNullCheck(const ViewTable *view, const QString &column, const QString &name);
    void addReference(const ViewTable *view, const QString &column, const ForeignKeyReference &reference);
    void addCheckAtComplete(const ViewTable *view, const QString &name, const QString &checkSql);
    void completeColumn(const ViewTable *view, const QString &temp, const QString &name, bool notNullByCheck,
                        const QString &notNullCheck);

    // A copy of a column with `change`, both kept in step: what alter_column and the constraint
    // operations are made of. Returns the copy's name, or empty after fail().
    // `together`: the physical columns one operation copies; a constraint over several of them is
    // carried by carryTogether() once all are copied.
    QString duplicate(ViewTable *view, const QString &column, const ColumnChange &change,
                      const QStringList &together = {});
    bool carryConstraints(const ViewTable *view, const ColumnInfo &original, const QString &temp, const QString &except,
                          const QStringList &together, QStringList *completeAfter);
    void carryTogether(const ViewTable *view, const QMap<QString, QString> &copies, const QString &except);

    // The operations.
    void add(const CreateTable &op);
    void add(const AddColumn &op);
    void add(const DropColumn &op);
    void add(const RenameColumn &op);
    void add(const RenameTable &op);
    void add(const DropTable &op);
    void add(const CreateIndex &op);
    void add(const DropIndex &op);
    void add(const RawSql &op);
    void add(const SetReplicaIdentity &op);
    void add(const RenameConstraint &op);
    void add(const AlterColumn &op);
    void add(const DropConstraint &op);
    void add(const DropMultiColumnConstraint &op);
    void add(const CreateConstraint &op);
    void rename(const QString &table, const QString &from, const QString &to);

    const Migration &m_migration;
    QString m_schema;
    QString m_state;
    const SchemaInfo &m_tables;
    QString m_version;
    QList<ViewTable> m_views;
    MigrationSteps m_steps;
    QStringList m_undo;         // in the order done; rollback runs it backwards
    QStringList m_completeLast; // after every other complete step (constraints on the final names)
    QString m_where;
    QString m_error;
};

QString referenceSql(const ForeignKeyReference &r, const QString &referencedTable, const QString &referencedColumn);

} // namespace Curtain::Db::Internal
