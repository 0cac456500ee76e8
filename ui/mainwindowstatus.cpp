// MainWindow's status line: whether the data is live or how old it is, and why — the promise that
// the console shows the server's state or says how old it is; and where the window looks (the
// context and namespace switchers).

#include "mainwindow.h"

#include "core/displaytext.h"

#include "environmentpanel.h"
#include "releasetable.h"
#include "theme.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QStatusBar>
#include <QTableView>

#include <algorithm>

namespace Curtain::Ui {

void MainWindow::buildStatusBar()
{
    m_cluster = new QLabel(this);
    m_cluster->setObjectName(QStringLiteral("clusterLabel"));
    m_insecure = new QLabel(tr("⚠ TLS verification is off (insecure-skip-tls-verify)"), this);
    m_insecure->setObjectName(QStringLiteral("insecureWarning"));
    m_insecure->setStyleSheet(QStringLiteral("color: white; background: %1; padding: 1px 6px; font-weight: bold;")
                                  .arg(Theme::dangerFill.name()));
    m_connection = new QLabel(this);
    m_connection->setObjectName(QStringLiteral("connectionLabel"));
    m_lastAction = new QLabel(this);
    m_lastAction->setObjectName(QStringLiteral("lastActionLabel"));
    m_contexts = new QComboBox(this);
    m_contexts->setObjectName(QStringLiteral("contextSwitcher"));
    m_contexts->setToolTip(tr("Cluster context (from kubeconfig; demo is the built-in demo cluster)"));
    m_contexts->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_contexts->setAccessibleName(tr("Cluster context"));
    m_contexts->setVisible(false);
    connect(m_contexts, &QComboBox::activated, this, [this](int index) {
        const QString context = m_contexts->itemText(index);
        if (context == m_shownContext) {
            return Q_EMIT contextRequested(context); // nothing closes: no question
        }
        switchAway(context, [this, context] { Q_EMIT contextRequested(context); });
    });
    m_fleet = new QPushButton(tr("Fleet…"), this);
    m_fleet->setObjectName(QStringLiteral("fleetButton"));
    m_fleet->setToolTip(tr("Every release of every context in one table, needing attention first"));
    m_fleet->setVisible(false);
    connect(m_fleet, &QPushButton::clicked, this, &MainWindow::fleetRequested);
    m_namespaces = new QComboBox(this);
    m_namespaces->setObjectName(QStringLiteral("namespaceSwitcher"));
    m_namespaces->setToolTip(tr("Namespace: the releases of one namespace, or of all you may see"));
    m_namespaces->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_namespaces->setAccessibleName(tr("Namespace"));
    m_namespaces->addItem(tr("all namespaces"));
    connect(m_namespaces, &QComboBox::activated, this, [this](int index) {
        const QString namespaceName = index == 0 ? QString() : m_namespaces->itemText(index);
        if (m_engine && namespaceName == m_engine->cluster().namespaceName) {
            return Q_EMIT namespaceRequested(namespaceName);
        }
        switchAway(m_namespaces->itemText(index), [this, namespaceName] { Q_EMIT namespaceRequested(namespaceName); });
    });
    statusBar()->addWidget(m_contexts);
    statusBar()->addWidget(m_namespaces);
    statusBar()->addWidget(m_fleet);
    statusBar()->addWidget(m_cluster);
    statusBar()->addWidget(m_insecure);
    statusBar()->addWidget(m_connection);
    statusBar()->addWidget(m_lastAction, 1);
}

void MainWindow::onConnection(Engine::ConnectionState state, const QString &detail)
{
    m_connectionState = state;
    m_connectionDetail = detail;
    // What is on screen was last confirmed before the drop or the silence: grey it, never show it as live.
    const bool stale = state == Engine::ConnectionState::Reconnecting || state == Engine::ConnectionState::Stale;
    const QList<QWidget *> greyed = {m_blue, m_green, m_list};
    const QWidget *focused = QApplication::focusWidget();
    if (stale && focused && std::any_of(greyed.begin(), greyed.end(), [focused](const QWidget *w) {
            return w == focused || w->isAncestorOf(focused);
        })) {
        // Disabling the focused widget hands the focus down the chain into the detail, and the
        // scroll area scrolls to it: the release's name and panels went out of sight just when
        // they turned stale. The filter box is outside the detail and stays usable.
        m_filter->setFocus();
    }
    for (QWidget *widget : greyed) {
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
        // The status bar has one line: what is wrong; the advice is in the tooltip and the banner.
        m_connection->setText(age >= 0 ? tr("⚠ stale for %1 s — %2").arg(age).arg(Core::headline(m_connectionDetail))
                                       : tr("⚠ not connected — %1").arg(Core::headline(m_connectionDetail)));
        m_connection->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(Theme::danger().name()));
        m_connection->setToolTip(
            tr("%1\n%2 Only Rollback is possible until the console is live again.").arg(m_connectionDetail, bound));
        break;
    }
}

