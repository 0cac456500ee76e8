// The linter's rules: what each kind of statement does to the version still serving, and the
// expand/contract way to write it. Names follow squawk's where it has the same check.

#include "db/lintcontext.h"

namespace Curtain::Db {

using namespace Internal;

namespace {

namespace Rule {
const QString DropColumn = QStringLiteral("ban-drop-column");
const QString DropTable = QStringLiteral("ban-drop-table");
const QString DropDatabase = QStringLiteral("ban-drop-database");
const QString DropNotNull = QStringLiteral("ban-drop-not-null");
const QString RenameColumn = QStringLiteral("renaming-column");
const QString RenameTable = QStringLiteral("renaming-table");
const QString ChangeType = QStringLiteral("changing-column-type");
const QString SetNotNull = QStringLiteral("adding-not-nullable-field");
const QString RequiredField = QStringLiteral("adding-required-field");
const QString VolatileDefault = QStringLiteral("adding-field-with-default");
const QString IndexCreate = QStringLiteral("require-concurrent-index-creation");
const QString IndexDrop = QStringLiteral("require-concurrent-index-deletion");
const QString ConcurrentInTransaction = QStringLiteral("ban-concurrent-index-creation-in-transaction");
const QString NotValid = QStringLiteral("constraint-missing-not-valid");
const QString ForeignKey = QStringLiteral("adding-foreign-key-constraint");
const QString Unique = QStringLiteral("disallowed-unique-constraint");
const QString Nesting = QStringLiteral("transaction-nesting");
} // namespace Rule

QString quoted(const QString &name)
{
    return QLatin1Char('"') + name + QLatin1Char('"');
}

QString pgroll(const json &operation)
{
    return QString::fromStdString(operation.dump());
}

std::string utf8(const QString &text)
{
    return text.toStdString();
}

// Functions PostgreSQL marks VOLATILE that are common as defaults: each row gets its own value, so
// adding a column with one rewrites the table under ACCESS EXCLUSIVE.
bool knownVolatile(const QString &function)
{
    static const QSet<QString> names{QStringLiteral("random"),           QStringLiteral("gen_random_uuid"),
                                     QStringLiteral("uuid_generate_v1"), QStringLiteral("uuid_generate_v1mc"),
                                     QStringLiteral("uuid_generate_v4"), QStringLiteral("clock_timestamp"),
                                     QStringLiteral("timeofday"),        QStringLiteral("nextval"),
                                     QStringLiteral("txid_current"),     QStringLiteral("pg_current_xact_id"),
                                     QStringLiteral("random_normal"),    QStringLiteral("setval")};
    return names.contains(function);
}

// STABLE or IMMUTABLE functions often used as defaults: the value is computed once, and PostgreSQL
// (11 and later) stores it in the catalog without touching the rows.
bool knownNotVolatile(const QString &function)
{
    static const QSet<QString> names{QStringLiteral("now"),
                                     QStringLiteral("transaction_timestamp"),
                                     QStringLiteral("statement_timestamp"),
                                     QStringLiteral("lower"),
                                     QStringLiteral("upper"),
                                     QStringLiteral("length"),
                                     QStringLiteral("concat"),
                                     QStringLiteral("to_char"),
                                     QStringLiteral("to_timestamp"),
                                     QStringLiteral("to_date"),
                                     QStringLiteral("date_trunc"),
                                     QStringLiteral("make_interval"),
                                     QStringLiteral("timezone"),
                                     QStringLiteral("json_build_object"),
                                     QStringLiteral("jsonb_build_object"),
                                     QStringLiteral("json_build_array"),
                                     QStringLiteral("jsonb_build_array"),
                                     QStringLiteral("array_fill"),
                                     QStringLiteral("current_setting"),
                                     QStringLiteral("abs"),
                                     QStringLiteral("round")};
    return names.contains(function);
}

// The first function call in an expression whose volatility makes a default rewrite the table (or may),
// with whether that is certain.
QString volatileCall(const json &node, bool *certain)
{
    if (node.is_array()) {
        for (const json &item : node) {
            if (QString call = volatileCall(item, certain); !call.isEmpty()) {
                return call;
            }
        }
        return {};
    }
    if (!node.is_object()) {
        return {};
    }
    if (const json *call = member(node, "FuncCall")) {
        const QString name = dottedNames(list(*call, "funcname")).section(QLatin1Char('.'), -1).toLower();
        if (knownVolatile(name) || !knownNotVolatile(name)) {
            *certain = knownVolatile(name);
            return name;
        }
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (QString call = volatileCall(it.value(), certain); !call.isEmpty()) {
            return call;
        }
    }
    return {};
}

bool isSerial(const QString &type)
{
    static const QSet<QString> serials{QStringLiteral("serial"),      QStringLiteral("serial4"),
                                       QStringLiteral("bigserial"),   QStringLiteral("serial8"),
                                       QStringLiteral("smallserial"), QStringLiteral("serial2")};
    return serials.contains(type.toLower());
}

bool inTransaction(const LintContext &context)
{
    return context.transactionDepth > 0 || context.options.inTransaction;
}

// SET lock_timeout = '2s' (and SET LOCAL): on when set to anything but 0.
void setTimeout(LintContext &context, const json &set)
{
    const QString name = text(set, "name");
    bool *timeout = name == QLatin1String("lock_timeout")        ? &context.lockTimeoutSet
                    : name == QLatin1String("statement_timeout") ? &context.statementTimeoutSet
                                                                 : nullptr;
    if (!timeout) {
        return;
    }
    bool on = false;
    if (text(set, "kind") == QLatin1String("VAR_SET_VALUE")) {
        for (const json &arg : list(set, "args")) {
            const json *constant = member(arg, "A_Const");
            const json *ival = constant ? member(*constant, "ival") : nullptr;
            const json *sval = constant ? member(*constant, "sval") : nullptr;
            const json *number = ival ? member(*ival, "ival") : nullptr;
            if (number) {
                on = number->is_number() && number->get<double>() != 0;
            } else if (sval) {
                // '2s', '500ms', '0': on unless its number is 0
                const QString value = text(*sval, "sval").trimmed();
                qsizetype digits = 0;
                while (digits < value.size() && (value.at(digits).isDigit() || value.at(digits) == QLatin1Char('.'))) {
                    ++digits;
                }
                bool parsed = false;
                const double amount = value.left(digits).toDouble(&parsed);
                on = !parsed || amount != 0;
            } else if (ival) {
                on = false; // {"ival": {}} is 0
            }
        }
    }
    *timeout = on;
}

void checkTransaction(LintContext &context, const json &transaction)
{
    const QString kind = text(transaction, "kind");
    if (kind == QLatin1String("TRANS_STMT_BEGIN") || kind == QLatin1String("TRANS_STMT_START")) {
        if (inTransaction(context)) {
            context.add(Rule::Nesting, LintRisk::Fails,
                        QStringLiteral("BEGIN inside a transaction that is already open (%1): PostgreSQL ignores it "
                                       "with a warning, and the next COMMIT ends the outer transaction early, so "
                                       "what follows runs outside it")
                            .arg(context.transactionDepth > 0
                                     ? QStringLiteral("an earlier BEGIN in this file")
                                     : QStringLiteral("the tool that runs the file opens one")),
                        QStringLiteral("remove the BEGIN/COMMIT from the file and let the migration tool own the "
                                       "transaction, or turn the tool's transaction off for this file"));
        }
        ++context.transactionDepth;
    } else if (kind == QLatin1String("TRANS_STMT_COMMIT") || kind == QLatin1String("TRANS_STMT_ROLLBACK")) {
        if (context.transactionDepth == 0 && context.options.inTransaction) {
            context.add(Rule::Nesting, LintRisk::Fails,
                        QStringLiteral("COMMIT/ROLLBACK ends the transaction the migration tool opened: the "
                                       "statements after it run outside it, and the tool's own COMMIT warns"),
                        QStringLiteral("remove it; the tool commits the file as a whole"));
        }
        context.transactionDepth = qMax(0, context.transactionDepth - 1);
    }
}

void checkIndex(LintContext &context, const json &index)
{
    const json *relation = member(index, "relation");
    const QString table = relation ? relationName(*relation) : QString();
    const QString name = text(index, "idxname");
    const bool concurrent = flag(index, "concurrent");
    if (concurrent && inTransaction(context)) {
        context.add(Rule::ConcurrentInTransaction, LintRisk::Fails,
                    QStringLiteral("CREATE INDEX CONCURRENTLY cannot run inside a transaction block: the file "
                                   "fails here, and everything before it in the transaction is rolled back"),
                    QStringLiteral("put the CREATE INDEX CONCURRENTLY in a file (or step) of its own that runs "
                                   "outside a transaction, or use pgroll's create_index, which Curtain builds "
                                   "concurrently after start's transaction"));
        return;
    }
    if (concurrent || context.isNew(table)) {
        return;
    }
    context.takesLock(table);
    QStringList columns;
    for (const json &element : list(index, "indexParams")) {
        if (const json *field = member(element, "IndexElem")) {
            columns << text(*field, "name");
        }
    }
    json operation = {
        {"create_index",
         {{"table", utf8(table)}, {"name", utf8(name.isEmpty() ? table + QStringLiteral("_idx") : name)}}}};
    json fields = json::array();
    for (const QString &column : columns) {
        if (!column.isEmpty()) {
            fields.push_back(utf8(column));
        }
    }
    operation["create_index"]["columns"] = fields;
    if (flag(index, "unique")) {
        operation["create_index"]["unique"] = true;
    }
    context.add(Rule::IndexCreate, LintRisk::Locks,
                QStringLiteral("CREATE INDEX without CONCURRENTLY blocks every write to %1 (SHARE lock) for as "
                               "long as the index takes to build; the serving version's inserts and updates wait")
                    .arg(table),
                QStringLiteral("CREATE INDEX CONCURRENTLY, outside a transaction (it builds while writes go on)"),
                pgroll(operation));
}

void checkDrop(LintContext &context, const json &drop)
{
    const QString type = text(drop, "removeType");
    for (const json &object : list(drop, "objects")) {
        const json *names = member(object, "List");
        const QString name = names ? dottedNames(list(*names, "items")) : QString();
        if (type == QLatin1String("OBJECT_TABLE") && !context.isNew(name)) {
            context.takesLock(name);
            context.add(Rule::DropTable, LintRisk::Breaks,
                        QStringLiteral("drops table %1 while the previous version may still read and write it: "
                                       "each of its statements on %1 fails from the moment this commits")
                            .arg(name),
                        QStringLiteral("contract, not expand: drop it in a later migration, after no serving "
                                       "version uses it (Curtain's gate refuses the contract until then)"),
                        pgroll({{"drop_table", {{"name", utf8(name)}}}}));
        } else if (type == QLatin1String("OBJECT_INDEX")) {
            if (flag(drop, "concurrent") && inTransaction(context)) {
                context.add(Rule::ConcurrentInTransaction, LintRisk::Fails,
                            QStringLiteral("DROP INDEX CONCURRENTLY cannot run inside a transaction block: the file "
                                           "fails here"),
                            QStringLiteral("run it in a file (or step) of its own, outside a transaction"));
            } else if (!flag(drop, "concurrent")) {
                context.takesLock(name);
                context.add(Rule::IndexDrop, LintRisk::Locks,
                            QStringLiteral("DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the "
                                           "index's table: every query on it waits, reads included"),
                            QStringLiteral("DROP INDEX CONCURRENTLY %1, outside a transaction").arg(name),
                            pgroll({{"drop_index", {{"name", utf8(name)}}}}));
            }
        }
    }
}

void checkRename(LintContext &context, const json &rename)
{
    const QString type = text(rename, "renameType");
    const json *relation = member(rename, "relation");
    const QString table = relation ? relationName(*relation) : QString();
    if (table.isEmpty() || context.isNew(table)) {
        return;
    }
    if (type == QLatin1String("OBJECT_COLUMN")) {
        const QString from = text(rename, "subname");
        const QString to = text(rename, "newname");
        context.takesLock(table);
        context.add(Rule::RenameColumn, LintRisk::Breaks,
                    QStringLiteral("renames %1.%2 to %3: the previous version still reads and writes %4, and each "
                                   "of its statements that names it fails from the moment this commits")
                        .arg(table, from, to, quoted(from)),
                    QStringLiteral("expand/contract: the new version sees %1 through its version schema while the "
                                   "previous one keeps %2; the column is renamed only at contract")
                        .arg(quoted(to), quoted(from)),
                    pgroll({{"rename_column", {{"table", utf8(table)}, {"from", utf8(from)}, {"to", utf8(to)}}}}));
    } else if (type == QLatin1String("OBJECT_TABLE")) {
        const QString to = text(rename, "newname");
        context.takesLock(table);
        context.add(Rule::RenameTable, LintRisk::Breaks,
                    QStringLiteral("renames table %1 to %2: every statement of the previous version on %1 fails "
                                   "from the moment this commits")
                        .arg(table, to),
                    QStringLiteral("expand/contract: each version sees its own name through its version schema; "
                                   "the table is renamed for good at contract"),
                    pgroll({{"rename_table", {{"from", utf8(table)}, {"to", utf8(to)}}}}));
    }
}

void checkAddColumn(LintContext &context, const QString &table, const json &column)
{
    const QString name = text(column, "colname");
    const json *typeName = member(column, "typeName");
    const QString type = typeName ? typeText(*typeName) : QString();
    bool notNull = false;
    const json *defaultExpression = nullptr;
    for (const json &item : list(column, "constraints")) {
        const json *constraint = member(item, "Constraint");
        const QString kind = constraint ? text(*constraint, "contype") : QString();
        if (kind == QLatin1String("CONSTR_NOTNULL")) {
            notNull = true;
        } else if (kind == QLatin1String("CONSTR_DEFAULT")) {
            defaultExpression = member(*constraint, "raw_expr");
        } else if (kind == QLatin1String("CONSTR_PRIMARY") || kind == QLatin1String("CONSTR_UNIQUE")) {
            context.add(Rule::Unique, LintRisk::Locks,
                        QStringLiteral("adds %1.%2 with a %3 constraint: its index is built while the table is "
                                       "locked (ACCESS EXCLUSIVE), and every query on %1 waits until it is done")
                            .arg(table, name,
                                 kind == QLatin1String("CONSTR_PRIMARY") ? QStringLiteral("PRIMARY KEY")
                                                                         : QStringLiteral("UNIQUE")),
                        QStringLiteral("add the column without it; CREATE UNIQUE INDEX CONCURRENTLY; then ALTER "
                                       "TABLE %1 ADD CONSTRAINT … UNIQUE USING INDEX …, which only takes a "
                                       "brief lock")
                            .arg(table));
        } else if (kind == QLatin1String("CONSTR_FOREIGN") && !flag(*constraint, "skip_validation")) {
            context.add(Rule::ForeignKey, LintRisk::Locks,
                        QStringLiteral("adds %1.%2 with a foreign key: it is validated while both tables are "
                                       "locked against writes")
                            .arg(table, name),
                        QStringLiteral("add the column, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE "
                                       "CONSTRAINT in its own transaction"));
        }
    }
    if (isSerial(type)) {
        context.add(Rule::VolatileDefault, LintRisk::Locks,
                    QStringLiteral("adds %1.%2 as %3: each existing row gets its own nextval(), so the whole "
                                   "table is rewritten under an ACCESS EXCLUSIVE lock")
                        .arg(table, name, type),
                    QStringLiteral("add a plain bigint column (or GENERATED BY DEFAULT AS IDENTITY on a new "
                                   "table), fill existing rows in batches, then attach the default"));
    } else if (defaultExpression) {
        bool certain = false;
        const QString call = volatileCall(*defaultExpression, &certain);
        if (!call.isEmpty()) {
            context.add(Rule::VolatileDefault, LintRisk::Locks,
                        QStringLiteral("adds %1.%2 with DEFAULT %3(): %4 the whole table is rewritten under an "
                                       "ACCESS EXCLUSIVE lock, and every query on %1 waits")
                            .arg(table, name, call,
                                 certain
                                     ? QStringLiteral("%1() is volatile, so each row gets its own value and").arg(call)
                                     : QStringLiteral("if %1() is VOLATILE (see pg_proc.provolatile),").arg(call)),
                        QStringLiteral("add the column without the default, SET DEFAULT in a second statement (new "
                                       "rows only), and fill existing rows in batches"),
                        pgroll({{"add_column",
                                 {{"table", utf8(table)},
                                  {"column", {{"name", utf8(name)}, {"type", utf8(type)}, {"nullable", !notNull}}},
                                  {"up", utf8(call + QStringLiteral("()"))}}}}));
        }
    }
    if (notNull && !defaultExpression) {
        context.add(Rule::RequiredField, LintRisk::Breaks,
                    QStringLiteral("adds %1.%2 NOT NULL without a default: it fails on a table with rows, and once "
                                   "it is there every INSERT of the previous version, which does not name %3, fails")
                        .arg(table, name, quoted(name)),
                    QStringLiteral("expand/contract: add it nullable (or with a constant default), fill it for the "
                                   "previous version's writes with an up expression, and make it NOT NULL at "
                                   "contract"),
                    pgroll({{"add_column",
                             {{"table", utf8(table)},
                              {"column", {{"name", utf8(name)}, {"type", utf8(type)}, {"nullable", false}}},
                              {"up", "<value for rows the previous version writes>"}}}}));
    }
}

void checkAddConstraint(LintContext &context, const QString &table, const json &constraint)
{
    const QString kind = text(constraint, "contype");
    const QString name = text(constraint, "conname");
    const bool notValid = flag(constraint, "skip_validation");
    if (kind == QLatin1String("CONSTR_CHECK") && !notValid) {
        context.add(Rule::NotValid, LintRisk::Locks,
                    QStringLiteral("adds CHECK constraint %1 on %2 and validates it at once: every row is read while "
                                   "the table is locked (ACCESS EXCLUSIVE)")
                        .arg(name.isEmpty() ? QStringLiteral("(unnamed)") : name, table),
                    QStringLiteral("ADD CONSTRAINT … NOT VALID (instant; new rows are checked), then VALIDATE "
                                   "CONSTRAINT %1 in a separate transaction (it lets reads and writes go on)")
                        .arg(name.isEmpty() ? QStringLiteral("…") : name));
    } else if (kind == QLatin1String("CONSTR_FOREIGN") && !notValid) {
        context.add(Rule::ForeignKey, LintRisk::Locks,
                    QStringLiteral("adds foreign key %1 on %2 and validates it at once: both tables are locked "
                                   "against writes while every row is checked")
                        .arg(name.isEmpty() ? QStringLiteral("(unnamed)") : name, table),
                    QStringLiteral("ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a separate "
                                   "transaction"));
    } else if ((kind == QLatin1String("CONSTR_UNIQUE") || kind == QLatin1String("CONSTR_PRIMARY")) &&
               text(constraint, "indexname").isEmpty()) {
        context.add(
            Rule::Unique, LintRisk::Locks,
            QStringLiteral("adds a %1 constraint on %2: its index is built while the table is locked "
                           "(ACCESS EXCLUSIVE), which on a big table stops the serving version for minutes")
                .arg(kind == QLatin1String("CONSTR_PRIMARY") ? QStringLiteral("PRIMARY KEY") : QStringLiteral("UNIQUE"),
                     table),
            QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY first (outside a transaction), then ADD "
                           "CONSTRAINT … %1 USING INDEX …, which takes the lock only briefly")
                .arg(kind == QLatin1String("CONSTR_PRIMARY") ? QStringLiteral("PRIMARY KEY")
                                                             : QStringLiteral("UNIQUE")));
    }
}

void checkAlterTable(LintContext &context, const json &alter)
{
    const json *relation = member(alter, "relation");
    const QString table = relation ? relationName(*relation) : QString();
    if (text(alter, "objtype") != QLatin1String("OBJECT_TABLE") || table.isEmpty() || context.isNew(table)) {
        return;
    }
    context.takesLock(table);
    for (const json &item : list(alter, "cmds")) {
        const json *command = member(item, "AlterTableCmd");
        if (!command) {
            continue;
        }
        const QString subtype = text(*command, "subtype");
        const QString column = text(*command, "name");
        const json *definition = member(*command, "def");
        if (subtype == QLatin1String("AT_AddColumn")) {
            if (const json *columnDef = definition ? member(*definition, "ColumnDef") : nullptr) {
                checkAddColumn(context, table, *columnDef);
            }
        } else if (subtype == QLatin1String("AT_AddConstraint")) {
            if (const json *constraint = definition ? member(*definition, "Constraint") : nullptr) {
                checkAddConstraint(context, table, *constraint);
            }
        } else if (subtype == QLatin1String("AT_DropColumn")) {
            context.add(Rule::DropColumn, LintRisk::Breaks,
                        QStringLiteral("drops %1.%2 while the previous version may still read or write it: each of "
                                       "its statements that names %3 fails from the moment this commits")
                            .arg(table, column, quoted(column)),
                        QStringLiteral("expand/contract: the new version stops seeing it at expand, and the column "
                                       "is dropped at contract, once no serving version uses it"),
                        pgroll({{"drop_column", {{"table", utf8(table)}, {"column", utf8(column)}}}}));
        } else if (subtype == QLatin1String("AT_AlterColumnType")) {
            const json *columnDef = definition ? member(*definition, "ColumnDef") : nullptr;
            const json *typeName = columnDef ? member(*columnDef, "typeName") : nullptr;
            const QString type = typeName ? typeText(*typeName) : QString();
            context.add(Rule::ChangeType, LintRisk::Breaks,
                        QStringLiteral("changes the type of %1.%2 to %3: the table is rewritten under an ACCESS "
                                       "EXCLUSIVE lock, and the previous version gets values of a type it does not "
                                       "expect")
                            .arg(table, column, type),
                        QStringLiteral("expand/contract: a new column of the new type beside the old one, kept in "
                                       "step by up/down triggers and backfilled in batches; each version reads its "
                                       "own (fill in `down` with the cast back to the old type)"),
                        pgroll({{"alter_column",
                                 {{"table", utf8(table)},
                                  {"column", utf8(column)},
                                  {"type", utf8(type)},
                                  {"up", utf8(QStringLiteral("CAST(%1 AS %2)").arg(column, type))},
                                  {"down", utf8(QStringLiteral("CAST(%1 AS <previous type>)").arg(column))}}}}));
        } else if (subtype == QLatin1String("AT_SetNotNull")) {
            context.add(Rule::SetNotNull, LintRisk::Locks,
                        QStringLiteral("SET NOT NULL on %1.%2 reads every row under an ACCESS EXCLUSIVE lock, and "
                                       "then the previous version's writes that leave %3 empty fail")
                            .arg(table, column, quoted(column)),
                        QStringLiteral("expand/contract: ADD CONSTRAINT … CHECK (%1 IS NOT NULL) NOT VALID, fill "
                                       "the gaps with an up expression, VALIDATE it, and SET NOT NULL at contract "
                                       "(PostgreSQL 12+ then skips the scan)")
                            .arg(column),
                        pgroll({{"alter_column",
                                 {{"table", utf8(table)},
                                  {"column", utf8(column)},
                                  {"nullable", false},
                                  {"up", utf8(QStringLiteral("COALESCE(%1, <value for empty rows>)").arg(column))}}}}));
        } else if (subtype == QLatin1String("AT_DropNotNull")) {
            context.add(
                Rule::DropNotNull, LintRisk::Breaks,
                QStringLiteral("DROP NOT NULL on %1.%2: the previous version may read NULLs it was "
                               "written never to see")
                    .arg(table, column),
                QStringLiteral("expand/contract: the new version gets a nullable copy of the column, with a "
                               "down expression that fills it for the previous version"),
                pgroll({{"alter_column",
                         {{"table", utf8(table)},
                          {"column", utf8(column)},
                          {"nullable", true},
                          {"down",
                           utf8(QStringLiteral("COALESCE(%1, <value the previous version expects>)").arg(column))}}}}));
        }
    }
}

} // namespace

