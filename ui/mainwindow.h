#pragma once

#include "actionbar.h"

#include "core/action.h"
#include "core/confirmation.h"
#include "core/metricpoint.h"
#include "core/release.h"
#include "engine/releaseengine.h"
#include "engine/releasesource.h"
#include "models/metrichistory.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QSet>
#include <QTimer>

#include <array>
#include <functional>
#include <optional>

class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QLabel;
class QPushButton;
class QScrollArea;
class QSplitter;

namespace Curtain::Db {
struct LintFinding;
} // namespace Curtain::Db

namespace Curtain::Models {
class ReleaseListModel;
}

namespace Curtain::Ui {

class EnvironmentPanel;
class FailureBanner;
class HistoryWindow;
class Notifier;
class MetricChart;
class DatabasePanel;
class IdleWindowRow;
class PlanPanel;
class ReleaseTable;
class CanaryPanel;
class RolloutPanel;
class WeightSlider;

// The console: the release list on the left; the selected release as two panels, blue and green,
// with the weight slider, live charts and the action bar; the cluster and last action below.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    // `engine` lives on the network thread; the window talks to it through queued signals and futures;
    // `engine` may be null while the first session is still being opened.
    MainWindow(Engine::ReleaseSource *engine, const QString &clusterDescription, QWidget *parent = nullptr);

    // Points the window at another cluster's engine (after a context switch); forgets the old data
    // and shows `synced`, the engine's first snapshot, when the caller waited for it.
    void setEngine(Engine::ReleaseSource *engine, const QString &clusterDescription,
                   const std::optional<Core::ReleaseSnapshots> &synced = std::nullopt);
    void setContexts(const QStringList &contexts, const QString &current);
    void showSwitching(const QString &target); // the current session keeps running until the next is open
    void showSwitchCancelled(const QString &target);
    void showMessage(const QString &message); // e.g. a context that could not be opened
    void showWhereTheWindowLooks();           // the switchers back on the context and namespace shown
    // A switch to `target` closes the session that drives this window's plans: while one runs, the
    // user is asked first, and `requestSwitch` runs only if they choose to switch anyway.
    void switchAway(const QString &target, const std::function<void()> &requestSwitch);
    void setAboutText(const QString &html); // Help ▸ About: name, version, links (from the branding)
    // The layout the user left (settings): the splitter, the release, and unless `keepSize` the
    // window's geometry. Without a saved geometry the window fits the screen it opens on. Unless
    // `keepSize`, closing the window saves the layout again.
    void restoreLayout(bool keepSize);

