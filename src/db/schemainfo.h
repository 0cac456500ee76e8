#pragma once

#include "core/result.h"
#include "db/connection.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace Curtain::Db {

// What the catalog says about one column of a base table.
struct ColumnInfo
{
    QString name;
    QString type; // format_type(): "character varying(255)"
    bool notNull = false;
    QString defaultSql; // pg_get_expr of the default, empty when none
    bool identity = false;
    bool generated = false;
    QStringList constraints; // names of constraints on it other than NOT NULL (pk, unique, check, fk)
    QStringList indexes;     // names of indexes that use it
    QString comment;
};

struct ConstraintInfo
{
    QString name;
    QString type; // p, u, c, f, x (pg_constraint.contype)
    QStringList columns;
    QString definition; // pg_get_constraintdef: "CHECK ((length(title) > 3))", "FOREIGN KEY (a) REFERENCES …"
};

struct IndexInfo
{
    QString name;
    QStringList columns; // key columns; empty for an index on expressions only
    bool unique = false;
    bool ofConstraint = false; // it backs a primary key, unique or exclusion constraint
    bool simple = false;       // plain column keys, no expressions, no predicate
    QString method;            // btree, hash, …
    QString firstKey;          // the keys as pg_get_indexdef writes them: "name text_pattern_ops DESC"
    QString storageParameters; // "fillfactor=70"
};

struct TableInfo
{
    QString name;
    QList<ColumnInfo> columns; // in attribute order
    QStringList primaryKey;
    QString replicaIdentity; // d, n, f, i (pg_class.relreplident)
    QString replicaIndex;    // the index when it is i
    QList<ConstraintInfo> constraints;
    QList<IndexInfo> indexes;

    const ColumnInfo *column(const QString &name) const;
    const ConstraintInfo *constraint(const QString &name) const;
};

using SchemaInfo = QMap<QString, TableInfo>; // by table name

// The base tables of `schema` (Curtain's own columns and tables included: they are physical).
Core::Result<SchemaInfo> readSchema(Connection &db, const QString &schema);

// Every schema (but Curtain's state schema), and every table, column, constraint, index, trigger,
// type and function of `schema` as text, for comparing a database before and after (a rollback must
// leave it as it was).
Core::Result<QStringList> describeSchema(Connection &db, const QString &schema,
                                         const QString &stateSchema = QStringLiteral("curtain"));

} // namespace Curtain::Db
