#include "db/rehearsal.h"

#include "db/connection.h"
#include "db/localserver.h"
#include "db/schemainfo.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>

namespace Curtain::Db {

namespace {

using Core::ErrorKind;

// pg_dump of the live database, one section: "pre-data" (types, tables, functions, views),
// "post-data" (indexes, constraints, triggers), or the state schema's rows as INSERTs.
Core::Result<QString> dump(const QString &conninfo, const QStringList &what)
{
    QString program = QDir(postgresBinDir()).filePath(QStringLiteral("pg_dump"));
    if (!QFileInfo::exists(program)) {
        program = QStandardPaths::findExecutable(QStringLiteral("pg_dump"));
    }
    if (program.isEmpty()) {
        return Core::makeError(ErrorKind::NotFound,
                               QStringLiteral("rehearse copies the live schema with pg_dump, "
                                              "which is not installed (Debian: postgresql-client)"));
    }
    QProcess process;
    process.start(program, QStringList{QStringLiteral("--no-owner"), QStringLiteral("--no-privileges"),
                                       QStringLiteral("--dbname"), conninfo} +
                               what);
    if (!process.waitForFinished(300'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString why = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
        process.kill();
        return Core::makeError(ErrorKind::Unreachable, QStringLiteral("pg_dump could not read the live schema: %1")
                                                           .arg(why.isEmpty() ? process.errorString() : why));
    }
    // Lines that start with a backslash are psql's meta-commands (pg_dump's \restrict guard), not SQL.
    QStringList lines = QString::fromUtf8(process.readAllStandardOutput()).split(QLatin1Char('\n'));
    lines.removeIf([](const QString &line) { return line.startsWith(QLatin1Char('\\')); });
    return lines.join(QLatin1Char('\n'));
}

// The first `rows` rows of each table, by primary key, copied from the live database as text.
Core::Result<qint64> copySample(Connection &live, Connection &scratch, const QString &schema, int rows)
{
    const auto tables = readSchema(live, schema);
    if (!tables.ok()) {
        return tables.error();
    }
    qint64 copied = 0;
    for (const TableInfo &table : tables.value()) {
        QStringList columns;
        QStringList placeholders;
        for (const ColumnInfo &column : table.columns) {
            columns << live.quoteIdentifier(column.name);
            placeholders << QStringLiteral("$%1").arg(placeholders.size() + 1);
        }
        const QString name = live.quoteIdentifier(schema) + QLatin1Char('.') + live.quoteIdentifier(table.name);
        QStringList order;
        for (const QString &key : table.primaryKey) {
            order << live.quoteIdentifier(key);
        }
        const auto sample = live.query(
            QStringLiteral("SELECT %1 FROM %2%3 LIMIT %4")
                .arg(columns.join(QStringLiteral(", ")), name,
                     order.isEmpty() ? QString() : QStringLiteral(" ORDER BY ") + order.join(QStringLiteral(", ")))
                .arg(rows));
        if (!sample.ok()) {
            return sample.error();
        }
        const QString insert =
            QStringLiteral("INSERT INTO %1 (%2) OVERRIDING SYSTEM VALUE VALUES (%3)")
                .arg(name, columns.join(QStringLiteral(", ")), placeholders.join(QStringLiteral(", ")));
        for (const QStringList &row : sample.value().values) {
            if (auto done = scratch.query(insert, row); !done.ok()) {
                return Core::makeError(done.error().kind,
                                       QStringLiteral("copying a row of %1: %2").arg(table.name, done.error().message));
            }
            ++copied;
        }
    }
    return copied;
}

// Every view of the version schemas read once: what a client on that version would do first.
Core::Result<int> readVersions(Connection &db, const QStringList &versions)
{
    int read = 0;
    for (const QString &version : versions) {
        const auto views = db.query(QStringLiteral("SELECT table_name FROM information_schema.views WHERE "
                                                   "table_schema = $1 ORDER BY 1"),
                                    {version});
        if (!views.ok()) {
            return views.error();
        }
        for (const QStringList &view : views.value().values) {
            const QString name = db.quoteIdentifier(version) + QLatin1Char('.') + db.quoteIdentifier(view.value(0));
            if (auto rows = db.query(QStringLiteral("SELECT * FROM %1 LIMIT 1").arg(name)); !rows.ok()) {
                return Core::makeError(
                    rows.error().kind,
                    QStringLiteral("version %1 cannot read %2: %3").arg(version, view.value(0), rows.error().message));
            }
            ++read;
        }
    }
    return read;
}

class Rehearsal
{
public:
    Rehearsal(RehearsalReport &report, const std::function<void(const QString &)> &progress)
        : m_report(report), m_progress(progress)
    {}

    // Runs one step, timed; false when it failed (the report says why).
    bool step(const QString &name, const std::function<Core::Result<QString>(RehearsalStep &)> &body)
    {
        if (m_progress) {
            m_progress(QStringLiteral("%1…").arg(name));
        }
        RehearsalStep step;
        step.name = name;
        QElapsedTimer clock;
        clock.start();
        const auto done = body(step);
        step.ms = clock.elapsed();
        step.ok = done.ok();
        step.detail = done.ok() ? done.value() : done.error().message;
        m_report.steps.append(step);
        return step.ok;
    }

private:
    RehearsalReport &m_report;
    std::function<void(const QString &)> m_progress;
};

Core::Result<QString> migratorStep(Connection *scratch, const RehearsalOptions &options, RehearsalStep &step,
                                   const std::function<Core::Result<Core::Done>(Migrator &)> &run)
{
    Migrator migrator(std::shared_ptr<Connection>(scratch, [](Connection *) {}), options.migrator);
    const auto done = run(migrator);
    step.lockRetries = migrator.lockRetriesSoFar();
    if (!done.ok()) {
        return done.error();
    }
    const auto status = migrator.status();
    if (!status.ok() || !status.value().latest) {
        return QStringLiteral("done");
    }
    const MigrationRecord &latest = *status.value().latest;
    return QStringLiteral("%1 is %2; live versions: %3%4")
        .arg(latest.name, latest.state, status.value().liveVersions().join(QStringLiteral(", ")),
             latest.backfillTotal > 0 ? QStringLiteral("; backfilled %1 rows").arg(latest.backfillDone) : QString());
}

} // namespace

bool RehearsalReport::ok() const
{
    for (const RehearsalStep &step : steps) {
        if (!step.ok) {
            return false;
        }
    }
    return !steps.isEmpty();
}

Core::Result<RehearsalReport> rehearse(const QString &conninfo, const Migration &migration,
                                       const RehearsalOptions &options,
                                       const std::function<void(const QString &)> &progress)
{
    auto live = Connection::open(conninfo);
    if (!live.ok()) {
        return live.error();
    }
    RehearsalReport report;
    report.scratchDatabase = QStringLiteral("curtain_rehearsal_%1").arg(QDateTime::currentMSecsSinceEpoch());
    const QString scratchInfo = conninfoWithDatabase(conninfo, report.scratchDatabase);
    if (scratchInfo.isEmpty()) {
        return Core::makeError(ErrorKind::InvalidInput, QStringLiteral("the connection string does not parse"));
    }
    const QString created = QStringLiteral("CREATE DATABASE %1 TEMPLATE template0")
                                .arg(live.value()->quoteIdentifier(report.scratchDatabase));
    if (auto made = live.value()->execute(created); !made.ok()) {
        return Core::makeError(made.error().kind,
                               QStringLiteral("cannot make a scratch database on the live server (the user needs "
                                              "CREATEDB): %1")
                                   .arg(made.error().message));
    }
    {
        std::shared_ptr<Connection> scratch;
        Rehearsal run(report, progress);
        QStringList before; // the schema as it was before start, to hold a rollback to
        const bool copied = run.step(QStringLiteral("copy schema"), [&](RehearsalStep &) -> Core::Result<QString> {
            const auto pre = dump(conninfo, {QStringLiteral("--schema-only"), QStringLiteral("--section=pre-data")});
            const auto post = dump(conninfo, {QStringLiteral("--schema-only"), QStringLiteral("--section=post-data")});
            // The state (history, the active migration) as it is live; none when Curtain never ran there.
            const auto hasState = live.value()->query(QStringLiteral("SELECT 1 FROM pg_namespace WHERE nspname = $1"),
                                                      {options.migrator.stateSchema});
            const Core::Result<QString> state =
                hasState.ok() && hasState.value().size() > 0
                    ? dump(conninfo, {QStringLiteral("--data-only"), QStringLiteral("--inserts"),
                                      QStringLiteral("--schema=") + options.migrator.stateSchema})
                    : Core::Result<QString>(QString());
            for (const auto *part : {&pre, &post, &state}) {
                if (!part->ok()) {
                    return part->error();
                }
            }
            auto opened = Connection::open(scratchInfo);
            if (!opened.ok()) {
                return opened.error();
            }
            scratch = opened.value();
            if (auto loaded = scratch->execute(pre.value()); !loaded.ok()) {
                return loaded.error();
            }
            qint64 rows = 0;
            if (options.sampleRows > 0) {
                const auto sampled = copySample(*live.value(), *scratch, options.migrator.schema, options.sampleRows);
                if (!sampled.ok()) {
                    return sampled.error();
                }
                rows = sampled.value();
            }
            for (const auto *part : {&post, &state}) {
                if (auto loaded = scratch->execute(part->value()); !loaded.ok()) {
                    return Core::makeError(loaded.error().kind, QStringLiteral("%1%2").arg(
                                                                    loaded.error().message,
                                                                    rows > 0 ? QStringLiteral(" (a sample of rows can "
                                                                                              "break a constraint: try "
                                                                                              "fewer or more --rows)")
                                                                             : QString()));
                }
            }
            // pg_dump's scripts empty the search_path for their session; the migration gets a fresh one.
            opened = Connection::open(scratchInfo);
            if (!opened.ok()) {
                return opened.error();
            }
            scratch = opened.value();
            const auto described = describeSchema(*scratch, options.migrator.schema, options.migrator.stateSchema);
            if (!described.ok()) {
                return described.error();
            }
            before = described.value();
            return QStringLiteral("%1 rows sampled per table: %2 rows").arg(options.sampleRows).arg(rows);
        });
        QStringList versions;
        const auto bothVersions = [&](RehearsalStep &) -> Core::Result<QString> {
            const auto read = readVersions(*scratch, versions);
            if (!read.ok()) {
                return read.error();
            }
            return QStringLiteral("%1 views read in %2").arg(read.value()).arg(versions.join(QStringLiteral(" and ")));
        };
        const auto start = [&](RehearsalStep &step) {
            return migratorStep(scratch.get(), options, step, [&](Migrator &m) {
                auto started = m.start(migration);
                if (started.ok()) {
                    const auto status = m.status();
                    versions = status.ok() ? status.value().liveVersions() : QStringList();
                }
                return started;
            });
        };
        const bool rehearsed =
            copied && run.step(QStringLiteral("start"), start) &&
            run.step(QStringLiteral("both versions"), bothVersions) &&
            run.step(QStringLiteral("rollback"),
                     [&](RehearsalStep &step) -> Core::Result<QString> {
                         auto undone =
                             migratorStep(scratch.get(), options, step, [](Migrator &m) { return m.rollback(); });
                         if (!undone.ok()) {
                             return undone;
                         }
                         const auto after =
                             describeSchema(*scratch, options.migrator.schema, options.migrator.stateSchema);
                         if (!after.ok()) {
                             return after.error();
                         }
                         if (after.value() != before) {
                             return Core::makeError(ErrorKind::Conflict,
                                                    QStringLiteral("the schema after rollback differs from before "
                                                                   "start (%1 lines then, %2 now)")
                                                        .arg(before.size())
                                                        .arg(after.value().size()));
                         }
                         return QStringLiteral("the schema is as it was before start");
                     }) &&
            run.step(QStringLiteral("start again"), start) &&
            run.step(QStringLiteral("complete"), [&](RehearsalStep &step) {
                return migratorStep(scratch.get(), options, step, [](Migrator &m) { return m.complete(); });
            });
        Q_UNUSED(rehearsed);
    } // the scratch connection closes before the drop
    const QString dropped =
        QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(live.value()->quoteIdentifier(report.scratchDatabase));
    if (auto gone = live.value()->execute(dropped); !gone.ok()) {
        RehearsalStep step;
        step.name = QStringLiteral("drop scratch database");
        step.detail = QStringLiteral("drop %1 by hand: %2").arg(report.scratchDatabase, gone.error().message);
        report.steps.append(step);
    }
    return report;
}

} // namespace Curtain::Db
