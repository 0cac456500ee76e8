#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <optional>

namespace Curtain::Db {

struct MigratorOptions
{
    QString schema = QStringLiteral("public");       // the tables' schema
    QString stateSchema = QStringLiteral("curtain"); // where Curtain keeps its state and trigger functions
    int lockTimeoutMs = 500; // per statement; a lock not had by then is retried, never waited on
    int lockRetries = 8;     // with backoff from 100 ms, doubling, up to 5 s, with jitter
    int batchSize = 1000;    // rows per backfill batch
    int batchDelayMs = 0;    // pause between batches, to leave room for the application's writes
    QString actor;           // who runs it, as the history should say; empty: the database user (always kept too)
};

struct BackfillProgress
{
    QString table;
    qint64 done = 0;
    qint64 total = 0;
};
using ProgressFunction = std::function<void(const BackfillProgress &)>;

struct MigrationRecord
{
    QString name;
    QString versionSchema;
    QString parent; // the version before it; empty: the schema's own tables
    QString state;  // started, completed, rolled_back
    QString startedBy, finishedBy, databaseUser;
    QDateTime startedAt, finishedAt;
    qint64 backfillDone = 0;
    qint64 backfillTotal = 0;
    bool backfillFinished = true;
};

// none: no migration ran here; expanded: a migration started, both versions live; contracted: the
// newest migration completed, only its version lives.
enum class MigrationPhase { None, Expanded, Contracted };
QString migrationPhaseName(MigrationPhase phase);

struct MigrationStatus
{
    QString schema;
    MigrationPhase phase = MigrationPhase::None;
    std::optional<MigrationRecord> latest; // started or completed, the newest
    QList<MigrationRecord> history;        // oldest first, rolled back ones included

    // The version schemas a client can use now (expanded: the previous and the new one).
    QStringList liveVersions() const;
};

// Runs pgroll-format migrations on PostgreSQL, expand/contract: start adds the new version's schema
// of views and only changes both versions survive (new columns beside old ones, kept in step by
// up/down triggers, filled by a batched backfill); complete drops the old version and makes the
// breaking changes; rollback undoes a started migration. One transaction each, retried when a lock
// is not available; the state is in `<stateSchema>.migrations`, one active migration per schema.
// Blocking: run it off the GUI thread.
class Migrator
{
public:
    Migrator(ConnectionPtr db, MigratorOptions options);

    Core::Result<MigrationStatus> status();
    Core::Result<Core::Done> start(const Migration &migration, const ProgressFunction &progress = {},
                                   const std::atomic_bool *cancel = nullptr);
    Core::Result<Core::Done> complete(const ProgressFunction &progress = {}, const std::atomic_bool *cancel = nullptr);
    Core::Result<Core::Done> rollback();

    // Finishes (or resumes) the active migration's backfill; complete does it too.
    Core::Result<Core::Done> backfill(const ProgressFunction &progress = {}, const std::atomic_bool *cancel = nullptr);

    int lockRetriesSoFar() const { return m_lockRetriesSoFar; }

private:
    Core::Result<Core::Done> ensureState();
    Core::Result<Core::Done> transaction(const std::function<Core::Result<Core::Done>()> &body);
    QString lockHolders(); // who holds locks on the schema's tables now, for a lock that never came
    Core::Result<Core::Done> run(const QStringList &statements);
    Core::Result<Core::Done> backfillTable(const QString &table, const QStringList &key,
                                           const ProgressFunction &progress, const std::atomic_bool *cancel,
                                           qint64 *done, qint64 total);
    QString state(const QString &table) const;
    // The active migration's stored steps, its row locked until the transaction ends.
    Core::Result<QJsonObject> lockActive(const QString &name);
    Core::Result<Core::Done> finishActive(const QString &how); // completed or rolled_back, by whom, when

    ConnectionPtr m_db;
    MigratorOptions m_options;
    int m_lockRetriesSoFar = 0;
};

} // namespace Curtain::Db
