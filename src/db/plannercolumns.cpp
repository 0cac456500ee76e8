#include "db/planner.h"

#include "db/sqltext.h"

namespace Curtain::Db::Internal {

namespace {

QString withoutNotValid(QString definition)
{
    if (definition.endsWith(QLatin1String(" NOT VALID"))) {
        definition.chop(10);
    }
    return definition;
}

} // namespace

void Planner::add(const AddColumn &op)
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
        fail(QStringLiteral("column \"%1\" is NOT NULL without a default, so the old version's inserts need an up "
                            "expression to fill it; add `up:` (or `nullable: true`, or a default)")
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
        m_completeLast
            << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 UNIQUE USING INDEX %2").arg(tableSql, ident(index));
    }
    completeColumn(view, temp, c.name, notNull && !c.defaultValue, notNullCheck);
    if (c.references) {
        m_completeLast
            << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(c.references->name));
    }
    if (c.check) {
        addCheckAtComplete(
            view, c.check->name,
            QStringLiteral("CHECK (%1)%2")
                .arg(c.check->constraint, c.check->noInherit ? QStringLiteral(" NO INHERIT") : QString()));
    }
    view->columns << ViewColumn{c.name, temp};
}

void Planner::add(const DropColumn &op)
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
        fail(QStringLiteral("column \"%1\" is NOT NULL without a default, so the new version's inserts would fail "
                            "while the old version still reads it; add `down:` with its value")
                 .arg(op.column));
        return;
    }
    if (!op.down.isEmpty()) {
        addTrigger(view, QStringLiteral("down"), op.column, physical, op.down, view->columns, true);
    }
    m_steps.complete << QStringLiteral("ALTER TABLE %1 DROP COLUMN %2").arg(physicalTable(view), ident(physical));
}

void Planner::add(const RenameColumn &op)
{
    rename(op.table, op.from, op.to);
}

void Planner::rename(const QString &tableName, const QString &from, const QString &to)
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
    // The physical column keeps its name until complete; a new one (a temporary column) is named by
    // its own complete step.
    if (physicalColumn(view, renamed->physical)) {
        m_steps.complete << QStringLiteral("ALTER TABLE %1 RENAME COLUMN %2 TO %3")
                                .arg(physicalTable(view), ident(renamed->physical), ident(to));
    }
}

