#include "haproxy/fleetwriter.h"

#include "core/displaytext.h"
#include "haproxy/runtimereplies.h"

#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace Curtain::HAProxy {

namespace {

constexpr int FullWeight = 100;

Core::Error refusal(const QString &message)
{
    return Core::makeError(Core::ErrorKind::Refused, message);
}

// An instance that could not be read refuses a write too, but the way out is the network, not the
// request: curtainctl exits 3 for it, as for a cluster it cannot reach.
Core::Error unreadable(const QString &instance, const QString &why, const QString &nothingChanged)
{
    return Core::makeError(
        Core::ErrorKind::Unreachable,
        QStringLiteral("%1 could not be read, so nothing was changed%2: %3").arg(instance, nothingChanged, why));
}

QString serverCommand(const QString &backend, const QString &server, const QString &what)
{
    return QStringLiteral("set server %1/%2 %3").arg(backend, server, what);
}

QString weightCommand(const QString &backend, const QString &server, int weight)
{
    return serverCommand(backend, server, QStringLiteral("weight %1").arg(weight));
}

QString stateCommand(const QString &backend, const QString &server, AdminState state)
{
    return serverCommand(backend, server, QStringLiteral("state ") + adminStateName(state));
}

const ServerState *stateOf(const InstanceReading &reading, const QString &backend, const QString &server)
{
    for (const ServerState &state : reading.servers.servers) {
        if (state.backend == backend && state.server == server) {
            return &state;
        }
    }
    return nullptr;
}

const StatRow *statOf(const InstanceReading &reading, const QString &backend, const QString &server)
{
    for (const StatRow &row : reading.stat.rows) {
        if (row.proxy == backend && row.server == server && row.isServer()) {
            return &row;
        }
    }
    return nullptr;
}

// UP by its health checks. A server leaving maintenance is shown UP at once, with the last check
// from before it (checks pause in maintenance) and its health at `rise`: one failure from DOWN
// ("UP 1/2"). So it counts only at full health (rise + fall - 1, shown as a bare "UP"), which takes
// fall - 1 checks passed since, and with its last check passed (L4OK, L6OK, L7OK; "* " marks one in
// progress). With `fall 1` full health comes at once: nothing proves a fresh check then.
// A server without checks ("no check") is taken at its word.
bool passedChecks(const StatRow &row)
{
    const ServerStatus status = serverStatusOf(row.status);
    if (status == ServerStatus::NoCheck) {
        return true;
    }
    QString check = row.checkStatus;
    check.remove(QLatin1String("* "));
    const bool fullHealth = row.checkHealth && row.checkRise && row.checkFall
                                ? *row.checkHealth >= *row.checkRise + *row.checkFall - 1
                                : !row.status.contains(QLatin1Char('/')); // "UP 1/3": going down
    return status == ServerStatus::Up && fullHealth && check.startsWith(QLatin1Char('L')) &&
           check.endsWith(QLatin1String("OK"));
}

QString percent(double share)
{
    return QStringLiteral("%1 %").arg(std::round(share * 1000) / 10);
}

QString shareSummary(const ReleaseConfig &release, double greenShare, const QStringList &instances)
{
    return QStringLiteral("%1: green %2, blue %3 on %4")
        .arg(release.name, percent(greenShare), percent(1 - greenShare), instances.join(QStringLiteral(", ")));
}

} // namespace

QString outcomeName(WriteReport::Outcome outcome)
{
    switch (outcome) {
    case WriteReport::Outcome::Applied:
        return QStringLiteral("applied");
    case WriteReport::Outcome::Refused:
        return QStringLiteral("refused");
    case WriteReport::Outcome::Reverted:
        return QStringLiteral("reverted");
    case WriteReport::Outcome::NotConfirmed:
        return QStringLiteral("not confirmed");
    }
    return QString();
}

