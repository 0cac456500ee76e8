#include "mainwindow.h"

#include "canarypanel.h"
#include "planpanel.h"
#include "rolloutpanel.h"

#include "core/futures.h"

#include "actionbar.h"
#include "charts/metricchart.h"
#include "databasepanel.h"
#include "environmentpanel.h"
#include "failurebanner.h"
#include "healthdelegate.h"
#include "idlewindowrow.h"
#include "notifier.h"
#include "settings.h"
#include "theme.h"
#include "weightslider.h"

#include "models/releaselistmodel.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace Curtain::Ui {

namespace {

// The detail in its scroll area. QScrollArea takes a widget's heightForWidth (its preferred height,
// which word-wrapped labels make it ask for) as the least height it may get, so the charts kept
// their preferred height and at 1280×800 the Argo step buttons went under the action bar. When the
// detail fits at its minimum, that is its least height: charts and pod tables give up what they can
// and nothing scrolls. When it does not fit even so (1024×640), it scrolls at its preferred height
// rather than squeezing every table to two rows.
class DetailPane final : public QWidget
{
public:
    using QWidget::QWidget;
    int heightForWidth(int width) const override
    {
        const int least = layout()->totalMinimumHeightForWidth(width);
        const int available = parentWidget() ? parentWidget()->height() : 0; // the scroll area's viewport
        return least <= available ? least : layout()->totalHeightForWidth(width);
    }
};

// The detail's scroll area. A widget inside it that is disabled while it has the focus (the slider
// or a plan button, when the data turns stale) hands the focus on, and QScrollArea scrolls to the
// next one as if Tab had been pressed — taking the release's name out of sight. Only Tab scrolls.
class DetailScroll final : public QScrollArea
{
public:
    using QScrollArea::QScrollArea;

protected:
    bool focusNextPrevChild(bool next) override
    {
        const QWidget *from = QApplication::focusWidget();
        if (from && !from->isEnabled()) {
            return QWidget::focusNextPrevChild(next);
        }
        return QScrollArea::focusNextPrevChild(next);
    }
};

} // namespace