void Planner::add(const AlterColumn &op)
{
    ViewTable *view = table(op.table);
    ViewColumn *altered = column(view, op.column);
    if (!altered) {
        return;
    }
    if (op.type || op.nullable || op.defaultValue || op.check || op.unique || op.references) {
        ColumnChange change;
        change.type = op.type;
        change.nullable = op.nullable;
        change.defaultValue = op.defaultValue;
        change.comment = op.comment;
        change.check = op.check;
        change.unique = op.unique;
        change.references = op.references;
        change.name = op.name;
        change.up = op.up;
        change.down = op.down;
        duplicate(view, op.column, change);
        return;
    }
    // A rename and a comment change nothing the old version reads.
    if (op.comment) {
        const QString tableSql = physicalTable(view);
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
}

QString Planner::duplicate(ViewTable *view, const QString &columnName, const ColumnChange &change,
                           const QStringList &together)
{
    ViewColumn *altered = column(view, columnName);
    if (!altered) {
        return {};
    }
    const ColumnInfo *found = physicalColumn(view, altered->physical);
    if (!found) {
        fail(QStringLiteral("column \"%1\" of table \"%2\" was added or changed by this same migration; change it "
                            "again in the next one")
                 .arg(columnName, view->name));
        return {};
    }
    const ColumnInfo info = *found;
    if (info.identity || info.generated || physicalTableInfo(view)->primaryKey.contains(info.name)) {
        fail(QStringLiteral("column \"%1\" is part of the primary key, an identity or a generated column; Curtain "
                            "cannot run both versions on a copy of it")
                 .arg(columnName));
        return {};
    }
    const QString tableSql = physicalTable(view);
    const QString temp = temporaryColumn(info.name);
    const bool notNull = change.nullable ? !*change.nullable : info.notNull;
    QString definition = ident(temp) + QLatin1Char(' ') + (change.type ? *change.type : info.type);
    const std::optional<QString> defaultValue =
        change.defaultValue ? *change.defaultValue
                            : (info.defaultSql.isEmpty() ? std::optional<QString>() : info.defaultSql);
    if (defaultValue) {
        definition += QStringLiteral(" DEFAULT %1").arg(*defaultValue);
    }
    m_steps.start << QStringLiteral("ALTER TABLE %1 ADD COLUMN %2").arg(tableSql, definition);
    m_undo << QStringLiteral("ALTER TABLE %1 DROP COLUMN IF EXISTS %2").arg(tableSql, ident(temp));
    const QString notNullCheck = ownName(QStringLiteral("_curtain_nn_"), {view->physical, info.name});
    if (notNull) {
        addNotNullCheck(view, temp, notNullCheck);
    }
    if (change.references) {
        addReference(view, temp, *change.references);
    }
    const std::optional<QString> comment =
        change.comment ? *change.comment : (info.comment.isEmpty() ? std::optional<QString>() : info.comment);
    if (comment) {
        m_steps.start << QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3").arg(tableSql, ident(temp), literal(*comment));
    }
    QStringList carried; // complete steps for what the original carried, once the copy has its name
    if (!carryConstraints(view, info, temp, change.dropConstraint, together, &carried)) {
        return {};
    }

    // Both ways: the old version's writes fill the copy, the new version's the original.
    const QList<ViewColumn> before = oldColumns(view);
    altered->physical = temp;
    if (change.name) {
        altered->name = *change.name; // the new version's name, which down expressions use
    }
    addTrigger(view, QStringLiteral("up"), info.name, temp, change.up.isEmpty() ? ident(info.name) : change.up, before,
               false);
    addTrigger(view, QStringLiteral("down"), info.name, info.name,
               change.down.isEmpty() ? ident(altered->name) : change.down, view->columns, true);
    backfill(view);
    if (change.unique) {
        m_steps.afterStart << QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY %1 ON %2 (%3)")
                                  .arg(ident(*change.unique), tableSql, ident(temp));
    }
    m_steps.complete << QStringLiteral("ALTER TABLE %1 DROP COLUMN %2").arg(tableSql, ident(info.name));
    completeColumn(view, temp, altered->name, notNull, notNullCheck);
    m_steps.complete << carried;
    if (change.unique) {
        m_steps.complete << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 UNIQUE USING INDEX %2")
                                .arg(tableSql, ident(*change.unique));
    }
    if (change.references) {
        m_completeLast
            << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(change.references->name));
    }
    if (change.check) {
        addCheckAtComplete(
            view, change.check->name,
            QStringLiteral("CHECK (%1)%2")
                .arg(change.check->constraint, change.check->noInherit ? QStringLiteral(" NO INHERIT") : QString()));
    }
    return temp;
}

// The copy gets what the original carries (but `except`): unique constraints and plain indexes built
// on it concurrently, foreign keys NOT VALID, checks at complete. What cannot be copied faithfully
// yet (a constraint or index over several columns or expressions) is refused, not dropped.
bool Planner::carryConstraints(const ViewTable *view, const ColumnInfo &original, const QString &temp,
                               const QString &except, const QStringList &together, QStringList *completeAfter)
{
    const TableInfo *info = physicalTableInfo(view);
    const QString tableSql = physicalTable(view);
    const auto allCopied = [&together](const QStringList &columns) {
        return columns.size() > 1 && std::all_of(columns.cbegin(), columns.cend(),
                                                 [&](const QString &column) { return together.contains(column); });
    };
    for (const ConstraintInfo &k : info->constraints) {
        if (!k.columns.contains(original.name) || k.name == except || allCopied(k.columns)) {
            continue;
        }
        if (k.columns.size() > 1 ||
            (k.type != QLatin1String("u") && k.type != QLatin1String("c") && k.type != QLatin1String("f"))) {
            fail(QStringLiteral("column \"%1\" carries constraint %2 (%3) over columns this operation does not "
                                "change; Curtain refuses rather than lose it")
                     .arg(original.name, k.name, k.definition));
            return false;
        }
        const QString copy = ownName(QStringLiteral("_curtain_"), {k.name});
        if (k.type == QLatin1String("u")) {
            m_steps.afterStart << QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY %1 ON %2 (%3)")
                                      .arg(ident(copy), tableSql, ident(temp));
            *completeAfter << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 UNIQUE USING INDEX %3")
                                  .arg(tableSql, ident(k.name), ident(copy));
        } else if (k.type == QLatin1String("f")) {
            const QString target = withoutNotValid(k.definition.mid(k.definition.indexOf(QLatin1String("REFERENCES"))));
            m_steps.start << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 FOREIGN KEY (%3) %4 NOT VALID")
                                 .arg(tableSql, ident(copy), ident(temp), target);
            *completeAfter
                << QStringLiteral("ALTER TABLE %1 RENAME CONSTRAINT %2 TO %3").arg(tableSql, ident(copy), ident(k.name))
                << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(k.name));
        } else {
            addCheckAtComplete(view, k.name, withoutNotValid(k.definition));
        }
    }
    for (const IndexInfo &index : info->indexes) {
        if (!index.columns.contains(original.name) || index.ofConstraint) {
            continue; // a constraint's index comes with the constraint
        }
        const QString plain = original.name;
        const QString quoted = ident(original.name);
        const QString key = index.firstKey;
        const qsizetype nameLength = key.startsWith(quoted) ? quoted.size() : key.startsWith(plain) ? plain.size() : -1;
        if (!index.simple || index.columns.size() != 1 || nameLength < 0 ||
            (key.size() > nameLength && key.at(nameLength) != QLatin1Char(' '))) {
            fail(
                QStringLiteral("column \"%1\" is in index %2, which spans columns, expressions or a predicate; Curtain "
                               "copies single-column indexes only, so it refuses rather than lose it")
                    .arg(original.name, index.name));
            return false;
        }
        const QString copy = ownName(QStringLiteral("_curtain_"), {index.name});
        QString sql = QStringLiteral("CREATE %1INDEX CONCURRENTLY %2 ON %3 USING %4 (%5%6)")
                          .arg(index.unique ? QStringLiteral("UNIQUE ") : QString(), ident(copy), tableSql,
                               index.method, ident(temp), key.mid(nameLength));
        if (!index.storageParameters.isEmpty()) {
            sql += QStringLiteral(" WITH (%1)").arg(index.storageParameters);
        }
        m_steps.afterStart << sql;
        *completeAfter
            << QStringLiteral("ALTER INDEX %1 RENAME TO %2").arg(qualified(m_schema, copy), ident(index.name));
    }
    return true;
}

