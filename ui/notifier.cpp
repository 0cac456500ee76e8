#include "notifier.h"

#include "models/releaselistmodel.h"

#include <QApplication>
#include <QMenu>
#include <QSystemTrayIcon>
#include <QWidget>

namespace Curtain::Ui {

Notifier::Notifier(QWidget *window) : QObject(window), m_window(window)
{
    m_lost.setSingleShot(true);
    m_lost.setInterval(60'000);
    connect(&m_lost, &QTimer::timeout, this, [this] {
        if (!m_freshness.live) {
            show(Core::clusterLostNotification(
                m_lostContext, std::max<qint64>(60, m_freshness.ageSeconds(QDateTime::currentDateTimeUtc())),
                m_freshness.reason));
        }
    });
}

void Notifier::observe(const QString &context, const Models::ReleaseListModel &model)
{
    QHash<Core::ReleaseKey, Core::AlertState> now;
    for (int row = 0; row < model.rowCount(); ++row) {
        const Core::ReleaseSnapshot &release = model.releases().at(row);
        Core::AlertState state;
        state.health = model.data(model.index(row, Models::ReleaseListModel::Health)).toString();
        if (release.planProgress) {
            state.plan = release.planProgress->state;
            state.planOutcome = release.planProgress->outcome;
        }
        now.insert(release.key(), state);
    }
    const QList<Core::Notification> changes = Core::notificationsBetween(context, m_seen, now);
    // Releases that went away are forgotten; the others are remembered as they are now.
    m_seen = now;
    for (const Core::Notification &notification : changes) {
        show(notification);
    }
}

void Notifier::setFreshness(const QString &context, const Core::DataFreshness &freshness)
{
    const bool wasLive = m_freshness.live;
    m_freshness = freshness;
    if (freshness.live || !freshness.synced) {
        m_lost.stop();
    } else if (wasLive || !m_lost.isActive()) {
        m_lostContext = context;
        m_lost.start();
    }
}

void Notifier::reset()
{
    m_seen.clear();
    m_lost.stop();
    m_freshness = {};
}

QSystemTrayIcon *Notifier::tray()
{
    if (!m_tray && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->setToolTip(QApplication::applicationDisplayName());
        auto *menu = new QMenu(m_window);
        menu->addAction(tr("Show %1").arg(QApplication::applicationDisplayName()), this,
                        &Notifier::showWindowRequested);
        menu->addAction(tr("Quit"), this, &Notifier::quitRequested);
        m_tray->setContextMenu(menu);
        connect(m_tray, &QSystemTrayIcon::activated, this, &Notifier::showWindowRequested);
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, &Notifier::showWindowRequested);
    }
    return m_tray;
}

void Notifier::show(const Core::Notification &notification)
{
    m_shown.append(notification);
    if (m_shown.size() > 50) {
        m_shown.removeFirst();
    }
    if (QSystemTrayIcon *icon = tray()) {
        icon->show();
        icon->showMessage(notification.title, notification.body,
                          notification.urgent ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information, 15'000);
    } else {
        QApplication::alert(m_window); // no tray: the taskbar entry asks for attention instead
    }
}

bool Notifier::keepRunningInTray(const QString &why)
{
    QSystemTrayIcon *icon = tray();
    if (!icon) {
        return false;
    }
    icon->show();
    icon->showMessage(tr("%1 keeps running").arg(QApplication::applicationDisplayName()), why,
                      QSystemTrayIcon::Information, 10'000);
    return true;
}

} // namespace Curtain::Ui
