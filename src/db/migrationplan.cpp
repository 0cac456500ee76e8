#include "db/migrationplan.h"

#include "db/sqltext.h"

namespace Curtain::Db {

namespace {

QString referenceSql(const ForeignKeyReference &r, const QString &referencedTable, const QString &referencedColumn)
{
    QString sql = QStringLiteral("REFERENCES %1 (%2) MATCH %3 ON DELETE %4 ON UPDATE %5")
                      .arg(referencedTable, ident(referencedColumn), r.matchType, r.onDelete, r.onUpdate);
    if (r.deferrable) {
        sql += r.initiallyDeferred ? QStringLiteral(" DEFERRABLE INITIALLY DEFERRED") : QStringLiteral(" DEFERRABLE");
    }
    return sql;
}

// Works out one migration, operation by operation, on a model of the tables as the new version will
// see them. Names in a file are the new version's as far as the operations before have renamed them.
class Planner
{
public:
    Planner(const Migration &migration, QString schema, QString stateSchema, const SchemaInfo &tables)
        : m_migration(migration), m_schema(std::move(schema)), m_state(std::move(stateSchema)), m_tables(tables),
          m_version(migration.schemaName())
    {
        m_views = viewsOf(tables);
    }

    Core::Result<MigrationSteps> plan()
    {
        for (qsizetype i = 0; i < m_migration.operations.size() && m_error.isEmpty(); ++i) {
            const Operation &op = m_migration.operations[i];
            m_where = QStringLiteral("operations[%1] (%2)").arg(i).arg(operationName(op));
            std::visit([this](const auto &o) { add(o); }, op);
        }
        if (!m_error.isEmpty()) {
            return Core::makeError(Core::ErrorKind::Refused, m_error);
        }
        // Rollback undoes the operations last first.
        QStringList rollback;
        for (auto it = m_undo.crbegin(); it != m_undo.crend(); ++it) {
            rollback << *it;
        }
        m_steps.rollback = rollback;
        if (!m_steps.viewsFromCatalog) {
            m_steps.views = m_views;
        }
        return m_steps;
    }

private:
    // --- the model -------------------------------------------------------------------------------

    ViewTable *table(const QString &name)
    {
        for (ViewTable &view : m_views) {
            if (view.name == name) {
                return &view;
            }
        }
        fail(QStringLiteral("table \"%1\" does not exist in the version this migration starts from").arg(name));
        return nullptr;
    }

    ViewColumn *column(ViewTable *view, const QString &name)
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

    const ColumnInfo *physicalColumn(const ViewTable *view, const QString &physical) const
    {
        const auto it = m_tables.constFind(view->physical);
        return it == m_tables.cend() ? nullptr : it->column(physical);
    }

    QString physicalTable(const ViewTable *view) const { return qualified(m_schema, view->physical); }

    void fail(const QString &text)
    {
        if (m_error.isEmpty()) {
            m_error = QStringLiteral("%1 of %2: %3").arg(m_where, m_migration.name, text);
        }
    }

    // --- triggers ---------------------------------------------------------------------------------