    Core::ReleaseKey selectedRelease() const { return m_selected; }
    void selectRelease(const Core::ReleaseKey &release);
    // "namespace/name", or a bare name (the first release of that name), e.g. from --release.
    void selectRelease(const QString &release) { selectRelease(Core::ReleaseKey::fromString(release)); }
    QString lastActionText() const;
    QString failureText() const;      // the failed-action banner on the selected release; empty when none shows
    QString rollbackMarkText() const; // the automatic-rollback mark on the selected release; empty when none shows
    HistoryWindow *historyWindow() const { return m_historyWindow; } // null until History is first opened
    Notifier *notifier() const { return m_notifier; }
    PlanPanel *planPanel() const { return m_plan; }
    RolloutPanel *rolloutPanel() const { return m_rollout; }
    DatabasePanel *databasePanel() const { return m_database; }
    // Expand asks for the migration file; a test answers instead of the file dialog.
    void setMigrationFileChooser(std::function<QString()> chooser) { m_chooseMigrationFile = std::move(chooser); }

Q_SIGNALS:
    void actionFinished(bool ok, const QString &message);
    void releaseShown(const Curtain::Core::ReleaseKey &release); // both panels now show this release's data
    void contextRequested(const QString &context);
    void fleetRequested();
    void namespaceRequested(const QString &namespaceName); // empty: all namespaces

protected:
    void closeEvent(QCloseEvent *event) override; // remembers the layout for the next start

private:
    // Replies cross a switch too: one to a request made of an engine no longer shown belongs to
    // that cluster, not to the releases on screen now. It is still told, naming its cluster.
    bool stillShown(quint64 generation) const { return generation == m_engineGeneration; }
    void reportFromElsewhere(const QString &cluster, const QString &report, bool bad);
    QWidget *buildReleaseList(); // mainwindowlayout.cpp: the filter and the list
    QWidget *buildDetail();      // the panels, charts and action bar of the selected release
    QWidget *layOutDetail();
    void connectActionRequests(); // mainwindowactions.cpp
    void connectPlanRequests();
    void buildStatusBar(); // the switchers, the cluster, its liveness and the last action
    // Connects a signal of the engine now shown. Signals cross threads queued, and a disconnect does
    // not take back what is already queued: a call the previous engine queued before a switch still
    // arrives after it, and Qt then names no sender. Each connection carries the generation of the
    // engine it was made for, so such a call is dropped and never puts the old cluster's (or
    // namespace's) state back on screen.
    template <typename Source, typename Signal, typename Handler>
    void connectShown(Source *engine, Signal signal, Handler handler)
    {
        connect(engine, signal, this, [this, generation = m_engineGeneration, handler](const auto &...args) {
            if (generation == m_engineGeneration) {
                handler(args...);
            }
        });
    }
    void onReleases(const Core::ReleaseSnapshots &releases);
    void onMetrics(const Core::ReleaseMetrics &metrics);
    void onConnection(Engine::ConnectionState state, const QString &detail);
    void showConnection();
    void showSelected();
    void refreshCharts();
    void
    confirmThenRun(const Core::ActionRequest &request); // asks first when traffic moves towards an unproven version
    void confirm(const Core::ReleaseSnapshot &release, const Core::UnprovenMove &move, std::function<void()> go,
                 std::function<void()> cancelled);
    void run(Core::ActionRequest request);
    void runMigration(Core::SchemaRequest::Step step); // mainwindowdatabase.cpp
    // mainwindowdatabase.cpp: the other steps of a blue-green window
    void connectWindowSteps();
    void connectEngineSteps();             // on each new engine
    void scaleThen(Core::ActionKind kind); // grow the color taking over, then flip or promote (asked once)
    void scaleIdleDown(const Core::ReleaseKey &release, Core::Color color);
    void confirmDespiteFindings(const QString &file, const QList<Db::LintFinding> &findings,
                                const std::function<void()> &expand);
    void showFailure(); // the selected release's failed action, if one is not yet dismissed
    void retryFailed();
    void dismissFailure();
    void buildMenus();
    void stepWeight(int direction); // the next preset weight up (+1) or down (-1)
    void showShortcuts();
    void showHistory();
    void loadHistory();                            // the selected release's history, into the window and the charts
    QList<double> actionMarks(qint64 nowMs) const; // the selected release's actions, in minutes before now
    void connectPods();
    void loadPods(); // both panels' pods and Warning events, for the selected release
    void recheckMissingPods(const Core::ReleaseSnapshot &shown, Core::Color color, const Core::EnvironmentPods &pods);
    static QString podsBasis(const Core::ReleaseSnapshot &release); // what, changed, makes them worth reading again
    void showWarnings(Core::Color color);
    void openLog(const QString &namespaceName, const QString &pod);
    void closeLogs();
    void showRollbackMark(); // the selected release's automatic rollback, until acknowledged
    void acknowledgeRollback();
    const Core::ReleaseSnapshot *current() const;
    QString shownName(const Core::ReleaseKey &release) const;  // how messages name a release
    Core::ReleaseKey keyOf(const QString &engineName) const;   // a release as the engine names it, as a key
    QString planTarget(const Core::ReleaseKey &release) const; // how runPlan/resumePlan/stopPlan name it

