#include "db/migrator.h"

#include "db/migrationplan.h"
#include "db/schemainfo.h"
#include "db/sqltext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QThread>

namespace Curtain::Db {

namespace {

QJsonArray toJson(const QStringList &statements)
{
    return QJsonArray::fromStringList(statements);
}

QStringList fromJson(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        list << item.toString();
    }
    return list;
}

QByteArray stepsJson(const MigrationSteps &steps)
{
    QJsonArray backfills;
    for (const Backfill &b : steps.backfills) {
        backfills.append(QJsonObject{{QStringLiteral("table"), b.table}, {QStringLiteral("key"), toJson(b.key)}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("complete"), toJson(steps.complete)},
                                     {QStringLiteral("rollback"), toJson(steps.rollback)},
                                     {QStringLiteral("backfills"), backfills}})
        .toJson(QJsonDocument::Compact);
}

QDateTime timestamp(const QString &text)
{
    return text.isEmpty() ? QDateTime() : QDateTime::fromString(text, Qt::ISODateWithMs);
}

} // namespace

QString migrationPhaseName(MigrationPhase phase)
{
    switch (phase) {
    case MigrationPhase::Expanded:
        return QStringLiteral("expanded");
    case MigrationPhase::Contracted:
        return QStringLiteral("contracted");
    case MigrationPhase::None:
        break;
    }
    return QStringLiteral("none");
}

QStringList MigrationStatus::liveVersions() const
{
    if (!latest) {
        return {};
    }
    if (phase == MigrationPhase::Expanded) {
        return {latest->parent, latest->versionSchema};
    }
    return {latest->versionSchema};
}

Migrator::Migrator(ConnectionPtr db, MigratorOptions options) : m_db(std::move(db)), m_options(std::move(options))
{}

QString Migrator::state(const QString &table) const
{
    return qualified(m_options.stateSchema, table);
}

Core::Result<Core::Done> Migrator::run(const QStringList &statements)
{
    for (const QString &statement : statements) {
        auto done = m_db->execute(statement);
        if (!done.ok()) {
            Core::Error error = done.error();
            // The statement's first words only: raw SQL may carry a secret (ALTER ROLE … PASSWORD).
            error.message = QStringLiteral("%1\n  in: %2 …")
                                .arg(error.message, statement.simplified().section(QLatin1Char(' '), 0, 2));
            return error;
        }
    }
    return Core::Done{};
}

Core::Result<Core::Done> Migrator::transaction(const std::function<Core::Result<Core::Done>()> &body)
{
    int backoffMs = 100;
    for (int attempt = 0;; ++attempt) {
        // The schema first on the path: raw SQL's unqualified names land there, not in "$user".
        auto begun = run({QStringLiteral("BEGIN"),
                          QStringLiteral("SET LOCAL lock_timeout = '%1ms'").arg(m_options.lockTimeoutMs),
                          QStringLiteral("SET LOCAL search_path = %1").arg(ident(m_options.schema))});
        Core::Result<Core::Done> done = begun.ok() ? body() : begun;
        if (done.ok()) {
            done = run({QStringLiteral("COMMIT")});
            if (done.ok()) {
                return done;
            }
            if (m_db->broken()) {
                // The COMMIT left; whether PostgreSQL made it durable before the connection went is
                // unknown to this side. Saying "failed" could make someone run it twice.
                return Core::makeError(Core::ErrorKind::NotConfirmed,
                                       QStringLiteral("the COMMIT was sent, and the connection was lost before "
                                                      "PostgreSQL answered (%1); it may or may not have taken: read "
                                                      "curtainctl migration status before running it again")
                                           .arg(done.error().message));
            }
        }
        const bool lockBusy = m_db->lastSqlState() == QLatin1String("55P03");
        (void)m_db->execute(QStringLiteral("ROLLBACK"));
        if (!lockBusy || attempt >= m_options.lockRetries) {
            if (lockBusy) {
                Core::Error error = done.error();
                error.message = QStringLiteral("a lock was not available within %1 ms, %2 times; the application "
                                               "holds it too long (a long transaction?): %3%4")
                                    .arg(m_options.lockTimeoutMs)
                                    .arg(attempt + 1)
                                    .arg(error.message, lockHolders());
                return error;
            }
            return done;
        }
        ++m_lockRetriesSoFar;
        QThread::msleep(ulong(backoffMs + int(QRandomGenerator::global()->bounded(backoffMs / 2 + 1))));
        backoffMs = std::min(backoffMs * 2, 5000);
    }
}

