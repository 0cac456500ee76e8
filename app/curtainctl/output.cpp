#include "output.h"

#include "canaryoutput.h"
#include "core/capacity.h"
#include "core/displaytext.h"
#include "core/rolloutcontrol.h"
#include "inspect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace Curtain::Ctl {

using nlohmann::json;

namespace {

std::string s(const QString &text)
{
    return text.toStdString();
}

json capabilityJson(const Core::Capability &capability)
{
    json c = {{"enabled", capability.enabled}};
    if (!capability.reason.isEmpty()) {
        c["reason"] = s(capability.reason);
    }
    return c;
}

json environmentJson(const Core::ReleaseSnapshot &release, Core::Color color)
{
    const Core::Environment &env = release.environment(color);
    return {{"color", s(Core::colorName(color))},
            {"present", env.present},
            {"deployment", s(env.deployment)},
            {"version", s(env.version)},
            {"replicas", {{"desired", env.desiredReplicas}, {"ready", env.readyReplicas}}},
            {"trafficPercent", env.trafficPercent},
            {"role", color == release.stable ? "stable" : "candidate"},
            {"rollout", {{"complete", env.rolloutComplete}, {"message", s(env.rolloutMessage)}}},
            {"deleting", env.deleting}};
}

json snapshotJson(const Core::ReleaseSnapshot &r)
{
    json j = {{"name", s(r.name)},
              {"namespace", s(r.namespaceName)},
              {"strategy", s(Core::strategyName(r.strategy()))},
              {"route",
               {{"kind", s(Core::routeKindName(r.routeKind))},
                {"name", s(r.routeName)},
                {"detail", s(r.routeDetail)},
                {"resourceVersion", s(r.routeResourceVersion)}}},
              {"stable", s(Core::colorName(r.stable))},
              {"candidate", s(Core::colorName(r.candidate()))},
              {"candidateWeight", r.candidateWeight()},
              {"previous", r.previous ? json(s(Core::colorName(*r.previous))) : json(nullptr)},
              {"health", s(r.health())},
              {"environments", {environmentJson(r, Core::Color::Blue), environmentJson(r, Core::Color::Green)}},
              {"actions",
               {{"setWeight", capabilityJson(r.capabilities.setWeight)},
                {"promote", capabilityJson(r.capabilities.promote)},
                {"flip", capabilityJson(r.capabilities.flip)},
                {"rollback", capabilityJson(r.capabilities.rollback)}}}};
    if (r.rollout) {
        j["rollout"] = json::parse(QJsonDocument(rolloutJson(*r.rollout)).toJson(QJsonDocument::Compact).toStdString());
        for (const auto &[name, capability] :
             {std::pair{"promoteFull", &r.capabilities.promoteFull}, std::pair{"abort", &r.capabilities.abort},
              std::pair{"retry", &r.capabilities.retry}, std::pair{"pause", &r.capabilities.pause},
              std::pair{"resume", &r.capabilities.resume}, std::pair{"restart", &r.capabilities.restart},
              std::pair{"undo", &r.capabilities.undo}}) {
            j["actions"][name] = capabilityJson(*capability);
        }
    }
    if (r.canary) {
        j["canary"] = canaryJson(*r.canary);
        j["actions"]["suspend"] = capabilityJson(r.capabilities.pause);
        j["actions"]["resume"] = capabilityJson(r.capabilities.resume);
        j["actions"]["closeGates"] = capabilityJson(r.capabilities.closeGates);
    }
    if (!r.problem.isEmpty()) {
        j["problem"] = s(r.problem);
    }
    j["switchedAt"] = r.switchedAt.isValid() ? json(s(r.switchedAt.toUTC().toString(Qt::ISODate))) : json(nullptr);
    if (const std::optional<Core::IdleWindow> idle = Core::idleWindow(r)) {
        j["idle"] = {
            {"color", s(Core::colorName(idle->color))},
            {"version", s(idle->version)},
            {"replicas", idle->replicas},
            {"ready", idle->ready},
            {"cpuRequested", idle->cpu},
            {"memoryRequestedBytes", idle->memory},
            {"since", idle->since.isValid() ? json(s(idle->since.toUTC().toString(Qt::ISODate))) : json(nullptr)}};
    }
    return j;
}

QString fromJson(const json &j)
{
    return QString::fromStdString(j.dump(2)) + QLatin1Char('\n');
}

QString describe(const Core::Environment &env)
{
    return env.present ? QStringLiteral("%1 %2").arg(Core::colorName(env.color), env.version)
                       : QStringLiteral("%1 (none)").arg(Core::colorName(env.color));
}

} // namespace

QString table(const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) {
                widths.append(0);
            }
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    QString out;
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            line += i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i];
        }
        out += line + QLatin1Char('\n');
    }
    return out;
}