Core::Result<ColorWeights> weightsForShare(double greenShare, int blueServers, int greenServers)
{
    if (!std::isfinite(greenShare) || greenShare < 0 || greenShare > 1) {
        return refusal(QStringLiteral("a share of green must be from 0 to 100 %"));
    }
    if (greenShare > 0 && greenServers <= 0) {
        return refusal(
            QStringLiteral("there are no green servers to carry %1 of the traffic").arg(percent(greenShare)));
    }
    if (greenShare < 1 && blueServers <= 0) {
        return refusal(
            QStringLiteral("there are no blue servers to carry %1 of the traffic").arg(percent(1 - greenShare)));
    }
    if (greenShare == 0) {
        return ColorWeights{FullWeight, 0};
    }
    if (greenShare == 1) {
        return ColorWeights{0, FullWeight};
    }
    // The pair of per-server weights (1..256, HAProxy's range) whose serving share is nearest the
    // one asked for; of equally near pairs, the one whose larger weight is nearest 100, the weight
    // people write. 5 % over 2 + 2 servers is 95 and 5 (exact); 25 % is 99 and 33 (exact).
    const auto distance = [](const ColorWeights &w) { return std::abs(std::max(w.blue, w.green) - FullWeight); };
    ColorWeights best{FullWeight, 0};
    double bestError = 2;
    for (int green = 1; green <= 256; ++green) {
        const double ideal = green * (1 - greenShare) * greenServers / (greenShare * blueServers);
        // Clamped: a share too small for 256 to 1 still gets the nearest there is.
        for (const double candidate : {std::floor(ideal), std::ceil(ideal)}) {
            const int blue = int(std::clamp(candidate, 1.0, 256.0));
            const double share =
                double(green) * greenServers / (double(green) * greenServers + double(blue) * blueServers);
            const double error = std::abs(share - greenShare);
            if (error < bestError - 1e-12 ||
                (std::abs(error - bestError) <= 1e-12 && distance({blue, green}) < distance(best))) {
                best = {blue, green};
                bestError = error;
            }
        }
    }
    return best;
}

FleetWriter::FleetWriter(FleetConfig fleet, Exchange exchange, Pause pause)
    : m_fleet(std::move(fleet)), m_exchange(std::move(exchange)), m_pause(std::move(pause))
{}

const ReleaseConfig *FleetWriter::releaseNamed(const QString &name) const
{
    for (const ReleaseConfig &release : m_fleet.releases) {
        if (release.name == name) {
            return &release;
        }
    }
    return nullptr;
}

InstanceReading FleetWriter::readInstance(const InstanceConfig &instance) const
{
    InstanceReading reading;
    reading.instance = instance.name;
    const Core::Result<QString> stat = m_exchange(instance, QStringLiteral("show stat"));
    const Core::Result<QString> servers =
        stat.ok() ? m_exchange(instance, QStringLiteral("show servers state")) : Core::Result<QString>(stat.error());
    if (!servers.ok()) {
        reading.error = servers.error();
        return reading;
    }
    const Core::Result<StatTable> statTable = parseStat(stat.value());
    const Core::Result<ServersStateTable> serversTable = parseServersState(servers.value());
    if (!statTable.ok() || !serversTable.ok()) {
        reading.error = statTable.ok() ? serversTable.error() : statTable.error();
        return reading;
    }
    reading.stat = statTable.value();
    reading.servers = serversTable.value();
    for (const ReleaseConfig &release : m_fleet.releases) {
        if (release.kind != ReleaseKind::MapSwitch || reading.maps.contains(release.map)) {
            continue;
        }
        const Core::Result<QString> map = m_exchange(instance, QStringLiteral("show map ") + release.map);
        const Core::Result<MapTable> table = map.ok() ? parseShowMap(map.value()) : Core::Result<MapTable>(map.error());
        if (!table.ok()) {
            reading.error = table.error();
            return reading;
        }
        reading.maps.insert(release.map, table.value());
    }
    return reading;
}

QList<InstanceReading> FleetWriter::readAll() const
{
    QList<InstanceReading> readings;
    for (const InstanceConfig &instance : m_fleet.instances) {
        readings << readInstance(instance);
    }
    return readings;
}

Core::Result<Color> FleetWriter::configuredColor(const QString &release) const
{
    const ReleaseConfig *config = releaseNamed(release);
    if (!config || config->kind != ReleaseKind::Servers || m_fleet.instances.isEmpty()) {
        return refusal(
            QStringLiteral("%1 is not a weighted release of fleet %2").arg(Core::shown(release, 80), m_fleet.name));
    }
    const InstanceReading reading = readInstance(m_fleet.instances.first());
    if (reading.error) {
        return unreadable(reading.instance, reading.error->message, QString());
    }
    int blue = 0;
    int green = 0;
    for (const ServerState &server : reading.servers.servers) {
        const std::optional<Color> color = colorOfServer(server.server);
        if (server.backend == config->backend && color) {
            (*color == Color::Blue ? blue : green) += server.initialWeight;
        }
    }
    if ((blue > 0) == (green > 0)) {
        return refusal(
            QStringLiteral("HAProxy's configuration gives %1's initial weight to %2, so there is no "
                           "known-good color to return to; say where traffic goes with set-weight %1 0 "
                           "(all blue) or 100 (all green)")
                .arg(config->name, blue > 0 ? QStringLiteral("both colors") : QStringLiteral("neither color")));
    }
    return blue > 0 ? Color::Blue : Color::Green;
}

