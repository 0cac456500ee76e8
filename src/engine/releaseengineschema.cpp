// ReleaseEngine's schema migration steps: the gate, then Db::Migrator off the engine's thread.

#include "engine/releaseengine.h"

#include "engine/auditor.h"
#include "engine/databasemonitor.h"
#include "engine/migrationfile.h"

#include "core/futures.h"
#include "core/handoff.h"
#include "db/connection.h"
#include "db/migrator.h"
#include "db/rehearsal.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace Curtain::Engine {

using Core::ErrorKind;
using Core::Result;
using Core::SchemaRequest;

namespace {

// One step on the database, blocking: what the worker thread runs.
Result<QString> runStep(const QString &conninfo, const Db::MigratorOptions &options, SchemaRequest::Step step,
                        const std::optional<Db::Migration> &migration, const Db::ProgressFunction &progress,
                        std::shared_ptr<std::atomic_bool> cancel)
{
    auto db = Db::Connection::open(conninfo);
    if (!db.ok()) {
        return db.error();
    }
    Db::Migrator migrator(db.value(), options);
    QElapsedTimer clock;
    clock.start();
    const Result<Core::Done> done = step == SchemaRequest::Expand ? migrator.start(*migration, progress, cancel.get())
                                    : step == SchemaRequest::Contract ? migrator.complete(progress, cancel.get())
                                                                      : migrator.rollback();
    if (!done.ok()) {
        return done.error();
    }
    const auto status = migrator.status();
    const QString version = status.ok() && status.value().latest ? status.value().latest->versionSchema : QString();
    switch (step) {
    case SchemaRequest::Expand:
        return QStringLiteral("expanded to %1 in %2 ms: both versions live").arg(version).arg(clock.elapsed());
    case SchemaRequest::Contract:
        return QStringLiteral("contracted in %1 ms: only %2 is live").arg(clock.elapsed()).arg(version);
    case SchemaRequest::Abort:
        break;
    }
    return QStringLiteral("migration aborted in %1 ms: the database is as it was before it started")
        .arg(clock.elapsed());
}

QString reasonFor(SchemaRequest::Step step)
{
    switch (step) {
    case SchemaRequest::Contract:
        return QStringLiteral("SchemaContracted");
    case SchemaRequest::Abort:
        return QStringLiteral("SchemaAborted");
    case SchemaRequest::Expand:
        break;
    }
    return QStringLiteral("SchemaExpanded");
}

} // namespace

QFuture<Result<QString>> ReleaseEngine::migrate(const SchemaRequest &request)
{
    auto promise = std::make_shared<QPromise<Result<QString>>>();
    promise->start();
    QFuture<Result<QString>> future = promise->future();
    Core::post(this, [this, request, promise] {
        const auto finish = [promise](const Result<QString> &result) {
            promise->addResult(result);
            promise->finish();
        };
        Core::Error error;
        const Core::ReleaseSnapshot *found = findRelease(request.release, &error);
        if (!found) {
            return finish(error);
        }
        if (found->database.isEmpty()) {
            return finish(Core::makeError(ErrorKind::Refused,
                                          QStringLiteral("%1 names no database: annotate its route with "
                                                         "curtain.dev/database=SERVICE (a libpq service name or "
                                                         "connection string, no password)")
                                              .arg(found->name)));
        }
        std::optional<Db::Migration> migration;
        if (request.step == SchemaRequest::Expand) {
            auto parsed = parseMigrationText(request.migrationText, request.migrationFile,
                                             QFileInfo(request.migrationFile).completeBaseName());
            if (!parsed.ok()) {
                return finish(parsed.error());
            }
            migration = parsed.value();
        }
        const QString conninfo = found->database;
        const QString schema = found->databaseSchema;
        // The gate decides on the database as it is now.
        m_databases->refresh(conninfo, schema, [this, request, promise, finish, migration, conninfo, schema] {
            rebuild();
            Core::Error missing;
            const Core::ReleaseSnapshot *now = findRelease(request.release, &missing);
            if (!now) {
                return finish(missing);
            }
            const std::optional<Core::Error> refused =
                request.step == SchemaRequest::Contract
                    ? Core::contractGate(*now, request.soakSeconds, QDateTime::currentDateTimeUtc())
                : request.step == SchemaRequest::Abort ? Core::abortGate(*now)
                                                       : std::nullopt;
            if (refused) {
                m_auditor->recordMigration(*now, QStringLiteral("SchemaRefused"), QStringLiteral("refused"),
                                           refused->message);
                return finish(*refused);
            }
            Db::MigratorOptions options;
            options.schema = schema;
            options.actor = m_auditor->actor();
            const QString release = now->key().toString();
            const Db::ProgressFunction progress = [this, release](const Db::BackfillProgress &p) {
                Core::post(this, [this, release, p] { Q_EMIT schemaProgress(release, p.table, p.done, p.total); });
            };
            const Core::ReleaseSnapshot snapshot = *now;
            m_schemaRuns.removeIf([](const QFuture<Result<QString>> &run) { return run.isFinished(); });
            auto stop = std::make_shared<std::atomic_bool>(false);
            m_schemaStops.insert(release, stop);
            const QFuture<Result<QString>> run =
                QtConcurrent::run(runStep, conninfo, options, request.step, migration, progress, stop);
            m_schemaRuns.append(run);
            Core::onFinished(
                run, this,
                [this, request, snapshot, finish, conninfo, schema, release, stop](const Result<QString> &result) {
                    if (m_schemaStops.value(release) == stop) {
                        m_schemaStops.remove(release);
                    }
                    const bool stopped = !result.ok() && result.error().kind == ErrorKind::Cancelled;
                    const bool unknown = !result.ok() && result.error().kind == ErrorKind::NotConfirmed;
                    m_auditor->recordMigration(
                        snapshot,
                        result.ok() || unknown ? reasonFor(request.step)
                        : stopped              ? QStringLiteral("SchemaStopped")
                                               : QStringLiteral("SchemaFailed"),
                        result.ok() ? QStringLiteral("applied")
                        : stopped   ? QStringLiteral("stopped")
                        : unknown   ? QStringLiteral("not confirmed")
                                    : QStringLiteral("failed"),
                        result.ok()
                            ? result.value()
                            : QStringLiteral("%1: %2").arg(Core::schemaStepName(request.step), result.error().message));
                    // What the console shows next is the database after the step.
                    m_databases->refresh(conninfo, schema, [this, result, finish] {
                        rebuild();
                        finish(result);
                    });
                });
        });
    });
    return future;
}