void MainWindow::setContexts(const QStringList &contexts, const QString &current)
{
    const QSignalBlocker blocker(m_contexts);
    m_contexts->clear();
    m_contexts->addItems(contexts);
    m_contexts->setCurrentText(current);
    m_shownContext = current;
    m_contexts->setVisible(contexts.size() > 1);
    m_fleet->setVisible(contexts.size() > 1);
}

void MainWindow::switchAway(const QString &target, const std::function<void()> &requestSwitch)
{
    if (m_drivenHere.isEmpty()) {
        return requestSwitch();
    }
    // The plan's judge and its Lease live in this session: after a switch nobody advances it, and
    // nobody rolls it back when the candidate fails. Staying is the default.
    QStringList plans;
    for (const Core::ReleaseKey &release : std::as_const(m_drivenHere)) {
        plans << shownName(release);
    }
    plans.sort();
    auto *box = new QMessageBox(
        QMessageBox::Warning, tr("Curtain"),
        tr("The plan on %1 runs from this window. Switching to %2 stops driving it: the candidate keeps the "
           "traffic it has now, and nothing judges it or rolls it back until someone presses Take over plan (or "
           "runs curtainctl run again). Rollback stays possible at any time.")
            .arg(plans.join(QStringLiteral(", ")), target),
        QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("leaveDrivenPlan"));
    box->button(QMessageBox::Cancel)->setText(tr("Stay"));
    QPushButton *anyway = box->addButton(tr("Switch anyway"), QMessageBox::DestructiveRole);
    anyway->setObjectName(QStringLiteral("switchAnyway"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // Asked of the session shown now: if another took its place meanwhile (the Fleet window
    // switched), the answer is about a plan no longer driven here.
    connect(box, &QMessageBox::finished, this, [this, box, anyway, requestSwitch, generation = m_engineGeneration] {
        if (box->clickedButton() == anyway && stillShown(generation)) {
            requestSwitch();
        } else {
            showWhereTheWindowLooks();
        }
    });
    box->open();
}

void MainWindow::showWhereTheWindowLooks()
{
    if (!m_engine) {
        return;
    }
    const QSignalBlocker contexts(m_contexts);
    m_contexts->setCurrentText(m_shownContext);
    const Core::ClusterDescription cluster = m_engine->cluster();
    const QSignalBlocker namespaces(m_namespaces);
    m_namespaces->setCurrentIndex(cluster.namespaceName.isEmpty() ? 0 : m_namespaces->findText(cluster.namespaceName));
}

void MainWindow::showSwitching(const QString &target)
{
    m_lastAction->setText(tr("switching to %1…").arg(target));
    m_lastAction->setStyleSheet({});
}

void MainWindow::showSwitchCancelled(const QString &target)
{
    m_lastAction->setText(tr("switch to %1 cancelled: this window stays where it is").arg(target));
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