    // A BEFORE INSERT OR UPDATE trigger that sets `target` from `expression` for writers of one
    // version: `forNewVersion` fires for clients whose search_path starts with the new version's
    // schema (down), otherwise for everyone else (up). The expression sees the row's columns under
    // the names that side knows them by.
    void addTrigger(const ViewTable *view, const QString &direction, const QString &column, const QString &target,
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
        QString body = QStringLiteral("#variable_conflict use_variable\nDECLARE\n%1BEGIN\n    IF %2 THEN\n"
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

    // Old-version columns: every physical column there was before this migration, by its name.
    QList<ViewColumn> oldColumns(const ViewTable *view) const
    {
        QList<ViewColumn> columns;
        const auto it = m_tables.constFind(view->physical);
        if (it != m_tables.cend()) {
            for (const ColumnInfo &c : it->columns) {
                columns << ViewColumn{c.name, c.name};
            }
        }
        return columns;
    }

    void backfill(const ViewTable *view)
    {
        const auto it = m_tables.constFind(view->physical);
        if (it == m_tables.cend() || it->primaryKey.isEmpty()) {
            fail(QStringLiteral("table \"%1\" has no primary key; Curtain backfills in primary-key batches, so add "
                                "one in an earlier migration")
                     .arg(view->name));
            return;
        }
        for (const Backfill &b : std::as_const(m_steps.backfills)) {
            if (b.table == view->physical) {
                return;
            }
        }
        m_steps.backfills << Backfill{view->physical, it->primaryKey};
    }

    QString columnDefinition(const Column &c, const QString &name) const
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

    QString referencedTable(const QString &name)
    {
        for (const ViewTable &view : std::as_const(m_views)) {
            if (view.name == name) {
                return physicalTable(&view);
            }
        }
        return qualified(m_schema, name); // not ours to check: PostgreSQL names it if it is missing
    }

    QString referencedColumn(const QString &tableName, const QString &columnName)
    {
        for (const ViewTable &view : std::as_const(m_views)) {
            if (view.name == tableName) {
                for (const ViewColumn &c : view.columns) {
                    if (c.name == columnName) {
                        return c.physical;
                    }
                }
            }
        }
        return columnName;
    }

    // --- operations -------------------------------------------------------------------------------

    void add(const CreateTable &op)
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
        m_steps.start << QStringLiteral("CREATE TABLE %1 (\n    %2\n)")
                             .arg(qualified(m_schema, op.name), parts.join(QStringLiteral(",\n    ")));
        if (op.comment) {
            m_steps.start
                << QStringLiteral("COMMENT ON TABLE %1 IS %2").arg(qualified(m_schema, op.name), literal(*op.comment));
        }
        for (const Column &c : op.columns) {
            if (c.comment) {
                m_steps.start << QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3")
                                     .arg(qualified(m_schema, op.name), ident(c.name), literal(*c.comment));
            }
        }
        m_undo << QStringLiteral("DROP TABLE IF EXISTS %1").arg(qualified(m_schema, op.name));
        m_views << view;
    }

    QString tableConstraint(const TableConstraint &k)
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
                       .arg(k.nullsNotDistinct ? QStringLiteral(" NULLS NOT DISTINCT") : QString(),
                            identList(k.columns), index);
        } else if (k.type == QLatin1String("primary_key")) {
            sql += QStringLiteral("PRIMARY KEY (%1)%2").arg(identList(k.columns), index);
        } else if (k.type == QLatin1String("check")) {
            sql += QStringLiteral("CHECK (%1)%2").arg(k.check, k.noInherit ? QStringLiteral(" NO INHERIT") : QString());
        } else if (k.type == QLatin1String("foreign_key") && k.references) {
            sql += QStringLiteral("FOREIGN KEY (%1) REFERENCES %2 (%3) MATCH %4 ON DELETE %5%6 ON UPDATE %7")
                       .arg(identList(k.columns), referencedTable(k.references->table),
                            identList(k.references->columns), k.references->matchType, k.references->onDelete,
                            k.references->onDeleteSetColumns.isEmpty()
                                ? QString()
                                : QStringLiteral(" (%1)").arg(identList(k.references->onDeleteSetColumns)),
                            k.references->onUpdate);
        } else if (k.type == QLatin1String("exclude")) {
            sql += QStringLiteral("EXCLUDE USING %1 (%2)%3%4")
                       .arg(k.excludeIndexMethod.isEmpty() ? QStringLiteral("gist") : k.excludeIndexMethod,
                            k.excludeElements, index,
                            k.excludePredicate.isEmpty() ? QString()
                                                         : QStringLiteral(" WHERE (%1)").arg(k.excludePredicate));
        }
        if (k.deferrable) {
            sql +=
                k.initiallyDeferred ? QStringLiteral(" DEFERRABLE INITIALLY DEFERRED") : QStringLiteral(" DEFERRABLE");
        }
        return sql;
    }

