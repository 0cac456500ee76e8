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

struct TableInfo
{
    QString name;
    QList<ColumnInfo> columns; // in attribute order
    QStringList primaryKey;
    QString replicaIdentity; // d, n, f, i (pg_class.relreplident)
    QString replicaIndex;    // the index when it is i

    const ColumnInfo *column(const QString &name) const;
};

using SchemaInfo = QMap<QString, TableInfo>; // by table name

// The base tables of `schema` (Curtain's own columns and tables included: they are physical).
Core::Result<SchemaInfo> readSchema(Connection &db, const QString &schema);

// Every schema, table, column, constraint and index of `schema` as text, for comparing a database
// before and after (a rollback must leave it as it was).
Core::Result<QStringList> describeSchema(Connection &db, const QString &schema);

} // namespace Curtain::Db
