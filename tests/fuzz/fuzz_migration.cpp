// Migration files (pgroll's format, YAML or JSON) as `curtainctl migration` and the console read
// them: a migration or the operation and field at fault, never a crash. What parses is planned
// against a small schema, as start would plan it, without a database.

#include "db/migrationplan.h"
#include "engine/migrationfile.h"

#include <cstddef>
#include <cstdint>

using namespace Curtain;

namespace {

Db::SchemaInfo sampleSchema()
{
    Db::SchemaInfo tables;
    Db::TableInfo orders;
    orders.name = QStringLiteral("orders");
    orders.primaryKey = {QStringLiteral("id")};
    orders.replicaIdentity = QStringLiteral("d");
    orders.columns = {
        {QStringLiteral("id"),
         QStringLiteral("integer"),
         true,
         {},
         true,
         false,
         {QStringLiteral("orders_pkey")},
         {QStringLiteral("orders_pkey")},
         {}},
        {QStringLiteral("customer"), QStringLiteral("text"), true, {}, false, false, {}, {}, {}},
        {QStringLiteral("total"), QStringLiteral("numeric"), false, QStringLiteral("0"), false, false, {}, {}, {}}};
    tables.insert(orders.name, orders);
    return tables;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto migration = Engine::parseMigrationText(text, QStringLiteral("m.yaml"), QStringLiteral("m"));
    if (!migration.ok()) {
        return 0;
    }
    // The state table keeps the file as JSON; it must read back as the same migration.
    const auto again = Db::parseMigration(migration.value().json, QStringLiteral("state"), QStringLiteral("m"));
    if (!again.ok() || again.value().json != migration.value().json ||
        again.value().operations.size() != migration.value().operations.size()) {
        __builtin_trap();
    }
    static const Db::SchemaInfo schema = sampleSchema();
    if (const auto steps =
            Db::planMigration(migration.value(), QStringLiteral("public"), QStringLiteral("curtain"), schema);
        steps.ok()) {
        (void)Db::versionSchemaSql(migration.value().schemaName(), QStringLiteral("public"), steps.value().views);
    }
    return 0;
}
