#include "db/planner.h"

#include "db/sqltext.h"

namespace Curtain::Db::Internal {

QString referenceSql(const ForeignKeyReference &r, const QString &referencedTable, const QString &referencedColumn)
{
    QString sql = QStringLiteral("REFERENCES %1 (%2) MATCH %3 ON DELETE %4 ON UPDATE %5")
                      .arg(referencedTable, ident(referencedColumn), r.matchType, r.onDelete, r.onUpdate);
    if (r.deferrable) {
        sql += r.initiallyDeferred ? QStringLiteral(" DEFERRABLE INITIALLY DEFERRED") : QStringLiteral(" DEFERRABLE");
    }
    return sql;
}

Planner::Planner(const Migration &migration, QString schema, QString stateSchema, const SchemaInfo &tables)
    : m_migration(migration), m_schema(std::move(schema)), m_state(std::move(stateSchema)), m_tables(tables),
      m_version(migration.schemaName())
{
    m_views = viewsOf(tables);
}

Core::Result<MigrationSteps> Planner::plan()
{
    for (qsizetype i = 0; i < m_migration.operations.size() && m_error.isEmpty(); ++i) {
        const Operation &op = m_migration.operations[i];
        m_where = QStringLiteral("operations[%1] (%2)").arg(i).arg(operationName(op));
        std::visit([this](const auto &o) { add(o); }, op);
    }
    if (!m_error.isEmpty()) {
        return Core::makeError(Core::ErrorKind::Refused, m_error);
    }
    m_steps.complete << m_completeLast;
    for (auto it = m_undo.crbegin(); it != m_undo.crend(); ++it) { // rollback undoes the last first
        m_steps.rollback << *it;
    }
    if (!m_steps.viewsFromCatalog) {
        m_steps.views = m_views;
    }
    return m_steps;
}

// --- the model -----------------------------------------------------------------------------------

ViewTable *Planner::table(const QString &name)
{
    for (ViewTable &view : m_views) {
        if (view.name == name) {
            return &view;
        }
    }
    fail(QStringLiteral("table \"%1\" does not exist in the version this migration starts from").arg(name));
    return nullptr;
}

ViewColumn *Planner::column(ViewTable *view, const QString &name)
{
    if (!view) {
        return nullptr;
    }
    for (ViewColumn &c : view->columns) {
        if (c.name == name) {
            return &c;
        }
    }
    fail(QStringLiteral("column \"%1\" does not exist on table \"%2\"").arg(name, view->name));
    return nullptr;
}

const TableInfo *Planner::physicalTableInfo(const ViewTable *view) const
{
    const auto it = m_tables.constFind(view->physical);
    return it == m_tables.cend() ? nullptr : &*it;
}

const ColumnInfo *Planner::physicalColumn(const ViewTable *view, const QString &physical) const
{
    const TableInfo *info = physicalTableInfo(view);
    return info ? info->column(physical) : nullptr;
}

QString Planner::physicalTable(const ViewTable *view) const
{
    return qualified(m_schema, view->physical);
}

QString Planner::referencedTable(const QString &name) const
{
    for (const ViewTable &view : m_views) {
        if (view.name == name) {
            return physicalTable(&view);
        }
    }
    return qualified(m_schema, name); // not ours to check: PostgreSQL names it if it is missing
}

QString Planner::referencedColumn(const QString &tableName, const QString &columnName) const
{
    for (const ViewTable &view : m_views) {
        for (const ViewColumn &c : view.columns) {
            if (view.name == tableName && c.name == columnName) {
                return c.physical;
            }
        }
    }
    return columnName;
}

// Old-version columns: every physical column there was before this migration, by its name.
QList<ViewColumn> Planner::oldColumns(const ViewTable *view) const
{
    QList<ViewColumn> columns;
    if (const TableInfo *info = physicalTableInfo(view)) {
        for (const ColumnInfo &c : info->columns) {
            columns << ViewColumn{c.name, c.name};
        }
    }
    return columns;
}

bool Planner::indexExists(const QString &name) const
{
    for (const TableInfo &t : m_tables) {
        for (const IndexInfo &index : t.indexes) {
            if (index.name == name) {
                return true;
            }
        }
    }
    return false;
}

void Planner::fail(const QString &text)
{
    if (m_error.isEmpty()) {
        m_error = QStringLiteral("%1 of %2: %3").arg(m_where, m_migration.name, text);
    }
}

// --- shared statements ---------------------------------------------------------------------------

// A BEFORE INSERT OR UPDATE trigger that sets `target` from `expression` for writers of one version:
// `forNewVersion` fires for clients whose search_path starts with the new version's schema (down),
// otherwise for everyone else (up). The expression sees the row's columns under the names that side
// knows them by.
void Planner::addTrigger(const ViewTable *view, const QString &direction, const QString &column, const QString &target,
                         const QString &expression, const QList<ViewColumn> &variables, bool forNewVersion)
{
    const QString function = ownName(QStringLiteral("_curtain_%1_").arg(direction), {view->physical, column});
    QString declare;
    for (const ViewColumn &variable : variables) {
        declare += QStringLiteral("    %1 %2.%3%TYPE := NEW.%3;\n")
                       .arg(ident(variable.name), physicalTable(view), ident(variable.physical));
    }
    const QString condition =
        QStringLiteral("(current_schemas(false))[1] %1 %2")
            .arg(forNewVersion ? QStringLiteral("=") : QStringLiteral("IS DISTINCT FROM"), literal(m_version));
    const QString body = QStringLiteral("#variable_conflict use_variable\nDECLARE\n%1BEGIN\n    IF %2 THEN\n"
                                        "        NEW.%3 := (%4);\n    END IF;\n    RETURN NEW;\nEND\n")
                             .arg(declare, condition, ident(target), expression);
    QString tag = QStringLiteral("$curtain$");
    for (int n = 1; body.contains(tag); ++n) {
        tag = QStringLiteral("$curtain%1$").arg(n);
    }
    m_steps.start << QStringLiteral("CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS %2\n%3%2")
                         .arg(qualified(m_state, function), tag, body)
                  << QStringLiteral("CREATE TRIGGER %1 BEFORE INSERT OR UPDATE ON %2 FOR EACH ROW "
                                    "EXECUTE FUNCTION %3()")
                         .arg(ident(function), physicalTable(view), qualified(m_state, function));
    const QString drop = QStringLiteral("DROP TRIGGER IF EXISTS %1 ON %2; DROP FUNCTION IF EXISTS %3()")
                             .arg(ident(function), physicalTable(view), qualified(m_state, function));
    m_undo << drop;
    m_steps.complete.prepend(drop); // before the columns it names are renamed or dropped
}

void Planner::backfill(const ViewTable *view)
{
    const TableInfo *info = physicalTableInfo(view);
    if (!info || info->primaryKey.isEmpty()) {
        fail(QStringLiteral("table \"%1\" has no primary key; Curtain backfills in primary-key batches, so add one "
                            "in an earlier migration")
                 .arg(view->name));
        return;
    }
    for (const Backfill &b : std::as_const(m_steps.backfills)) {
        if (b.table == view->physical) {
            return;
        }
    }
    m_steps.backfills << Backfill{view->physical, info->primaryKey};
}

QString Planner::columnDefinition(const Column &c, const QString &name) const
{
    QString sql = ident(name) + QLatin1Char(' ') + c.type;
    if (!c.generatedExpression.isEmpty()) {
        sql += QStringLiteral(" GENERATED ALWAYS AS (%1) STORED").arg(c.generatedExpression);
    } else if (c.identity) {
        sql += QStringLiteral(" GENERATED %1 AS IDENTITY").arg(*c.identity);
        if (!c.identitySequenceOptions.isEmpty()) {
            sql += QStringLiteral(" (%1)").arg(c.identitySequenceOptions);
        }
    }
    if (c.defaultValue) {
        sql += QStringLiteral(" DEFAULT %1").arg(*c.defaultValue);
    }
    return sql;
}

// Checked for new rows at once, for old ones at complete: no scan under an exclusive lock.
void Planner::addNotNullCheck(const ViewTable *view, const QString &column, const QString &name)
{
    m_steps.start << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3 IS NOT NULL) NOT VALID")
                         .arg(physicalTable(view), ident(name), ident(column));
}

