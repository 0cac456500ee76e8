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
    m_lost.setInterval(m_lostDelay);
    connect(&m_lost, &QTimer::timeout, this, [this] {
        if (!m_freshness.live) {
            show(Core::clusterLostNotification(
                m_lostContext, std::max<qint64>(60, m_freshness.ageSeconds(QDateTime::currentDateTimeUtc())),
                m_freshness.reason));
        }
    });
}

namespace {

Core::AlertState alertStateOf(const Core::ReleaseSnapshot &release, const QString &health)
{
    Core::AlertState state;
    state.health = health;
    if (release.planProgress) {
        state.plan = release.planProgress->state;
        state.planOutcome = release.planProgress->outcome;
    }
    return state;
}

} // namespace

void Notifier::observe(const QString &context, const Models::ReleaseListModel &model)
{
    if (context != m_screenContext) {
        m_screenContext = context;
        m_fleetSeen.remove(context); // on screen now: the list below speaks for it
        setFleetReachable(context, true, {});
    }
    QHash<Core::ReleaseKey, Core::AlertState> now;
    for (int row = 0; row < model.rowCount(); ++row) {
        const Core::ReleaseSnapshot &release = model.releases().at(row);
        now.insert(release.key(),
                   alertStateOf(release, model.data(model.index(row, Models::ReleaseListModel::Health)).toString()));
    }
    notifyChanges(context, &m_seen, now);
}

void Notifier::observeFleet(const QString &context, const Core::ReleaseSnapshots &releases)
{
    if (context == m_screenContext) {
        return;
    }
    QHash<Core::ReleaseKey, Core::AlertState> now;
    for (const Core::ReleaseSnapshot &release : releases) {
        now.insert(release.key(), alertStateOf(release, release.health()));
    }
    notifyChanges(context, &m_fleetSeen[context], now);
}

void Notifier::notifyChanges(const QString &context, QHash<Core::ReleaseKey, Core::AlertState> *seen,
                             const QHash<Core::ReleaseKey, Core::AlertState> &now)
{
    const QList<Core::Notification> changes = Core::notificationsBetween(context, *seen, now);
    // Releases that went away are forgotten; the others are remembered as they are now.
    *seen = now;
    for (const Core::Notification &notification : changes) {
        show(notification);
    }
}

void Notifier::setFleetReachable(const QString &context, bool reachable, const QString &reason)
{
    if (reachable || context == m_screenContext) {
        if (reachable) {
            m_fleetLive.insert(context);
        }
        // Deleted now, not later: a timeout already due would still fire in this turn of the event
        // loop, for a loss that is over.
        delete m_fleetLost.take(context).timer;
        return;
    }
    if (!m_fleetLive.contains(context) || m_fleetLost.contains(context)) {
        return; // never answered (the fleet says so in its table), or already counting
    }
    FleetLoss &loss = m_fleetLost[context];
    loss.reason = reason;
    loss.since = QDateTime::currentDateTimeUtc();
    loss.timer = new QTimer(this);
    loss.timer->setSingleShot(true);
    connect(loss.timer, &QTimer::timeout, this, [this, context] {
        const FleetLoss &lost = m_fleetLost.value(context);
        const qint64 seconds = std::max<qint64>(60, lost.since.secsTo(QDateTime::currentDateTimeUtc()));
        show(Core::clusterLostNotification(context, seconds, lost.reason));
    });
    loss.timer->start(m_lostDelay);
}

void Notifier::setLostDelay(int milliseconds)
{
    m_lostDelay = milliseconds;
    m_lost.setInterval(milliseconds);
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
    m_screenContext.clear();
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
