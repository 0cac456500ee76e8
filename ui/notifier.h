#pragma once

#include "core/freshness.h"
#include "core/notifications.h"
#include "core/release.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

class QSystemTrayIcon;
class QWidget;

namespace Curtain::Models {
class ReleaseListModel;
}

namespace Curtain::Ui {

// Desktop notifications for what must not be missed, for every release of the context on screen and of
// the fleet window's other contexts: an automatic rollback, a plan promoted or held, a release turning
// degraded, a cluster lost for over a minute. Shown through the system tray (freedesktop notifications on Linux, the
// platform's own elsewhere); where there is no tray they are kept (shown()) and the window asks for
// attention. The tray icon also keeps a plan's console reachable after its window was closed.
class Notifier final : public QObject
{
    Q_OBJECT

public:
    explicit Notifier(QWidget *window);

    // After every change of the list: compares with the last look and notifies what changed.
    void observe(const QString &context, const Models::ReleaseListModel &model);
    void setFreshness(const QString &context, const Core::DataFreshness &freshness);
    void reset(); // another cluster on screen: nothing seen yet

    // The fleet window's contexts. The one on screen is left to observe() above, whose health also
    // weighs the metrics; a context seen again after leaving the screen starts afresh (no replay).
    void observeFleet(const QString &context, const Core::ReleaseSnapshots &releases);
    void setFleetReachable(const QString &context, bool reachable, const QString &reason);

    void setLostDelay(int milliseconds); // a minute; shorter only in tests

    // The window was closed while a plan runs here: stay in the tray and say so. False when there
    // is no tray to stay in (the window then stays open).
    bool keepRunningInTray(const QString &why);

    const QList<Core::Notification> &shown() const { return m_shown; }

Q_SIGNALS:
    void showWindowRequested();
    void quitRequested();

private:
    void show(const Core::Notification &notification);
    void notifyChanges(const QString &context, QHash<Core::ReleaseKey, Core::AlertState> *seen,
                       const QHash<Core::ReleaseKey, Core::AlertState> &now);
    QSystemTrayIcon *tray();

    // A fleet context that stopped answering: since when and why, until a minute has passed.
    struct FleetLoss
    {
        QTimer *timer = nullptr;
        QString reason;
        QDateTime since;
    };

    QWidget *m_window;
    QSystemTrayIcon *m_tray = nullptr;
    QHash<Core::ReleaseKey, Core::AlertState> m_seen;
    QList<Core::Notification> m_shown;
    QTimer m_lost; // a minute after the cluster stopped answering
    QString m_lostContext;
    Core::DataFreshness m_freshness;
    QString m_screenContext;
    int m_lostDelay = 60'000;
    QHash<QString, QHash<Core::ReleaseKey, Core::AlertState>> m_fleetSeen;
    QHash<QString, FleetLoss> m_fleetLost;
    QSet<QString> m_fleetLive; // contexts that answered once: only those can be lost
};

} // namespace Curtain::Ui
