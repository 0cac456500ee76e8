#pragma once

#include "core/plan.h"
#include "core/release.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace Curtain::Core {

// What a person must hear about a release even when it is not on screen, taken from one look at it.
struct AlertState
{
    QString health;                // as the list shows it: healthy, degraded (metrics), rolled back, …
    std::optional<PlanState> plan; // the state of a plan on it, if one ran
    QString planOutcome;           // the plan's final sentence
};

struct Notification
{
    ReleaseKey release;
    QString title; // "catalog rolled back automatically"
    QString body;  // the judge's or the cluster's words, and the context
    bool urgent = false;
};

// The notifications between two looks at a context's releases: a plan that rolled back, held or
// promoted, and a release that turned degraded, down or broken. A release seen for the first time
// says nothing (no flood when a console starts), and a state that stays says it once.
QList<Notification> notificationsBetween(const QString &context, const QHash<ReleaseKey, AlertState> &before,
                                         const QHash<ReleaseKey, AlertState> &after);

// The notification for a cluster that has not answered for `seconds` (a minute or more).
Notification clusterLostNotification(const QString &context, qint64 seconds, const QString &reason);

} // namespace Curtain::Core