void Planner::addReference(const ViewTable *view, const QString &column, const ForeignKeyReference &reference)
{
    m_steps.start << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 FOREIGN KEY (%3) %4 NOT VALID")
                         .arg(physicalTable(view), ident(reference.name), ident(column),
                              referenceSql(reference, referencedTable(reference.table),
                                           referencedColumn(reference.table, reference.column)));
}

// A check names columns as the new version does, so it is added once they have those names: NOT
// VALID, then validated without blocking writes.
void Planner::addCheckAtComplete(const ViewTable *view, const QString &name, const QString &checkSql)
{
    const QString tableSql = physicalTable(view);
    m_completeLast
        << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3 NOT VALID").arg(tableSql, ident(name), checkSql)
        << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(name));
}

// At complete, the new column takes its name and, where it was only checked, its NOT NULL.
void Planner::completeColumn(const ViewTable *view, const QString &temp, const QString &name, bool notNullByCheck,
                             const QString &notNullCheck)
{
    const QString tableSql = physicalTable(view);
    m_steps.complete << QStringLiteral("ALTER TABLE %1 RENAME COLUMN %2 TO %3").arg(tableSql, ident(temp), ident(name));
    if (notNullByCheck) {
        // A validated IS NOT NULL check lets SET NOT NULL skip its scan under the exclusive lock.
        m_steps.complete << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(notNullCheck))
                         << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET NOT NULL").arg(tableSql, ident(name))
                         << QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2").arg(tableSql, ident(notNullCheck));
    }
}