QStringList lintRuleNames()
{
    return {Rule::DropColumn,
            Rule::DropTable,
            Rule::DropDatabase,
            Rule::DropNotNull,
            Rule::RenameColumn,
            Rule::RenameTable,
            Rule::ChangeType,
            Rule::SetNotNull,
            Rule::RequiredField,
            Rule::VolatileDefault,
            Rule::IndexCreate,
            Rule::IndexDrop,
            Rule::ConcurrentInTransaction,
            Rule::NotValid,
            Rule::ForeignKey,
            Rule::Unique,
            Rule::Nesting,
            QStringLiteral("require-timeout-settings"),
            QStringLiteral("raw-sql-without-down")};
}

void Internal::checkStatement(LintContext &context, const Statement &statement)
{
    const json &node = *statement.node;
    if (statement.kind == QLatin1String("TransactionStmt")) {
        checkTransaction(context, node);
    } else if (statement.kind == QLatin1String("VariableSetStmt")) {
        setTimeout(context, node);
    } else if (statement.kind == QLatin1String("CreateStmt")) {
        if (const json *relation = member(node, "relation")) {
            context.created(relationName(*relation));
        }
    } else if (statement.kind == QLatin1String("IndexStmt")) {
        checkIndex(context, node);
    } else if (statement.kind == QLatin1String("DropStmt")) {
        checkDrop(context, node);
    } else if (statement.kind == QLatin1String("RenameStmt")) {
        checkRename(context, node);
    } else if (statement.kind == QLatin1String("AlterTableStmt")) {
        checkAlterTable(context, node);
    } else if (statement.kind == QLatin1String("DropdbStmt")) {
        context.add(Rule::DropDatabase, LintRisk::Breaks,
                    QStringLiteral("drops database %1, and every version that serves from it with it")
                        .arg(text(node, "dbname")),
                    QStringLiteral("not in a migration: a database is removed by hand, once nothing uses it"));
    }
}

} // namespace Curtain::Db