MainWindow::MainWindow(Engine::ReleaseSource *engine, const QString &clusterDescription, QWidget *parent)
    : QMainWindow(parent), m_model(new Models::ReleaseListModel(this)), m_chartTimer(this)
{
    setObjectName(QStringLiteral("mainWindow"));
    m_notifier = new Notifier(this); // before setEngine below, which resets it

    // The view sees the releases through a filter (the box above it, Ctrl+F) and sorts by any
    // column; Health sorts by urgency. Until a header is clicked, the cluster's order.
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Models::ReleaseListModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("releaseFilter"));
    m_filter->setPlaceholderText(tr("Filter releases (Ctrl+F)"));
    m_filter->setAccessibleName(tr("Filter releases"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_list = new QTableView(this);
    m_list->setObjectName(QStringLiteral("releaseList"));
    m_list->setModel(m_proxy);
    m_list->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_list->setSortingEnabled(true);
    m_list->setItemDelegate(new HealthDelegate(Models::ReleaseListModel::Health, m_list));
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->verticalHeader()->hide();
    // Every column but the name as wide as its contents ("degraded (metrics)" whole); the name takes
    // what is left and elides, so the list needs no horizontal scroll bar at its starting width.
    m_list->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->horizontalHeader()->setSectionResizeMode(Models::ReleaseListModel::Name, QHeaderView::Stretch);
    m_list->setShowGrid(false);
    m_list->setWordWrap(false); // "degraded (metrics)" elides in a narrow list rather than doubling the row
    m_list->setAlternatingRowColors(true);
    m_list->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_list->setAccessibleName(tr("Releases"));
    m_list->setMinimumWidth(240); // the splitter starts it at 460: every column readable at 1280 px

    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("releaseHeading"));
    QFont headingFont = m_heading->font();
    headingFont.setPointSize(headingFont.pointSize() + 6);
    headingFont.setBold(true);
    m_heading->setFont(headingFont);
    m_subheading = new QLabel(this);
    m_subheading->setObjectName(QStringLiteral("releaseSubheading"));
    m_subheading->setWordWrap(true);

    m_banner = new FailureBanner(this);
    connect(m_banner, &FailureBanner::retryRequested, this, &MainWindow::retryFailed);
    connect(m_banner, &FailureBanner::dismissRequested, this, &MainWindow::dismissFailure);
    m_rollbackMark = new FailureBanner(this);
    m_rollbackMark->setAcknowledgeOnly(QStringLiteral("rollbackMark"));
    connect(m_rollbackMark, &FailureBanner::dismissRequested, this, &MainWindow::acknowledgeRollback);
    m_blue = new EnvironmentPanel(Core::Color::Blue, this);
    m_green = new EnvironmentPanel(Core::Color::Green, this);
    m_slider = new WeightSlider(this);
    // Short axis titles: a chart at its minimum height elides a long one to "…".
    m_errors = new MetricChart(tr("Errors (% of requests)"), tr("%"), 1.0, this);
    m_errors->setObjectName(QStringLiteral("errorChart"));
    m_latency = new MetricChart(tr("p99 latency"), tr("ms"), 100.0, this);
    m_latency->setObjectName(QStringLiteral("latencyChart"));
    m_plan = new PlanPanel(this);
    m_rollout = new RolloutPanel(this);
    m_canary = new CanaryPanel(this);
    m_database = new DatabasePanel(this);
    m_idle = new IdleWindowRow(this);
    m_actions = new ActionBar(this); // after the plan: Tab walks the screen top to bottom
    connectWindowSteps();

    auto *panels = new QHBoxLayout;
    panels->addWidget(m_blue);
    panels->addWidget(m_green);
    auto *charts = new QHBoxLayout;
    charts->addWidget(m_errors);
    charts->addWidget(m_latency);

    // The detail scrolls when the window is small (1024×640); what must never scroll away stays
    // outside it: a failed action and a rollback mark above, Promote, Flip and Rollback below.
    auto *detail = new DetailPane(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(12, 8, 12, 8);
    detailLayout->addWidget(m_heading);
    detailLayout->addWidget(m_subheading);
    detailLayout->addLayout(panels);
    detailLayout->addWidget(m_slider);
    detailLayout->addWidget(m_idle);     // what the last flip left waiting, and its cost
    detailLayout->addWidget(m_database); // beside the traffic it gates
    detailLayout->addLayout(charts, 1);
    detailLayout->addWidget(m_plan);
    detailLayout->addWidget(m_rollout);
    detailLayout->addWidget(m_canary);
    auto *scroll = new DetailScroll(this);
    m_detailScroll = scroll;
    scroll->setObjectName(QStringLiteral("detailScroll"));
    scroll->setWidget(detail);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Up and down only: a narrow window takes width from the list (the splitter), not from the panels.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(detail->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width());

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    auto *banners = new QVBoxLayout;
    banners->setContentsMargins(12, 6, 12, 0);
    banners->addWidget(m_banner);
    banners->addWidget(m_rollbackMark);
    rightLayout->addLayout(banners);
    rightLayout->addWidget(scroll, 1);
    auto *actions = new QVBoxLayout;
    actions->setContentsMargins(12, 6, 12, 8);
    actions->addWidget(m_actions);
    rightLayout->addLayout(actions);

    m_splitter = new QSplitter(this);
    m_splitter->setObjectName(QStringLiteral("listDetailSplitter"));
    m_splitter->setChildrenCollapsible(false);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(2);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_list);
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
    connect(m_slider, &WeightSlider::weightRequested, this, [this](int weight) {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirmThenRun(
                {Core::ActionKind::SetWeight, release->key().toString(), weight, release->routeResourceVersion});
        }
    });
    connect(m_actions, &ActionBar::promoteRequested, this, [this] {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirmThenRun({Core::ActionKind::Promote, release->key().toString(), 0, release->routeResourceVersion});
        }
    });
    connect(m_actions, &ActionBar::flipRequested, this, [this] {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirmThenRun({Core::ActionKind::Flip, release->key().toString(), 0, release->routeResourceVersion});
        }
    });
    connect(m_actions, &ActionBar::rollbackRequested, this, [this] {
        // Rollback acts on the cluster's latest state, never on what this window last saw.
        if (const Core::ReleaseSnapshot *release = current()) {
            run({Core::ActionKind::Rollback, release->key().toString(), 0, {}});
        }
    });
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
    connect(m_rollout, &RolloutPanel::actionRequested, this, [this](Core::ActionKind kind, int revision) {
        if (const Core::ReleaseSnapshot *release = current()) {
            Core::ActionRequest request{kind, release->key().toString(), 0, release->routeResourceVersion};
            request.revision = revision;
            confirmThenRun(request);
        }
    });
    connect(m_canary, &CanaryPanel::actionRequested, this, [this](Core::ActionKind kind) {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirmThenRun({kind, release->key().toString(), 0, release->routeResourceVersion});
        }
    });
    connect(m_plan, &PlanPanel::startRequested, this, [this](const Core::Plan &plan) {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirm(
                *release, Core::unprovenPlan(*release, plan), [this, plan] { startPlan(plan); }, [] {});
        }
    });
    // The engine hears of releases as "namespace/name": a bare name is ambiguous across namespaces.
    connect(m_plan, &PlanPanel::resumeRequested, this, [this] {
        if (m_engine) {
            m_engine->resumePlan(planTarget(m_selected));
        }
    });
    connect(m_plan, &PlanPanel::stopRequested, this, [this] {
        if (m_engine) {
            m_engine->stopPlan(planTarget(m_selected), tr("Stopped from the console; the weight holds."));
        }
    });
    connect(m_plan, &PlanPanel::saveRequested, this, [this](const Core::Plan &plan) {
        const Core::ReleaseKey release = m_selected;
        if (!m_kube) {
            m_lastAction->setText(tr("A plan is saved on the release's route in a cluster; an HAProxy fleet has "
                                     "none — keep it in a plan file"));
            return;
        }
        const quint64 generation = m_engineGeneration;
        const QString cluster = m_kube->cluster().name;
        Core::onFinished(
            m_kube->savePlan(release.toString(), plan), this,
            [this, release, generation, cluster](const Core::Result<Core::Done> &r) {
                if (!stillShown(generation)) {
                    return reportFromElsewhere(
                        cluster, r.ok() ? tr("Plan saved on %1").arg(release.toString()) : r.error().message, !r.ok());
                }
                m_lastAction->setText(r.ok() ? tr("Plan saved on %1").arg(shownName(release)) : r.error().message);
            });
    });
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
    m_flipWaiting.clear();
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
    m_list->setColumnHidden(Models::ReleaseListModel::Namespace, !m_model->severalNamespaces());
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
    m_actions->setFlipWaiting(
        m_flipWaiting.contains(release->key()) ? std::optional(m_flipWaiting.value(release->key())) : std::nullopt);
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
