#include "engine/fleetjournal.h"

#include "haproxy/fleetwriter.h"

#include "core/displaytext.h"
#include "engine/journal.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonObject>
#include <QSysInfo>

#include <algorithm>
#include <cmath>

namespace Curtain::Engine {

namespace {

QJsonObject shares(const HAProxy::ReleaseState &release)
{
    return {{QStringLiteral("blue"), int(std::lround(release.blue.share * 100))},
            {QStringLiteral("green"), int(std::lround(release.green.share * 100))}};
}

QString via(const Core::ActionRequest &request)
{
    if (request.fromPlan) {
        return QStringLiteral("plan");
    }
    return QCoreApplication::applicationName() == QLatin1String("curtainctl") ? QStringLiteral("curtainctl")
                                                                              : QStringLiteral("console");
}

QString absolute(const QString &file)
{
    return QFileInfo(file).absoluteFilePath();
}

} // namespace

void FleetActionRecord::take(const HAProxy::WriteReport &report)
{
    using Outcome = HAProxy::WriteReport::Outcome;
    outcome =
        report.outcome == Outcome::NotConfirmed ? QStringLiteral("unconfirmed") : HAProxy::outcomeName(report.outcome);
    if (report.applied() && report.commands.isEmpty()) {
        outcome = QStringLiteral("unchanged"); // run again: nothing was sent, as a cluster's release audits it
    }
    if (!report.before.config.name.isEmpty()) {
        before = report.before;
    }
    const bool sent = report.applied() || report.outcome == Outcome::NotConfirmed;
    after = sent ? std::optional(report.after) : std::nullopt;
}

Core::Result<Core::Done> journalFleetAction(const FleetActionRecord &record)
{
    const QString name = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    const QString user = QStringLiteral("local:") + (name.isEmpty() ? QStringLiteral("unknown") : name);
    const QString context = QStringLiteral("haproxy:") + record.fleet;
    const QString instance = Core::shown(QSysInfo::machineHostName(), 100) + QLatin1Char('/') +
                             QString::number(QCoreApplication::applicationPid());
    QJsonObject entry{
        {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("action"), Core::eventActionName(Core::actionName(record.request.kind))},
        {QStringLiteral("outcome"), record.outcome},
        {QStringLiteral("via"), via(record.request)},
        {QStringLiteral("note"), Core::shown(record.note, 400)},
        {QStringLiteral("context"), context},
        {QStringLiteral("server"), record.identity},
        {QStringLiteral("namespace"), QString()},
        {QStringLiteral("release"), Core::shown(Core::ReleaseKey::fromString(record.request.release).name, 253)},
        {QStringLiteral("user"), user},
        {QStringLiteral("userSource"), QStringLiteral("local")},
        {QStringLiteral("instance"), instance},
        {QStringLiteral("type"),
         record.outcome == QLatin1String("applied") || record.outcome == QLatin1String("unchanged")
             ? QStringLiteral("Normal")
             : QStringLiteral("Warning")},
        {QStringLiteral("event"), QString()}};
    if (record.request.kind == Core::ActionKind::SetWeight) {
        entry.insert(QStringLiteral("weight"), record.request.weight);
    }
    if (record.before) {
        entry.insert(QStringLiteral("object"), record.before->config.kind == HAProxy::ReleaseKind::Servers
                                                   ? record.before->config.backend
                                                   : record.before->config.map);
        entry.insert(QStringLiteral("before"), shares(*record.before));
    }
    if (record.after) {
        entry.insert(QStringLiteral("after"), shares(*record.after));
    }
    return Journal().append(entry);
}

Core::ReleaseHistory fleetHistory(const QString &identity, const QString &fleetFile, const QString &release)
{
    const Journal::Reading reading = Journal().read();
    Core::ReleaseHistory history;
    history.journalProblem = reading.problem;
    const QString file = absolute(fleetFile);
    for (const QJsonObject &record : reading.records) {
        const QString server = record.value(QLatin1String("server")).toString();
        if ((server == identity || server == file) && record.value(QLatin1String("release")).toString() == release) {
            history.entries.append(Core::historyEntryFromRecord(record));
        }
    }
    std::reverse(history.entries.begin(), history.entries.end()); // the journal is oldest first
    return history;
}

} // namespace Curtain::Engine