// --- tables, indexes, raw SQL --------------------------------------------------------------------

void Planner::add(const CreateTable &op)
{
    for (const ViewTable &view : std::as_const(m_views)) {
        if (view.name == op.name) {
            fail(QStringLiteral("table \"%1\" exists already").arg(op.name));
            return;
        }
    }
    QStringList parts;
    QStringList keys;
    ViewTable view{op.name, op.name, {}};
    for (const Column &c : op.columns) {
        QString definition = columnDefinition(c, c.name);
        if (!c.nullable && !c.pk) {
            definition += QStringLiteral(" NOT NULL");
        }
        if (c.unique) {
            definition += QStringLiteral(" UNIQUE");
        }
        if (c.check) {
            definition += QStringLiteral(" CONSTRAINT %1 CHECK (%2)%3")
                              .arg(ident(c.check->name), c.check->constraint,
                                   c.check->noInherit ? QStringLiteral(" NO INHERIT") : QString());
        }
        if (c.references) {
            definition += QStringLiteral(" CONSTRAINT %1 %2")
                              .arg(ident(c.references->name),
                                   referenceSql(*c.references, referencedTable(c.references->table),
                                                referencedColumn(c.references->table, c.references->column)));
        }
        parts << definition;
        if (c.pk) {
            keys << c.name;
        }
        view.columns << ViewColumn{c.name, c.name};
    }
    if (!keys.isEmpty()) {
        parts << QStringLiteral("PRIMARY KEY (%1)").arg(identList(keys));
    }
    for (const TableConstraint &k : op.constraints) {
        parts << tableConstraint(k);
    }
    const QString tableSql = qualified(m_schema, op.name);
    m_steps.start
        << QStringLiteral("CREATE TABLE %1 (\n    %2\n)").arg(tableSql, parts.join(QStringLiteral(",\n    ")));
    if (op.comment) {
        m_steps.start << QStringLiteral("COMMENT ON TABLE %1 IS %2").arg(tableSql, literal(*op.comment));
    }
    for (const Column &c : op.columns) {
        if (c.comment) {
            m_steps.start
                << QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3").arg(tableSql, ident(c.name), literal(*c.comment));
        }
    }
    m_undo << QStringLiteral("DROP TABLE IF EXISTS %1").arg(tableSql);
    m_views << view;
}