    void add(const AddColumn &op)
    {
        ViewTable *view = table(op.table);
        if (!view) {
            return;
        }
        for (const ViewColumn &c : std::as_const(view->columns)) {
            if (c.name == op.column.name) {
                fail(QStringLiteral("column \"%1\" exists already on table \"%2\"").arg(op.column.name, op.table));
                return;
            }
        }
        const Column &c = op.column;
        const QString temp = temporaryColumn(c.name);
        const QString tableSql = physicalTable(view);
        QString definition = columnDefinition(c, temp);
        const bool notNull = !c.nullable && !c.pk;
        const QString notNullCheck = ownName(QStringLiteral("_curtain_nn_"), {view->physical, c.name});
        if (notNull && c.defaultValue) {
            definition += QStringLiteral(" NOT NULL"); // every existing row gets the default
        } else if (notNull && op.up.isEmpty()) {
            fail(QStringLiteral("column \"%1\" is NOT NULL without a default, so the old version's inserts "
                                "need an up expression to fill it; add `up:` (or `nullable: true`, or a default)")
                     .arg(c.name));
            return;
        }
        m_steps.start << QStringLiteral("ALTER TABLE %1 ADD COLUMN %2").arg(tableSql, definition);
        if (notNull && !c.defaultValue) {
            addNotNullCheck(view, temp, notNullCheck);
        }
        if (c.references) {
            addReference(view, temp, *c.references);
        }
        if (c.comment) {
            m_steps.start
                << QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3").arg(tableSql, ident(temp), literal(*c.comment));
        }
        m_undo << QStringLiteral("ALTER TABLE %1 DROP COLUMN IF EXISTS %2").arg(tableSql, ident(temp));
        if (!op.up.isEmpty()) {
            addTrigger(view, QStringLiteral("up"), c.name, temp, op.up, oldColumns(view), false);
            backfill(view);
        }
        if (c.unique) {
            const QString index = ownName(QString(), {view->physical, c.name, QStringLiteral("key")});
            m_steps.afterStart << QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY %1 ON %2 (%3)")
                                      .arg(ident(index), tableSql, ident(temp));
            m_steps.complete
                << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 UNIQUE USING INDEX %2").arg(tableSql, ident(index));
        }
        completeColumn(view, temp, c.name, notNull && !c.defaultValue, notNullCheck);
        if (c.references) {
            m_steps.complete
                << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(c.references->name));
        }
        if (c.check) {
            addCheckAtComplete(view, *c.check);
        }
        view->columns << ViewColumn{c.name, temp};
    }