FleetState FleetWriter::read() const
{
    return assembleFleetState(m_fleet, readAll());
}

// The release as every instance has it now. Any instance that cannot be read stops a write before
// it starts: a change that reaches only part of a fleet is the one thing it must never make.
Core::Result<FleetWriter::Snapshot> FleetWriter::snapshot(const ReleaseConfig &release) const
{
    Snapshot snapshot;
    snapshot.readings = readAll();
    for (const InstanceReading &reading : snapshot.readings) {
        if (reading.error) {
            return unreadable(reading.instance, reading.error->message, QStringLiteral(" on any instance"));
        }
    }
    const FleetState state = assembleFleetState(m_fleet, snapshot.readings);
    for (const ReleaseState &found : state.releases) {
        if (found.config.name == release.name) {
            snapshot.release = found;
        }
    }
    return snapshot;
}

bool FleetWriter::sendPhase(const QList<InstanceReading> &readings, const StepsFor &steps, QList<Sent> &sent,
                            WriteReport &report)
{
    for (int i = 0; i < m_fleet.instances.size() && i < readings.size(); ++i) {
        const InstanceConfig &instance = m_fleet.instances[i];
        for (const Step &step : steps(readings[i])) {
            report.commands << instance.name + QStringLiteral(": ") + step.command;
            const Core::Result<QString> reply = m_exchange(instance, step.command);
            const Core::Result<Core::Done> checked =
                reply.ok() ? checkCommandReply(reply.value()) : Core::Result<Core::Done>(reply.error());
            // Taken, or sent and unanswered (it may have been applied): its undo goes on the list.
            // A refusal in HAProxy's words changed nothing.
            if (checked.ok() || (!reply.ok() && reply.error().requestSent)) {
                sent << Sent{int(i), step};
            }
            if (!checked.ok()) {
                report.problem = QStringLiteral("%1 did not take `%2`: %3")
                                     .arg(instance.name, step.command, checked.error().message);
                return false;
            }
        }
    }
    return true;
}

// Sets back, newest first, what was changed; what cannot be set back is named with its command.
void FleetWriter::revert(const QList<Sent> &sent, WriteReport &report)
{
    QStringList failed;
    for (auto it = sent.crbegin(); it != sent.crend(); ++it) {
        const InstanceConfig &instance = m_fleet.instances[it->instance];
        report.commands << instance.name + QStringLiteral(": ") + it->step.undo;
        const Core::Result<QString> reply = m_exchange(instance, it->step.undo);
        const Core::Result<Core::Done> checked =
            reply.ok() ? checkCommandReply(reply.value()) : Core::Result<Core::Done>(reply.error());
        if (!checked.ok()) {
            failed << QStringLiteral("%1: `%2` (%3)").arg(instance.name, it->step.undo, checked.error().message);
        }
    }
    if (failed.isEmpty()) {
        report.outcome = WriteReport::Outcome::Reverted;
        report.problem += sent.isEmpty() ? QStringLiteral("; nothing had been changed")
                                         : QStringLiteral("; every instance was set back as it was");
        return;
    }
    report.outcome = WriteReport::Outcome::NotConfirmed;
    report.problem +=
        QStringLiteral("; these could not be set back, send them again: ") + failed.join(QStringLiteral("; "));
}

// Make before break: every server that is to carry traffic must pass its health checks on every
// instance before any weight moves to it.
bool FleetWriter::waitUntilUp(const ReleaseConfig &release, const QStringList &servers, const WriteOptions &options,
                              WriteReport &report)
{
    int waited = 0;
    int passes = 0;
    QStringList notUp;
    for (;;) {
        notUp.clear();
        for (const InstanceReading &reading : readAll()) {
            if (reading.error) {
                notUp << QStringLiteral("%1 (%2)").arg(reading.instance, reading.error->message);
                continue;
            }
            for (const QString &server : servers) {
                const StatRow *row = statOf(reading, release.backend, server);
                if (!row || !passedChecks(*row)) {
                    notUp << QStringLiteral("%1 on %2 is %3%4")
                                 .arg(server, reading.instance, row ? row->status : QStringLiteral("missing"),
                                      row && !row->checkStatus.isEmpty() ? QStringLiteral(" (%1)").arg(row->checkStatus)
                                                                         : QString());
                }
            }
        }
        // Twice in a row: a server leaving maintenance shows UP before its first check has run.
        if (notUp.isEmpty() && ++passes >= 2) {
            return true;
        }
        if (!notUp.isEmpty()) {
            passes = 0;
        }
        if (waited >= release.upTimeoutMs) {
            break;
        }
        m_pause(options.pollMs);
        waited += options.pollMs;
    }
    report.problem = QStringLiteral("no traffic was moved: %1 after %2 s of health checks")
                         .arg(notUp.join(QStringLiteral(", ")))
                         .arg(release.upTimeoutMs / 1000.0);
    return false;
}

