#pragma once

#include "core/result.h"
#include "db/migration.h"
#include "db/schemainfo.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Curtain::Db {

// A table to backfill after start: every row touched once, in primary-key batches, so the up
// triggers fill the new columns.
struct Backfill
{
    QString table;
    QStringList key;
};

// A view of one table in a version schema: each column under the name that version knows it by.
struct ViewColumn
{
    QString name;
    QString physical;
};
struct ViewTable
{
    QString name;
    QString physical;
    QList<ViewColumn> columns;
};

// Everything a migration runs, worked out before anything runs, so that start, complete and rollback
// are each one transaction of known statements and the state table can keep complete's and
// rollback's statements (a later Curtain finishes what an earlier one started).
struct MigrationSteps
{
    QStringList start;      // one transaction: only changes both versions survive
    QStringList afterStart; // each alone, outside a transaction: CREATE INDEX CONCURRENTLY
    QList<Backfill> backfills;
    QStringList complete;   // one transaction, after the previous version's schema is dropped
    QStringList rollback;   // one transaction, after the new version's schema is dropped
    QList<ViewTable> views; // the new version; empty with raw SQL, whose views come from the catalog after it
    bool viewsFromCatalog = false;
};

// Refuses, before anything runs, an operation on a table, column, index or constraint that does not
// exist, and what Curtain cannot yet run without breaking the version still serving — naming the
// operation and why.
Core::Result<MigrationSteps> planMigration(const Migration &migration, const QString &schema,
                                           const QString &stateSchema, const SchemaInfo &tables);

// Every table as the catalog has it: the views of a version after its complete.
QList<ViewTable> viewsOf(const SchemaInfo &tables);

// CREATE SCHEMA and one security-invoker view per table (row-level security still applies).
QString versionSchemaSql(const QString &versionSchema, const QString &schema, const QList<ViewTable> &tables);

} // namespace Curtain::Db