// The sessions holding locks on the schema's tables, longest transaction first: who to ask, or to
// end. Their queries are left out (they may carry data); pid, user, program, state and age are not.
QString Migrator::lockHolders()
{
    const auto holders = m_db->query(
        QStringLiteral(
            "SELECT a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), coalesce(a.state, ''), "
            "coalesce(extract(epoch FROM now() - a.xact_start)::bigint, 0), "
            "string_agg(DISTINCT c.relname, ', ' ORDER BY c.relname) "
            "FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.granted AND n.nspname = $1 AND l.pid <> pg_backend_pid() AND c.relkind IN ('r', 'p') "
            "GROUP BY 1, 2, 3, 4, 5 ORDER BY 5 DESC LIMIT 3"),
        {m_options.schema});
    if (!holders.ok() || holders.value().size() == 0) {
        return {};
    }
    QStringList sessions;
    for (const QStringList &row : holders.value().values) {
        const QString program = row.value(2).isEmpty() ? QString() : row.value(2) + QStringLiteral(", ");
        sessions << QStringLiteral("pid %1 (%2user %3, %4 for %5 s) on %6")
                        .arg(row.value(0), program, row.value(1), row.value(3), row.value(4), row.value(5));
    }
    return QStringLiteral("; held now by %1 — end it with SELECT pg_terminate_backend(PID) (a session idle in "
                          "a transaction keeps its locks through pg_cancel_backend), or wait for it")
        .arg(sessions.join(QStringLiteral(", ")));
}

Core::Result<Core::Done> Migrator::ensureState()
{
    return run({QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(ident(m_options.stateSchema)),
                QStringLiteral(R"SQL(CREATE TABLE IF NOT EXISTS %1 (
    schema text NOT NULL,
    name text NOT NULL,
    version_schema text NOT NULL,
    parent text,
    migration jsonb NOT NULL,
    steps jsonb NOT NULL,
    state text NOT NULL CHECK (state IN ('started', 'completed', 'rolled_back')),
    started_at timestamptz NOT NULL DEFAULT now(),
    started_by text NOT NULL,
    database_user text NOT NULL DEFAULT session_user,
    finished_at timestamptz,
    finished_by text,
    backfill_done bigint NOT NULL DEFAULT 0,
    backfill_total bigint NOT NULL DEFAULT 0,
    backfill_finished boolean NOT NULL DEFAULT true))SQL")
                    .arg(state(QStringLiteral("migrations"))),
                // One active migration per schema; a version is applied once.
                QStringLiteral("CREATE UNIQUE INDEX IF NOT EXISTS migrations_one_active ON %1 (schema) "
                               "WHERE state = 'started'")
                    .arg(state(QStringLiteral("migrations"))),
                QStringLiteral("CREATE UNIQUE INDEX IF NOT EXISTS migrations_version_once ON %1 (schema, "
                               "version_schema) WHERE state <> 'rolled_back'")
                    .arg(state(QStringLiteral("migrations")))});
}

