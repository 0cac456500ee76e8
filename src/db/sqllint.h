#pragma once

#include "core/result.h"
#include "db/migration.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// The migration linter: SQL read by PostgreSQL's own parser (libpg_query), each statement checked for
// what breaks the version still serving during a blue-green window, or takes a lock that stalls it.
namespace Curtain::Db {

enum class LintRisk {
    Breaks, // the previous version fails once this commits (a column or table it uses is gone or changed)
    Locks,  // holds a lock that queues every query on the table, or rewrites/scans it under that lock
    Fails,  // cannot run as written (CONCURRENTLY in a transaction), or cannot be undone
};
QString lintRiskName(LintRisk risk); // "breaks", "locks", "fails"

struct LintFinding
{
    QString rule; // "renaming-column": the rule's name, as squawk names the same check where it has one
    LintRisk risk = LintRisk::Breaks;
    QString where; // for a pgroll file, the operation ("operations[2].sql.up"); empty for a SQL file
    int line = 0;  // 1-based, in the SQL text (of that operation)
    int column = 0;
    QString statement; // the statement on one line, shortened
    QString problem;   // what happens, naming the table and column
    QString fix;       // the expand/contract way to write it
    QString pgroll;    // the pgroll operation that does it safely (JSON), when one fits
};

struct LintOptions
{
    // The tool that runs the file wraps it in a transaction (Flyway, Rails, Django and golang-migrate's
    // multi-statement mode do by default): CONCURRENTLY cannot run there, and a lock lasts to the end.
    bool inTransaction = false;
    // Timeouts are set by whoever runs the SQL (Curtain's own migrator sets lock_timeout).
    bool timeoutsSetByRunner = false;
    // Rules that break the previous version do not apply: the SQL runs at contract, when it is gone.
    bool afterContract = false;
};

// Every rule the linter knows, by name.
QStringList lintRuleNames();

// Findings in SQL text, in the order of the statements. An error when the text does not parse, with
// the parser's message and the line and column.
Core::Result<QList<LintFinding>> lintSql(const QByteArray &sql, const LintOptions &options = {});

// Findings in a pgroll migration: its operations are expand/contract by construction, so only raw SQL
// is read (`up` as it runs in start's transaction, `onComplete` SQL as a contract), and raw SQL without
// `down` is named, because a rollback cannot undo it.
QList<LintFinding> lintMigration(const Migration &migration);

} // namespace Curtain::Db
