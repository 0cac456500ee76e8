#include "core/schemagate.h"

#include "core/judgetext.h"

#include "core/action.h"

#include <QRegularExpression>

namespace Curtain::Core {

namespace {

QString trafficAndPods(const Environment &env)
{
    return QStringLiteral("%1 % of traffic and %2 ready pod%3")
        .arg(env.trafficPercent)
        .arg(env.readyReplicas)
        .arg(env.readyReplicas == 1 ? QString() : QStringLiteral("s"));
}

bool inUse(const Environment &env)
{
    return env.present && (env.trafficPercent > 0 || env.readyReplicas > 0);
}

// A color in use that names no schema version may use the one about to go: refuse rather than guess.
std::optional<Error> undeclaredInUse(const ReleaseSnapshot &release, const QString &what, const QString &version)
{
    for (Color color : {Color::Blue, Color::Green}) {
        const Environment &env = release.environment(color);
        if (env.schemaVersion.isEmpty() && inUse(env)) {
            return makeError(ErrorKind::Refused,
                             QStringLiteral("cannot %1: %2 (%3) names no schema version (curtain.dev/schema-version, "
                                            "or a search_path in PGOPTIONS), so Curtain cannot tell whether it still "
                                            "uses %4 — it has %5. Name its version, or scale it to 0 first.")
                                 .arg(what, colorName(color), env.version, version, trafficAndPods(env)));
        }
    }
    return std::nullopt;
}

} // namespace

QString schemaStepName(SchemaRequest::Step step)
{
    switch (step) {
    case SchemaRequest::Contract:
        return QStringLiteral("contract");
    case SchemaRequest::Abort:
        return QStringLiteral("abort");
    case SchemaRequest::Expand:
        break;
    }
    return QStringLiteral("expand");
}

QString databaseLabel(const QString &conninfo)
{
    static const QRegularExpression key(QStringLiteral("(?:^|\\s)(service|dbname)\\s*=\\s*'?([^\\s']+)"));
    const QRegularExpressionMatch match = key.match(conninfo);
    if (match.hasMatch() && !match.captured(2).contains(QLatin1Char('@')) &&
        !match.captured(2).contains(QLatin1String("://"))) {
        return match.captured(2);
    }
    static const QRegularExpression uri(QStringLiteral("^postgres(?:ql)?://[^/]*/([^?]+)"));
    const QRegularExpressionMatch path = uri.match(conninfo);
    return path.hasMatch() && !path.captured(1).contains(QLatin1Char('@')) ? path.captured(1)
                                                                           : QStringLiteral("the database");
}

QString searchPathVersion(const QString &pgoptions)
{
    static const QRegularExpression option(QStringLiteral("(?:^|\\s)(?:-c\\s*|--)search_path\\s*=\\s*([^\\s]+)"));
    const QRegularExpressionMatch match = option.match(pgoptions);
    if (!match.hasMatch()) {
        return {};
    }
    QString first = match.captured(1).section(QLatin1Char(','), 0, 0).trimmed();
    if (first.size() >= 2 && first.startsWith(QLatin1Char('"')) && first.endsWith(QLatin1Char('"'))) {
        first = first.mid(1, first.size() - 2);
    } else {
        first = first.toLower(); // PostgreSQL folds an unquoted name
    }
    return first.startsWith(QLatin1Char('$')) ? QString() : first; // "$user" names no version
}

std::optional<Error> schemaGate(const ReleaseSnapshot &release, int kind, const TargetState &target)
{
    if (release.database.isEmpty()) {
        return std::nullopt;
    }
    const bool rollback = kind == int(ActionKind::Rollback);
    const QString db = databaseLabel(release.database);
    for (Color color : {Color::Blue, Color::Green}) {
        const Environment &env = release.environment(color);
        if (env.schemaVersion.isEmpty() || target.weight(color) <= env.trafficPercent) {
            continue;
        }
        const QString who = QStringLiteral("%1 (%2)").arg(colorName(color), env.version);
        const std::optional<DatabaseState> &state = release.databaseState;
        if (!state || !state->read) {
            if (rollback) {
                continue;
            }
            return makeError(
                ErrorKind::Refused,
                QStringLiteral("%1 was not changed: %2 needs schema version %3 of database %4, and Curtain "
                               "cannot read that database (%5); nothing moves towards it until it can")
                    .arg(release.name, who, env.schemaVersion, db,
                         state ? state->error : QStringLiteral("not read yet")));
        }
        if (state->liveVersions.contains(env.schemaVersion)) {
            continue;
        }
        if (state->goneVersions.contains(env.schemaVersion)) {
            // The trap: an instant switch back to a color whose schema was contracted breaks it.
            const QString when =
                state->completedAt.isValid()
                    ? QStringLiteral(" at %1").arg(state->completedAt.toLocalTime().toString(QStringLiteral("HH:mm")))
                    : QString();
            return makeError(
                ErrorKind::Refused,
                QStringLiteral("%1 was not changed: %2 would send traffic to %3, which needs schema "
                               "version %4 of database %5 — migration %6 contracted it%7 and its views are "
                               "gone, so every request %3 serves would fail. Safe path: keep %8 serving; "
                               "to go back, deploy %9 on schema version %10, or write a migration that "
                               "brings back what it needs.")
                    .arg(release.name, actionName(ActionKind(kind)), who, env.schemaVersion, db, state->migration, when,
                         colorName(otherColor(color)), colorName(color))
                    .arg(state->newVersion));
        }
        return makeError(ErrorKind::Refused,
                         QStringLiteral("%1 was not changed: %2 needs schema version %3 of database %4, which does not "
                                        "exist yet (live: %5). Expand first — start the migration that makes %3 — then "
                                        "move traffic.")
                             .arg(release.name, who, env.schemaVersion, db,
                                  state->liveVersions.isEmpty() ? QStringLiteral("none")
                                                                : state->liveVersions.join(QStringLiteral(", "))));
    }
    return std::nullopt;
}

namespace {

// The soak: the new version carries everything, alone, for a while before the old one goes for good.
std::optional<Error> soakRefusal(const ReleaseSnapshot &release, const DatabaseState &state, int soakSeconds,
                                 const QDateTime &now)
{
    if (soakSeconds <= 0) {
        return std::nullopt;
    }
    for (Color color : {Color::Blue, Color::Green}) {
        const Environment &env = release.environment(color);
        if (env.schemaVersion != state.newVersion || env.trafficPercent != 100) {
            continue;
        }
        const QString soak = formatDuration(soakSeconds);
        if (!release.switchedAt.isValid()) {
            return makeError(ErrorKind::Refused,
                             QStringLiteral("cannot contract %1 yet: Curtain cannot tell since when %2 (%3) has "
                                            "carried all traffic — the route has no curtain.dev/switched-at (it "
                                            "was switched outside Curtain, or before Curtain stamped its flips) "
                                            "and no Completed condition. Contract with a soak of 0 if you have "
                                            "watched it for the %4 soak.")
                                 .arg(state.migration, colorName(color), env.version, soak));
        }
        const qint64 served = release.switchedAt.secsTo(now);
        if (served < soakSeconds) {
            const QDateTime from = release.switchedAt.addSecs(soakSeconds);
            return makeError(ErrorKind::Refused,
                             QStringLiteral("cannot contract %1 yet: %2 (%3) has carried all traffic for %4 of the "
                                            "%5 soak (since %6); contract from %7 — until then Rollback stays "
                                            "instant")
                                 .arg(state.migration, colorName(color), env.version, formatDuration(double(served)),
                                      soak, release.switchedAt.toLocalTime().toString(QStringLiteral("HH:mm")),
                                      from.toLocalTime().toString(QStringLiteral("HH:mm"))));
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<Error> contractGate(const ReleaseSnapshot &release, int soakSeconds, const QDateTime &now)
{
    const std::optional<DatabaseState> &state = release.databaseState;
    if (!state || !state->read) {
        return makeError(ErrorKind::Refused, QStringLiteral("cannot contract: database %1 cannot be read (%2)")
                                                 .arg(databaseLabel(release.database),
                                                      state ? state->error : QStringLiteral("not read yet")));
    }
    if (state->phase != QLatin1String("expanded")) {
        return makeError(ErrorKind::Refused, QStringLiteral("nothing to contract: no migration is in progress on "
                                                            "database %1")
                                                 .arg(databaseLabel(release.database)));
    }
    if (auto soaking = soakRefusal(release, *state, soakSeconds, now)) {
        return soaking;
    }
    if (auto undeclared =
            undeclaredInUse(release, QStringLiteral("contract %1").arg(state->migration), state->oldVersion)) {
        return undeclared;
    }
    for (Color color : {Color::Blue, Color::Green}) {
        const Environment &env = release.environment(color);
        if (env.schemaVersion == state->oldVersion && inUse(env)) {
            return makeError(ErrorKind::Refused,
                             QStringLiteral("cannot contract %1: %2 (%3) still uses schema version %4, which the "
                                            "contract drops — it has %5. Move all traffic to %6 and scale %2 to 0 "
                                            "first; Rollback stays possible until then.")
                                 .arg(state->migration, colorName(color), env.version, state->oldVersion,
                                      trafficAndPods(env), colorName(otherColor(color))));
        }
    }
    return std::nullopt;
}

std::optional<Error> abortGate(const ReleaseSnapshot &release)
{
    const std::optional<DatabaseState> &state = release.databaseState;
    if (!state || !state->read) {
        return makeError(
            ErrorKind::Refused,
            QStringLiteral("cannot abort the migration: database %1 cannot be read (%2)")
                .arg(databaseLabel(release.database), state ? state->error : QStringLiteral("not read yet")));
    }
    if (state->phase != QLatin1String("expanded")) {
        return makeError(ErrorKind::Refused,
                         state->phase == QLatin1String("contracted")
                             ? QStringLiteral("cannot abort %1: it was contracted and its old version is gone; write "
                                              "a migration that undoes it")
                                   .arg(state->migration)
                             : QStringLiteral("nothing to abort: no migration is in progress on database %1")
                                   .arg(databaseLabel(release.database)));
    }
    if (auto undeclared =
            undeclaredInUse(release, QStringLiteral("abort %1").arg(state->migration), state->newVersion)) {
        return undeclared;
    }
    for (Color color : {Color::Blue, Color::Green}) {
        const Environment &env = release.environment(color);
        if (env.schemaVersion == state->newVersion && inUse(env)) {
            return makeError(ErrorKind::Refused,
                             QStringLiteral("cannot abort %1: %2 (%3) uses schema version %4, which the abort drops — "
                                            "it has %5. Roll traffic back to %6 and scale %2 to 0 first.")
                                 .arg(state->migration, colorName(color), env.version, state->newVersion,
                                      trafficAndPods(env), colorName(otherColor(color))));
        }
    }
    return std::nullopt;
}

} // namespace Curtain::Core
