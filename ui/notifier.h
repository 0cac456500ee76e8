#pragma once

#include "core/freshness.h"
#include "core/notifications.h"

#include <QObject>
#include <QTimer>

class QSystemTrayIcon;
class QWidget;

namespace Curtain::Models {
class ReleaseListModel;
}

namespace Curtain::Ui {

// Desktop notifications for what must not be missed, for every release of the context, on screen or
// not: an automatic rollback, a plan promoted or held, a release turning degraded, a cluster lost
// for over a minute. Shown through the system tray (freedesktop notifications on Linux, the
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
    void reset(); // another cluster: nothing seen yet

    // The window was closed while a plan runs here: stay in the tray and say so. False when there
    // is no tray to stay in (the window then stays open).
    bool keepRunningInTray(const QString &why);

    const QList<Core::Notification> &shown() const { return m_shown; }

Q_SIGNALS:
    void showWindowRequested();
    void quitRequested();

private:
    void show(const Core::Notification &notification);
    QSystemTrayIcon *tray();

    QWidget *m_window;
    QSystemTrayIcon *m_tray = nullptr;
    QHash<Core::ReleaseKey, Core::AlertState> m_seen;
    QList<Core::Notification> m_shown;
    QTimer m_lost; // a minute after the cluster stopped answering
    QString m_lostContext;
    Core::DataFreshness m_freshness;
};

} // namespace Curtain::Ui