QFuture<Result<Db::RehearsalReport>> ReleaseEngine::rehearse(const QString &release, const Db::Migration &migration,
                                                             Db::RehearsalOptions options,
                                                             std::function<void(const QString &)> progress)
{
    auto promise = std::make_shared<QPromise<Result<Db::RehearsalReport>>>();
    promise->start();
    QFuture<Result<Db::RehearsalReport>> future = promise->future();
    Core::post(this, [this, release, migration, options, progress, promise]() mutable {
        const auto finish = [promise](const Result<Db::RehearsalReport> &result) {
            promise->addResult(result);
            promise->finish();
        };
        Core::Error error;
        const Core::ReleaseSnapshot *found = findRelease(release, &error);
        if (!found) {
            return finish(error);
        }
        if (found->database.isEmpty()) {
            return finish(Core::makeError(ErrorKind::Refused,
                                          QStringLiteral("%1 names no database: annotate its route with "
                                                         "curtain.dev/database=SERVICE, or rehearse with --database")
                                              .arg(found->name)));
        }
        options.migrator.schema = found->databaseSchema;
        options.migrator.actor = m_auditor->actor() + QStringLiteral(" (rehearsal)");
        const Core::ReleaseSnapshot snapshot = *found;
        const QString conninfo = found->database;
        Core::onFinished(
            QtConcurrent::run([conninfo, migration, options, progress] {
                return Db::rehearse(conninfo, migration, options, progress);
            }),
            this, [this, snapshot, migration, finish](const Result<Db::RehearsalReport> &report) {
                QStringList steps;
                if (report.ok()) {
                    for (const Db::RehearsalStep &step : report.value().steps) {
                        steps << QStringLiteral("%1 %2 %3 ms")
                                     .arg(step.ok ? QStringLiteral("✓") : QStringLiteral("✗"), step.name)
                                     .arg(step.ms);
                    }
                }
                const bool passed = report.ok() && report.value().ok();
                m_auditor->recordChange(
                    snapshot, QStringLiteral("SchemaRehearsed"),
                    passed ? QStringLiteral("passed") : QStringLiteral("failed"),
                    report.ok() ? QStringLiteral("rehearsal of %1 on a scratch copy: %2")
                                      .arg(migration.name, steps.join(QStringLiteral(", ")))
                                : QStringLiteral("rehearsal of %1: %2").arg(migration.name, report.error().message));
                finish(report);
            });
    });
    return future;
}

void ReleaseEngine::stopSchemaStep(const QString &release)
{
    Core::post(this, [this, release] {
        if (const auto stop = m_schemaStops.value(release)) {
            stop->store(true);
        }
    });
}

} // namespace Curtain::Engine
