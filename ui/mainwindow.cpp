#include "mainwindow.h"

#include "canarypanel.h"
#include "planpanel.h"
#include "rolloutpanel.h"

#include "core/futures.h"

#include "actionbar.h"
#include "databasepanel.h"
#include "environmentpanel.h"
#include "idlewindowrow.h"
#include "notifier.h"
#include "releasetable.h"
#include "settings.h"
#include "theme.h"
#include "weightslider.h"

#include "models/releaselistmodel.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QLabel>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>

#include <algorithm>
#include <utility>

namespace Curtain::Ui {

MainWindow::MainWindow(Engine::ReleaseSource *engine, const QString &clusterDescription, QWidget *parent)
    : QMainWindow(parent), m_model(new Models::ReleaseListModel(this)), m_podsTimer(this), m_chartTimer(this)
{
    setObjectName(QStringLiteral("mainWindow"));
    m_notifier = new Notifier(this); // before setEngine below, which resets it

    // Created in the order Tab walks them: the filter and the list, then the detail top to bottom.
    QWidget *left = buildReleaseList();
    QWidget *right = buildDetail();
    m_splitter = new QSplitter(this);
    m_splitter->setObjectName(QStringLiteral("listDetailSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(left);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({460, 820});
    setCentralWidget(m_splitter);

    buildStatusBar();
    setEngine(engine, clusterDescription);

    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &index) {
        m_selected = index.isValid() ? index.data(Models::ReleaseListModel::ReleaseKeyRole).value<Core::ReleaseKey>()
                                     : Core::ReleaseKey();
        showSelected();
        refreshCharts();
    });
    connectActionRequests();
    connectPlanRequests();
    buildMenus();
    connectPods();
    connect(m_notifier, &Notifier::showWindowRequested, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    connect(m_notifier, &Notifier::quitRequested, this, [this] {
        m_quitting = true;
        close();
        QApplication::quit();
    });
    m_list->setFocus(); // where the window starts: the arrow keys pick a release
    m_chartTimer.setInterval(1000);
    connect(&m_chartTimer, &QTimer::timeout, this, &MainWindow::refreshCharts);
    connect(&m_chartTimer, &QTimer::timeout, this, [this] {
        showConnection(); // ages keep counting, and metrics can go stale without any signal
    });
    m_chartTimer.start();
    connect(&m_chartTimer, &QTimer::timeout, m_plan, &PlanPanel::refreshCountdown);
    connect(&m_chartTimer, &QTimer::timeout, m_rollout, &RolloutPanel::refreshCountdown);
    connect(&m_chartTimer, &QTimer::timeout, m_blue, &EnvironmentPanel::refreshAges);
    connect(&m_chartTimer, &QTimer::timeout, m_green, &EnvironmentPanel::refreshAges);
    showSelected();
}

void MainWindow::setEngine(Engine::ReleaseSource *engine, const QString &clusterDescription,
                           const std::optional<Core::ReleaseSnapshots> &synced)
{
    if (m_engine) {
        disconnect(m_engine, nullptr, this, nullptr);
    }
    m_engine = engine;
    ++m_engineGeneration;
    m_kube = qobject_cast<Engine::ReleaseEngine *>(engine);
    m_history = Models::MetricHistory();
    m_actionTimes.clear();
    m_historyShownFor = {};
    m_idle->clearSchedules(); // scheduled with the engine that goes now
    m_waiting.clear();
    closeLogs();
    m_notifier->reset();
    m_model->setReleases({});
    m_inFlight = 0; // what is in flight now reports as from elsewhere (reportFromElsewhere)
    m_actions->setBusy(false);
    m_rollout->setBusy(false);
    m_canary->setBusy(false);
    m_database->setBusy(false);
    // A failure, a Retry or a scrape error of the previous cluster's release must not stick to a
    // release of the same name in this one: Retry would send it here.
    m_failures.clear();
    showFailure();
    m_metricsAt.clear();
    m_metricsError.clear();
    m_lastAction->clear();
    m_lastAction->setStyleSheet({});
    m_cluster->setText(m_engine && !m_kube ? clusterDescription : tr("Cluster: %1").arg(clusterDescription));
    m_model->setAcknowledgedRollbacks(m_engine ? Settings::acknowledgedRollbacks(m_engine->cluster().name)
                                               : QHash<Core::ReleaseKey, QDateTime>());
    if (!m_engine) { // the session is still being opened
        m_insecure->setVisible(false);
        onConnection(Engine::ConnectionState::Connecting, {});
        showSelected();
        return;
    }
    // Stays for as long as the window talks to this cluster: nobody should forget it.
    const Core::ClusterDescription cluster = m_engine->cluster();
    m_insecure->setVisible(cluster.insecureSkipTlsVerify);
    m_namespaces->setVisible(m_kube != nullptr); // an HAProxy fleet has no namespaces
    {
        const QString ns = cluster.namespaceName;
        const QSignalBlocker blocker(m_namespaces);
        if (!ns.isEmpty() && m_namespaces->findText(ns) < 0) {
            m_knownNamespaces << ns;
            m_namespaces->addItem(ns);
        }
        m_namespaces->setCurrentIndex(ns.isEmpty() ? 0 : m_namespaces->findText(ns));
    }
    m_insecure->setToolTip(tr("Anyone between you and %1 can read and change this traffic.").arg(cluster.server));
    onConnection(synced ? Engine::ConnectionState::Live : Engine::ConnectionState::Connecting, {});
    connectShown(m_engine, &Engine::ReleaseSource::releasesChanged,
                 [this](const Core::ReleaseSnapshots &releases) { onReleases(releases); });
    connectShown(m_engine, &Engine::ReleaseSource::metricsUpdated,
                 [this](const Core::ReleaseMetrics &metrics) { onMetrics(metrics); });
    connectShown(m_engine, &Engine::ReleaseSource::connectionChanged,
                 [this](Engine::ConnectionState state, const QString &detail) { onConnection(state, detail); });
    connectShown(m_engine, &Engine::ReleaseSource::freshnessChanged, [this](const Core::DataFreshness &freshness) {
        m_freshness = freshness;
        showConnection();
        m_notifier->setFreshness(m_engine->cluster().name, freshness);
    });
    connectShown(m_engine, &Engine::ReleaseSource::cacheReset, [this](const QString &detail) {
        showMessage(tr("The cluster is not in the state shown before — %1. What you see now is what the server "
                       "returned.")
                        .arg(detail));
    });
    // The engine may have started before this window listened: have it say again where it is.
    m_engine->republish();
    connectShown(m_engine, &Engine::ReleaseSource::metricsFailed,
                 [this](const QString &release, const QString &message) {
                     m_metricsError.insert(release, message);
                     showConnection();
                 });
    connectShown(m_engine, &Engine::ReleaseSource::planUpdated,
                 [this](const QString &release, const Core::PlanProgress &progress, const Core::Judgement &judgement) {
                     m_plan->setProgress(keyOf(release), progress, judgement);
                 });
    if (m_kube) {
        connectEngineSteps();
    }
    m_drivenHere.clear();
    if (synced) {
        onReleases(*synced);
    }
    showSelected();
    refreshCharts();
}

const Core::ReleaseSnapshot *MainWindow::current() const
{
    const int row = m_model->rowOf(m_selected);
    return row < 0 ? nullptr : &m_model->releases().at(row);
}

QString MainWindow::shownName(const Core::ReleaseKey &release) const
{
    return m_model->displayName(release);
}

Core::ReleaseKey MainWindow::keyOf(const QString &engineName) const
{
    const Core::ReleaseKey key = Core::ReleaseKey::fromString(engineName);
    const int row = key.namespaceName.isEmpty() ? m_model->rowOf(key) : -1;
    return row < 0 ? key : m_model->releases().at(row).key();
}

QString MainWindow::planTarget(const Core::ReleaseKey &release) const
{
    return release.toString(); // the engine resolves it and names the Lease after the release
}

void MainWindow::selectRelease(const Core::ReleaseKey &release)
{
    const int row = m_model->rowOf(release);
    if (row >= 0) {
        m_selected = m_model->releases().at(row).key();
        m_list->selectRow(viewRow(row));
    } else {
        m_selected = release; // not listed (yet): selected as soon as it appears
    }
}

QString MainWindow::lastActionText() const
{
    return m_lastAction->text();
}

void MainWindow::onReleases(const Core::ReleaseSnapshots &releases)
{
    updateNamespaces(releases);
    m_model->setReleases(releases);
    m_idle->observe(releases);
    m_notifier->observe(m_engine->cluster().name, *m_model);
    if (m_model->rowOf(m_selected) < 0 && !releases.isEmpty()) {
        m_selected = releases.front().key();
    }
    const int row = m_model->rowOf(m_selected);
    if (row >= 0) {
        m_selected = releases.at(row).key(); // a name asked for before it was listed now has its namespace
    }
    m_list->setNamespaceShown(m_model->severalNamespaces());
    if (row >= 0 && m_list->currentIndex().row() != viewRow(row)) {
        const QSignalBlocker blocker(m_list->selectionModel());
        m_list->selectRow(viewRow(row));
    }
    showSelected();
}

int MainWindow::viewRow(int modelRow) const
{
    return m_proxy->mapFromSource(m_model->index(modelRow, 0)).row();
}

void MainWindow::restoreLayout(bool keepSize)
{
    // A size forced from the command line (screenshots, benchmarks) is not the user's to keep.
    m_rememberLayout = !keepSize;
    const Settings::WindowLayout layout = Settings::windowLayout();
    m_splitter->restoreState(layout.splitter);
    if (!layout.release.isEmpty() && m_selected.name.isEmpty()) {
        selectRelease(layout.release);
    }
    if (keepSize || restoreGeometry(layout.geometry)) {
        return;
    }
    // A first start: 1280×800 where it fits, else nine tenths of the screen (1024×640 still works).
    const QScreen *screen = QGuiApplication::primaryScreen();
    const QSize available = screen ? screen->availableGeometry().size() : QSize(1280, 800);
    resize(QSize(1280, 800).boundedTo(available * 0.9).expandedTo(minimumSizeHint()).boundedTo(available));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // A plan this console drives goes on while it runs: the window goes to the tray, not away.
    if (!m_drivenHere.isEmpty() && !m_quitting &&
        m_notifier->keepRunningInTray(tr("The plan on %1 goes on; the tray icon brings the window back.")
                                          .arg(shownName(*m_drivenHere.cbegin())))) {
        hide();
        event->ignore();
        return;
    }
    if (m_rememberLayout) {
        Settings::setWindowLayout({saveGeometry(), m_splitter->saveState(), m_selected.toString()});
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::setAboutText(const QString &html)
{
    m_about = html;
}

void MainWindow::showSelected()
{
    const Core::ReleaseSnapshot *release = current();
    if (std::exchange(m_shownRelease, m_selected) != m_selected) {
        // Another release opens at its heading, not at the scroll position the last one had (at
        // 1024×640 that hid the name of the release being acted on).
        m_detailScroll->verticalScrollBar()->setValue(0);
    }
    showFailure();
    showRollbackMark();
    // Which context and which release, once each: the taskbar tells two windows apart by it.
    const QString context = m_engine ? m_engine->cluster().name : tr("opening…");
    setWindowTitle(release ? tr("%1 · %2 — Curtain").arg(shownName(release->key()), context)
                           : tr("%1 — Curtain").arg(context));
    if (!release) {
        m_heading->setText(tr("No release selected"));
        m_subheading->setText(tr("Releases appear here when a route (Service, HTTPRoute, VirtualService, TrafficSplit, "
                                 "canary Ingress, FeatureFlag, ConfigMap with a flagd file) carries the label "
                                 "curtain.dev/release, and for every Argo Rollout and Flagger Canary."));
        m_blue->clear();
        m_green->clear();
        m_actions->clear();
        m_plan->setRelease(nullptr, false);
        m_rollout->setRelease(nullptr);
        m_canary->setRelease(nullptr);
        m_database->setRelease(nullptr);
        m_idle->setRelease(nullptr);
        return;
    }
    m_heading->setText(shownName(release->key()));
    // A fleet's releases have no namespace: the route is the backend (or the map and its key).
    QString route = release->namespaceName.isEmpty() ? release->routeName
                                                     : release->namespaceName + QLatin1Char('/') + release->routeName;
    if (!release->routeDetail.isEmpty()) {
        route += QStringLiteral(" (%1)").arg(release->routeDetail);
    }
    QString sub = tr("%1 · %2 %3 · stable %4 (%5)")
                      .arg(Core::strategyName(release->strategy()), Core::routeKindName(release->routeKind), route,
                           Core::colorName(release->stable), release->environment(release->stable).version);
    if (!release->problem.isEmpty()) {
        sub += QStringLiteral("\n⚠ ") + release->problem;
    }
    m_subheading->setText(sub);
    m_blue->setRelease(*release);
    m_green->setRelease(*release);
    m_blue->setMetrics(m_history.latest(release->key(), Core::Color::Blue));
    m_green->setMetrics(m_history.latest(release->key(), Core::Color::Green));
    m_slider->setRelease(*release);
    m_actions->setRelease(*release);
    m_actions->setBusy(m_inFlight > 0);
    m_actions->setWaiting(m_waiting.contains(release->key()) ? std::optional(m_waiting.value(release->key()))
                                                             : std::nullopt);
    m_idle->setRelease(release);
    // An Argo Rollout and a Flagger canary walk their own steps: their controls instead of a plan.
    const bool rollout =
        release->routeKind == Core::RouteKind::ArgoRollout || release->routeKind == Core::RouteKind::FlaggerCanary;
    m_plan->setRelease(rollout ? nullptr : release, m_drivenHere.contains(release->key()));
    m_rollout->setRelease(release);
    m_rollout->setBusy(m_inFlight > 0);
    m_canary->setRelease(release);
    m_canary->setBusy(m_inFlight > 0);
    m_database->setRelease(release);
    if (std::exchange(m_historyShownFor, release->key()) != release->key()) {
        loadHistory(); // the chart marks, and the History window if it is open, follow the selection
        for (EnvironmentPanel *panel : {m_blue, m_green}) {
            if (release->environment(panel == m_blue ? Core::Color::Blue : Core::Color::Green).present) {
                panel->setPods({}); // not the last release's pods while this one's are read
            }
        }
        loadPods();
    } else if (podsBasis(*release) != m_podsReadFor && !m_podsSoon.isActive()) {
        m_podsSoon.start(); // "3 of 3 ready" above a list of two pods: scaled or rolled, so read them soon
    }
    Q_EMIT releaseShown(release->key());
}

void MainWindow::onMetrics(const Core::ReleaseMetrics &metrics)
{
    m_history.add(metrics);
    m_model->setMetrics(metrics);
    m_notifier->observe(m_engine->cluster().name, *m_model); // "degraded (metrics)" comes from here
    m_metricsAt.insert(metrics.release.toString(), QDateTime::currentMSecsSinceEpoch());
    m_metricsError.remove(metrics.release.toString());
    if (metrics.release == m_selected) {
        m_blue->setMetrics(metrics.blue);
        m_green->setMetrics(metrics.green);
    }
}

} // namespace Curtain::Ui
