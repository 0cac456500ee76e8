#include "migration.h"
#include "output.h"

#include "core/displaytext.h"
#include "db/connection.h"
#include "db/migrator.h"
#include "db/rehearsal.h"
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
    // The version before the first migration is the bare tables: named by their schema, as the
    // text and the gate name it, not "".
    QStringList liveVersions;
    for (const QString &version : status.liveVersions()) {
        liveVersions << (version.isEmpty() ? status.schema : version);
    }
    QJsonObject object{{QStringLiteral("schema"), status.schema},
                       {QStringLiteral("phase"), Db::migrationPhaseName(status.phase)},
                       {QStringLiteral("liveVersions"), QJsonArray::fromStringList(liveVersions)},
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
    QList<QStringList> rows{{QStringLiteral("MIGRATION"), QStringLiteral("STATE"), QStringLiteral("STARTED"),
                             QStringLiteral("BY"), QStringLiteral("FINISHED"), QStringLiteral("BY")}};
    for (const Db::MigrationRecord &r : status.history) {
        rows.append({r.name, r.state, when(r.startedAt), r.startedBy, when(r.finishedAt),
                     r.finishedBy.isEmpty() ? QStringLiteral("-") : r.finishedBy});
    }
    return text + QLatin1Char('\n') + table(rows);
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

namespace {

QJsonObject findingJson(const Db::LintFinding &finding)
{
    QJsonObject object{{QStringLiteral("rule"), finding.rule},
                       {QStringLiteral("risk"), Db::lintRiskName(finding.risk)},
                       {QStringLiteral("line"), finding.line},
                       {QStringLiteral("column"), finding.column},
                       {QStringLiteral("statement"), finding.statement},
                       {QStringLiteral("problem"), finding.problem},
                       {QStringLiteral("fix"), finding.fix}};
    if (!finding.where.isEmpty()) {
        object.insert(QStringLiteral("where"), finding.where);
    }
    if (!finding.pgroll.isEmpty()) {
        object.insert(QStringLiteral("pgroll"),
                      QJsonDocument::fromJson(finding.pgroll.toUtf8()).object()); // made by the linter: valid
    }
    return object;
}

QString riskText(Db::LintRisk risk)
{
    switch (risk) {
    case Db::LintRisk::Breaks:
        return QStringLiteral("breaks the previous version");
    case Db::LintRisk::Locks:
        return QStringLiteral("long lock");
    case Db::LintRisk::Fails:
        return QStringLiteral("fails");
    }
    return {};
}

QString findingText(const QString &file, const Db::LintFinding &finding)
{
    QString place = file;
    if (!finding.where.isEmpty()) {
        place += QStringLiteral(": ") + finding.where;
    }
    if (finding.line > 0) {
        place += QStringLiteral(":%1:%2").arg(finding.line).arg(finding.column);
    }
    QString text = QStringLiteral("%1: %2 (%3)\n").arg(place, finding.rule, riskText(finding.risk));
    if (!finding.statement.isEmpty()) {
        text += QStringLiteral("    %1\n").arg(Core::shown(finding.statement));
    }
    text += QStringLiteral("  why: %1\n  fix: %2\n").arg(finding.problem, finding.fix);
    if (!finding.pgroll.isEmpty()) {
        text += QStringLiteral("  pgroll: %1\n").arg(finding.pgroll);
    }
    return text;
}

} // namespace

int migrationLint(const Invocation &invocation, QString *out)
{
    Db::LintOptions options;
    options.inTransaction = invocation.assumeInTransaction;
    QJsonArray files;
    QString text;
    int findings = 0;
    int unreadable = 0;
    for (const QString &file : invocation.files) {
        const auto linted = Engine::lintMigrationFile(file, options);
        QJsonObject entry{{QStringLiteral("file"), file}};
        if (!linted.ok()) {
            ++unreadable;
            entry.insert(QStringLiteral("error"), linted.error().message);
            text += QStringLiteral("%1\n").arg(linted.error().message);
        } else {
            QJsonArray list;
            for (const Db::LintFinding &finding : linted.value()) {
                list.append(findingJson(finding));
                text += findingText(file, finding);
            }
            findings += int(linted.value().size());
            entry.insert(QStringLiteral("findings"), list);
        }
        files.append(entry);
    }
    const int code = unreadable > 0 ? UsageError : findings > 0 ? ActionFailed : Success;
    if (invocation.format == OutputFormat::Json) {
        *out = QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("files"), files},
                                                           {QStringLiteral("findings"), findings},
                                                           {QStringLiteral("unreadable"), unreadable}})
                                     .toJson(QJsonDocument::Indented));
        return code;
    }
    text += QStringLiteral("%1 %2: %3 %4%5\n")
                .arg(invocation.files.size())
                .arg(invocation.files.size() == 1 ? QStringLiteral("file") : QStringLiteral("files"))
                .arg(findings)
                .arg(findings == 1 ? QStringLiteral("finding") : QStringLiteral("findings"))
                .arg(unreadable > 0 ? QStringLiteral(", %1 not linted").arg(unreadable) : QString());
    *out = text;
    return code;
}