// A unique, foreign-key or check constraint over several columns that one operation copied, carried
// over to the copies (but `except`, which the operation drops).
void Planner::carryTogether(const ViewTable *view, const QMap<QString, QString> &copies, const QString &except)
{
    const QString tableSql = physicalTable(view);
    for (const ConstraintInfo &k : physicalTableInfo(view)->constraints) {
        const bool all = k.columns.size() > 1 && std::all_of(k.columns.cbegin(), k.columns.cend(),
                                                             [&](const QString &c) { return copies.contains(c); });
        if (!all || k.name == except) {
            continue;
        }
        QStringList temps;
        for (const QString &c : k.columns) {
            temps << copies.value(c);
        }
        const QString copy = ownName(QStringLiteral("_curtain_"), {k.name});
        if (k.type == QLatin1String("u")) {
            m_steps.afterStart << QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY %1 ON %2 (%3)%4")
                                      .arg(ident(copy), tableSql, identList(temps),
                                           k.definition.contains(QLatin1String("NULLS NOT DISTINCT"))
                                               ? QStringLiteral(" NULLS NOT DISTINCT")
                                               : QString());
            m_completeLast << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 UNIQUE USING INDEX %3")
                                  .arg(tableSql, ident(k.name), ident(copy));
        } else if (k.type == QLatin1String("f")) {
            const QString target = withoutNotValid(k.definition.mid(k.definition.indexOf(QLatin1String("REFERENCES"))));
            m_steps.start << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 FOREIGN KEY (%3) %4 NOT VALID")
                                 .arg(tableSql, ident(copy), identList(temps), target);
            m_completeLast
                << QStringLiteral("ALTER TABLE %1 RENAME CONSTRAINT %2 TO %3").arg(tableSql, ident(copy), ident(k.name))
                << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(k.name));
        } else if (k.type == QLatin1String("c")) {
            addCheckAtComplete(view, k.name, withoutNotValid(k.definition));
        } else {
            fail(QStringLiteral("constraint %1 (%2) cannot be carried to the new columns yet; Curtain refuses rather "
                                "than lose it")
                     .arg(k.name, k.definition));
            return;
        }
    }
}

const ConstraintInfo *Planner::constraintOf(const ViewTable *view, const QString &name)
{
    const ConstraintInfo *found = physicalTableInfo(view) ? physicalTableInfo(view)->constraint(name) : nullptr;
    if (!found) {
        fail(QStringLiteral("constraint \"%1\" does not exist on table \"%2\"").arg(name, view->name));
    }
    return found;
}

