#pragma once

#include "commandline.h"
#include "core/result.h"
#include "db/rehearsal.h"

#include <QString>

#include <functional>

namespace Curtain::Ctl {

// `curtainctl migration status|start|complete|rollback` on --database: what it printed (a table or
// JSON), or the error; `progress` gets a line at most once a second while a backfill runs.
Core::Result<QString> migration(const Invocation &invocation, const std::function<void(const QString &)> &progress);

// `curtainctl migration lint FILE...`: the findings of every file (a table, or JSON with -o json) in
// `out`; exit 0 when there are none, 1 when there are, 2 when a file cannot be read or parsed (the
// other files are still linted, and the error is in `out` too).
int migrationLint(const Invocation &invocation, QString *out);

// `curtainctl migration rehearse FILE --database CONNINFO` (with --release, main.cpp goes through the
// engine, which records it in the release's history): each step's outcome and time (a table, or
// JSON) in `out`; 0 when every step passed, 1 when one failed, or the error when there was nothing to
// rehearse on (the file, the database, pg_dump, CREATEDB).
Core::Result<int> migrationRehearse(const Invocation &invocation, QString *out,
                                    const std::function<void(const QString &)> &progress);

// The options a rehearsal runs with, from the command line.
Db::RehearsalOptions rehearsalOptions(const Invocation &invocation);
// How a rehearsal reads (a table, or JSON) in `out`, and its exit code: 0 passed, 1 a step failed.
int rehearsalOutput(const Invocation &invocation, const QString &migration, const Db::RehearsalReport &report,
                    QString *out);

} // namespace Curtain::Ctl
