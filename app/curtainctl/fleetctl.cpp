#include "fleetctl.h"

#include "output.h"
#include "planrun.h"
#include "terminal.h"

#include "core/displaytext.h"
#include "engine/fileplanobjects.h"
#include "engine/fleetactions.h"
#include "engine/fleetengine.h"
#include "engine/fleetfile.h"
#include "engine/fleetjournal.h"
#include "engine/fleetreleases.h"
#include "engine/journal.h"
#include "haproxy/fleetwriter.h"
#include "haproxy/runtimeclient.h"
#include "net/networkthread.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <cmath>

namespace Curtain::Ctl {

namespace {

using namespace Curtain::HAProxy;

QString percent(double share)
{
    return QString::number(std::round(share * 1000) / 10) + QStringLiteral(" %");
}

const ReleaseState *releaseIn(const FleetState &state, const QString &name)
{
    for (const ReleaseState &release : state.releases) {
        if (release.config.name == name) {
            return &release;
        }
    }
    return nullptr;
}

QString kindName(ReleaseKind kind)
{
    return kind == ReleaseKind::Servers ? QStringLiteral("weights") : QStringLiteral("map");
}

QJsonObject serverJson(const ServerView &server)
{
    return QJsonObject{
        {QStringLiteral("name"), server.name},     {QStringLiteral("address"), server.addr},
        {QStringLiteral("status"), server.status}, {QStringLiteral("admin"), adminStateName(server.admin)},
        {QStringLiteral("weight"), server.weight}, {QStringLiteral("sessions"), server.scur},
        {QStringLiteral("requests"), server.stot}, {QStringLiteral("errors5xx"), server.hrsp5xx}};
}

QJsonObject releaseJson(const ReleaseState &release)
{
    QJsonObject colors;
    for (const auto &[name, view] :
         {std::pair{QStringLiteral("blue"), &release.blue}, std::pair{QStringLiteral("green"), &release.green}}) {
        QJsonArray servers;
        for (const ServerView &server : view->servers) {
            servers.append(serverJson(server));
        }
        colors.insert(name, QJsonObject{{QStringLiteral("share"), view->share}, {QStringLiteral("servers"), servers}});
    }
    QJsonObject object{{QStringLiteral("name"), release.config.name},
                       {QStringLiteral("kind"), kindName(release.config.kind)},
                       {QStringLiteral("blue"), colors.value(QStringLiteral("blue"))},
                       {QStringLiteral("green"), colors.value(QStringLiteral("green"))},
                       {QStringLiteral("problems"), QJsonArray::fromStringList(release.problems)}};
    if (release.config.kind == ReleaseKind::Servers) {
        object.insert(QStringLiteral("backend"), release.config.backend);
    } else {
        object.insert(QStringLiteral("map"), release.config.map);
        object.insert(QStringLiteral("key"), release.config.key);
    }
    return object;
}

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

QString releasesTable(const FleetState &state)
{
    QString out = QStringLiteral("%1 %2 %3 %4 %5\n")
                      .arg(QStringLiteral("RELEASE"), -20)
                      .arg(QStringLiteral("KIND"), -8)
                      .arg(QStringLiteral("BLUE"), -8)
                      .arg(QStringLiteral("GREEN"), -8)
                      .arg(QStringLiteral("PROBLEMS"));
    for (const ReleaseState &release : state.releases) {
        out += QStringLiteral("%1 %2 %3 %4 %5\n")
                   .arg(release.config.name, -20)
                   .arg(kindName(release.config.kind), -8)
                   .arg(percent(release.blue.share), -8)
                   .arg(percent(release.green.share), -8)
                   .arg(release.problems.isEmpty() ? QStringLiteral("-") : release.problems.join(QStringLiteral("; ")));
    }
    for (const QString &problem : state.problems) {
        out += QStringLiteral("! ") + problem + QLatin1Char('\n');
    }
    return out;
}

QString statusText(const ReleaseState &release, const QString &fleet)
{
    QString out =
        QStringLiteral("%1 on fleet %2 (%3)\n").arg(release.config.name, fleet, kindName(release.config.kind));
    for (const auto &[name, view] :
         {std::pair{QStringLiteral("blue"), &release.blue}, std::pair{QStringLiteral("green"), &release.green}}) {
        out += QStringLiteral("  %1: %2 of traffic\n").arg(name, percent(view->share));
        for (const ServerView &server : view->servers) {
            out += QStringLiteral("    %1 %2 %3 %4 weight %5, %6 sessions, %7 requests, %8 5xx\n")
                       .arg(server.name, -12)
                       .arg(server.addr, -22)
                       .arg(server.status, -10)
                       .arg(adminStateName(server.admin), -6)
                       .arg(server.weight)
                       .arg(server.scur)
                       .arg(server.stot)
                       .arg(server.hrsp5xx);
        }
    }
    for (const QString &problem : release.problems) {
        out += QStringLiteral("  ! ") + problem + QLatin1Char('\n');
    }
    return out;
}

int exitFor(const WriteReport &report)
{
    switch (report.outcome) {
    case WriteReport::Outcome::Applied:
        return Success;
    case WriteReport::Outcome::Refused:
        return report.unreachable ? Unreachable : ActionFailed;
    case WriteReport::Outcome::Reverted:
        return ActionFailed;
    case WriteReport::Outcome::NotConfirmed:
        return NotConfirmed;
    }
    return ActionFailed;
}

int reportWrite(const WriteReport &report, OutputFormat format)
{
    if (format == OutputFormat::Json) {
        QJsonObject object{{QStringLiteral("outcome"), outcomeName(report.outcome)},
                           {QStringLiteral("summary"), report.summary},
                           {QStringLiteral("commands"), QJsonArray::fromStringList(report.commands)},
                           {QStringLiteral("warnings"), QJsonArray::fromStringList(report.warnings)}};
        if (!report.problem.isEmpty()) {
            object.insert(QStringLiteral("problem"), report.problem);
        }
        writeOut(jsonText(object));
    } else if (report.applied()) {
        writeOut(report.summary + QLatin1Char('\n'));
    }
    for (const QString &warning : report.warnings) {
        writeError(warning, QStringLiteral("curtainctl: warning: "));
    }
    if (!report.applied()) {
        writeError(QStringLiteral("%1 %2: %3").arg(report.summary, outcomeName(report.outcome), report.problem));
    }
    return exitFor(report);
}

void journal(const Engine::FleetActionRecord &record)
{
    if (const auto written = Engine::journalFleetAction(record); !written.ok()) {
        writeError(written.error().message, QStringLiteral("curtainctl: warning: "));
    }
}

int act(FleetWriter &writer, const FleetConfig &fleet, const ReleaseState &release, const Invocation &invocation)
{
    const Core::ActionRequest &action = invocation.action;
    const bool weighted = release.config.kind == ReleaseKind::Servers;
    // Rollback returns to the configured color, Promote leaves it, and set-weight N gives N % to the
    // other one, the candidate — as the console's slider does.
    const bool needsConfigured = action.kind != Core::ActionKind::Flip;
    const auto move = Engine::planFleetMove(
        release,
        weighted && needsConfigured ? writer.configuredColor(release.config.name)
                                    : Core::Result<Color>(Core::makeError(Core::ErrorKind::InvalidInput, QString())),
        action);
    Engine::FleetActionRecord record{
        fleet.name, HAProxy::fleetIdentity(fleet), action, QStringLiteral("refused"), {}, release, {}};
    if (action.kind != Core::ActionKind::Rollback) {
        // A plan on this machine (a console's, or curtainctl run's) owns the weights while it runs.
        Engine::FilePlanObjects plans(Engine::FilePlanObjects::fileFor(record.identity));
        const auto plan = plans.get(Engine::fleetPlanPath(release.config.name)).result();
        const QString driver = plan.ok() ? Engine::fleetPlanDriver(plan.value()) : QString();
        if ((!plan.ok() && plan.error().kind != Core::ErrorKind::NotFound) || !driver.isEmpty()) {
            // Driven, or unknown whether it is (the plan file locked or damaged): nothing moves.
            const Core::Error refused =
                plan.ok() ? Core::refusedWhileDriven(release.config.name, driver) : plan.error();
            record.note = refused.message;
            journal(record);
            return report(refused, invocation.format);
        }
    }
    if (!move.ok()) {
        record.note = move.error().message;
        journal(record);
        return report(move.error(), invocation.format);
    }
    WriteOptions options;
    options.maintAfterDrain = invocation.maintAfterDrain;
    const WriteReport written = move.value().kind == Engine::FleetMove::Kind::Map
                                    ? writer.switchMap(release.config.name, move.value().mapTo)
                                    : writer.setGreenShare(release.config.name, move.value().greenShare, options);
    record.take(written);
    record.note = written.applied() ? written.summary : written.summary + QStringLiteral(": ") + written.problem;
    journal(record);
    return reportWrite(written, invocation.format);
}

int history(const FleetConfig &fleet, const Invocation &invocation)
{
    const Core::ReleaseHistory found =
        Engine::fleetHistory(HAProxy::fleetIdentity(fleet), invocation.haproxyConfig, invocation.release);
    if (invocation.format == OutputFormat::Json) {
        writeOut(historyJson(invocation.release, found, Engine::Journal().path()));
    } else if (found.entries.isEmpty()) {
        writeOut(QStringLiteral("No actions on %1 of fleet %2 are recorded in this machine's journal (%3).\n")
                     .arg(invocation.release, fleet.name, Engine::Journal().path()));
    } else {
        writeOut(historyTable(found));
    }
    if (!found.journalProblem.isEmpty()) {
        writeError(QStringLiteral("the journal was changed: %1").arg(found.journalProblem),
                   QStringLiteral("curtainctl: warning: "));
    }
    return Success;
}

// `run` on a fleet: the console's fleet engine, headless, with the plan runner and the judge.
int runFleetPlan(const FleetConfig &fleet, const Invocation &invocation)
{
    Net::NetworkThread network;
    auto *engine = new Engine::FleetEngine(fleet, invocation.haproxyConfig, network.http());
    network.adopt(engine);
    engine->start();
    const auto synced = await(engine->whenSynced(), 30'000, QStringLiteral("fleet %1").arg(fleet.name));
    const int code =
        synced.ok() ? runPlan(engine, invocation, synced.value()) : report(synced.error(), invocation.format);
    network.dispose(engine);
    return code;
}

} // namespace

int onHAProxyFleet(const Invocation &invocation)
{
    const auto fleets = Engine::readFleetFile(invocation.haproxyConfig);
    const auto fleet = fleets.ok() ? Engine::chooseFleet(fleets.value(), invocation.fleet, invocation.haproxyConfig)
                                   : Core::Result<FleetConfig>(fleets.error());
    if (!fleet.ok()) {
        return report(fleet.error(), invocation.format);
    }
    if (invocation.command == Command::Run) {
        return runFleetPlan(fleet.value(), invocation);
    }
    // The runtime client lives on a thread of its own; this thread waits on each exchange.
    QThread network;
    network.setObjectName(QStringLiteral("curtain-haproxy"));
    auto *client = new RuntimeClient;
    client->moveToThread(&network);
    QObject::connect(&network, &QThread::finished, client, &QObject::deleteLater);
    network.start();
    const Exchange exchange = [client](const InstanceConfig &instance, const QString &command) {
        QFuture<Core::Result<QString>> reply = client->send(RuntimeTarget{instance.name, instance.endpoint}, command);
        reply.waitForFinished();
        return reply.resultCount() > 0
                   ? reply.result()
                   : Core::Result<QString>(
                         Core::makeError(Core::ErrorKind::Cancelled, instance.name + QStringLiteral(": no answer")));
    };
    FleetWriter writer(fleet.value(), exchange, [](int ms) { QThread::msleep(ulong(ms)); });
    const int code = runOnFleet(writer, fleet.value(), invocation);
    network.quit();
    network.wait();
    return code;
}

int runOnFleet(FleetWriter &writer, const FleetConfig &fleet, const Invocation &invocation)
{
    if (invocation.command == Command::History) {
        return history(fleet, invocation);
    }
    if (invocation.command != Command::Releases && invocation.command != Command::Status &&
        invocation.command != Command::Action) {
        return report(
            Core::makeError(
                Core::ErrorKind::InvalidInput,
                QStringLiteral("on an HAProxy fleet curtainctl takes releases, status, set-weight, "
                               "promote, flip, rollback, run and history; the other commands need a Kubernetes "
                               "cluster")),
            invocation.format);
    }
    if (invocation.command == Command::Releases) {
        const FleetState state = writer.read();
        if (invocation.format == OutputFormat::Json) {
            QJsonArray releases;
            for (const ReleaseState &release : state.releases) {
                releases.append(releaseJson(release));
            }
            writeOut(jsonText(QJsonObject{{QStringLiteral("fleet"), fleet.name},
                                          {QStringLiteral("releases"), releases},
                                          {QStringLiteral("problems"), QJsonArray::fromStringList(state.problems)}}));
        } else {
            writeOut(releasesTable(state));
        }
        return state.problems.isEmpty() ? Success : Unreachable;
    }
    const FleetState state = writer.read();
    const ReleaseState *release = releaseIn(state, invocation.release);
    if (!release) {
        QStringList names;
        for (const ReleaseConfig &known : fleet.releases) {
            names << known.name;
        }
        return report(
            Core::makeError(Core::ErrorKind::NotFound, QStringLiteral("fleet %1 has no release \"%2\"; it has %3")
                                                           .arg(fleet.name, Core::shown(invocation.release, 80),
                                                                names.join(QStringLiteral(", ")))),
            invocation.format);
    }
    if (invocation.command == Command::Status) {
        writeOut(invocation.format == OutputFormat::Json ? jsonText(releaseJson(*release))
                                                         : statusText(*release, fleet.name));
        return state.problems.isEmpty() ? Success : Unreachable;
    }
    return act(writer, fleet, *release, invocation);
}

} // namespace Curtain::Ctl
