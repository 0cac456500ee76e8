#include "db/migration.h"

#include "core/inputlimits.h"
#include "core/nesting.h"
#include "db/fieldreader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>

namespace Curtain::Db {

namespace {

using Internal::Fields;
using Internal::json;
using Internal::Problem;

const std::initializer_list<const char *> fkActions = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"};
const std::initializer_list<const char *> fkMatch = {"SIMPLE", "FULL", "PARTIAL"};

CheckConstraint readCheck(const json &value, const QString &path, std::optional<Problem> *problem)
{
    Fields f(value, path, problem);
    f.allow({"name", "constraint", "no_inherit"});
    return {f.identifier("name"), f.string("constraint"), f.boolean("no_inherit")};
}

ForeignKeyReference readReference(const json &value, const QString &path, std::optional<Problem> *problem)
{
    Fields f(value, path, problem);
    f.allow({"name", "table", "column", "match_type", "on_delete", "on_update", "deferrable", "initially_deferred"});
    ForeignKeyReference r;
    r.name = f.identifier("name");
    r.table = f.identifier("table");
    r.column = f.identifier("column");
    r.matchType = f.choice("match_type", fkMatch, r.matchType);
    r.onDelete = f.choice("on_delete", fkActions, r.onDelete);
    r.onUpdate = f.choice("on_update", fkActions, r.onUpdate);
    r.deferrable = f.boolean("deferrable");
    r.initiallyDeferred = f.boolean("initially_deferred");
    return r;
}

TableForeignKeyReference readTableReference(const json &value, const QString &path, std::optional<Problem> *problem)
{
    Fields f(value, path, problem);
    f.allow({"table", "columns", "match_type", "on_delete", "on_update", "on_delete_set_columns"});
    TableForeignKeyReference r;
    r.table = f.identifier("table");
    r.columns = f.strings("columns");
    r.matchType = f.choice("match_type", fkMatch, r.matchType);
    r.onDelete = f.choice("on_delete", fkActions, r.onDelete);
    r.onUpdate = f.choice("on_update", fkActions, r.onUpdate);
    r.onDeleteSetColumns = f.strings("on_delete_set_columns", false);
    return r;
}

Column readColumn(const json &value, const QString &path, std::optional<Problem> *problem)
{
    Fields f(value, path, problem);
    f.allow({"name", "type", "nullable", "pk", "unique", "default", "check", "references", "comment", "generated"});
    Column c;
    c.name = f.identifier("name");
    c.type = f.string("type");
    c.nullable = f.boolean("nullable");
    c.pk = f.boolean("pk");
    c.unique = f.boolean("unique");
    c.defaultValue = f.optionalString("default");
    c.comment = f.optionalString("comment");
    if (const json *check = f.child("check", false)) {
        c.check = readCheck(*check, f.at("check"), problem);
    }
    if (const json *reference = f.child("references", false)) {
        c.references = readReference(*reference, f.at("references"), problem);
    }
    if (const json *generated = f.child("generated", false)) {
        Fields g(*generated, f.at("generated"), problem);
        g.allow({"expression", "identity"});
        c.generatedExpression = g.string("expression", false);
        if (const json *identity = g.child("identity", false)) {
            Fields i(*identity, g.at("identity"), problem);
            i.allow({"sequence_options", "user_specified_values"});
            c.identitySequenceOptions = i.string("sequence_options", false);
            c.identity = i.choice("user_specified_values", {"ALWAYS", "BY DEFAULT"}, QStringLiteral("ALWAYS"));
        }
        if (!c.generatedExpression.isEmpty() && c.identity) {
            g.fail(g.at("identity"), QStringLiteral("cannot be combined with an expression"));
        }
    }
    if (f.ok() && c.type.trimmed().isEmpty()) {
        f.fail(f.at("type"), QStringLiteral("is empty"));
    }
    return c;
}

TableConstraint readTableConstraint(const json &value, const QString &path, std::optional<Problem> *problem)
{
    Fields f(value, path, problem);
    f.allow({"name", "type", "columns", "deferrable", "initially_deferred", "nulls_not_distinct", "no_inherit", "check",
             "references", "exclude", "index_parameters"});
    TableConstraint c;
    c.name = f.identifier("name");
    c.type = f.choice("type", {"unique", "check", "primary_key", "foreign_key", "exclude"}, {});
    c.columns = f.strings("columns", false);
    c.deferrable = f.boolean("deferrable");
    c.initiallyDeferred = f.boolean("initially_deferred");
    c.nullsNotDistinct = f.boolean("nulls_not_distinct");
    c.noInherit = f.boolean("no_inherit");
    c.check = f.string("check", false);
    if (const json *reference = f.child("references", false)) {
        c.references = readTableReference(*reference, f.at("references"), problem);
    }
    if (const json *exclude = f.child("exclude", false)) {
        Fields e(*exclude, f.at("exclude"), problem);
        e.allow({"index_method", "elements", "predicate"});
        c.excludeIndexMethod = e.string("index_method", false);
        c.excludeElements = e.string("elements", false);
        c.excludePredicate = e.string("predicate", false);
    }
    if (const json *parameters = f.child("index_parameters", false)) {
        Fields p(*parameters, f.at("index_parameters"), problem);
        p.allow({"tablespace", "storage_parameters", "include_columns"});
        c.indexTablespace = p.string("tablespace", false);
        c.indexStorageParameters = p.string("storage_parameters", false);
        c.indexIncludeColumns = p.strings("include_columns", false);
    }
    if (f.ok() && c.type == QLatin1String("check") && c.check.trimmed().isEmpty()) {
        f.fail(f.at("check"), QStringLiteral("is missing: a check constraint needs its expression"));
    } else if (f.ok() && c.type == QLatin1String("foreign_key") && !c.references) {
        f.fail(f.at("references"),
               QStringLiteral("is missing: a foreign key needs the table and columns it references"));
    } else if (f.ok() && c.type != QLatin1String("check") && c.type != QLatin1String("exclude") &&
               c.columns.isEmpty()) {
        f.fail(f.at("columns"), QStringLiteral("is missing: a %1 constraint needs its columns").arg(c.type));
    }
    return c;
}

std::optional<Operation> readOperation(const QString &kind, const json &body, const QString &path,
                                       std::optional<Problem> *problem)
{
    Fields f(body, path, problem);
    if (kind == QLatin1String("add_column")) {
        f.allow({"table", "column", "up"});
        AddColumn op{f.identifier("table"), {}, f.string("up", false)};
        if (const json *column = f.child("column", true)) {
            op.column = readColumn(*column, f.at("column"), problem);
        }
        return op;
    }
    if (kind == QLatin1String("alter_column")) {
        f.allow({"table", "column", "name", "type", "nullable", "default", "comment", "check", "unique", "references",
                 "up", "down"});
        AlterColumn op;
        op.table = f.identifier("table");
        op.column = f.identifier("column");
        if (f.has("name")) {
            op.name = f.identifier("name");
        }
        op.type = f.optionalString("type");
        op.nullable = f.optionalBoolean("nullable");
        op.defaultValue = f.nullableString("default");
        op.comment = f.nullableString("comment");
        if (const json *check = f.child("check", false)) {
            op.check = readCheck(*check, f.at("check"), problem);
        }
        if (const json *unique = f.child("unique", false)) {
            Fields u(*unique, f.at("unique"), problem);
            u.allow({"name"});
            op.unique = u.identifier("name");
        }
        if (const json *reference = f.child("references", false)) {
            op.references = readReference(*reference, f.at("references"), problem);
        }
        op.up = f.string("up", false);
        op.down = f.string("down", false);
        if (f.ok() && !op.name && !op.type && !op.nullable && !op.defaultValue && !op.comment && !op.check &&
            !op.unique && !op.references) {
            f.fail(path, QStringLiteral("changes nothing: give at least one of name, type, nullable, default, "
                                        "comment, check, unique or references"));
        }
        return op;
    }
    if (kind == QLatin1String("rename_column")) {
        f.allow({"table", "from", "to"});
        return RenameColumn{f.identifier("table"), f.identifier("from"), f.identifier("to")};
    }
    if (kind == QLatin1String("create_index")) {
        f.allow({"name", "table", "columns", "predicate", "method", "storage_parameters", "unique"});
        CreateIndex op;
        op.name = f.identifier("name");
        op.table = f.identifier("table");
        op.predicate = f.string("predicate", false);
        op.method = f.choice("method", {"btree", "hash", "gist", "spgist", "gin", "brin"}, op.method);
        op.storageParameters = f.string("storage_parameters", false);
        op.unique = f.boolean("unique");
        if (const json *columns = f.child("columns", true)) {
            if (!columns->is_array() || columns->empty()) {
                f.fail(f.at("columns"), QStringLiteral("must be a non-empty list of {column: …}"));
            }
            for (std::size_t i = 0; columns->is_array() && i < columns->size() && f.ok(); ++i) {
                Fields c((*columns)[i], QStringLiteral("%1[%2]").arg(f.at("columns")).arg(i), problem);
                c.allow({"column", "collate", "sort", "nulls", "opclass"});
                IndexField field;
                field.column = c.identifier("column");
                field.collate = c.string("collate", false);
                field.sort = c.has("sort") ? c.choice("sort", {"ASC", "DESC"}, {}) : QString();
                field.nulls = c.has("nulls") ? c.choice("nulls", {"FIRST", "LAST"}, {}) : QString();
                if (const json *opclass = c.child("opclass", false)) {
                    Fields o(*opclass, c.at("opclass"), problem);
                    o.allow({"name", "params"});
                    field.opclass = o.string("name");
                    field.opclassParameters = o.strings("params", false).join(QStringLiteral(", "));
                }
                op.columns << field;
            }
        }
        return op;
    }
    if (kind == QLatin1String("create_table")) {
        f.allow({"name", "columns", "comment", "constraints"});
        CreateTable op;
        op.name = f.identifier("name");
        op.comment = f.optionalString("comment");
        if (const json *columns = f.child("columns", true)) {
            if (!columns->is_array() || columns->empty()) {
                f.fail(f.at("columns"), QStringLiteral("must be a non-empty list of columns"));
            }
            for (std::size_t i = 0; columns->is_array() && i < columns->size() && f.ok(); ++i) {
                op.columns << readColumn((*columns)[i], QStringLiteral("%1[%2]").arg(f.at("columns")).arg(i), problem);
            }
        }
        if (const json *constraints = f.child("constraints", false)) {
            if (!constraints->is_array()) {
                f.fail(f.at("constraints"),
                       QStringLiteral("is %1, expected a list").arg(Fields::typeName(*constraints)));
            }
            for (std::size_t i = 0; constraints->is_array() && i < constraints->size() && f.ok(); ++i) {
                op.constraints << readTableConstraint(
                    (*constraints)[i], QStringLiteral("%1[%2]").arg(f.at("constraints")).arg(i), problem);
            }
        }
        return op;
    }
    if (kind == QLatin1String("drop_column")) {
        f.allow({"table", "column", "down"});
        return DropColumn{f.identifier("table"), f.identifier("column"), f.string("down", false)};
    }
    if (kind == QLatin1String("drop_constraint")) {
        f.allow({"table", "name", "up", "down"});
        return DropConstraint{f.identifier("table"), f.identifier("name"), f.string("up"), f.string("down")};
    }
    if (kind == QLatin1String("drop_multicolumn_constraint")) {
        f.allow({"table", "name", "up", "down"});
        DropMultiColumnConstraint op{f.identifier("table"), f.identifier("name"), {}, {}};
        op.up = f.expressions("up", false);
        op.down = f.expressions("down", true);
        return op;
    }
    if (kind == QLatin1String("rename_constraint")) {
        f.allow({"table", "from", "to"});
        return RenameConstraint{f.identifier("table"), f.identifier("from"), f.identifier("to")};
    }
    if (kind == QLatin1String("drop_index")) {
        f.allow({"name"});
        return DropIndex{f.identifier("name")};
    }
    if (kind == QLatin1String("drop_table")) {
        f.allow({"name"});
        return DropTable{f.identifier("name")};
    }
    if (kind == QLatin1String("sql")) {
        f.allow({"up", "down", "onComplete"});
        RawSql op{f.string("up"), f.string("down", false), f.boolean("onComplete")};
        if (f.ok() && op.up.trimmed().isEmpty()) {
            f.fail(f.at("up"), QStringLiteral("is empty"));
        }
        if (f.ok() && op.onComplete && !op.down.isEmpty()) {
            f.fail(f.at("down"),
                   QStringLiteral("cannot be combined with onComplete: SQL run at complete is not undone"));
        }
        return op;
    }
    if (kind == QLatin1String("rename_table")) {
        f.allow({"from", "to"});
        return RenameTable{f.identifier("from"), f.identifier("to")};
    }
    if (kind == QLatin1String("set_replica_identity")) {
        f.allow({"table", "identity"});
        SetReplicaIdentity op{f.identifier("table"), {}, {}};
        if (const json *identity = f.child("identity", true)) {
            Fields i(*identity, f.at("identity"), problem);
            i.allow({"type", "index"});
            op.type = i.choice("type", {"default", "nothing", "full", "index"}, {}).toLower();
            op.index = i.string("index", op.type == QLatin1String("index"));
        }
        return op;
    }
    if (kind == QLatin1String("create_constraint")) {
        f.allow({"table", "name", "type", "columns", "check", "no_inherit", "references", "index_parameters", "up",
                 "down"});
        CreateConstraint op;
        op.table = f.identifier("table");
        op.name = f.identifier("name");
        op.type = f.choice("type", {"unique", "check", "foreign_key", "primary_key"}, {});
        op.columns = f.strings("columns", false);
        op.check = f.string("check", false);
        op.noInherit = f.boolean("no_inherit");
        if (const json *reference = f.child("references", false)) {
            op.references = readTableReference(*reference, f.at("references"), problem);
        }
        op.up = f.expressions("up", true);
        op.down = f.expressions("down", true);
        if (f.ok() && op.columns.isEmpty()) {
            f.fail(f.at("columns"), QStringLiteral("is missing: the constraint's columns"));
        }
        return op;
    }
    f.fail(path, QStringLiteral("is not an operation Curtain knows; expected one of add_column, alter_column, "
                                "rename_column, create_index, create_table, drop_column, drop_constraint, "
                                "drop_multicolumn_constraint, rename_constraint, drop_index, drop_table, sql, "
                                "rename_table, set_replica_identity, create_constraint"));
    return std::nullopt;
}

} // namespace

Core::Result<Migration> parseMigration(const QByteArray &jsonText, const QString &origin, const QString &fallbackName)
{
    const auto refuse = [&origin](const QString &text) {
        return Core::makeError(Core::ErrorKind::InvalidInput, QStringLiteral("%1: %2").arg(origin, text));
    };
    const json document = json::parse(jsonText.constBegin(), jsonText.constEnd(), nullptr, false);
    if (document.is_discarded()) {
        return refuse(QStringLiteral("not valid JSON or YAML"));
    }
    if (Core::nestedDeeperThan(document, Core::Limits::maxJsonDepth)) {
        return refuse(QStringLiteral("nests deeper than %1 levels").arg(Core::Limits::maxJsonDepth));
    }
    std::optional<Problem> problem;
    Fields top(document, QStringLiteral("migration"), &problem);
    top.allow({"name", "version_schema", "operations"});
    Migration migration;
    migration.name = top.has("name") ? top.identifier("name") : fallbackName;
    migration.versionSchema = top.identifier("version_schema", false);
    const json *operations = top.child("operations", true);
    if (operations && !operations->is_array()) {
        top.fail(top.at("operations"), QStringLiteral("is %1, expected a list").arg(Fields::typeName(*operations)));
    }
    for (std::size_t i = 0; operations && operations->is_array() && i < operations->size() && !problem; ++i) {
        const json &item = (*operations)[i];
        const QString path = QStringLiteral("operations[%1]").arg(i);
        if (!item.is_object() || item.size() != 1) {
            problem = Problem{path, QStringLiteral("must be a map with exactly one operation, e.g. {add_column: {…}}")};
            break;
        }
        const QString kind = QString::fromStdString(item.begin().key());
        if (auto op = readOperation(kind, item.begin().value(), path + QLatin1Char('.') + kind, &problem)) {
            migration.operations << *op;
        }
    }
    if (!problem && migration.operations.isEmpty()) {
        problem = Problem{QStringLiteral("operations"), QStringLiteral("is empty: a migration needs an operation")};
    }
    if (!problem && migration.schemaName().isEmpty()) {
        problem = Problem{QStringLiteral("name"), QStringLiteral("is missing: name the file or give version_schema")};
    }
    if (!problem && migration.schemaName().toUtf8().size() > 63) {
        problem = Problem{migration.versionSchema.isEmpty() ? QStringLiteral("name") : QStringLiteral("version_schema"),
                          QStringLiteral("\"%1\" is longer than PostgreSQL's 63 bytes for a schema name; give a "
                                         "shorter version_schema")
                              .arg(migration.schemaName())};
    }
    if (!problem) {
        const auto raw =
            std::find_if(migration.operations.cbegin(), migration.operations.cend(), [](const Operation &op) {
                return std::holds_alternative<RawSql>(op) && !std::get<RawSql>(op).onComplete;
            });
        if (raw != migration.operations.cend() && migration.operations.size() > 1) {
            problem = Problem{QStringLiteral("operations"),
                              QStringLiteral("mix raw SQL with other operations; raw SQL must be alone in its "
                                             "migration, unless it has onComplete: true")};
        }
    }
    if (problem) {
        return refuse(QStringLiteral("%1 %2").arg(problem->path, problem->text));
    }
    migration.json = QByteArray::fromStdString(document.dump());
    return migration;
}

QString operationName(const Operation &operation)
{
    static const char *const names[] = {
        "add_column",        "alter_column",         "rename_column",    "create_index",
        "create_table",      "drop_column",          "drop_constraint",  "drop_multicolumn_constraint",
        "rename_constraint", "drop_index",           "drop_table",       "sql",
        "rename_table",      "set_replica_identity", "create_constraint"};
    static_assert(std::size(names) == std::variant_size_v<Operation>);
    return QString::fromLatin1(names[operation.index()]);
}

QString operationTable(const Operation &operation)
{
    return std::visit(
        [](const auto &op) -> QString {
            using T = std::decay_t<decltype(op)>;
            if constexpr (std::is_same_v<T, CreateTable> || std::is_same_v<T, DropTable>) {
                return op.name;
            } else if constexpr (std::is_same_v<T, RenameTable>) {
                return op.from;
            } else if constexpr (std::is_same_v<T, RawSql> || std::is_same_v<T, DropIndex>) {
                return {};
            } else {
                return op.table;
            }
        },
        operation);
}

} // namespace Curtain::Db
