// MainWindow's status line: whether the data is live or how old it is, and why — the promise that
// the console shows the server's state or says how old it is; and where the window looks (the
// context and namespace switchers).

#include "mainwindow.h"

#include "environmentpanel.h"
#include "theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QTableView>

namespace Curtain::Ui {

void MainWindow::onConnection(Engine::ConnectionState state, const QString &detail)
{
    m_connectionState = state;
    m_connectionDetail = detail;
    // What is on screen was last confirmed before the drop or the silence: grey it, never show it as live.
    const bool stale = state == Engine::ConnectionState::Reconnecting || state == Engine::ConnectionState::Stale;
    for (QWidget *widget :
         {static_cast<QWidget *>(m_blue), static_cast<QWidget *>(m_green), static_cast<QWidget *>(m_list)}) {
        widget->setEnabled(!stale);
    }
    showConnection();
}

QString MainWindow::metricsStaleness() const
{
    // The shown release's metrics, judged like the data: live only while recently scraped.
    if (m_selected.name.isEmpty() || m_connectionState != Engine::ConnectionState::Live) {
        return {};
    }
    const QString error = m_metricsError.value(m_selected.toString());
    const qint64 at = m_metricsAt.value(m_selected.toString(), 0);
    const qint64 ageMs = at > 0 ? QDateTime::currentMSecsSinceEpoch() - at : -1;
    if (error.isEmpty() && ageMs >= 0 && ageMs <= metricsBoundMs) {
        return {};
    }
    if (error.isEmpty() && ageMs < 0) {
        return {}; // not scraped yet: nothing shown as live either
    }
    const QString age = ageMs < 0 ? tr("no metrics yet") : tr("metrics %1 s old").arg(ageMs / 1000);
    return error.isEmpty() ? age : tr("%1 — %2").arg(age, error);
}

void MainWindow::showConnection()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 age = m_freshness.ageSeconds(now);
    const QString bound = tr("Live means: the server was heard from within %1 s and the shown release's metrics were "
                             "scraped within %2 s.")
                              .arg(m_freshness.boundSeconds)
                              .arg(metricsBoundMs / 1000);
    switch (m_connectionState) {
    case Engine::ConnectionState::Live: {
        const QString metrics = metricsStaleness();
        if (!metrics.isEmpty()) {
            m_connection->setText(tr("⚠ %1").arg(metrics));
            m_connection->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(Theme::danger().name()));
            m_connection->setToolTip(bound);
            break;
        }
        m_connection->setText(tr("● live"));
        m_connection->setStyleSheet(
            QStringLiteral("color: %1;").arg(Theme::healthColor(QStringLiteral("healthy")).name()));
        m_connection->setToolTip(
            tr("Watching the cluster; last heard %1 s ago. %2").arg(std::max<qint64>(age, 0)).arg(bound));
        break;
    }
    case Engine::ConnectionState::Connecting:
        m_connection->setText(tr("◌ connecting…"));
        m_connection->setStyleSheet(QString());
        m_connection->setToolTip(QString());
        break;
    case Engine::ConnectionState::Reconnecting:
    case Engine::ConnectionState::Stale:
        m_connection->setText(age >= 0 ? tr("⚠ stale for %1 s — %2").arg(age).arg(m_connectionDetail)
                                       : tr("⚠ not connected — %1").arg(m_connectionDetail));
        m_connection->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(Theme::danger().name()));
        m_connection->setToolTip(tr("%1 Only Rollback is possible until the console is live again.").arg(bound));
        break;
    }
}

void MainWindow::setContexts(const QStringList &contexts, const QString &current)
{
    const QSignalBlocker blocker(m_contexts);
    m_contexts->clear();
    m_contexts->addItems(contexts);
    m_contexts->setCurrentText(current);
    m_contexts->setVisible(contexts.size() > 1);
    m_fleet->setVisible(contexts.size() > 1);
}

void MainWindow::showSwitching(const QString &target)
{
    m_lastAction->setText(tr("switching to %1…").arg(target));
    m_lastAction->setStyleSheet({});
}

void MainWindow::showMessage(const QString &message)
{
    m_lastAction->setText(message);
    m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
}

void MainWindow::updateNamespaces(const Core::ReleaseSnapshots &releases)
{
    bool grew = false;
    for (const Core::ReleaseSnapshot &release : releases) {
        if (!m_knownNamespaces.contains(release.namespaceName)) {
            m_knownNamespaces << release.namespaceName;
            grew = true;
        }
    }
    if (!grew) {
        return;
    }
    m_knownNamespaces.sort();
    const QString current = m_namespaces->currentIndex() == 0 ? QString() : m_namespaces->currentText();
    const QSignalBlocker blocker(m_namespaces);
    while (m_namespaces->count() > 1) {
        m_namespaces->removeItem(1);
    }
    m_namespaces->addItems(m_knownNamespaces);
    m_namespaces->setCurrentIndex(current.isEmpty() ? 0 : m_namespaces->findText(current));
}

} // namespace Curtain::Ui