QString Planner::tableConstraint(const TableConstraint &k) const
{
    QString sql = QStringLiteral("CONSTRAINT %1 ").arg(ident(k.name));
    QString index;
    if (!k.indexIncludeColumns.isEmpty()) {
        index += QStringLiteral(" INCLUDE (%1)").arg(identList(k.indexIncludeColumns));
    }
    if (!k.indexStorageParameters.isEmpty()) {
        index += QStringLiteral(" WITH (%1)").arg(k.indexStorageParameters);
    }
    if (!k.indexTablespace.isEmpty()) {
        index += QStringLiteral(" USING INDEX TABLESPACE %1").arg(ident(k.indexTablespace));
    }
    if (k.type == QLatin1String("unique")) {
        sql += QStringLiteral("UNIQUE%1 (%2)%3")
                   .arg(k.nullsNotDistinct ? QStringLiteral(" NULLS NOT DISTINCT") : QString(), identList(k.columns),
                        index);
    } else if (k.type == QLatin1String("primary_key")) {
        sql += QStringLiteral("PRIMARY KEY (%1)%2").arg(identList(k.columns), index);
    } else if (k.type == QLatin1String("check")) {
        sql += QStringLiteral("CHECK (%1)%2").arg(k.check, k.noInherit ? QStringLiteral(" NO INHERIT") : QString());
    } else if (k.type == QLatin1String("foreign_key") && k.references) {
        sql += QStringLiteral("FOREIGN KEY (%1) REFERENCES %2 (%3) MATCH %4 ON DELETE %5%6 ON UPDATE %7")
                   .arg(identList(k.columns), referencedTable(k.references->table), identList(k.references->columns),
                        k.references->matchType, k.references->onDelete,
                        k.references->onDeleteSetColumns.isEmpty()
                            ? QString()
                            : QStringLiteral(" (%1)").arg(identList(k.references->onDeleteSetColumns)),
                        k.references->onUpdate);
    } else if (k.type == QLatin1String("exclude")) {
        sql +=
            QStringLiteral("EXCLUDE USING %1 (%2)%3%4")
                .arg(k.excludeIndexMethod.isEmpty() ? QStringLiteral("gist") : k.excludeIndexMethod, k.excludeElements,
                     index,
                     k.excludePredicate.isEmpty() ? QString() : QStringLiteral(" WHERE (%1)").arg(k.excludePredicate));
    }
    if (k.deferrable) {
        sql += k.initiallyDeferred ? QStringLiteral(" DEFERRABLE INITIALLY DEFERRED") : QStringLiteral(" DEFERRABLE");
    }
    return sql;
}

void Planner::add(const RenameTable &op)
{
    ViewTable *view = table(op.from);
    if (!view) {
        return;
    }
    for (const ViewTable &other : std::as_const(m_views)) {
        if (other.name == op.to) {
            fail(QStringLiteral("table \"%1\" exists already").arg(op.to));
            return;
        }
    }
    view->name = op.to;
    m_steps.complete << QStringLiteral("ALTER TABLE %1 RENAME TO %2").arg(physicalTable(view), ident(op.to));
}

void Planner::add(const DropTable &op)
{
    ViewTable *view = table(op.name);
    if (!view) {
        return;
    }
    const QString tableSql = physicalTable(view);
    m_views.removeIf([&](const ViewTable &v) { return v.name == op.name; });
    m_steps.complete << QStringLiteral("DROP TABLE %1").arg(tableSql);
}