Core::Result<MigrationStatus> Migrator::status()
{
    MigrationStatus status;
    status.schema = m_options.schema;
    const auto exists =
        m_db->query(QStringLiteral("SELECT to_regclass($1) IS NOT NULL"), {state(QStringLiteral("migrations"))});
    if (!exists.ok()) {
        return exists.error();
    }
    if (exists.value().at(0, 0) != QLatin1String("t")) {
        return status; // no migration ever ran here
    }
    const auto rows = m_db->query(
        QStringLiteral("SELECT name, version_schema, coalesce(parent, ''), state, started_by, "
                       "coalesce(finished_by, ''), database_user, "
                       "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
                       "coalesce(to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), ''), "
                       "backfill_done, backfill_total, backfill_finished "
                       "FROM %1 WHERE schema = $1 ORDER BY started_at, name")
            .arg(state(QStringLiteral("migrations"))),
        {m_options.schema});
    if (!rows.ok()) {
        return rows.error();
    }
    for (const QStringList &row : rows.value().values) {
        MigrationRecord record;
        record.name = row[0];
        record.versionSchema = row[1];
        record.parent = row[2];
        record.state = row[3];
        record.startedBy = row[4];
        record.finishedBy = row[5];
        record.databaseUser = row[6];
        record.startedAt = timestamp(row[7]);
        record.finishedAt = timestamp(row[8]);
        record.backfillDone = row[9].toLongLong();
        record.backfillTotal = row[10].toLongLong();
        record.backfillFinished = row[11] == QLatin1String("t");
        status.history << record;
        if (record.state != QLatin1String("rolled_back")) {
            status.latest = record;
        }
    }
    if (status.latest) {
        status.phase =
            status.latest->state == QLatin1String("started") ? MigrationPhase::Expanded : MigrationPhase::Contracted;
    }
    return status;
}

Core::Result<Core::Done> Migrator::start(const Migration &migration, const ProgressFunction &progress,
                                         const std::atomic_bool *cancel)
{
    if (auto made = ensureState(); !made.ok()) {
        return made;
    }
    const auto before = status();
    if (!before.ok()) {
        return before.error();
    }
    const QString version = migration.schemaName();
    if (before.value().phase == MigrationPhase::Expanded) {
        const MigrationRecord &active = *before.value().latest;
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("migration %1 is in progress on schema %2 (started by %3); complete "
                                              "it or roll it back before starting %4")
                                   .arg(active.name, m_options.schema, active.startedBy, migration.name));
    }
    for (const MigrationRecord &record : before.value().history) {
        if (record.versionSchema == version && record.state == QLatin1String("completed")) {
            return Core::makeError(
                Core::ErrorKind::Refused,
                QStringLiteral("version %1 was applied on schema %2 already").arg(version, m_options.schema));
        }
    }
    const QString parent = before.value().latest ? before.value().latest->versionSchema : QString();
    MigrationSteps planned;
    auto started = transaction([&]() -> Core::Result<Core::Done> {
        const auto tables = readSchema(*m_db, m_options.schema);
        if (!tables.ok()) {
            return tables.error();
        }
        const auto steps = planMigration(migration, m_options.schema, m_options.stateSchema, tables.value());
        if (!steps.ok()) {
            return steps.error();
        }
        planned = steps.value();
        const auto recorded = m_db->query(
            QStringLiteral("INSERT INTO %1 (schema, name, version_schema, parent, migration, steps, state, "
                           "started_by, backfill_finished) VALUES ($1, $2, $3, nullif($4, ''), $5::jsonb, $6::jsonb, "
                           "'started', coalesce(nullif($7, ''), session_user), $8)")
                .arg(state(QStringLiteral("migrations"))),
            {m_options.schema, migration.name, version, parent, QString::fromUtf8(migration.json),
             QString::fromUtf8(stepsJson(planned)), m_options.actor,
             planned.backfills.isEmpty() ? QStringLiteral("true") : QStringLiteral("false")});
        if (!recorded.ok()) {
            return recorded.error();
        }
        if (auto done = run(planned.start); !done.ok()) {
            return done;
        }
        QList<ViewTable> views = planned.views;
        if (planned.viewsFromCatalog) {
            const auto after = readSchema(*m_db, m_options.schema);
            if (!after.ok()) {
                return after.error();
            }
            views = viewsOf(after.value());
        }
        return run({versionSchemaSql(version, m_options.schema, views)});
    });
    if (!started.ok()) {
        return started; // one transaction: nothing of it stayed
    }
    // Indexes are built without blocking writes, which cannot happen inside a transaction; if one
    // fails, the whole migration is rolled back rather than left half-made.
    for (const QString &statement : std::as_const(planned.afterStart)) {
        if (auto built = run({statement}); !built.ok()) {
            auto undone = rollback();
            Core::Error error = built.error();
            error.message += undone.ok()
                                 ? QStringLiteral("\nThe migration was rolled back; the database is as before.")
                                 : QStringLiteral("\nRolling it back failed too: %1").arg(undone.error().message);
            return error;
        }
    }
    return backfill(progress, cancel);
}

