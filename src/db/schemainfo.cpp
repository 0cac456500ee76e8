#include "db/schemainfo.h"

namespace Curtain::Db {

const ColumnInfo *TableInfo::column(const QString &name) const
{
    for (const ColumnInfo &info : columns) {
        if (info.name == name) {
            return &info;
        }
    }
    return nullptr;
}

const ConstraintInfo *TableInfo::constraint(const QString &name) const
{
    for (const ConstraintInfo &info : constraints) {
        if (info.name == name) {
            return &info;
        }
    }
    return nullptr;
}

namespace {

// Constraints and indexes of each table, with their columns by name.
Core::Result<Core::Done> readConstraintsAndIndexes(Connection &db, const QString &schema, SchemaInfo *info)
{
    const auto constraints = db.query(QStringLiteral(R"SQL(
        SELECT c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid),
               coalesce((SELECT string_agg(a.attname, chr(31) ORDER BY u.position)
                         FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, position)
                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum), '')
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1
        ORDER BY c.relname, k.conname)SQL"),
                                      {schema});
    if (!constraints.ok()) {
        return constraints.error();
    }
    for (const QStringList &row : constraints.value().values) {
        if (info->contains(row[0])) {
            (*info)[row[0]].constraints << ConstraintInfo{row[1], row[2], row[4].split(QChar(31), Qt::SkipEmptyParts),
                                                          row[3]};
        }
    }
    const auto indexes = db.query(QStringLiteral(R"SQL(
        SELECT t.relname, i.relname, x.indisunique, x.indisprimary OR EXISTS (
                   SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x')),
               x.indexprs IS NULL AND x.indpred IS NULL AND 0 <> ALL (x.indkey), m.amname,
               substring(pg_get_indexdef(x.indexrelid) FROM 'USING [a-z_]+ \((.*?)\)(?: INCLUDE| WITH| WHERE|$)'), coalesce(array_to_string(i.reloptions, ', '), ''),
               coalesce((SELECT string_agg(a.attname, chr(31) ORDER BY u.position)
                         FROM unnest(x.indkey) WITH ORDINALITY AS u(attnum, position)
                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.attnum
                         WHERE u.position <= x.indnkeyatts), '')
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_am m ON m.oid = i.relam
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = $1
        ORDER BY t.relname, i.relname)SQL"),
                                  {schema});
    if (!indexes.ok()) {
        return indexes.error();
    }
    for (const QStringList &row : indexes.value().values) {
        if (info->contains(row[0])) {
            IndexInfo index;
            index.name = row[1];
            index.unique = row[2] == QLatin1String("t");
            index.ofConstraint = row[3] == QLatin1String("t");
            index.simple = row[4] == QLatin1String("t");
            index.method = row[5];
            index.firstKey = row[6];
            index.storageParameters = row[7];
            index.columns = row[8].split(QChar(31), Qt::SkipEmptyParts);
            (*info)[row[0]].indexes << index;
        }
    }
    return Core::Done{};
}

} // namespace

Core::Result<SchemaInfo> readSchema(Connection &db, const QString &schema)
{
    const auto columns = db.query(QStringLiteral(R"SQL(
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity <> '', a.attgenerated <> '',
               c.relreplident, coalesce(col_description(c.oid, a.attnum), '')
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
        ORDER BY c.relname, a.attnum)SQL"),
                                  {schema});
    if (!columns.ok()) {
        return columns.error();
    }
    SchemaInfo info;
    for (const QStringList &row : columns.value().values) {
        TableInfo &table = info[row[0]];
        table.name = row[0];
        table.replicaIdentity = row[7];
        table.columns << ColumnInfo{row[1],
                                    row[2],
                                    row[3] == QLatin1String("t"),
                                    row[4],
                                    row[5] == QLatin1String("t"),
                                    row[6] == QLatin1String("t"),
                                    {},
                                    {},
                                    row[8]};
    }
    // Constraints and indexes by column: what a column carries decides how it can be changed.
    const auto constraints = db.query(QStringLiteral(R"SQL(
        SELECT c.relname, a.attname, k.conname, k.contype
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (k.conkey)
        WHERE n.nspname = $1
        ORDER BY k.conname)SQL"),
                                      {schema});
    if (!constraints.ok()) {
        return constraints.error();
    }
    for (const QStringList &row : constraints.value().values) {
        auto table = info.find(row[0]);
        if (table == info.end()) {
            continue;
        }
        for (ColumnInfo &column : table->columns) {
            if (column.name == row[1]) {
                column.constraints << row[2];
            }
        }
        if (row[3] == QLatin1String("p")) {
            table->primaryKey << row[1];
        }
    }
    const auto indexes = db.query(QStringLiteral(R"SQL(
        SELECT t.relname, a.attname, i.relname, x.indisreplident
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (x.indkey)
        WHERE n.nspname = $1
        ORDER BY i.relname)SQL"),
                                  {schema});
    if (!indexes.ok()) {
        return indexes.error();
    }
    for (const QStringList &row : indexes.value().values) {
        auto table = info.find(row[0]);
        if (table == info.end()) {
            continue;
        }
        for (ColumnInfo &column : table->columns) {
            if (column.name == row[1] && !column.indexes.contains(row[2])) {
                column.indexes << row[2];
            }
        }
        if (row[3] == QLatin1String("t")) {
            table->replicaIndex = row[2];
        }
    }
    // The primary key in key order, not name order: backfill batches walk it.
    const auto keys = db.query(QStringLiteral(R"SQL(
        SELECT c.relname, a.attname
        FROM pg_index x
        JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE n.nspname = $1 AND x.indisprimary
        ORDER BY c.relname, k.position)SQL"),
                               {schema});
    if (!keys.ok()) {
        return keys.error();
    }
    for (TableInfo &table : info) {
        table.primaryKey.clear();
    }
    for (const QStringList &row : keys.value().values) {
        if (info.contains(row[0])) {
            info[row[0]].primaryKey << row[1];
        }
    }
    if (auto read = readConstraintsAndIndexes(db, schema, &info); !read.ok()) {
        return read.error();
    }
    return info;
}

Core::Result<QStringList> describeSchema(Connection &db, const QString &schema, const QString &stateSchema)
{
    const auto rows = db.query(QStringLiteral(R"SQL(
        SELECT 'table ' || c.relname || ' ' || c.relkind::text || ' identity ' || c.relreplident::text
            || coalesce(' comment ' || obj_description(c.oid, 'pg_class'), '')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'S')
        UNION ALL
        SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
            || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
            || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
            || coalesce(' comment ' || col_description(c.oid, a.attnum), '')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v')
        UNION ALL
        SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
            || CASE WHEN k.convalidated THEN '' ELSE ' not valid' END
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1
        UNION ALL
        SELECT 'index ' || i.relname || ' ' || pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE n.nspname = $1
        UNION ALL
        SELECT 'trigger ' || c.relname || '.' || t.tgname
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND NOT t.tgisinternal
        UNION ALL
        SELECT 'type ' || t.typname || ' ' || t.typtype::text
            || coalesce(' (' || (SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) FROM pg_enum e
                                 WHERE e.enumtypid = t.oid) || ')', '')
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'r')
        UNION ALL
        SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1
        UNION ALL
        SELECT 'schema ' || nspname FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', $2) AND nspname NOT LIKE 'pg\_%'
        ORDER BY 1)SQL"),
                               {schema, stateSchema});
    if (!rows.ok()) {
        return rows.error();
    }
    QStringList lines;
    for (const QStringList &row : rows.value().values) {
        lines << row.value(0);
    }
    return lines;
}

} // namespace Curtain::Db