    // Checked for new rows at once, for old ones at complete: no scan under an exclusive lock.
    void addNotNullCheck(const ViewTable *view, const QString &column, const QString &name)
    {
        m_steps.start << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3 IS NOT NULL) NOT VALID")
                             .arg(physicalTable(view), ident(name), ident(column));
    }

    void addReference(const ViewTable *view, const QString &column, const ForeignKeyReference &reference)
    {
        m_steps.start << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 FOREIGN KEY (%3) %4 NOT VALID")
                             .arg(physicalTable(view), ident(reference.name), ident(column),
                                  referenceSql(reference, referencedTable(reference.table),
                                               referencedColumn(reference.table, reference.column)));
    }

    // At complete, the new column takes its name and, where it was only checked, its NOT NULL.
    void completeColumn(const ViewTable *view, const QString &temp, const QString &name, bool notNullByCheck,
                        const QString &notNullCheck)
    {
        const QString tableSql = physicalTable(view);
        m_steps.complete
            << QStringLiteral("ALTER TABLE %1 RENAME COLUMN %2 TO %3").arg(tableSql, ident(temp), ident(name));
        if (notNullByCheck) {
            // A validated IS NOT NULL check lets SET NOT NULL skip its scan under the exclusive lock.
            m_steps.complete
                << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(notNullCheck))
                << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET NOT NULL").arg(tableSql, ident(name))
                << QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2").arg(tableSql, ident(notNullCheck));
        }
    }

    // A check on a new column names the column as the new version does, so it is added once the
    // column has that name: NOT VALID, then validated without blocking writes.
    void addCheckAtComplete(const ViewTable *view, const CheckConstraint &check)
    {
        const QString tableSql = physicalTable(view);
        m_steps.complete << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3)%4 NOT VALID")
                                .arg(tableSql, ident(check.name), check.constraint,
                                     check.noInherit ? QStringLiteral(" NO INHERIT") : QString())
                         << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(check.name));
    }

    void add(const DropColumn &op)
    {
        ViewTable *view = table(op.table);
        ViewColumn *dropped = column(view, op.column);
        if (!dropped) {
            return;
        }
        const QString physical = dropped->physical;
        view->columns.removeIf([&](const ViewColumn &c) { return c.name == op.column; });
        const ColumnInfo *info = physicalColumn(view, physical);
        if (op.down.isEmpty() && info && info->notNull && info->defaultSql.isEmpty() && !info->identity &&
            !info->generated) {
            fail(QStringLiteral("column \"%1\" is NOT NULL without a default, so the new version's inserts would "
                                "fail while the old version still reads it; add `down:` with its value")
                     .arg(op.column));
            return;
        }
        if (!op.down.isEmpty()) {
            addTrigger(view, QStringLiteral("down"), op.column, physical, op.down, view->columns, true);
        }
        m_steps.complete << QStringLiteral("ALTER TABLE %1 DROP COLUMN %2").arg(physicalTable(view), ident(physical));
    }

    void add(const RenameColumn &op) { rename(op.table, op.from, op.to); }

    void rename(const QString &tableName, const QString &from, const QString &to)
    {
        ViewTable *view = table(tableName);
        ViewColumn *renamed = column(view, from);
        if (!renamed) {
            return;
        }
        for (const ViewColumn &c : std::as_const(view->columns)) {
            if (c.name == to) {
                fail(QStringLiteral("column \"%1\" exists already on table \"%2\"").arg(to, tableName));
                return;
            }
        }
        renamed->name = to;
        // The physical column keeps its name until complete; if it is a new one (a temporary
        // column), its own complete step names it already.
        if (!renamed->physical.startsWith(QLatin1String("_curtain_new_"))) {
            m_steps.complete << QStringLiteral("ALTER TABLE %1 RENAME COLUMN %2 TO %3")
                                    .arg(physicalTable(view), ident(renamed->physical), ident(to));
        }
    }

    void add(const RenameTable &op)
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

    void add(const DropTable &op)
    {
        ViewTable *view = table(op.name);
        if (!view) {
            return;
        }
        const QString tableSql = physicalTable(view);
        m_views.removeIf([&](const ViewTable &v) { return v.name == op.name; });
        m_steps.complete << QStringLiteral("DROP TABLE %1").arg(tableSql);
    }

    void add(const CreateIndex &op)
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

    bool indexExists(const QString &name) const
    {
        for (const TableInfo &t : m_tables) {
            for (const ColumnInfo &c : t.columns) {
                if (c.indexes.contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    void add(const DropIndex &op)
    {
        if (!indexExists(op.name)) {
            fail(QStringLiteral("index \"%1\" does not exist").arg(op.name));
            return;
        }
        m_steps.complete << QStringLiteral("DROP INDEX %1").arg(qualified(m_schema, op.name));
    }

    void add(const RawSql &op)
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

    void add(const SetReplicaIdentity &op)
    {
        ViewTable *view = table(op.table);
        if (!view) {
            return;
        }
        const auto identity = [this](const QString &type, const QString &index) {
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
        m_steps.start << QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY %2")
                             .arg(physicalTable(view), identity(op.type, op.index));
        m_undo << QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY %2")
                      .arg(physicalTable(view), identity(before.replicaIdentity, before.replicaIndex));
    }

    bool constraintExists(const ViewTable *view, const QString &name) const
    {
        const auto it = m_tables.constFind(view->physical);
        if (it == m_tables.cend()) {
            return false;
        }
        for (const ColumnInfo &c : it->columns) {
            if (c.constraints.contains(name)) {
                return true;
            }
        }
        return false;
    }

    void add(const RenameConstraint &op)
    {
        ViewTable *view = table(op.table);
        if (!view) {
            return;
        }
        if (!constraintExists(view, op.from)) {
            fail(QStringLiteral("constraint \"%1\" does not exist on table \"%2\"").arg(op.from, op.table));
            return;
        }
        m_steps.complete << QStringLiteral("ALTER TABLE %1 RENAME CONSTRAINT %2 TO %3")
                                .arg(physicalTable(view), ident(op.from), ident(op.to));
    }

    void add(const AlterColumn &op)
    {
        ViewTable *view = table(op.table);
        ViewColumn *altered = column(view, op.column);
        if (!altered) {
            return;
        }
        const QString tableSql = physicalTable(view);
        const bool duplicate = op.type || op.nullable || op.defaultValue || op.check || op.unique || op.references;
        if (!duplicate) {
            // A rename and a comment change nothing the old version reads.
            if (op.comment) {
                const ColumnInfo *info = physicalColumn(view, altered->physical);
                m_steps.start << QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3")
                                     .arg(tableSql, ident(altered->physical),
                                          *op.comment ? literal(**op.comment) : QStringLiteral("NULL"));
                m_undo << QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3")
                              .arg(tableSql, ident(altered->physical),
                                   info && !info->comment.isEmpty() ? literal(info->comment) : QStringLiteral("NULL"));
            }
            if (op.name) {
                rename(op.table, op.column, *op.name);
            }
            return;
        }
        const ColumnInfo *info = physicalColumn(view, altered->physical);
        if (!info) {
            fail(QStringLiteral("column \"%1\" of table \"%2\" was added by this same migration; change it in the "
                                "next one")
                     .arg(op.column, op.table));
            return;
        }
        if (info->identity || info->generated || m_tables.value(view->physical).primaryKey.contains(info->name)) {
            fail(QStringLiteral("column \"%1\" is part of the primary key, an identity or a generated column; Curtain "
                                "cannot run both versions on a copy of it")
                     .arg(op.column));
            return;
        }
        if (!info->constraints.isEmpty() || !info->indexes.isEmpty()) {
            QStringList carried = info->constraints;
            for (const QString &index : info->indexes) {
                if (!carried.contains(index)) {
                    carried << index;
                }
            }
            fail(QStringLiteral("column \"%1\" carries %2; Curtain does not yet copy constraints and indexes to "
                                "the new column, so it refuses rather than lose them")
                     .arg(op.column, carried.join(QStringLiteral(", "))));
            return;
        }
        const QString temp = temporaryColumn(altered->physical);
        const bool notNull = op.nullable ? !*op.nullable : info->notNull;
        QString definition = ident(temp) + QLatin1Char(' ') + (op.type ? *op.type : info->type);
        const std::optional<QString> defaultValue =
            op.defaultValue ? *op.defaultValue
                            : (info->defaultSql.isEmpty() ? std::optional<QString>() : info->defaultSql);
        if (defaultValue) {
            definition += QStringLiteral(" DEFAULT %1").arg(*defaultValue);
        }
        const QString notNullCheck = ownName(QStringLiteral("_curtain_nn_"), {view->physical, op.column});
        m_steps.start << QStringLiteral("ALTER TABLE %1 ADD COLUMN %2").arg(tableSql, definition);
        if (notNull) {
            addNotNullCheck(view, temp, notNullCheck);
        }
        if (op.references) {
            addReference(view, temp, *op.references);
        }
        const std::optional<QString> comment =
            op.comment ? *op.comment : (info->comment.isEmpty() ? std::optional<QString>() : info->comment);
        if (comment) {
            m_steps.start
                << QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3").arg(tableSql, ident(temp), literal(*comment));
        }
        m_undo << QStringLiteral("ALTER TABLE %1 DROP COLUMN IF EXISTS %2").arg(tableSql, ident(temp));

        // Both ways: the old version's writes fill the new column, the new version's the old one.
        const QList<ViewColumn> before = oldColumns(view);
        altered->physical = temp;
        if (op.name) {
            altered->name = *op.name; // the new version's name, which down expressions use
        }
        addTrigger(view, QStringLiteral("up"), op.column, temp, op.up.isEmpty() ? ident(op.column) : op.up, before,
                   false);
        addTrigger(view, QStringLiteral("down"), op.column, info->name,
                   op.down.isEmpty() ? ident(altered->name) : op.down, view->columns, true);
        backfill(view);
        if (op.unique) {
            m_steps.afterStart << QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY %1 ON %2 (%3)")
                                      .arg(ident(*op.unique), tableSql, ident(temp));
        }
        const QString finalName = op.name ? *op.name : info->name;
        m_steps.complete << QStringLiteral("ALTER TABLE %1 DROP COLUMN %2").arg(tableSql, ident(info->name));
        completeColumn(view, temp, finalName, notNull, notNullCheck);
        if (op.unique) {
            m_steps.complete << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 UNIQUE USING INDEX %2")
                                    .arg(tableSql, ident(*op.unique));
        }
        if (op.references) {
            m_steps.complete
                << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(op.references->name));
        }
        if (op.check) {
            addCheckAtComplete(view, *op.check);
        }
    }

    void notYet(const QString &what)
    {
        fail(QStringLiteral("Curtain does not run %1 yet; nothing was changed").arg(what));
    }
    void add(const DropConstraint &) { notYet(QStringLiteral("drop_constraint")); }
    void add(const DropMultiColumnConstraint &) { notYet(QStringLiteral("drop_multicolumn_constraint")); }
    void add(const CreateConstraint &) { notYet(QStringLiteral("create_constraint")); }

    const Migration &m_migration;
    QString m_schema;
    QString m_state;
    const SchemaInfo &m_tables;
    QString m_version;
    QList<ViewTable> m_views;
    MigrationSteps m_steps;
    QStringList m_undo; // in the order done; rollback runs it backwards
    QString m_where;
    QString m_error;
};

} // namespace

Core::Result<MigrationSteps> planMigration(const Migration &migration, const QString &schema,
                                           const QString &stateSchema, const SchemaInfo &tables)
{
    return Planner(migration, schema, stateSchema, tables).plan();
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
        statements << QStringLiteral("CREATE VIEW %1 WITH (security_invoker = true) AS SELECT %2 FROM %3")
                          .arg(qualified(versionSchema, table.name),
                               columns.isEmpty() ? QStringLiteral("") : columns.join(QStringLiteral(", ")),
                               qualified(schema, table.physical));
    }
    return statements.join(QStringLiteral(";\n"));
}

} // namespace Curtain::Db
