#include "db/migrationplan.h"

#include "db/planner.h"
#include "db/sqltext.h"

namespace Curtain::Db {

Core::Result<MigrationSteps> planMigration(const Migration &migration, const QString &schema,
                                           const QString &stateSchema, const SchemaInfo &tables)
{
    return Internal::Planner(migration, schema, stateSchema, tables).plan();
}

QList<ViewTable> viewsOf(const SchemaInfo &tables)
{
    QList<ViewTable> views;
    for (const TableInfo &table : tables) {
        ViewTable view{table.name, table.name, {}};
        for (const ColumnInfo &c : table.columns) {
            view.columns << ViewColumn{c.name, c.name};
        }
        views << view;
    }
    return views;
}

QString versionSchemaSql(const QString &versionSchema, const QString &schema, const QList<ViewTable> &tables)
{
    QStringList statements{QStringLiteral("CREATE SCHEMA %1").arg(ident(versionSchema))};
    for (const ViewTable &table : tables) {
        QStringList columns;
        for (const ViewColumn &c : table.columns) {
            columns << (c.name == c.physical ? ident(c.name)
                                             : QStringLiteral("%1 AS %2").arg(ident(c.physical), ident(c.name)));
        }
        // security_invoker: row-level security on the table still applies to whoever reads the view.
        statements << QStringLiteral("CREATE VIEW %1 WITH (security_invoker = true) AS SELECT %2 FROM %3")
                          .arg(qualified(versionSchema, table.name), columns.join(QStringLiteral(", ")),
                               qualified(schema, table.physical));
    }
    return statements.join(QStringLiteral(";\n"));
}

} // namespace Curtain::Db