Core::Result<Core::Done> Migrator::backfill(const ProgressFunction &progress, const std::atomic_bool *cancel)
{
    const auto rows = m_db->query(QStringLiteral("SELECT steps::text, backfill_finished FROM %1 WHERE schema = $1 AND "
                                                 "state = 'started'")
                                      .arg(state(QStringLiteral("migrations"))),
                                  {m_options.schema});
    if (!rows.ok()) {
        return rows.error();
    }
    if (rows.value().size() == 0 || rows.value().at(0, 1) == QLatin1String("t")) {
        return Core::Done{};
    }
    const QJsonObject steps = QJsonDocument::fromJson(rows.value().at(0, 0).toUtf8()).object();
    QList<std::pair<QString, QStringList>> tables;
    qint64 total = 0;
    for (const QJsonValue &value : steps.value(QStringLiteral("backfills")).toArray()) {
        const QString table = value.toObject().value(QStringLiteral("table")).toString();
        tables.append({table, fromJson(value.toObject().value(QStringLiteral("key")))});
        const auto count =
            m_db->query(QStringLiteral("SELECT count(*) FROM %1").arg(qualified(m_options.schema, table)));
        if (!count.ok()) {
            return count.error();
        }
        total += count.value().at(0, 0).toLongLong();
    }
    qint64 done = 0;
    for (const auto &[table, key] : tables) {
        if (auto filled = backfillTable(table, key, progress, cancel, &done, total); !filled.ok()) {
            return filled;
        }
    }
    auto finished = m_db->query(QStringLiteral("UPDATE %1 SET backfill_finished = true, backfill_done = $2, "
                                               "backfill_total = $2 WHERE schema = $1 AND state = 'started'")
                                    .arg(state(QStringLiteral("migrations"))),
                                {m_options.schema, QString::number(done)});
    return finished.ok() ? Core::Result<Core::Done>(Core::Done{}) : Core::Result<Core::Done>(finished.error());
}