void Planner::add(const CreateIndex &op)
{
    ViewTable *view = table(op.table);
    if (!view) {
        return;
    }
    QStringList fields;
    for (const IndexField &field : op.columns) {
        const ViewColumn *c = column(view, field.column);
        if (!c) {
            return;
        }
        QString sql = ident(c->physical);
        if (!field.collate.isEmpty()) {
            sql += QStringLiteral(" COLLATE %1").arg(ident(field.collate));
        }
        if (!field.opclass.isEmpty()) {
            sql += QLatin1Char(' ') + field.opclass;
            if (!field.opclassParameters.isEmpty()) {
                sql += QStringLiteral(" (%1)").arg(field.opclassParameters);
            }
        }
        if (!field.sort.isEmpty()) {
            sql += QLatin1Char(' ') + field.sort;
        }
        if (!field.nulls.isEmpty()) {
            sql += QStringLiteral(" NULLS ") + field.nulls;
        }
        fields << sql;
    }
    QString sql = QStringLiteral("CREATE %1INDEX CONCURRENTLY %2 ON %3 USING %4 (%5)")
                      .arg(op.unique ? QStringLiteral("UNIQUE ") : QString(), ident(op.name), physicalTable(view),
                           op.method, fields.join(QStringLiteral(", ")));
    if (!op.storageParameters.isEmpty()) {
        sql += QStringLiteral(" WITH (%1)").arg(op.storageParameters);
    }
    if (!op.predicate.isEmpty()) {
        sql += QStringLiteral(" WHERE %1").arg(op.predicate);
    }
    m_steps.afterStart << sql;
    m_undo << QStringLiteral("DROP INDEX IF EXISTS %1").arg(qualified(m_schema, op.name));
}

void Planner::add(const DropIndex &op)
{
    if (!indexExists(op.name)) {
        fail(QStringLiteral("index \"%1\" does not exist").arg(op.name));
        return;
    }
    m_steps.complete << QStringLiteral("DROP INDEX %1").arg(qualified(m_schema, op.name));
}

void Planner::add(const RawSql &op)
{
    if (op.onComplete) {
        m_steps.complete << op.up;
        return;
    }
    m_steps.start << op.up;
    if (!op.down.isEmpty()) {
        m_undo << op.down;
    }
    m_steps.viewsFromCatalog = true; // what it made is known only once it ran
}

void Planner::add(const SetReplicaIdentity &op)
{
    ViewTable *view = table(op.table);
    if (!view) {
        return;
    }
    const auto identity = [](const QString &type, const QString &index) {
        if (type == QLatin1String("index") || type == QLatin1String("i")) {
            return QStringLiteral("USING INDEX %1").arg(ident(index));
        }
        if (type == QLatin1String("nothing") || type == QLatin1String("n")) {
            return QStringLiteral("NOTHING");
        }
        if (type == QLatin1String("full") || type == QLatin1String("f")) {
            return QStringLiteral("FULL");
        }
        return QStringLiteral("DEFAULT");
    };
    if (op.type == QLatin1String("index") && !indexExists(op.index)) {
        fail(QStringLiteral("index \"%1\" does not exist").arg(op.index));
        return;
    }
    const TableInfo before = m_tables.value(view->physical);
    m_steps.start
        << QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY %2").arg(physicalTable(view), identity(op.type, op.index));
    m_undo << QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY %2")
                  .arg(physicalTable(view), identity(before.replicaIdentity, before.replicaIndex));
}

void Planner::add(const RenameConstraint &op)
{
    ViewTable *view = table(op.table);
    if (!view) {
        return;
    }
    const TableInfo *info = physicalTableInfo(view);
    if (!info || !info->constraint(op.from)) {
        fail(QStringLiteral("constraint \"%1\" does not exist on table \"%2\"").arg(op.from, op.table));
        return;
    }
    m_steps.complete << QStringLiteral("ALTER TABLE %1 RENAME CONSTRAINT %2 TO %3")
                            .arg(physicalTable(view), ident(op.from), ident(op.to));
}

} // namespace Curtain::Db::Internal
