#include "windowsteps.h"

#include "migration.h"
#include "output.h"
#include "terminal.h"

#include "core/handoff.h"
#include "core/judgetext.h"
#include "core/schemagate.h"
#include "engine/migrationfile.h"
#include "engine/releaseengine.h"
#include "kube/inputfile.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <limits>

namespace Curtain::Ctl {

namespace {

// `migration rehearse FILE --release R`: on the database the route names; the result goes into the
// release's history.
int rehearseOnRelease(Engine::ReleaseEngine *engine, const Invocation &invocation)
{
    const auto file = Engine::loadMigrationFile(invocation.files.value(0));
    if (!file.ok()) {
        return report(file.error(), invocation.format);
    }
    const auto rehearsed = await(engine->rehearse(invocation.release, file.value(), rehearsalOptions(invocation),
                                                  [](const QString &line) { writeErr(line + QLatin1Char('\n')); }),
                                 std::numeric_limits<int>::max(), QStringLiteral("the rehearsal"));
    if (!rehearsed.ok()) {
        return report(rehearsed.error(), invocation.format);
    }
    QString out;
    const int code = rehearsalOutput(invocation, file.value().name, rehearsed.value(), &out);
    writeOut(out);
    return code;
}

} // namespace

// `migration … --release R`: the release's route names the database, and the steps go through the
// engine's schema gate and into the release's history.
int migrationOnRelease(Engine::ReleaseEngine *engine, const Invocation &invocation)
{
    Core::Error error;
    if (invocation.migrationCommand == QLatin1String("status")) {
        Core::Result<QString> database = Core::makeError(Core::ErrorKind::NotFound, QString());
        Core::runAndWait(engine, [&] {
            const Core::ReleaseSnapshot *found = engine->releaseOnThread(invocation.release, &error);
            database =
                !found ? Core::Result<QString>(error)
                : found->database.isEmpty()
                    ? Core::Result<QString>(Core::makeError(
                          Core::ErrorKind::Refused, QStringLiteral("%1 names no database: annotate its route with "
                                                                   "curtain.dev/database=SERVICE")
                                                        .arg(found->name)))
                    : Core::Result<QString>(found->database + QChar(0) + found->databaseSchema);
        });
        if (!database.ok()) {
            return report(database.error(), invocation.format);
        }
        Invocation direct = invocation;
        direct.database = database.value().section(QChar(0), 0, 0);
        direct.schema = database.value().section(QChar(0), 1);
        const auto done = migration(direct, [](const QString &) {});
        if (!done.ok()) {
            return report(done.error(), invocation.format);
        }
        writeOut(done.value());
        return Success;
    }
    if (invocation.migrationCommand == QLatin1String("rehearse")) {
        return rehearseOnRelease(engine, invocation);
    }
    Core::SchemaRequest request;
    request.release = invocation.release;
    request.soakSeconds = invocation.soakSeconds;
    request.step = invocation.migrationCommand == QLatin1String("start")      ? Core::SchemaRequest::Expand
                   : invocation.migrationCommand == QLatin1String("complete") ? Core::SchemaRequest::Contract
                                                                              : Core::SchemaRequest::Abort;
    if (request.step == Core::SchemaRequest::Expand) {
        request.migrationFile = invocation.files.value(0);
        const auto text = Kube::readConfigFile(request.migrationFile);
        if (!text.ok()) {
            return report(
                Core::makeError(
                    Core::ErrorKind::InvalidInput,
                    QStringLiteral("the migration file %1 %2").arg(request.migrationFile, text.error().message)),
                invocation.format);
        }
        request.migrationText = text.value();
    }
    QObject context;
    QObject::connect(
        engine, &Engine::ReleaseEngine::schemaProgress, &context,
        [](const QString &, const QString &table, qint64 done, qint64 total) {
            writeErr(QStringLiteral("backfill %1: %2 of %3 rows\n").arg(table).arg(done).arg(total));
        },
        Qt::QueuedConnection);
    const auto result =
        await(engine->migrate(request), std::numeric_limits<int>::max(), QStringLiteral("the migration"));
    if (!result.ok()) {
        return report(result.error(), invocation.format);
    }
    writeOut(invocation.format == OutputFormat::Json
                 ? QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("ok"), true},
                                                               {QStringLiteral("summary"), result.value()}})
                                         .toJson(QJsonDocument::Indented))
                 : QStringLiteral("%1: %2\n").arg(invocation.release, result.value()));
    return Success;
}

