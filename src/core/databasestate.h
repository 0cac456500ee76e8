#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace Curtain::Core {

// What a release's database says about its schema versions, as last read: what the schema gate
// reasons about. Plain data; the engine reads it with Db::Migrator::status().
struct DatabaseState
{
    QString database;         // as the route names it (curtain.dev/database): a service name or conninfo
    bool read = false;        // false until read, and while it cannot be read (see error)
    QString error;            // why it could not be read
    QString phase;            // none, expanded (both versions live), contracted
    QStringList liveVersions; // the version schemas clients can use now
    QStringList goneVersions; // versions a completed migration dropped: clients on them fail
    QString oldVersion;       // expanded: the version before the active migration
    QString newVersion;       // expanded: the active migration's version; contracted: the only one
    QString migration;        // the active (expanded) or last completed migration
    QString migrationBy;      // who started it
    QDateTime completedAt;    // contracted: when the last migration completed
    qint64 backfillDone = 0;
    qint64 backfillTotal = 0;
    bool backfillFinished = true;
    QDateTime observedAt;
};

} // namespace Curtain::Core
