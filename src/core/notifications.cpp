#include "core/notifications.h"

namespace Curtain::Core {

namespace {

bool troubled(const QString &health)
{
    return health == QLatin1String("degraded") || health == QLatin1String("degraded (metrics)") ||
           health == QLatin1String("down") || health == QLatin1String("broken");
}

} // namespace

QList<Notification> notificationsBetween(const QString &context, const QHash<ReleaseKey, AlertState> &before,
                                         const QHash<ReleaseKey, AlertState> &after)
{
    QList<Notification> notifications;
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        const auto was = before.constFind(it.key());
        if (was == before.cend()) {
            continue;
        }
        const AlertState &then = was.value();
        const AlertState &now = it.value();
        const QString name = it.key().toString();
        if (now.plan && now.plan != then.plan && isFinal(*now.plan)) {
            Notification n{it.key(), {}, QStringLiteral("%1 — %2").arg(now.planOutcome, context), true};
            switch (*now.plan) {
            case PlanState::RolledBack:
                n.title = QStringLiteral("%1 rolled back automatically").arg(name);
                break;
            case PlanState::Promoted:
                n.title = QStringLiteral("%1 promoted").arg(name);
                n.urgent = false;
                break;
            case PlanState::Held:
                n.title = QStringLiteral("%1 held: the plan needs a decision").arg(name);
                break;
            default:
                n.title = QStringLiteral("%1: the plan stopped").arg(name);
                n.urgent = false;
                break;
            }
            notifications.append(n);
        }
        if (troubled(now.health) && !troubled(then.health)) {
            notifications.append({it.key(), QStringLiteral("%1 is %2").arg(name, now.health),
                                  QStringLiteral("It was %1 — %2").arg(then.health, context), true});
        }
    }
    return notifications;
}

Notification clusterLostNotification(const QString &context, qint64 seconds, const QString &reason)
{
    return {{},
            QStringLiteral("%1: cluster lost for %2 min").arg(context).arg(seconds / 60),
            QStringLiteral("What the console shows is %1 s old: %2. Only Rollback is possible until it is back.")
                .arg(seconds)
                .arg(reason),
            true};
}

} // namespace Curtain::Core