    Engine::ReleaseSource *m_engine = nullptr; // what serves the releases: a cluster or an HAProxy fleet
    Engine::ReleaseEngine *m_kube = nullptr;   // the same when it is a cluster: pods, logs, plans, schema, history
    Models::ReleaseListModel *m_model;
    Models::MetricHistory m_history;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    ReleaseTable *m_list;
    int viewRow(int modelRow) const; // the list's row of a release, or -1 while the filter hides it
    QLabel *m_heading;
    QLabel *m_subheading;
    EnvironmentPanel *m_blue;
    EnvironmentPanel *m_green;
    WeightSlider *m_slider;
    MetricChart *m_errors;
    MetricChart *m_latency;
    ActionBar *m_actions;
    PlanPanel *m_plan;
    RolloutPanel *m_rollout;
    CanaryPanel *m_canary;
    DatabasePanel *m_database;
    IdleWindowRow *m_idle;
    QHash<Core::ReleaseKey, ActionBar::Waiting> m_waiting; // flips and promotes waiting here for pods
    std::function<QString()> m_chooseMigrationFile;
    FailureBanner *m_banner;
    FailureBanner *m_rollbackMark;
    struct FailedAction
    {
        Core::ActionRequest request;
        QString headline; // "✗ Rollback on catalog failed at 12:03:04"
        QString detail;   // the server's words
    };
    QHash<Core::ReleaseKey, FailedAction> m_failures;
    QSet<Core::ReleaseKey> m_drivenHere; // releases whose plan this window started
    void startPlan(const Core::Plan &plan);
    QTimer m_podsTimer;
    QTimer m_podsSoon;         // one read for a burst of count changes (a rollout sends one per pod)
    QString m_podsReadFor;     // what the panels showed of the workloads when the pods were last asked for
    QTimer m_podsRecheck;      // fewer pods came back than were ready: read again, sooner than m_podsTimer
    QString m_podsAskedFor;    // the release and m_podsReadFor of the last read: another starts rechecks anew
    int m_podsRecheckMs = 100; // doubling while it goes on, up to m_podsTimer's interval
    std::array<quint64, 2> m_podsAsked{}; // blue, green
    std::array<Core::EnvironmentPods, 2> m_pods;
    HistoryWindow *m_historyWindow = nullptr;
    Notifier *m_notifier = nullptr;
    bool m_quitting = false; // Quit from the tray: close even while a plan runs
    QTimer m_historyTimer;
    quint64 m_historyAsked = 0;
    Core::ReleaseKey m_historyShownFor; // the release whose history was last asked for on selection
    QHash<Core::ReleaseKey, QList<QDateTime>> m_actionTimes;
    QSplitter *m_splitter = nullptr;
    QScrollArea *m_detailScroll = nullptr;
    Core::ReleaseKey m_shownRelease; // the release the detail showed last
    bool m_rememberLayout = false;   // set by restoreLayout() unless the size was given
    QLabel *m_cluster;
    QLabel *m_insecure;
    QComboBox *m_contexts;
    QString m_shownContext; // the context the switcher names as shown (setContexts)
    QPushButton *m_fleet;
    QComboBox *m_namespaces;
    QStringList m_knownNamespaces;
    void updateNamespaces(const Core::ReleaseSnapshots &releases);
    QLabel *m_connection;
    QLabel *m_lastAction;
    QTimer m_chartTimer;
    Engine::ConnectionState m_connectionState = Engine::ConnectionState::Connecting;
    QString m_connectionDetail;
    Core::DataFreshness m_freshness;
    QHash<QString, qint64> m_metricsAt;     // release → when its metrics last arrived
    QHash<QString, QString> m_metricsError; // release → the last scrape failure, until one succeeds
    static constexpr qint64 metricsBoundMs = 10'000;
    QString metricsStaleness() const;
    Core::ReleaseKey m_selected; // without a namespace only until a release of that name is listed
    QString m_about;
    int m_inFlight = 0;
    quint64 m_engineGeneration = 0; // one more for every engine shown: see connectShown
};

} // namespace Curtain::Ui