int scaleColor(Engine::ReleaseEngine *engine, const Invocation &invocation)
{
    if (invocation.afterSeconds > 0) {
        const QDateTime at = QDateTime::currentDateTime().addSecs(invocation.afterSeconds);
        writeErr(QStringLiteral("%1 %2 scales to %3 at %4 (in %5); Ctrl+C cancels. A scale down is refused if the "
                                "color carries traffic by then.\n")
                     .arg(invocation.release, Core::colorName(invocation.scaleColor))
                     .arg(invocation.scaleReplicas)
                     .arg(at.toString(QStringLiteral("HH:mm:ss")), Core::formatDuration(invocation.afterSeconds)));
        QEventLoop wait;
        QTimer::singleShot(std::chrono::seconds(invocation.afterSeconds), &wait, &QEventLoop::quit);
        wait.exec();
    }
    const auto scaled = await(engine->scale(invocation.release, invocation.scaleColor, invocation.scaleReplicas),
                              clusterWaitMs(engine) + 15'000, QStringLiteral("scale"));
    if (!scaled.ok()) {
        return report(scaled.error(), invocation.format);
    }
    writeOut(invocation.format == OutputFormat::Json
                 ? QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("ok"), true},
                                                               {QStringLiteral("summary"), scaled.value()}})
                                         .toJson(QJsonDocument::Indented))
                 : scaled.value() + QLatin1Char('\n'));
    return Success;
}

int flipWhenReady(Engine::ReleaseEngine *engine, const Invocation &invocation)
{
    QObject context;
    QObject::connect(
        engine, &Engine::ReleaseEngine::flipWaiting, &context,
        [](const QString &release, Core::Color color, int ready, int needed) {
            writeErr(QStringLiteral("%1: waiting for %2, %3 of %4 replicas ready\n")
                         .arg(release, Core::colorName(color))
                         .arg(ready)
                         .arg(needed));
        },
        Qt::QueuedConnection);
    const int timeoutMs = invocation.readyTimeoutSeconds * 1000;
    const int waitMs = timeoutMs + clusterWaitMs(engine) + 15'000;
    const Core::ActionKind kind = invocation.action.kind; // flip or promote: the command line allows no other
    const QString verb = Core::actionName(kind);
    auto outcome = await(engine->flipWhenReady(invocation.release, QString(), timeoutMs, kind), waitMs, verb);
    if (!outcome.ok() && outcome.error().kind == Core::ErrorKind::Timeout &&
        outcome.error().message.contains(QLatin1String("took longer than"))) {
        // The engine's own wait ends first; past this guard its flip may have been sent.
        outcome = Core::makeError(Core::ErrorKind::NotConfirmed,
                                  QStringLiteral("%3 on %1: no verdict within %2 s; it may or may not have been "
                                                 "applied — look with `curtainctl status %1` before trying again")
                                      .arg(invocation.release)
                                      .arg(waitMs / 1000)
                                      .arg(verb));
    }
    if (!outcome.ok()) {
        return report(outcome.error(), invocation.format);
    }
    writeOut(invocation.format == OutputFormat::Json ? outcomeJson(outcome.value())
                                                     : outcome.value().summary + QLatin1Char('\n'));
    return outcome.value().confirmed ? int(Success) : int(NotConfirmed);
}

} // namespace Curtain::Ctl
