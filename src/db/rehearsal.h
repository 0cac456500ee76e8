#pragma once

#include "core/result.h"
#include "db/migration.h"
#include "db/migrator.h"

#include <QList>
#include <QString>

#include <functional>

namespace Curtain::Db {

struct RehearsalOptions
{
    MigratorOptions migrator;
    int sampleRows = 0; // rows copied per table from the live database (the first by primary key)
};

struct RehearsalStep
{
    QString name; // "copy schema", "start", "both versions", "rollback", "start again", "complete"
    bool ok = false;
    qint64 ms = 0;
    int lockRetries = 0; // times a statement found its lock taken and was retried
    QString detail;      // what it did, or why it failed
};

struct RehearsalReport
{
    QString scratchDatabase; // made for the rehearsal, and dropped after it
    QList<RehearsalStep> steps;
    bool ok() const;
};

// Runs a migration on a scratch copy of the live database's schema (and a sample of its rows), on
// the same server: start → both version schemas read → rollback (the schema must be as before) →
// start → complete, timing each step and counting lock retries. The live database is only read
// (pg_dump of its schema, the sampled rows); the scratch database is dropped at the end, also when
// a step fails. An error when there is nothing to rehearse on (pg_dump missing, no CREATEDB, …).
Core::Result<RehearsalReport> rehearse(const QString &conninfo, const Migration &migration,
                                       const RehearsalOptions &options,
                                       const std::function<void(const QString &)> &progress = {});

} // namespace Curtain::Db