QString releasesTable(const Core::ReleaseSnapshots &releases)
{
    if (releases.isEmpty()) {
        return QStringLiteral("No releases found (no route — Service, HTTPRoute, VirtualService, TrafficSplit, canary "
                              "Ingress or Rollout — is labelled curtain.dev/release).\n");
    }
    QList<QStringList> rows{{QStringLiteral("NAMESPACE"), QStringLiteral("RELEASE"), QStringLiteral("STRATEGY"),
                             QStringLiteral("ROUTE"), QStringLiteral("STABLE"), QStringLiteral("CANDIDATE"),
                             QStringLiteral("WEIGHT"), QStringLiteral("HEALTH")}};
    for (const Core::ReleaseSnapshot &r : releases) {
        rows.append({r.namespaceName, r.name, Core::strategyName(r.strategy()),
                     Core::routeObjectKind(r.routeKind) + QLatin1Char('/') + r.routeName,
                     describe(r.environment(r.stable)), describe(r.environment(r.candidate())),
                     QStringLiteral("%1 %").arg(r.candidateWeight()), r.health()});
    }
    return table(rows);
}

QString fleetTable(const QList<ContextReleases> &fleet)
{
    struct Row
    {
        int rank;
        QStringList cells;
    };
    QList<Row> rows;
    for (const ContextReleases &part : fleet) {
        if (!part.error.isEmpty()) {
            rows.append({0,
                         {part.context, QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"),
                          QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("unreachable: ") + part.error}});
            continue;
        }
        for (const Core::ReleaseSnapshot &r : part.releases) {
            rows.append({Core::attentionRank(r.health()),
                         {part.context, r.namespaceName, r.name, describe(r.environment(r.stable)),
                          describe(r.environment(r.candidate())), QStringLiteral("%1 %").arg(r.candidateWeight()),
                          r.health()}});
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.rank < b.rank; });
    QList<QStringList> cells{{QStringLiteral("CONTEXT"), QStringLiteral("NAMESPACE"), QStringLiteral("RELEASE"),
                              QStringLiteral("STABLE"), QStringLiteral("CANDIDATE"), QStringLiteral("WEIGHT"),
                              QStringLiteral("HEALTH")}};
    for (const Row &row : rows) {
        cells.append(row.cells);
    }
    return table(cells);
}

QString fleetJson(const QList<ContextReleases> &fleet)
{
    json out = {{"releases", json::array()}, {"unreachable", json::array()}};
    for (const ContextReleases &part : fleet) {
        if (!part.error.isEmpty()) {
            out["unreachable"].push_back({{"context", s(part.context)}, {"error", s(part.error)}});
        }
        for (const Core::ReleaseSnapshot &r : part.releases) {
            json j = snapshotJson(r);
            j["context"] = s(part.context);
            out["releases"].push_back(j);
        }
    }
    return fromJson(out);
}

QString releaseStatusText(const Core::ReleaseSnapshot &r)
{
    QString out;
    out += QStringLiteral("Release:   %1 (namespace %2)\n").arg(r.name, r.namespaceName);
    out += QStringLiteral("Strategy:  %1, routed by %2 %3 (resourceVersion %4)\n")
               .arg(Core::strategyName(r.strategy()), Core::routeKindName(r.routeKind), r.routeName,
                    r.routeResourceVersion);
    if (!r.routeDetail.isEmpty()) {
        out += QStringLiteral("Route:     %1\n").arg(r.routeDetail);
    }
    // A one-shot reading has no request rates: the console's "degraded (metrics)" needs a window of
    // scrapes. Said, so that nobody gates a pipeline on this line alone.
    out += QStringLiteral("Health:    %1 (from the cluster's objects; error rates and latency are judged by "
                          "`curtainctl run` and the console)\n")
               .arg(r.health());
    if (!r.problem.isEmpty()) {
        out += QStringLiteral("Problem:   %1\n").arg(r.problem);
    }
    out += QLatin1Char('\n');
    QList<QStringList> rows{{QStringLiteral("COLOR"), QStringLiteral("ROLE"), QStringLiteral("VERSION"),
                             QStringLiteral("READY"), QStringLiteral("TRAFFIC"), QStringLiteral("ROLLOUT")}};
    for (Core::Color color : {Core::Color::Blue, Core::Color::Green}) {
        const Core::Environment &env = r.environment(color);
        rows.append({Core::colorName(color), color == r.stable ? QStringLiteral("stable") : QStringLiteral("candidate"),
                     env.present ? env.version : QStringLiteral("-"),
                     QStringLiteral("%1/%2").arg(env.readyReplicas).arg(env.desiredReplicas),
                     QStringLiteral("%1 %").arg(env.trafficPercent),
                     env.present ? env.rolloutMessage : QStringLiteral("no Deployment")});
    }
    out += table(rows);
    if (const std::optional<Core::IdleWindow> idle = Core::idleWindow(r)) {
        out += QStringLiteral("\nIdle:      %1.\n           It ends when you scale it down: curtainctl scale %2 %3 0 "
                              "--after 30m\n")
                   .arg(Core::idleWindowText(*idle, QDateTime::currentDateTimeUtc()), r.key().toString(),
                        Core::colorName(idle->color));
    }
    out += QLatin1Char('\n');
    auto line = [](const QString &name, const Core::Capability &c) {
        return QStringLiteral("  %1 %2\n")
            .arg(name.leftJustified(14), c.enabled ? QStringLiteral("yes") : QStringLiteral("no — ") + c.reason);
    };
    out += QStringLiteral("Actions:\n");
    out += line(QStringLiteral("set-weight"), r.capabilities.setWeight);
    out += line(QStringLiteral("promote"), r.capabilities.promote);
    out += line(QStringLiteral("flip"), r.capabilities.flip);
    out += line(QStringLiteral("rollback"), r.capabilities.rollback);
    if (r.rollout) {
        out += line(QStringLiteral("promote --full"), r.capabilities.promoteFull);
        out += line(QStringLiteral("abort"), r.capabilities.abort);
        out += line(QStringLiteral("retry"), r.capabilities.retry);
        out += line(QStringLiteral("pause"), r.capabilities.pause);
        out += line(QStringLiteral("resume"), r.capabilities.resume);
        out += line(QStringLiteral("restart"), r.capabilities.restart);
        out += line(QStringLiteral("undo"), r.capabilities.undo);
        out += QStringLiteral("\nArgo Rollout:\n") + rolloutText(*r.rollout);
        out += QStringLiteral("\nRollback here means: %1. %2\n")
                   .arg(r.capabilities.rollback.enabled ? r.capabilities.rollback.reason
                                                        : QStringLiteral("abort, then undo to the stable revision"),
                        Core::gitOpsNote());
    }
    if (r.canary) {
        out += line(QStringLiteral("suspend"), r.capabilities.pause);
        out += line(QStringLiteral("resume"), r.capabilities.resume);
        out += line(QStringLiteral("close-gates"), r.capabilities.closeGates);
        out += QStringLiteral("\nFlagger canary:\n") + canaryText(*r.canary);
        if (r.capabilities.rollback.enabled) {
            out += QStringLiteral("\nRollback here means: %1.\n").arg(r.capabilities.rollback.reason);
        }
    }
    return out;
}