// The color left without traffic stops taking persistent connections; its sessions are waited for.
// Nothing here takes traffic back, so a failure is a warning, not a revert.
void FleetWriter::drain(const ReleaseConfig &release, const QStringList &servers, const WriteOptions &options,
                        WriteReport &report)
{
    QList<Sent> sent;
    const StepsFor toDrain = [&](const InstanceReading &reading) {
        QList<Step> steps;
        for (const QString &server : servers) {
            const ServerState *state = stateOf(reading, release.backend, server);
            if (state && state->admin == AdminState::Ready) {
                steps << Step{stateCommand(release.backend, server, AdminState::Drain),
                              stateCommand(release.backend, server, AdminState::Ready)};
            }
        }
        return steps;
    };
    const QList<InstanceReading> readings = readAll();
    if (!sendPhase(readings, toDrain, sent, report)) {
        report.warnings << QStringLiteral("the old servers were not drained: ") + report.problem;
        report.problem.clear();
        return;
    }
    qint64 sessions = 0;
    for (int waited = 0;; waited += options.pollMs) {
        sessions = 0;
        for (const InstanceReading &reading : readAll()) {
            for (const QString &server : servers) {
                const StatRow *row = statOf(reading, release.backend, server);
                sessions += row ? row->scur.value_or(0) : 0;
            }
        }
        if (sessions == 0 || waited >= release.drainTimeoutMs) {
            break;
        }
        m_pause(options.pollMs);
    }
    if (sessions > 0) {
        report.warnings << QStringLiteral("%1 still had %2 sessions after %3 s: left in drain, not in maintenance")
                               .arg(servers.join(QStringLiteral(", ")))
                               .arg(sessions)
                               .arg(release.drainTimeoutMs / 1000.0);
        return;
    }
    if (options.maintAfterDrain) {
        const StepsFor toMaint = [&](const InstanceReading &) {
            QList<Step> steps;
            for (const QString &server : servers) {
                steps << Step{stateCommand(release.backend, server, AdminState::Maint),
                              stateCommand(release.backend, server, AdminState::Drain)};
            }
            return steps;
        };
        if (!sendPhase(readAll(), toMaint, sent, report)) {
            report.warnings << QStringLiteral("drained, but not put in maintenance: ") + report.problem;
            report.problem.clear();
        }
    }
}

void FleetWriter::confirm(const ReleaseConfig &release, const std::function<QString(const ReleaseState &)> &differs,
                          WriteReport &report)
{
    const Core::Result<Snapshot> after = snapshot(release);
    if (!after.ok()) {
        report.outcome = WriteReport::Outcome::NotConfirmed;
        report.problem = QStringLiteral("the commands were taken, but reading back failed: ") + after.error().message;
        return;
    }
    report.after = after.value().release;
    const QString difference = differs(report.after);
    report.outcome = difference.isEmpty() ? WriteReport::Outcome::Applied : WriteReport::Outcome::NotConfirmed;
    if (!difference.isEmpty()) {
        report.problem = QStringLiteral("the commands were taken, but the fleet now shows ") + difference;
    }
}

// Runtime changes die with a reload; HAProxy's `load-server-state-from-file` brings back what
// `show servers state` wrote.
void FleetWriter::saveServerState(WriteReport &report)
{
    for (const InstanceConfig &instance : m_fleet.instances) {
        if (instance.stateFile.isEmpty()) {
            continue;
        }
        const Core::Result<QString> state = m_exchange(instance, QStringLiteral("show servers state"));
        QSaveFile file(instance.stateFile);
        const bool written =
            state.ok() && file.open(QIODevice::WriteOnly) && file.write(state.value().toUtf8()) >= 0 && file.commit();
        if (!written) {
            report.warnings << QStringLiteral("%1: the server-state file %2 was not written (%3): a reload would undo "
                                              "this change")
                                   .arg(instance.name, instance.stateFile,
                                        state.ok() ? file.errorString() : state.error().message);
        }
    }
}

// Which weight each server gets, which must be UP first, which are left without traffic.
FleetWriter::SharePlan FleetWriter::planShare(const ReleaseState &before, const ColorWeights &weights)
{
    SharePlan plan;
    for (const auto &[color, weight] :
         {std::pair{&before.blue, weights.blue}, std::pair{&before.green, weights.green}}) {
        for (const ServerView &server : color->servers) {
            plan.target.insert(server.name, weight);
            (weight > 0 ? plan.mustBeUp : plan.toDrain) << server.name;
        }
    }
    return plan;
}

