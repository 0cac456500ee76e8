#include "core/history.h"
#include "core/pods.h"

#include <QJsonValue>
#include <QSet>

#include <algorithm>

namespace Curtain::Core {

namespace {

QString text(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1String(key));
    return value.isString() ? value.toString() : QString();
}

QJsonObject objectAt(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toObject();
}

QDateTime timeFrom(const QString &text)
{
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) {
        time = QDateTime::fromString(text, Qt::ISODate);
    }
    return time.isValid() ? time.toUTC() : QDateTime();
}

} // namespace

QJsonObject HistoryEntry::toJson() const
{
    return {{QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("namespace"), namespaceName},
            {QStringLiteral("release"), release},
            {QStringLiteral("actor"), actor},
            {QStringLiteral("action"), action},
            {QStringLiteral("outcome"), outcome},
            {QStringLiteral("note"), note},
            {QStringLiteral("via"), via},
            {QStringLiteral("origin"), origin},
            {QStringLiteral("object"), object},
            {QStringLiteral("event"), eventName},
            {QStringLiteral("type"), warning ? QStringLiteral("Warning") : QStringLiteral("Normal")}};
}

QList<HistoryEntry> mergeHistory(const QList<HistoryEntry> &journal, const QList<HistoryEntry> &cluster)
{
    QSet<QString> written;
    for (const HistoryEntry &entry : journal) {
        if (!entry.eventName.isEmpty()) {
            written.insert(entry.eventName);
        }
    }
    // The journal is oldest first: reversed, records of the same millisecond keep their order.
    QList<HistoryEntry> merged(journal.crbegin(), journal.crend());
    for (const HistoryEntry &entry : cluster) {
        if (entry.eventName.isEmpty() || !written.contains(entry.eventName)) {
            merged.append(entry);
        }
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const HistoryEntry &a, const HistoryEntry &b) { return a.time > b.time; });
    return merged;
}

HistoryEntry historyEntryFromRecord(const QJsonObject &record)
{
    HistoryEntry entry;
    entry.time = timeFrom(text(record, "time"));
    entry.namespaceName = text(record, "namespace");
    entry.release = text(record, "release");
    entry.actor = text(record, "user");
    entry.action = text(record, "action");
    entry.outcome = text(record, "outcome");
    entry.note = text(record, "note");
    entry.via = text(record, "via");
    entry.origin = QStringLiteral("journal");
    entry.object = text(record, "object");
    entry.eventName = text(record, "event");
    entry.warning = text(record, "type") == QLatin1String("Warning");
    return entry;
}

// Flagger gives every Event the reason "Synced"; what happened is in the message
// (pkg/controller/scheduler.go's wording), so the history names it from there.
QString flaggerAction(const QString &message)
{
    static const std::pair<const char *, const char *> meanings[] = {
        {"New revision detected", "NewRevision"},
        {"Starting canary analysis", "AnalysisStarted"},
        {"Advance ", "WeightAdvanced"},
        {"Halt ", "Halted"},
        {"Rolling back ", "RollingBack"},
        {"Canary failed", "Failed"},
        {"Copying ", "Promoting"},
        {"Routing all traffic to primary", "Finalising"},
        {"Promotion completed", "Promoted"},
        {"Initialization done", "Initialized"},
        {"Confirm-", "GatePassed"}, // "Confirm-promotion check confirm-promotion passed"
        {"Pre-rollout check", "PreRolloutCheck"},
    };
    for (const auto &[prefix, action] : meanings) {
        if (message.startsWith(QLatin1String(prefix))) {
            return QString::fromLatin1(action);
        }
    }
    return QStringLiteral("Synced");
}

HistoryEntry historyEntryFromEvent(const QJsonObject &event)
{
    const QJsonObject metadata = objectAt(event, "metadata");
    const QJsonObject annotations = objectAt(metadata, "annotations");
    const bool v1 = event.contains(QLatin1String("regarding")) || event.contains(QLatin1String("note"));
    const QJsonObject regarding = objectAt(event, v1 ? "regarding" : "involvedObject");
    HistoryEntry entry;
    // The newest moment the Event speaks of: a series' last sighting, else when it was reported.
    for (const QString &candidate :
         {text(objectAt(event, "series"), "lastObservedTime"),
          text(event, v1 ? "deprecatedLastTimestamp" : "lastTimestamp"), text(event, "eventTime"),
          text(event, v1 ? "deprecatedFirstTimestamp" : "firstTimestamp"), text(metadata, "creationTimestamp")}) {
        if (const QDateTime time = timeFrom(candidate); time.isValid()) {
            entry.time = time;
            break;
        }
    }
    entry.namespaceName = text(metadata, "namespace");
    entry.release = text(annotations, "curtain.dev/release");
    QString reporter = text(event, v1 ? "reportingController" : "reportingComponent");
    if (reporter.isEmpty()) {
        reporter = text(objectAt(event, v1 ? "deprecatedSource" : "source"), "component");
    }
    entry.actor = text(annotations, "curtain.dev/user");
    if (entry.actor.isEmpty()) {
        entry.actor = reporter;
    }
    // Curtain's own Events say what was done in `action`; a controller's say it in `reason`.
    const bool curtains = reporter == QLatin1String("curtain.dev/console");
    entry.action = curtains && !text(event, "action").isEmpty() ? text(event, "action") : text(event, "reason");
    if (reporter == QLatin1String("flagger") && entry.action == QLatin1String("Synced")) {
        entry.action = flaggerAction(text(event, v1 ? "note" : "message"));
    }
    entry.outcome = text(annotations, "curtain.dev/outcome");
    entry.note = text(event, v1 ? "note" : "message");
    entry.via = text(annotations, "curtain.dev/via");
    if (entry.via.isEmpty()) {
        entry.via = reporter;
    }
    entry.origin = QStringLiteral("cluster");
    const QString kind = text(regarding, "kind");
    const QString name = text(regarding, "name");
    entry.object = kind.isEmpty() ? name : kind + QLatin1Char('/') + name;
    entry.eventName = text(metadata, "name");
    entry.warning = text(event, "type") == QLatin1String("Warning");
    return entry;
}

QString eventActionName(const QString &actionName)
{
    QString result;
    for (const QString &part : actionName.split(QLatin1Char('-'), Qt::SkipEmptyParts)) {
        result += part.left(1).toUpper() + part.mid(1);
    }
    return result;
}

QString shortAge(const QDateTime &since, const QDateTime &now)
{
    if (!since.isValid()) {
        return QStringLiteral("?");
    }
    const qint64 seconds = std::max<qint64>(0, since.secsTo(now));
    if (seconds < 120) {
        return QStringLiteral("%1s").arg(seconds);
    }
    if (seconds < 2 * 3600) {
        return QStringLiteral("%1m").arg(seconds / 60);
    }
    if (seconds < 2 * 86400) {
        return QStringLiteral("%1h").arg(seconds / 3600);
    }
    return QStringLiteral("%1d").arg(seconds / 86400);
}

} // namespace Curtain::Core
