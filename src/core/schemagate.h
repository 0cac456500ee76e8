#pragma once

#include "core/release.h"
#include "core/result.h"

#include <optional>

// The schema gate: during blue-green both colors run against one database, so no traffic may reach a
// color whose schema version does not exist (not yet expanded, or already contracted — the trap an
// instant rollback walks into), and no contract or abort may drop a version a color still uses.
namespace Curtain::Core {

struct TargetState;

// A schema migration step on a release's database, through the gate.
struct SchemaRequest
{
    enum Step { Expand, Contract, Abort };
    Step step = Expand;
    QString release;
    QByteArray migrationText; // Expand: the migration file (YAML or JSON)
    QString migrationFile;    // Expand: its path, which names it in errors and, without a name, the migration
    int soakSeconds = defaultSoakSeconds; // Contract: how long the new version must have had all traffic
    static constexpr int defaultSoakSeconds = 15 * 60;
};
QString schemaStepName(SchemaRequest::Step step); // expand, contract, abort

// The refusal for moving `release` to `target` by `kind` (SetWeight, Promote, Flip, Rollback), or
// nothing. Only colors whose traffic grows are checked. While the database cannot be read, moves
// towards a color that declares a version are refused, and Rollback goes through (it cannot be
// shown to break anything, and it must always work when it can).
std::optional<Error> schemaGate(const ReleaseSnapshot &release, int kind, const TargetState &target);

// Contract (complete) drops the old version, and with it the instant rollback: refused until the
// color on the new version has carried all traffic for `soakSeconds` (since the route's
// curtain.dev/switched-at; 0 skips the soak), and while a color that uses the old version has
// traffic or ready pods — naming them, when the soak ends, and the next step.
std::optional<Error> contractGate(const ReleaseSnapshot &release, int soakSeconds, const QDateTime &now);

// Abort (roll back the migration) drops the new version: refused while a color that uses it has
// traffic or ready pods.
std::optional<Error> abortGate(const ReleaseSnapshot &release);

// "service=orders" or "host=db dbname=orders …" as messages name it: the dbname or service.
QString databaseLabel(const QString &conninfo);

// The version a PGOPTIONS value puts first on the search_path ("-c search_path=v2,public" → "v2").
QString searchPathVersion(const QString &pgoptions);

} // namespace Curtain::Core
