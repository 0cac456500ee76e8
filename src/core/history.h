#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace Curtain::Core {

// One line of a release's history: an action someone took through Curtain, a plan's step or
// verdict, or what a controller reported about the release's objects.
struct HistoryEntry
{
    QDateTime time;
    QString namespaceName;
    QString release;
    QString actor;     // who: the identity the cluster named, or the controller that reported
    QString action;    // machine-readable: SetWeight, Rollback, PlanStep… or a controller's reason
    QString outcome;   // applied, refused, failed, unconfirmed; for plans the state; empty for controllers
    QString note;      // what changed, before → after, or the controller's message
    QString via;       // curtain, curtainctl, plan; or the reporting controller for cluster Events
    QString origin;    // "journal" (this machine's record) or "cluster" (an Event read from the cluster)
    QString object;    // the object it concerns, Kind/name
    QString eventName; // the Event written for, or read as, this entry
    bool warning = false;

    QJsonObject toJson() const;
};

// Everything recorded about one release: this machine's journal and the cluster's Events on its
// route and workloads, newest first.
struct ReleaseHistory
{
    QList<HistoryEntry> entries;
    QString journalProblem; // where the journal's hash chain breaks, if it does
    QString clusterProblem; // why the cluster's Events could not be read (the journal is still shown)
};

// The journal's and the cluster's records in one list, newest first. An Event this machine wrote
// is in its journal already and appears once, as the journal's entry.
QList<HistoryEntry> mergeHistory(const QList<HistoryEntry> &journal, const QList<HistoryEntry> &cluster);

// A journal record (as Engine::Journal stores it) as a history entry.
HistoryEntry historyEntryFromRecord(const QJsonObject &record);

// An Event in either shape (events.k8s.io/v1 or core/v1) as a history entry; Curtain's own Events
// name their actor in the annotation curtain.dev/user.
HistoryEntry historyEntryFromEvent(const QJsonObject &event);

// "SetWeight" from "set-weight": the Event's action field.
QString eventActionName(const QString &actionName);

} // namespace Curtain::Core