Db::RehearsalOptions rehearsalOptions(const Invocation &invocation)
{
    Db::RehearsalOptions options;
    options.migrator.schema = invocation.schema;
    options.migrator.lockTimeoutMs = invocation.lockTimeoutMs;
    options.migrator.batchSize = invocation.batchSize;
    options.migrator.batchDelayMs = invocation.batchDelayMs;
    options.migrator.actor = localActor() + QStringLiteral(" (rehearsal)");
    options.sampleRows = invocation.sampleRows;
    return options;
}

Core::Result<int> migrationRehearse(const Invocation &invocation, QString *out,
                                    const std::function<void(const QString &)> &progress)
{
    const auto file = Engine::loadMigrationFile(invocation.files.value(0));
    if (!file.ok()) {
        return file.error();
    }
    const auto report = Db::rehearse(invocation.database, file.value(), rehearsalOptions(invocation), progress);
    if (!report.ok()) {
        return report.error();
    }
    return rehearsalOutput(invocation, file.value().name, report.value(), out);
}

int rehearsalOutput(const Invocation &invocation, const QString &migration, const Db::RehearsalReport &r, QString *out)
{
    if (invocation.format == OutputFormat::Json) {
        QJsonArray steps;
        for (const Db::RehearsalStep &step : r.steps) {
            steps.append(QJsonObject{{QStringLiteral("step"), step.name},
                                     {QStringLiteral("ok"), step.ok},
                                     {QStringLiteral("ms"), step.ms},
                                     {QStringLiteral("lockRetries"), step.lockRetries},
                                     {QStringLiteral("detail"), step.detail}});
        }
        *out = QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("migration"), migration},
                                                           {QStringLiteral("scratchDatabase"), r.scratchDatabase},
                                                           {QStringLiteral("ok"), r.ok()},
                                                           {QStringLiteral("steps"), steps}})
                                     .toJson(QJsonDocument::Indented));
        return r.ok() ? int(Success) : int(ActionFailed);
    }
    QString text =
        QStringLiteral("Rehearsal of %1 on a scratch copy (%2, dropped after):\n").arg(migration, r.scratchDatabase);
    for (const Db::RehearsalStep &step : r.steps) {
        text += QStringLiteral("  %1 %2 %3 ms, %4 lock retries: %5\n")
                    .arg(step.ok ? QStringLiteral("✓") : QStringLiteral("✗"), step.name.leftJustified(14))
                    .arg(step.ms, 6)
                    .arg(step.lockRetries)
                    .arg(Core::shown(step.detail));
    }
    const QString failedAt = r.steps.isEmpty() ? QString() : r.steps.constLast().name;
    text += r.ok() ? QStringLiteral("Rehearsal passed: every step worked on a copy of the live schema.\n")
            : failedAt == QLatin1String("copy schema")
                ? QStringLiteral(
                      "Rehearsal failed at copy schema: the copy could not be made, and the migration did not run.\n")
                : QStringLiteral("Rehearsal failed at %1: fix the migration before it runs on the live database.\n")
                      .arg(failedAt);
    *out = text;
    return r.ok() ? int(Success) : int(ActionFailed);
}

} // namespace Curtain::Ctl