Core::Result<Core::Done> Migrator::backfillTable(const QString &table, const QStringList &key,
                                                 const ProgressFunction &progress, const std::atomic_bool *cancel,
                                                 qint64 *done, qint64 total)
{
    const auto tables = readSchema(*m_db, m_options.schema);
    if (!tables.ok()) {
        return tables.error();
    }
    const TableInfo info = tables.value().value(table);
    QStringList upperCasts; // $1::integer, …: the last key there was when the backfill began
    QStringList lastCasts;  // $2::integer, …: the last key of the batch before
    QStringList matches;    // t.id = b.id AND …
    QStringList returned;   // t.id, …
    QStringList keyText;    // u.id::text, …
    QStringList keyOrder;   // u.id DESC, …
    for (qsizetype i = 0; i < key.size(); ++i) {
        const ColumnInfo *column = info.column(key[i]);
        const QString name = ident(key[i]);
        const QString type = column ? column->type : QStringLiteral("text");
        upperCasts << QStringLiteral("$%1::%2").arg(i + 1).arg(type);
        lastCasts << QStringLiteral("$%1::%2").arg(key.size() + i + 1).arg(type);
        matches << QStringLiteral("t.%1 = b.%1").arg(name);
        returned << QStringLiteral("t.%1").arg(name);
        keyText << QStringLiteral("u.%1::text").arg(name);
        keyOrder << QStringLiteral("u.%1 DESC").arg(name);
    }
    const QString tableSql = qualified(m_options.schema, table);
    const QString keys = identList(key);
    // Only rows that existed when the backfill began: later ones were written through the triggers,
    // and chasing them would never end under a steady insert rate.
    const auto upper =
        m_db->query(QStringLiteral("SELECT %1 FROM %2 u ORDER BY %3 LIMIT 1")
                        .arg(keyText.join(QStringLiteral(", ")), tableSql, keyOrder.join(QStringLiteral(", "))));
    if (!upper.ok()) {
        return upper.error();
    }
    if (upper.value().size() == 0) {
        return Core::Done{}; // an empty table
    }
    const QStringList upperKey = upper.value().values.first();
    // Touch one batch in key order (the up triggers fill the new columns) and return its last key.
    const auto batchSql = [&](bool first) {
        QString where = QStringLiteral("WHERE (%1) <= (%2)").arg(keys, upperCasts.join(QStringLiteral(", ")));
        if (!first) {
            where += QStringLiteral(" AND (%1) > (%2)").arg(keys, lastCasts.join(QStringLiteral(", ")));
        }
        return QStringLiteral("WITH b AS (SELECT %1 FROM %2 %3 ORDER BY %1 LIMIT %4), "
                              "u AS (UPDATE %2 t SET %5 = t.%5 FROM b WHERE %6 RETURNING %7) "
                              "SELECT %8, (SELECT count(*) FROM u) FROM u ORDER BY %9 LIMIT 1")
            .arg(keys, tableSql, where)
            .arg(m_options.batchSize)
            .arg(ident(key.first()), matches.join(QStringLiteral(" AND ")), returned.join(QStringLiteral(", ")),
                 keyText.join(QStringLiteral(", ")), keyOrder.join(QStringLiteral(", ")));
    };
    if (auto set = run({QStringLiteral("SET lock_timeout = '%1ms'").arg(m_options.lockTimeoutMs)}); !set.ok()) {
        return set;
    }
    QStringList last;
    int backoffMs = 100;
    for (int busy = 0;;) {
        if (cancel && cancel->load()) {
            return Core::makeError(Core::ErrorKind::Cancelled,
                                   QStringLiteral("backfill stopped at %1 of %2 rows; the migration stays started: "
                                                  "complete runs the rest, or roll it back")
                                       .arg(*done)
                                       .arg(total));
        }
        const auto batch = m_db->query(batchSql(last.isEmpty()), upperKey + last);
        if (!batch.ok()) {
            if (m_db->lastSqlState() == QLatin1String("55P03") && busy < m_options.lockRetries) {
                ++busy;
                ++m_lockRetriesSoFar;
                QThread::msleep(ulong(backoffMs));
                backoffMs = std::min(backoffMs * 2, 5000);
                continue;
            }
            return batch.error();
        }
        busy = 0;
        backoffMs = 100;
        if (batch.value().size() == 0) {
            break;
        }
        const QStringList row = batch.value().values.first();
        last = row.mid(0, key.size());
        *done += row.last().toLongLong();
        (void)m_db->query(QStringLiteral("UPDATE %1 SET backfill_done = $2, backfill_total = $3 WHERE schema = $1 AND "
                                         "state = 'started'")
                              .arg(state(QStringLiteral("migrations"))),
                          {m_options.schema, QString::number(*done), QString::number(std::max(total, *done))});
        if (progress) {
            progress({table, *done, std::max(total, *done)});
        }
        if (m_options.batchDelayMs > 0) {
            QThread::msleep(ulong(m_options.batchDelayMs));
        }
    }
    return run({QStringLiteral("RESET lock_timeout")});
}