QString releasesJson(const Core::ReleaseSnapshots &releases)
{
    json list = json::array();
    for (const Core::ReleaseSnapshot &r : releases) {
        list.push_back(snapshotJson(r));
    }
    return fromJson({{"releases", list}});
}

QString contextsJson(const QStringList &contexts, const QString &current)
{
    json names = json::array();
    for (const QString &name : contexts) {
        names.push_back(s(name));
    }
    return fromJson({{"contexts", names}, {"current", s(current)}});
}

QString releaseJson(const Core::ReleaseSnapshot &release)
{
    return fromJson(snapshotJson(release));
}

QString outcomeJson(const Core::ActionOutcome &outcome)
{
    // "ok" as the exit code has it: a write sent and not confirmed (exit 5) is not ok for a script.
    return fromJson({{"ok", outcome.confirmed},
                     {"confirmed", outcome.confirmed},
                     {"changed", outcome.changed},
                     {"action", s(Core::actionName(outcome.request.kind))},
                     {"namespace", s(outcome.after.namespaceName)},
                     {"release", s(outcome.after.name)},
                     {"summary", s(outcome.summary)},
                     {"before", snapshotJson(outcome.before)},
                     {"after", snapshotJson(outcome.after)}});
}

QString errorJson(const Core::Error &error)
{
    json e = {{"kind", s(Core::errorKindName(error.kind))}, {"message", s(error.message)}};
    if (error.httpStatus) {
        e["httpStatus"] = error.httpStatus;
    }
    return fromJson({{"ok", false}, {"error", e}});
}

QString historyTable(const Core::ReleaseHistory &history)
{
    if (history.entries.isEmpty()) {
        return QStringLiteral("No history yet: no action through Curtain on this machine, and no Event on the "
                              "release's route or workloads.\n");
    }
    QList<QStringList> rows{{QStringLiteral("TIME"), QStringLiteral("WHO"), QStringLiteral("ACTION"),
                             QStringLiteral("RESULT"), QStringLiteral("VIA"), QStringLiteral("WHAT")}};
    for (const Core::HistoryEntry &entry : history.entries) {
        rows.append({entry.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                     Core::shown(entry.actor, 40), Core::shown(entry.action, 40),
                     entry.outcome.isEmpty() ? QStringLiteral("-") : entry.outcome, Core::shown(entry.via, 30),
                     Core::shown(entry.note, 300)});
    }
    return table(rows);
}

QString historyJson(const QString &release, const Core::ReleaseHistory &history, const QString &journalPath)
{
    QJsonArray entries;
    for (const Core::HistoryEntry &entry : history.entries) {
        entries.append(entry.toJson());
    }
    const QJsonObject journal{{QStringLiteral("path"), journalPath},
                              {QStringLiteral("intact"), history.journalProblem.isEmpty()},
                              {QStringLiteral("problem"), history.journalProblem}};
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("release"), release},
                                                       {QStringLiteral("journal"), journal},
                                                       {QStringLiteral("clusterProblem"), history.clusterProblem},
                                                       {QStringLiteral("entries"), entries}})
                                 .toJson(QJsonDocument::Indented));
}

} // namespace Curtain::Ctl