void Planner::add(const DropConstraint &op)
{
    ViewTable *view = table(op.table);
    if (!view) {
        return;
    }
    const ConstraintInfo *k = constraintOf(view, op.name);
    if (!k) {
        return;
    }
    if (k->columns.size() != 1) {
        fail(QStringLiteral("constraint \"%1\" spans %2 columns; drop it with drop_multicolumn_constraint")
                 .arg(op.name)
                 .arg(k->columns.size()));
        return;
    }
    for (const ViewColumn &c : std::as_const(view->columns)) {
        if (c.physical == k->columns.first()) {
            ColumnChange change;
            change.dropConstraint = op.name;
            change.up = op.up;
            change.down = op.down;
            duplicate(view, c.name, change);
            return;
        }
    }
    fail(QStringLiteral("the column of constraint \"%1\" is dropped by this same migration").arg(op.name));
}

void Planner::add(const DropMultiColumnConstraint &op)
{
    ViewTable *view = table(op.table);
    if (!view) {
        return;
    }
    const ConstraintInfo *k = constraintOf(view, op.name);
    if (!k) {
        return;
    }
    const ConstraintInfo constraint = *k;
    QMap<QString, QString> copies;
    for (const QString &physical : constraint.columns) {
        const auto named = std::find_if(view->columns.cbegin(), view->columns.cend(),
                                        [&](const ViewColumn &c) { return c.physical == physical; });
        if (named == view->columns.cend()) {
            fail(QStringLiteral("column \"%1\" of constraint \"%2\" is dropped by this same migration")
                     .arg(physical, op.name));
            return;
        }
        ColumnChange change;
        change.dropConstraint = op.name;
        change.up = op.up.value(named->name);
        change.down = op.down.value(named->name);
        const QString temp = duplicate(view, named->name, change, constraint.columns);
        if (temp.isEmpty()) {
            return;
        }
        copies.insert(physical, temp);
    }
    carryTogether(view, copies, op.name);
}

void Planner::add(const CreateConstraint &op)
{
    ViewTable *view = table(op.table);
    if (!view) {
        return;
    }
    const TableInfo *info = physicalTableInfo(view);
    if (op.type == QLatin1String("primary_key") && info && !info->primaryKey.isEmpty()) {
        fail(QStringLiteral("table \"%1\" has a primary key already").arg(op.table));
        return;
    }
    QStringList physical; // the columns as they are now: what the operation copies together
    for (const QString &name : op.columns) {
        for (const ViewColumn &c : std::as_const(view->columns)) {
            physical << (c.name == name ? c.physical : QString());
        }
    }
    physical.removeAll(QString());
    QStringList copies;
    QMap<QString, QString> copyOf;
    for (const QString &name : op.columns) {
        ColumnChange change;
        change.up = op.up.value(name);
        change.down = op.down.value(name);
        const ViewColumn *before = column(view, name);
        const QString original = before ? before->physical : QString();
        const QString temp = duplicate(view, name, change, physical);
        if (temp.isEmpty()) {
            return;
        }
        copies << temp;
        copyOf.insert(original, temp);
    }
    carryTogether(view, copyOf, QString());
    const QString tableSql = physicalTable(view);
    if (op.type == QLatin1String("unique") || op.type == QLatin1String("primary_key")) {
        m_steps.afterStart << QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY %1 ON %2 (%3)")
                                  .arg(ident(op.name), tableSql, identList(copies));
        if (op.type == QLatin1String("primary_key")) {
            for (const QString &name : op.columns) {
                m_completeLast
                    << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET NOT NULL").arg(tableSql, ident(name));
            }
        }
        m_completeLast << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3 USING INDEX %2")
                              .arg(tableSql, ident(op.name),
                                   op.type == QLatin1String("unique") ? QStringLiteral("UNIQUE")
                                                                      : QStringLiteral("PRIMARY KEY"));
    } else if (op.type == QLatin1String("check")) {
        addCheckAtComplete(
            view, op.name,
            QStringLiteral("CHECK (%1)%2").arg(op.check, op.noInherit ? QStringLiteral(" NO INHERIT") : QString()));
    } else if (op.type == QLatin1String("foreign_key") && op.references) {
        const TableForeignKeyReference &r = *op.references;
        m_steps.start << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 FOREIGN KEY (%3) REFERENCES %4 (%5) MATCH %6 "
                                        "ON DELETE %7 ON UPDATE %8 NOT VALID")
                             .arg(tableSql, ident(op.name), identList(copies), referencedTable(r.table),
                                  identList(r.columns), r.matchType, r.onDelete, r.onUpdate);
        m_completeLast << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(tableSql, ident(op.name));
    } else {
        fail(QStringLiteral("a %1 constraint needs %2")
                 .arg(op.type, op.type == QLatin1String("check") ? QStringLiteral("its check expression")
                                                                 : QStringLiteral("references")));
    }
}

} // namespace Curtain::Db::Internal
