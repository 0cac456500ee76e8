#include "migration.h"

#include "core/displaytext.h"
#include "db/connection.h"
#include "db/migrator.h"
#include "engine/migrationfile.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Curtain::Ctl {

namespace {

QJsonObject recordJson(const Db::MigrationRecord &r)
{
    return {
        {QStringLiteral("name"), r.name},
        {QStringLiteral("versionSchema"), r.versionSchema},
        {QStringLiteral("parent"), r.parent},
        {QStringLiteral("state"), r.state},
        {QStringLiteral("startedBy"), r.startedBy},
        {QStringLiteral("startedAt"), r.startedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("finishedBy"), r.finishedBy},
        {QStringLiteral("finishedAt"), r.finishedAt.isValid() ? r.finishedAt.toString(Qt::ISODateWithMs) : QString()},
        {QStringLiteral("databaseUser"), r.databaseUser},
        {QStringLiteral("backfill"), QJsonObject{{QStringLiteral("done"), r.backfillDone},
                                                 {QStringLiteral("total"), r.backfillTotal},
                                                 {QStringLiteral("finished"), r.backfillFinished}}}};
}

QString statusJson(const Db::MigrationStatus &status)
{
    QJsonArray history;
    for (const Db::MigrationRecord &r : status.history) {
        history.append(recordJson(r));
    }
    QJsonObject object{{QStringLiteral("schema"), status.schema},
                       {QStringLiteral("phase"), Db::migrationPhaseName(status.phase)},
                       {QStringLiteral("liveVersions"), QJsonArray::fromStringList(status.liveVersions())},
                       {QStringLiteral("history"), history}};
    if (status.latest) {
        object.insert(QStringLiteral("latest"), recordJson(*status.latest));
    }
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

QString when(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("-");
}

QString statusText(const Db::MigrationStatus &status)
{
    QString text;
    switch (status.phase) {
    case Db::MigrationPhase::None:
        return QStringLiteral("Schema %1: no migration has run here.\n").arg(status.schema);
    case Db::MigrationPhase::Expanded:
        text = QStringLiteral("Schema %1: expanded — both versions live: %2 (old) and %3 (new).\n")
                   .arg(status.schema, status.latest->parent.isEmpty() ? status.schema : status.latest->parent,
                        status.latest->versionSchema);
        text += QStringLiteral("Migration %1 started by %2 at %3; backfill %4 of %5 rows%6.\n")
                    .arg(status.latest->name, status.latest->startedBy, when(status.latest->startedAt))
                    .arg(status.latest->backfillDone)
                    .arg(status.latest->backfillTotal)
                    .arg(status.latest->backfillFinished ? QStringLiteral(", finished")
                                                         : QStringLiteral(", not finished (complete runs the rest)"));
        text += QStringLiteral("Next: complete once no client uses %1, or roll back once none uses %2.\n")
                    .arg(status.latest->parent.isEmpty() ? status.schema : status.latest->parent,
                         status.latest->versionSchema);
        break;
    case Db::MigrationPhase::Contracted:
        text = QStringLiteral("Schema %1: contracted — version %2 is the only one live.\n")
                   .arg(status.schema, status.latest->versionSchema);
        break;
    }
    text += QStringLiteral("\nMIGRATION  STATE  STARTED  BY  FINISHED  BY\n");
    for (const Db::MigrationRecord &r : status.history) {
        text += QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                    .arg(r.name, r.state, when(r.startedAt), r.startedBy, when(r.finishedAt),
                         r.finishedBy.isEmpty() ? QStringLiteral("-") : r.finishedBy);
    }
    return text;
}

QString localActor()
{
    const QString user = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    return QStringLiteral("local:%1").arg(user.isEmpty() ? QStringLiteral("unknown") : user);
}

} // namespace

Core::Result<QString> migration(const Invocation &invocation, const std::function<void(const QString &)> &progress)
{
    std::optional<Db::Migration> file;
    if (invocation.migrationCommand == QLatin1String("start")) {
        auto loaded = Engine::loadMigrationFile(invocation.files.value(0));
        if (!loaded.ok()) {
            return loaded.error();
        }
        file = std::move(loaded).value();
    }
    auto db = Db::Connection::open(invocation.database);
    if (!db.ok()) {
        return db.error();
    }
    Db::MigratorOptions options;
    options.schema = invocation.schema;
    options.lockTimeoutMs = invocation.lockTimeoutMs;
    options.batchSize = invocation.batchSize;
    options.batchDelayMs = invocation.batchDelayMs;
    options.actor = localActor();
    Db::Migrator migrator(db.value(), options);

    QElapsedTimer clock;
    clock.start();
    qint64 lastShown = -1000;
    const auto report = [&](const Db::BackfillProgress &p) {
        if (clock.elapsed() - lastShown < 1000 && p.done < p.total) {
            return;
        }
        lastShown = clock.elapsed();
        const double seconds = std::max<qint64>(1, clock.elapsed()) / 1000.0;
        const double rate = p.done / seconds;
        const qint64 left = rate > 0 ? qint64((p.total - p.done) / rate) : 0;
        progress(QStringLiteral("backfill %1: %2 of %3 rows (%4 %), %5 rows/s, about %6 s left")
                     .arg(p.table)
                     .arg(p.done)
                     .arg(p.total)
                     .arg(p.total > 0 ? p.done * 100 / p.total : 100)
                     .arg(qint64(rate))
                     .arg(left));
    };
    Core::Result<Core::Done> done = Core::Done{};
    if (invocation.migrationCommand == QLatin1String("start")) {
        done = migrator.start(*file, report);
    } else if (invocation.migrationCommand == QLatin1String("complete")) {
        done = migrator.complete(report);
    } else if (invocation.migrationCommand == QLatin1String("rollback")) {
        done = migrator.rollback();
    }
    if (!done.ok()) {
        return done.error();
    }
    const auto status = migrator.status();
    if (!status.ok()) {
        return status.error();
    }
    if (invocation.format == OutputFormat::Json) {
        return statusJson(status.value());
    }
    QString text;
    if (invocation.migrationCommand == QLatin1String("start")) {
        text = QStringLiteral("Started %1 in %2 ms (%3 lock retries).\n")
                   .arg(file->name)
                   .arg(clock.elapsed())
                   .arg(migrator.lockRetriesSoFar());
    } else if (invocation.migrationCommand != QLatin1String("status")) {
        text = QStringLiteral("%1 done in %2 ms (%3 lock retries).\n")
                   .arg(invocation.migrationCommand == QLatin1String("complete") ? QStringLiteral("Complete")
                                                                                 : QStringLiteral("Rollback"))
                   .arg(clock.elapsed())
                   .arg(migrator.lockRetriesSoFar());
    }
    return QString(text + statusText(status.value()));
}

} // namespace Curtain::Ctl
