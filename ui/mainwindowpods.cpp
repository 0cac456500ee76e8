// MainWindow's pods: each panel's pods and Warning events, refreshed every 5 s for the shown
// release and when its workloads change, the Warning events in a list of their own, and a pod's log followed in a
// window.

#include "mainwindow.h"

#include "environmentpanel.h"
#include "podlogwindow.h"
#include "theme.h"

#include "core/displaytext.h"
#include "core/futures.h"
#include "engine/releaseengine.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Curtain::Ui {

void MainWindow::connectPods()
{
    for (const Core::Color color : {Core::Color::Blue, Core::Color::Green}) {
        EnvironmentPanel *panel = color == Core::Color::Blue ? m_blue : m_green;
        connect(panel, &EnvironmentPanel::logRequested, this,
                [this](const QString &pod) { openLog(m_selected.namespaceName, pod); });
        connect(panel, &EnvironmentPanel::eventsRequested, this, [this, color] { showWarnings(color); });
    }
    // Pods change without the release changing (a restart, a probe): asked for every 5 s, and at
    // once when the panels' replica counts or template change.
    m_podsTimer.setObjectName(QStringLiteral("podsRefresh"));
    m_podsTimer.setInterval(5'000);
    connect(&m_podsTimer, &QTimer::timeout, this, [this] {
        if (isVisible()) {
            loadPods();
        }
    });
    m_podsTimer.start();
    m_podsSoon.setSingleShot(true);
    m_podsSoon.setInterval(300);
    m_podsRecheck.setSingleShot(true);
    for (QTimer *soon : {&m_podsSoon, &m_podsRecheck}) {
        connect(soon, &QTimer::timeout, this, [this] {
            if (isVisible()) {
                loadPods();
            }
        });
    }
}

QString MainWindow::podsBasis(const Core::ReleaseSnapshot &release)
{
    QString basis;
    for (const Core::Environment *env : {&release.blue, &release.green}) {
        basis += QStringLiteral("%1/%2/%3/%4|")
                     .arg(env->readyReplicas)
                     .arg(env->desiredReplicas)
                     .arg(env->templateHash, env->rolloutMessage);
    }
    return basis;
}

void MainWindow::loadPods()
{
    if (!m_kube || m_selected.isEmpty()) {
        return;
    }
    if (const Core::ReleaseSnapshot *shown = current()) {
        m_podsReadFor = podsBasis(*shown);
    }
    const QString asked = m_selected.toString() + u'|' + m_podsReadFor;
    if (std::exchange(m_podsAskedFor, asked) != asked) {
        m_podsRecheck.stop(); // another release, or other counts: its own rechecks, from the shortest
        m_podsRecheckMs = 100;
    }
    const Core::ReleaseKey release = m_selected;
    const quint64 generation = m_engineGeneration;
    for (const Core::Color color : {Core::Color::Blue, Core::Color::Green}) {
        const quint64 asked = ++m_podsAsked[color == Core::Color::Blue ? 0 : 1];
        Core::onFinished(m_kube->pods(release.toString(), color), this,
                         [this, release, generation, color, asked](const Core::Result<Core::EnvironmentPods> &pods) {
                             const int index = color == Core::Color::Blue ? 0 : 1;
                             if (asked != m_podsAsked[index] || !stillShown(generation) || release != m_selected) {
                                 return; // a newer question, another release or another cluster since
                             }
                             EnvironmentPanel *panel = color == Core::Color::Blue ? m_blue : m_green;
                             const Core::ReleaseSnapshot *shown = current();
                             if (!shown || !shown->environment(color).present) {
                                 return; // the panel says why there is nothing to run
                             }
                             if (pods.ok()) {
                                 m_pods[index] = pods.value();
                                 panel->setPods(pods.value());
                                 recheckMissingPods(*shown, color, pods.value());
                             } else {
                                 m_pods[index] = {};
                                 panel->setPodsError(pods.error().message);
                             }
                         });
    }
}

// "2 of 2 replicas ready" above fewer pods: the list was read before the pods it counts were
// stored, or the read raced a change. Read again soon rather than at the next refresh, 5 s later —
// after 0.1 s, then 0.2, 0.4… while it goes on (the demo cluster makes its pods after the first
// frame; a real cluster's watch cache may lag behind the status).
void MainWindow::recheckMissingPods(const Core::ReleaseSnapshot &shown, Core::Color color,
                                    const Core::EnvironmentPods &pods)
{
    if (pods.pods.size() >= shown.environment(color).readyReplicas || m_podsRecheck.isActive() ||
        m_podsRecheckMs >= m_podsTimer.interval()) {
        return;
    }
    m_podsRecheck.start(m_podsRecheckMs);
    m_podsRecheckMs *= 2;
}

void MainWindow::showWarnings(Core::Color color)
{
    const Core::EnvironmentPods &pods = m_pods[color == Core::Color::Blue ? 0 : 1];
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("warningsDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Warning events — %1 %2").arg(shownName(m_selected), Core::colorName(color)));
    auto *table = new QTableWidget(int(pods.warnings.size()), 4, dialog);
    table->setObjectName(QStringLiteral("warningsTable"));
    table->setHorizontalHeaderLabels({tr("Time"), tr("Object"), tr("Reason"), tr("Message")});
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    for (int row = 0; row < pods.warnings.size(); ++row) {
        const Core::HistoryEntry &warning = pods.warnings[row];
        const QStringList cells{warning.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                Core::shown(warning.object, 120), Core::shown(warning.action, 60),
                                Core::shown(warning.note, 500)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            item->setToolTip(column == 3 ? Core::shown(warning.note, 2000) : cells[column]);
            table->setItem(row, column, item);
        }
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto *note = new QLabel(pods.warnings.isEmpty()
                                ? tr("No Warning events on %1's pods or its workload.").arg(pods.workload)
                                : tr("Warning events on %1 and its pods, newest first (the cluster keeps them about "
                                     "an hour).")
                                      .arg(pods.workload),
                            dialog);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(note);
    layout->addWidget(table, 1);
    layout->addWidget(buttons);
    dialog->resize(900, 360);
    dialog->show();
}

void MainWindow::openLog(const QString &namespaceName, const QString &pod)
{
    if (!m_kube) {
        return;
    }
    auto *window = new PodLogWindow(m_kube, namespaceName, pod, this);
    window->show();
    window->raise();
    window->activateWindow();
}

void MainWindow::closeLogs()
{
    for (PodLogWindow *window : findChildren<PodLogWindow *>()) {
        window->close(); // they follow through the engine that is going away
    }
}

} // namespace Curtain::Ui