Core::Result<QJsonObject> Migrator::lockActive(const QString &name)
{
    const auto rows = m_db->query(
        QStringLiteral("SELECT steps::text FROM %1 WHERE schema = $1 AND state = 'started' AND name = $2 FOR UPDATE")
            .arg(state(QStringLiteral("migrations"))),
        {m_options.schema, name});
    if (!rows.ok()) {
        return rows.error();
    }
    if (rows.value().size() == 0) {
        return Core::makeError(Core::ErrorKind::Conflict,
                               QStringLiteral("migration %1 was finished by someone else meanwhile").arg(name));
    }
    return QJsonDocument::fromJson(rows.value().at(0, 0).toUtf8()).object();
}

Core::Result<Core::Done> Migrator::finishActive(const QString &how)
{
    const auto marked = m_db->query(
        QStringLiteral(
            "UPDATE %1 SET state = $3, finished_at = now(), finished_by = coalesce(nullif($2, ''), session_user) "
            "WHERE schema = $1 AND state = 'started'")
            .arg(state(QStringLiteral("migrations"))),
        {m_options.schema, m_options.actor, how});
    return marked.ok() ? Core::Result<Core::Done>(Core::Done{}) : Core::Result<Core::Done>(marked.error());
}

Core::Result<Core::Done> Migrator::complete(const ProgressFunction &progress, const std::atomic_bool *cancel)
{
    const auto before = status();
    if (!before.ok()) {
        return before.error();
    }
    if (before.value().phase != MigrationPhase::Expanded) {
        return Core::makeError(
            Core::ErrorKind::Refused,
            QStringLiteral("no migration is in progress on schema %1; nothing to complete").arg(m_options.schema));
    }
    if (auto filled = backfill(progress, cancel); !filled.ok()) {
        return filled;
    }
    const MigrationRecord active = *before.value().latest;
    return transaction([&]() -> Core::Result<Core::Done> {
        const auto locked = lockActive(active.name);
        if (!locked.ok()) {
            return locked.error();
        }
        const QJsonObject &steps = locked.value();
        QStringList statements;
        if (!active.parent.isEmpty()) {
            statements << QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(ident(active.parent));
        }
        statements << QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(ident(active.versionSchema));
        statements << fromJson(steps.value(QStringLiteral("complete")));
        if (auto done = run(statements); !done.ok()) {
            return done;
        }
        const auto after = readSchema(*m_db, m_options.schema);
        if (!after.ok()) {
            return after.error();
        }
        if (auto made = run({versionSchemaSql(active.versionSchema, m_options.schema, viewsOf(after.value()))});
            !made.ok()) {
            return made;
        }
        return finishActive(QStringLiteral("completed"));
    });
}

Core::Result<Core::Done> Migrator::rollback()
{
    const auto before = status();
    if (!before.ok()) {
        return before.error();
    }
    if (before.value().phase != MigrationPhase::Expanded) {
        return Core::makeError(Core::ErrorKind::Refused,
                               before.value().phase == MigrationPhase::Contracted
                                   ? QStringLiteral("migration %1 was completed; a completed migration cannot be "
                                                    "rolled back (its old version is gone) — write a new migration "
                                                    "that undoes it")
                                         .arg(before.value().latest->name)
                                   : QStringLiteral("no migration is in progress on schema %1; nothing to roll back")
                                         .arg(m_options.schema));
    }
    const MigrationRecord active = *before.value().latest;
    return transaction([&]() -> Core::Result<Core::Done> {
        const auto locked = lockActive(active.name);
        if (!locked.ok()) {
            return locked.error();
        }
        const QJsonObject &steps = locked.value();
        QStringList statements{QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(ident(active.versionSchema))};
        statements << fromJson(steps.value(QStringLiteral("rollback")));
        if (auto done = run(statements); !done.ok()) {
            return done;
        }
        return finishActive(QStringLiteral("rolled_back"));
    });
}

} // namespace Curtain::Db
