// The console's sessions as a user meets them: a context that cannot be opened leaves the current
// one working and says why; the demo's namespace switcher filters the one demo cluster instead of
// starting another (same URL, its state kept).

#include "engine/releaseengine.h"
#include "engine/session.h"
#include "fleetwindow.h"
#include "futurewait.h"
#include "guitestbase.h"
#include "mainwindow.h"
#include "notifier.h"
#include "planpanel.h"
#include "settings.h"
#include "sim/democluster.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"
#include "sim/scenario.h"
#include "testsupport.h"
#include "windowmanager.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QScopeGuard>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace Curtain;

namespace {

// A second namespace in the running demo, with one release of its own.
const char *teamB = R"(namespace: team-b
releases:
  - name: inventory
    route: service
    serving: blue
    environments:
      blue:  {version: v3.0.0, replicas: 1}
      green: {version: v3.1.0, replicas: 1}
)";

} // namespace

class TestWindowManager : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_kubeconfig;
    int m_demosStarted = 0;
    std::shared_ptr<Sim::DemoCluster> m_demo; // what the factory started, to compare against
    std::unique_ptr<Ui::WindowManager> m_manager;

    // The built-in demo plus the team-b namespace, counting how often a demo cluster is started.
    Engine::ClusterHostFactory demoFactory()
    {
        return [this]() -> Core::Result<Engine::HostedCluster> {
            std::string error;
            std::shared_ptr<Sim::DemoCluster> demo = Sim::startBuiltinDemo(&error);
            if (!demo) {
                return Core::makeError(Core::ErrorKind::Unreachable, QString::fromStdString(error));
            }
            auto extra = Sim::parseScenario(teamB);
            if (auto *message = std::get_if<std::string>(&extra)) {
                return Core::makeError(Core::ErrorKind::InvalidInput, QString::fromStdString(*message));
            }
            for (const nlohmann::json &object : std::get<Sim::Scenario>(extra).objects) {
                if (const Sim::ResourceType *type = Sim::findResourceTypeByKind(object.value("kind", ""))) {
                    // Namespace "default" exists already: that create fails, the others do not.
                    (void)demo->store().create(*type, type->namespaced ? "team-b" : "", object);
                }
            }
            ++m_demosStarted;
            m_demo = demo;
            return Engine::HostedCluster{QString::fromStdString(demo->url()), demo, {}};
        };
    }

    // Every release name the window lists, whatever view lists them.
    QStringList listed() const
    {
        QStringList names;
        for (const QAbstractItemView *view : m_manager->window()->findChildren<QAbstractItemView *>()) {
            const QAbstractItemModel *model = view->model();
            for (int row = 0; model && row < model->rowCount(); ++row) {
                names << model->index(row, 0).data().toString();
            }
        }
        return names;
    }

    bool lists(const QString &release) const { return listed().join(QLatin1Char('\n')).contains(release); }

    QString lastAction() const { return m_manager->window()->lastActionText(); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings in a test location, never the user's
        QVERIFY(m_dir.isValid());
        // "broken" points at a port nothing listens on: it resolves, then cannot be reached.
        m_kubeconfig = m_dir.filePath(QStringLiteral("config"));
        QFile config(m_kubeconfig);
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("clusters:\n- {name: nowhere, cluster: {server: http://127.0.0.1:1}}\n"
                     "contexts:\n- {name: broken, context: {cluster: nowhere}}\n");
    }

    void init()
    {
        Ui::Settings::clear(); // every function starts from the defaults
        m_demosStarted = 0;
        Ui::WindowManager::Options options;
        options.choice = {false, {}, m_kubeconfig, Engine::demoContextName, {}, {}, {}};
        options.metricsIntervalMs = 250;
        m_manager = std::make_unique<Ui::WindowManager>(options, demoFactory());
        QSignalSpy opened(m_manager.get(), &Ui::WindowManager::opened);
        m_manager->open();
        QVERIFY(opened.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(lists(QStringLiteral("checkout")), 20000);
    }

    void cleanup()
    {
        m_manager.reset();
        m_demo.reset();
    }

    // The context and namespace a user left are where the next start opens; one that cannot be opened
    // any more gives way to the kubeconfig's own, saying why.
    void lastContextAndNamespace_openAgain()
    {
        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        m_manager->switchNamespace(QStringLiteral("demo"));
        QVERIFY(switched.wait(20'000));
        QCOMPARE(switched.last().at(0).toBool(), true);
        Ui::Settings::flush(); // written on a thread of its own
        QCOMPARE(QSettings().value(QStringLiteral("session/context")).toString(), Engine::demoContextName);
        QCOMPARE(QSettings().value(QStringLiteral("session/namespace")).toString(), QStringLiteral("demo"));

        cleanup();
        Ui::WindowManager::Options options;
        options.choice = {false, {}, m_kubeconfig, {}, {}, {}, {}}; // no --context: this kubeconfig has no current one
        options.rememberSession = true;
        m_manager = std::make_unique<Ui::WindowManager>(options, demoFactory());
        QSignalSpy opened(m_manager.get(), &Ui::WindowManager::opened);
        m_manager->open();
        QVERIFY(opened.wait(20'000));
        QCOMPARE(m_manager->session()->contextName(), Engine::demoContextName);
        QCOMPARE(m_manager->session()->namespaceName(), QStringLiteral("demo"));

        cleanup();
        QSettings().setValue(QStringLiteral("session/context"), QStringLiteral("deleted-since"));
        Ui::Settings::reload(); // what an earlier run left in the file
        options.choice = {false, {}, m_kubeconfig, Engine::demoContextName, {}, {}, {}};
        options.choice.context.clear();
        m_manager = std::make_unique<Ui::WindowManager>(options, demoFactory());
        QSignalSpy failed(m_manager.get(), &Ui::WindowManager::openFailed);
        m_manager->open();
        // This kubeconfig has no current context either: the fallback fails too, and says its own reason.
        QVERIFY(failed.wait(20'000));
        QVERIFY2(!failed.last().at(0).toString().contains(QStringLiteral("deleted-since")),
                 qPrintable(failed.last().at(0).toString()));
    }

    // The first window a user sees already lists the cluster's releases: it waits (briefly) for the
    // first list instead of painting an empty window that fills a moment later.
    void firstWindow_opensWithTheReleasesListed()
    {
        cleanup(); // a window of its own, watched from before it opens
        Ui::WindowManager::Options options;
        options.choice = {false, {}, m_kubeconfig, Engine::demoContextName, {}, {}, {}};
        // Waits as long as the demo needs on a slow machine (a sanitized build lists in over 300 ms).
        options.firstListWaitMs = 20000;
        m_manager = std::make_unique<Ui::WindowManager>(options, demoFactory());
        bool visible = false;
        QStringList listedAtOpen;
        connect(m_manager.get(), &Ui::WindowManager::opened, this, [&] {
            visible = m_manager->window()->isVisible();
            listedAtOpen = listed();
        });
        QSignalSpy opened(m_manager.get(), &Ui::WindowManager::opened);
        m_manager->open();
        QVERIFY(opened.wait(20000));
        QVERIFY(visible);
        QVERIFY2(listedAtOpen.join(QLatin1Char(' ')).contains(QStringLiteral("checkout")),
                 qPrintable(listedAtOpen.join(QLatin1Char(' '))));
    }

    // Size, split and release are as the user left them when the window was closed; without that,
    // the window fits the screen.
    void layout_isRememberedBetweenRuns()
    {
        Ui::MainWindow *window = m_manager->window();
        const QRect screen = window->screen()->availableGeometry(); // offscreen: 800×800
        QVERIFY(window->height() <= screen.height());
        QVERIFY(window->width() <= std::max(screen.width(), window->minimumSizeHint().width()));
        window->resize(1100, 700);
        window->selectRelease(QStringLiteral("search"));
        QTRY_COMPARE(window->selectedRelease(), (Core::ReleaseKey{QStringLiteral("demo"), QStringLiteral("search")}));
        auto *splitter = window->findChild<QSplitter *>(QStringLiteral("listDetailSplitter"));
        splitter->setSizes({300, 800});
        const QList<int> split = splitter->sizes();
        window->close();

        cleanup();
        Ui::WindowManager::Options options;
        options.choice = {false, {}, m_kubeconfig, Engine::demoContextName, {}, {}, {}};
        m_manager = std::make_unique<Ui::WindowManager>(options, demoFactory());
        QSignalSpy opened(m_manager.get(), &Ui::WindowManager::opened);
        m_manager->open();
        QVERIFY(opened.wait(20000));
        QCOMPARE(m_manager->window()->size(), QSize(1100, 700));
        QCOMPARE(m_manager->window()->findChild<QSplitter *>(QStringLiteral("listDetailSplitter"))->sizes(), split);
        QTRY_COMPARE(m_manager->window()->selectedRelease(),
                     (Core::ReleaseKey{QStringLiteral("demo"), QStringLiteral("search")}));
    }

    void contextThatCannotBeOpened_keepsTheCurrentSessionAndSaysWhy()
    {
        Engine::Session *before = m_manager->session();
        auto *contexts = m_manager->window()->findChild<QComboBox *>(QStringLiteral("contextSwitcher"));
        QVERIFY(contexts);
        QCOMPARE(contexts->currentText(), QStringLiteral("demo"));

        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        m_manager->switchContext(QStringLiteral("broken"));
        QCOMPARE(lastAction(), QStringLiteral("switching to broken…"));
        QVERIFY(m_manager->isSwitching());
        QVERIFY(switched.wait(20000));

        QCOMPARE(switched.first().at(0).toBool(), false);
        const QString why = switched.first().at(1).toString();
        QVERIFY2(why.contains(QStringLiteral("127.0.0.1")), qPrintable(why)); // the connection error itself
        QVERIFY2(lastAction().contains(QStringLiteral("Cannot switch to broken")), qPrintable(lastAction()));
        QVERIFY2(lastAction().contains(why), qPrintable(lastAction()));
        // Still the demo, still live, still listed.
        QCOMPARE(m_manager->session(), before);
        QCOMPARE(contexts->currentText(), QStringLiteral("demo"));
        QVERIFY(lists(QStringLiteral("checkout")));
        const auto releases = m_manager->session()->engine()->whenSynced();
        QTRY_VERIFY_WITH_TIMEOUT(releases.isFinished(), 10000);
        QVERIFY(releases.result().ok());
    }

    void kubeconfigOfTheWrongShape_failsToOpenNamingTheEntry()
    {
        // It once aborted the console at start: yaml-cpp threw from operator[] on a string.
        const QString path = m_dir.filePath(QStringLiteral("wrong-shape"));
        QFile config(path);
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("current-context: c\nclusters: [foo]\ncontexts: [{name: c, context: {cluster: foo}}]\n");
        config.close();
        Ui::WindowManager::Options options;
        options.choice = {false, {}, path, {}, {}, {}, {}};
        Ui::WindowManager manager(options, demoFactory());
        QSignalSpy failed(&manager, &Ui::WindowManager::openFailed);
        manager.open();
        QVERIFY(failed.wait(20000));
        QCOMPARE(failed.first().at(0).toString(),
                 path + QStringLiteral(": clusters[0] is a string, expected a map with name and cluster"));
    }

    // The fleet window watches other contexts: a release there going down reaches the desktop once, a
    // context there that stops answering is reported after the delay, and the context on screen is
    // left to the main window (never told twice).
    void fleetContexts_notifyWhatHappensOffScreen()
    {
        std::string error;
        std::shared_ptr<Sim::DemoCluster> second = Sim::startBuiltinDemo(&error);
        QVERIFY2(second, error.c_str());
        const QString path = m_dir.filePath(QStringLiteral("fleet-config"));
        QFile config(path);
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("clusters:\n- {name: other, cluster: {server: %1}}\n"
                                    "contexts:\n- {name: second, context: {cluster: other}}\n")
                         .arg(QString::fromStdString(second->url()))
                         .toUtf8());
        config.close();
        Ui::WindowManager::Options options;
        options.choice = {false, {}, path, Engine::demoContextName, {}, {}, {}};
        // Stale (then lost) 6 s after the second cluster stops, not 15. (3 s left a loaded machine,
        // sanitizers and two suites at once, little room: the check "nothing at start" failed once.)
        options.liveBoundMs = 6000;
        Ui::WindowManager manager(options, demoFactory());
        QSignalSpy opened(&manager, &Ui::WindowManager::opened);
        manager.open();
        QVERIFY(opened.wait(20000));
        Ui::Notifier *notifier = manager.window()->notifier();
        notifier->setLostDelay(500);
        manager.showFleet();
        const auto fleetLists = [] {
            for (QWidget *top : QApplication::topLevelWidgets()) {
                if (auto *fleet = qobject_cast<Ui::FleetWindow *>(top)) {
                    const QAbstractItemModel *model = fleet->findChild<QAbstractItemView *>()->model();
                    return model->match(model->index(0, 0), Qt::DisplayRole, QStringLiteral("second")).size();
                }
            }
            return qsizetype(0);
        };
        QTRY_VERIFY_WITH_TIMEOUT(fleetLists() > 0, 20000);
        QStringList atStart;
        for (const Core::Notification &n : notifier->shown()) {
            atStart << n.title + QStringLiteral(": ") + n.body;
        }
        QVERIFY2(atStart.isEmpty(), qPrintable(atStart.join(QLatin1Char('\n')))); // nothing at start

        // Blue serves checkout in the second cluster; without its Deployment the release is down.
        const auto removed =
            second->store().remove(*Sim::findResourceTypeByKind("Deployment"), "demo", "checkout-blue");
        QVERIFY(std::holds_alternative<nlohmann::json>(removed));
        // A release's notification names its context at the end of the body, a cluster's in its title.
        const auto about = [notifier](const QString &context, const QString &what) {
            qsizetype count = 0;
            for (const Core::Notification &n : notifier->shown()) {
                const bool inContext =
                    n.body.endsWith(QStringLiteral("— ") + context) || n.title.startsWith(context + QLatin1Char(':'));
                count += inContext && n.title.contains(what) ? 1 : 0;
            }
            return count;
        };
        QTRY_COMPARE_WITH_TIMEOUT(about(QStringLiteral("second"), QStringLiteral("checkout is down")), 1, 20000);

        // Stale after its (shortened) bound, then lost after the (shortened) delay.
        second->stop();
        QTRY_COMPARE_WITH_TIMEOUT(about(QStringLiteral("second"), QStringLiteral("cluster lost")), 1, 40000);
        QCOMPARE(about(QStringLiteral("second"), QStringLiteral("checkout is down")), 1);
        QCOMPARE(about(Engine::demoContextName, QString()), 0); // the main window's, never the fleet's
    }

    void demoNamespaceSwitch_filtersTheSameDemoCluster()
    {
        const QString url = m_manager->session()->server();
        QCOMPARE(url, QString::fromStdString(m_demo->url()));
        QTRY_VERIFY_WITH_TIMEOUT(lists(QStringLiteral("inventory")), 20000);

        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        m_manager->switchNamespace(QStringLiteral("demo"));
        QVERIFY(switched.wait(20000));
        QVERIFY2(switched.last().at(0).toBool(), qPrintable(switched.last().at(1).toString()));
        QCOMPARE(m_manager->session()->server(), url); // the same cluster, same port
        QCOMPARE(m_manager->session()->namespaceName(), QStringLiteral("demo"));
        QVERIFY2(!lists(QStringLiteral("inventory")), qPrintable(listed().join(QLatin1Char(','))));
        QVERIFY(lists(QStringLiteral("checkout")));

        m_manager->switchNamespace(QString()); // all namespaces
        QVERIFY(switched.wait(20000));
        QVERIFY(switched.last().at(0).toBool());
        QCOMPARE(m_manager->session()->server(), url);
        QVERIFY(lists(QStringLiteral("inventory")));
        QVERIFY(lists(QStringLiteral("checkout")));
        QCOMPARE(m_demosStarted, 1);
    }

    // Once left pointing at the namespace that failed, while the window went on showing all of them.
    void namespaceThatCannotBeOpened_leavesTheSwitcherOnTheNamespaceShown()
    {
        auto *namespaces = m_manager->window()->findChild<QComboBox *>(QStringLiteral("namespaceSwitcher"));
        QVERIFY(namespaces);
        QTRY_VERIFY_WITH_TIMEOUT(namespaces->findText(QStringLiteral("team-b")) > 0, 20000);
        QCOMPARE(namespaces->currentIndex(), 0); // all namespaces
        const Test::ApiReader api(QUrl(QString::fromStdString(m_demo->url())).port());
        QCOMPARE(api.setFaults(R"({"errorRate":1.0,"errorStatus":401})"), 200);

        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        namespaces->setCurrentIndex(namespaces->findText(QStringLiteral("team-b"))); // as a user picks it
        Q_EMIT namespaces->activated(namespaces->currentIndex());
        QVERIFY(switched.wait(20000));
        QCOMPARE(api.setFaults(R"({"errorRate":0})"), 200);

        QCOMPARE(switched.last().at(0).toBool(), false);
        QVERIFY2(lastAction().contains(QStringLiteral("Cannot switch to team-b")), qPrintable(lastAction()));
        QCOMPARE(m_manager->session()->namespaceName(), QString());
        QCOMPARE(namespaces->currentText(), namespaces->itemText(0));
    }

    // Picking the namespace shown while a switch is under way keeps this session, and the switch,
    // once its session has opened, changes nothing. It used to open the shown namespace again as a
    // new session, which stops the plans the window drives.
    void pickingWhatIsShown_whileASwitchIsUnderWay_cancelsTheSwitch()
    {
        auto *namespaces = m_manager->window()->findChild<QComboBox *>(QStringLiteral("namespaceSwitcher"));
        QVERIFY(namespaces);
        QTRY_VERIFY_WITH_TIMEOUT(namespaces->findText(QStringLiteral("team-b")) > 0, 20000);
        Engine::Session *before = m_manager->session();
        const Test::ApiReader api(QUrl(QString::fromStdString(m_demo->url())).port());
        QCOMPARE(api.setFaults(R"({"delayMs":1500})"), 200); // the new session lists slowly
        auto fast = qScopeGuard([&api] { api.setFaults(R"({"delayMs":0})"); });

        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        namespaces->setCurrentIndex(namespaces->findText(QStringLiteral("team-b")));
        Q_EMIT namespaces->activated(namespaces->currentIndex());
        QVERIFY(m_manager->isSwitching());
        namespaces->setCurrentIndex(0); // all namespaces, as shown
        Q_EMIT namespaces->activated(0);

        QCOMPARE(switched.size(), 1);
        QVERIFY(switched.first().at(0).toBool());
        QVERIFY(!m_manager->isSwitching());
        QCOMPARE(lastAction(), QStringLiteral("switch to team-b cancelled: this window stays where it is"));
        QCOMPARE(namespaces->currentIndex(), 0);

        // The cancelled session opens, lists and is closed unused.
        QTRY_VERIFY_WITH_TIMEOUT(m_manager->isSettled(), 20000);
        QCOMPARE(m_manager->session(), before);
        QCOMPARE(m_manager->session()->namespaceName(), QString());
        QCOMPARE(switched.size(), 1);
        QCOMPARE(namespaces->currentIndex(), 0);
        QVERIFY(lists(QStringLiteral("inventory"))); // still every namespace's releases
    }

    // What the previous engine queued for the window before a switch arrives after it (seen under
    // a sanitized build's load: the old namespace's releases listed again after "switched"). Made
    // certain here: the shown engine publishes, its signals wait in the window's queue, the window
    // takes the next engine, then the queue runs.
    void switch_signalsTheOldEngineQueuedNeverReachTheWindow()
    {
        QTRY_VERIFY_WITH_TIMEOUT(lists(QStringLiteral("inventory")), 20000);
        // The manager keeps its session for the whole test: a pointer that does not own it will do.
        const Engine::SessionPtr current(Engine::SessionPtr(), m_manager->session());
        QFuture<Engine::SessionResult> opening = Engine::Session::withNamespace(current, QStringLiteral("demo"));
        const auto openingEnds = qScopeGuard([&opening] { opening.waitForFinished(); }); // it reads `current`
        const auto next = Test::waitFor(opening);
        QVERIFY2(next.ok(), next.ok() ? "" : qPrintable(next.error().message));
        Engine::ReleaseSource *nextSource = next.value()->source();
        nextSource->start();
        const auto synced = Test::waitFor(nextSource->whenSynced());
        QVERIFY2(synced.ok(), synced.ok() ? "" : qPrintable(synced.error().message));

        Engine::ReleaseSource *previous = m_manager->session()->source();
        previous->republish();
        // The engine's thread has run the republish once this returns: its signals are queued.
        QVERIFY(QMetaObject::invokeMethod(
            previous, [] {}, Qt::BlockingQueuedConnection));
        Ui::MainWindow *window = m_manager->window();
        // Whatever happens below, the window goes back to the manager's session before `next` ends.
        const auto backToTheManagersSession = qScopeGuard([this, window, previous] {
            window->setEngine(previous, m_manager->session()->description(), std::nullopt);
        });
        // Every state of the list from the switch on, however briefly shown: the next engine's own
        // publication follows the old one's closely and would cover it.
        QStringList shownAfterSwitch;
        QObject watcher;
        const QAbstractItemModel *list = window->findChild<QAbstractItemView *>(QStringLiteral("releaseList"))->model();
        auto record = [&] {
            if (lists(QStringLiteral("inventory"))) {
                shownAfterSwitch << listed().join(QLatin1Char(','));
            }
        };
        connect(list, &QAbstractItemModel::modelReset, &watcher, record);
        connect(list, &QAbstractItemModel::rowsInserted, &watcher, record);
        connect(list, &QAbstractItemModel::dataChanged, &watcher, record);
        connect(list, &QAbstractItemModel::layoutChanged, &watcher, record);
        window->setEngine(nextSource, next.value()->description(), synced.value());
        QCoreApplication::processEvents();
        QVERIFY2(shownAfterSwitch.isEmpty(), qPrintable(shownAfterSwitch.join(QLatin1Char('\n'))));
        QVERIFY(!lists(QStringLiteral("inventory")));
        QVERIFY(lists(QStringLiteral("checkout")));
    }

    // A failed action stays with the release it failed on, in its cluster: after a switch, the
    // release of the same name shows no failure, so Retry cannot send the old request to the new
    // engine.
    void switch_leavesAFailureWithTheClusterItHappenedIn()
    {
        QTRY_VERIFY_WITH_TIMEOUT(lists(QStringLiteral("offers")), 20000);
        Ui::MainWindow *window = m_manager->window();
        window->selectRelease(QStringLiteral("demo/offers")); // 90/10 in the demo: something to roll back
        auto *rollback = window->findChild<QPushButton *>(QStringLiteral("rollbackButton"));
        QVERIFY(rollback);
        QTRY_VERIFY_WITH_TIMEOUT(rollback->isEnabled(), 20000);
        const Test::ApiReader api(QUrl(QString::fromStdString(m_demo->url())).port());
        QCOMPARE(api.setFaults(R"({"errorRate":1.0,"errorStatus":422})"), 200);
        QTest::mouseClick(rollback, Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(window->failureText().contains(QStringLiteral("Rollback on")) &&
                                      window->failureText().contains(QStringLiteral("offers")),
                                  qPrintable(window->failureText()), 20000);
        QCOMPARE(api.setFaults(R"({"errorRate":0})"), 200);

        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        m_manager->switchNamespace(QStringLiteral("demo"));
        QVERIFY(switched.wait(20000));
        QVERIFY2(switched.last().at(0).toBool(), qPrintable(switched.last().at(1).toString()));
        window->selectRelease(QStringLiteral("demo/offers"));
        QCOMPARE(window->selectedRelease().toString(), QStringLiteral("demo/offers"));
        QCOMPARE(window->failureText(), QString());
    }

    // An action under way when the session closes still gets its report, naming its cluster: its
    // write was sent and may land, so "not confirmed", never silence.
    void switch_whileAnActionIsUnderWay_reportsItAsNotConfirmed()
    {
        QTRY_VERIFY_WITH_TIMEOUT(lists(QStringLiteral("offers")), 20000);
        Ui::MainWindow *window = m_manager->window();
        window->selectRelease(QStringLiteral("demo/offers"));
        auto *rollback = window->findChild<QPushButton *>(QStringLiteral("rollbackButton"));
        QVERIFY(rollback);
        QTRY_VERIFY_WITH_TIMEOUT(rollback->isEnabled(), 20000);
        const Test::ApiReader api(QUrl(QString::fromStdString(m_demo->url())).port());
        QCOMPARE(api.setFaults(R"({"writeDelayMs":20000})"), 200); // the write is held, reads are not
        QTest::mouseClick(rollback, Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(window->lastActionText().startsWith(QStringLiteral("rollback"), Qt::CaseInsensitive),
                                  qPrintable(window->lastActionText()), 5000);

        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        m_manager->switchNamespace(QStringLiteral("demo"));
        QVERIFY(switched.wait(20000));
        QVERIFY2(switched.last().at(0).toBool(), qPrintable(switched.last().at(1).toString()));
        QTRY_VERIFY2_WITH_TIMEOUT(window->lastActionText().contains(QStringLiteral("not the namespace shown now")),
                                  qPrintable(window->lastActionText()), 15000);
        QVERIFY2(window->lastActionText().contains(QStringLiteral("not confirmed")),
                 qPrintable(window->lastActionText()));
        QVERIFY2(window->lastActionText().contains(QStringLiteral("may have been applied")),
                 qPrintable(window->lastActionText()));
        QCOMPARE(window->failureText(), QString());
        QCOMPARE(api.setFaults(R"({"writeDelayMs":0})"), 200);
    }

    // A plan driven from this window lives in its session: a switch would leave the candidate where
    // it is with nobody judging it. The switcher asks first (Stay is the default), and after
    // "Switch anyway" the plan's end is still reported, naming where it was left.
    void switch_whileAPlanRunsHere_asksFirst_andReportsThePlanStopped()
    {
        QTRY_VERIFY_WITH_TIMEOUT(lists(QStringLiteral("search")), 20000);
        Ui::MainWindow *window = m_manager->window();
        window->selectRelease(QStringLiteral("demo/search"));
        auto *start = window->findChild<QPushButton *>(QStringLiteral("startPlan"));
        QVERIFY(start);
        QTRY_VERIFY_WITH_TIMEOUT(start->isVisible() && start->isEnabled(), 20000);
        QTest::mouseClick(start, Qt::LeftButton);
        Test::confirmMove(window);
        QTRY_VERIFY2_WITH_TIMEOUT(window->planPanel()->timelineText().contains(QStringLiteral("set weight 5 %")),
                                  qPrintable(window->planPanel()->timelineText()), 20000);

        auto *namespaces = window->findChild<QComboBox *>(QStringLiteral("namespaceSwitcher"));
        QVERIFY(namespaces);
        QTRY_VERIFY(namespaces->findText(QStringLiteral("team-b")) > 0);
        auto pick = [namespaces](const QString &name) {
            const int index = namespaces->findText(name);
            namespaces->setCurrentIndex(index);
            Q_EMIT namespaces->activated(index);
        };
        auto question = [window]() -> QMessageBox * {
            for (auto *box : window->findChildren<QMessageBox *>(QStringLiteral("leaveDrivenPlan"))) {
                if (box->isVisible()) {
                    return box;
                }
            }
            return nullptr;
        };
        QSignalSpy switched(m_manager.get(), &Ui::WindowManager::switched);
        pick(namespaces->itemText(0)); // what is shown already: nothing closes, nothing to ask
        QVERIFY(!question());
        QCOMPARE(switched.count(), 1);
        QVERIFY(switched.last().at(0).toBool());
        QVERIFY(!m_manager->isSwitching());

        pick(QStringLiteral("team-b"));
        QMessageBox *box = question();
        QVERIFY(box);
        QVERIFY2(
            box->text().contains(QStringLiteral("The plan on demo/search runs from this window. Switching to team-b "
                                                "stops driving it")),
            qPrintable(box->text()));
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
        QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton); // Stay
        QTRY_VERIFY(!question());
        QCOMPARE(namespaces->currentIndex(), 0); // back on "all namespaces", where the window still looks
        QVERIFY(!m_manager->isSwitching());
        QVERIFY2(!lastAction().startsWith(QStringLiteral("switching")), qPrintable(lastAction()));

        pick(QStringLiteral("team-b"));
        box = question();
        QVERIFY(box);
        QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("switchAnyway")), Qt::LeftButton);
        QVERIFY(switched.wait(20000));
        QVERIFY2(switched.last().at(0).toBool(), qPrintable(switched.last().at(1).toString()));
        QTRY_VERIFY2_WITH_TIMEOUT(
            lastAction().contains(QStringLiteral("stopped being driven when this session closed")),
            qPrintable(lastAction()), 15000);
        QVERIFY2(lastAction().contains(QStringLiteral("demo/search")), qPrintable(lastAction()));
        QVERIFY2(lastAction().contains(QStringLiteral("not the namespace shown now")), qPrintable(lastAction()));
    }
};

QTEST_MAIN(TestWindowManager)
#include "tst_windowmanager.moc"