// What the fleet shows that the plan did not ask for; empty when it matches. Problems the release
// had before the write (a server without a color) are not the write's.
QString FleetWriter::shareDifference(const SharePlan &plan, const ReleaseState &before, const ReleaseState &now)
{
    QStringList wrong;
    for (const ColorView *color : {&now.blue, &now.green}) {
        for (const ServerView &server : color->servers) {
            const int wanted = plan.target.value(server.name, server.weight);
            if (server.weight != wanted) {
                wrong << QStringLiteral("%1 at weight %2, not %3").arg(server.name).arg(server.weight).arg(wanted);
            }
        }
    }
    for (const QString &problem : now.problems) {
        if (!before.problems.contains(problem)) {
            wrong << problem;
        }
    }
    return wrong.join(QStringLiteral("; "));
}

WriteReport FleetWriter::setGreenShare(const QString &name, double greenShare, const WriteOptions &options)
{
    WriteReport report;
    report.summary = QStringLiteral("%1 to green %2").arg(Core::shown(name, 80), percent(greenShare));
    const ReleaseConfig *release = releaseNamed(name);
    if (!release || release->kind != ReleaseKind::Servers) {
        report.problem = release
                             ? QStringLiteral("%1 switches by a map entry: flip it instead of weighting it").arg(name)
                             : QStringLiteral("fleet %1 has no release %2").arg(m_fleet.name, Core::shown(name, 80));
        return report;
    }
    const Core::Result<Snapshot> before = snapshot(*release);
    const Core::Result<ColorWeights> weights =
        before.ok() ? weightsForShare(greenShare, before.value().release.blue.servers.size(),
                                      before.value().release.green.servers.size())
                    : Core::Result<ColorWeights>(before.error());
    if (!weights.ok()) {
        report.problem = weights.error().message;
        report.unreachable = weights.error().kind == Core::ErrorKind::Unreachable;
        return report;
    }
    report.before = before.value().release;
    const QString &backend = release->backend;
    const SharePlan plan = planShare(report.before, weights.value());
    const StepsFor ready = [&](const InstanceReading &reading) {
        QList<Step> steps;
        for (const QString &server : plan.mustBeUp) {
            const ServerState *state = stateOf(reading, backend, server);
            if (state && state->admin != AdminState::Ready) {
                steps << Step{stateCommand(backend, server, AdminState::Ready),
                              stateCommand(backend, server, state->admin)};
            }
        }
        return steps;
    };
    // Weights rise where they rise before they fall where they fall: capacity first.
    const auto moves = [&](bool rising) -> StepsFor {
        return [&, rising](const InstanceReading &reading) {
            QList<Step> steps;
            for (const ServerState &state : reading.servers.servers) {
                const auto wanted = plan.target.constFind(state.server);
                if (state.backend == backend && wanted != plan.target.constEnd() &&
                    (rising ? *wanted > state.userWeight : *wanted < state.userWeight)) {
                    steps << Step{weightCommand(backend, state.server, *wanted),
                                  weightCommand(backend, state.server, state.userWeight)};
                }
            }
            return steps;
        };
    };
    QList<Sent> sent;
    const QList<InstanceReading> &readings = before.value().readings;
    if (!sendPhase(readings, ready, sent, report) || !waitUntilUp(*release, plan.mustBeUp, options, report) ||
        !sendPhase(readings, moves(true), sent, report) || !sendPhase(readings, moves(false), sent, report)) {
        revert(sent, report);
        return report;
    }
    if (!plan.toDrain.isEmpty()) {
        drain(*release, plan.toDrain, options, report);
    }
    confirm(
        *release, [&](const ReleaseState &now) { return shareDifference(plan, report.before, now); }, report);
    saveServerState(report);
    if (report.applied()) {
        report.summary = shareSummary(*release, report.after.green.share, instanceNames());
        if (report.commands.isEmpty()) {
            // Run again (a retried pipeline step): say so, as a cluster's release does.
            report.summary = QStringLiteral("%1: already there, nothing to change (%2)")
                                 .arg(release->name, report.summary.section(QStringLiteral(": "), 1));
        }
    }
    return report;
}

QStringList FleetWriter::instanceNames() const
{
    QStringList names;
    for (const InstanceConfig &instance : m_fleet.instances) {
        names << instance.name;
    }
    return names;
}

} // namespace Curtain::HAProxy
