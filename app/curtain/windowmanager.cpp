#include "windowmanager.h"

#include "settings.h"

#include "fleetlab.h"
#include "ordersrelease.h"

#include "core/futures.h"
#include "engine/releaseengine.h"
#include "fleetwindow.h"
#include "mainwindow.h"
#include "models/fleetmodel.h"
#include "net/networkthread.h"
#include "notifier.h"
#include "sim/democluster.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMutex>
#include <QMutexLocker>
#include <QPointer>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QWindow>

#include <algorithm>
#include <functional>
#include <utility>

namespace Curtain::Ui {

using Engine::Session;
using Engine::SessionPtr;
using Engine::SessionResult;

namespace {

// Runs `then` once, when `window` is first exposed and drawn, or after `fallbackMs` if it is not
// (a window that starts minimised or on another workspace is drawn only when it is looked at).
// Expose is seen before the window paints itself; the zero timer runs once that frame is done.
// Owned by `owner`, not by the window: the fallback runs even if the native window goes first.
class AfterFirstFrame final : public QObject
{
public:
    AfterFirstFrame(QObject *owner, QWindow *window, int fallbackMs, std::function<void()> then)
        : QObject(owner), m_window(window), m_then(std::move(then))
    {
        if (m_window) {
            m_window->installEventFilter(this);
        }
        // A platform may expose the window within show(), before this was made.
        QTimer::singleShot(m_window && m_window->isExposed() ? 0 : fallbackMs, this, [this] { run(); });
    }
    ~AfterFirstFrame() override
    {
        if (m_window) {
            m_window->removeEventFilter(this);
        }
    }
    AfterFirstFrame(const AfterFirstFrame &) = delete;
    AfterFirstFrame &operator=(const AfterFirstFrame &) = delete;

protected:
    bool eventFilter(QObject * /*window*/, QEvent *event) override
    {
        if (event->type() == QEvent::Expose) {
            QTimer::singleShot(0, this, [this] { run(); });
        }
        return false;
    }

private:
    void run()
    {
        if (auto then = std::exchange(m_then, nullptr)) {
            deleteLater();
            then();
        }
    }

    QPointer<QWindow> m_window;
    std::function<void()> m_then;
};

} // namespace

WindowManager::WindowManager(Options options, Engine::ClusterHostFactory startDemo, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_startDemo(std::move(startDemo))
{}

WindowManager::~WindowManager()
{
    m_fleetWindow.reset();
    m_window.reset();  // it talks to the current engine
    Settings::flush(); // what it remembered (layout, session) is written before QApplication ends
    for (QFuture<SessionResult> &opening : m_opening) {
        if (opening.isValid()) { // not yet taken: what it opens closes with it, below
            opening.waitForFinished();
        }
    }
    for (QFuture<void> &closing : m_closing) {
        closing.waitForFinished();
    }
    m_opening.clear();
    m_fleetSessions.clear();
    m_session.reset();
}

Engine::ClusterHostFactory WindowManager::builtinDemo(std::chrono::milliseconds holdControllersAtMost)
{
    // The demo cluster and the database behind its orders release live and go together.
    struct Hosted
    {
        std::shared_ptr<Sim::DemoCluster> demo;
        std::shared_ptr<Demo::OrdersRelease> orders; // declared after the demo: stopped first
    };
    struct Running
    {
        QMutex lock;
        std::weak_ptr<Hosted> hosted;
    };
    auto running = std::make_shared<Running>();
    return [running, holdControllersAtMost]() -> Core::Result<Engine::HostedCluster> {
        const QMutexLocker locker(&running->lock);
        std::shared_ptr<Hosted> hosted = running->hosted.lock();
        if (!hosted) {
            std::string error;
            // Its controllers' first round (tens of milliseconds of CPU making ReplicaSets, pods and
            // EndpointSlices) waits for the console's first frame, which shows none of them: on two
            // cores it made the start 12-18 % slower. Resumed then (Session::resumeHost), or after
            // `holdControllersAtMost`.
            std::shared_ptr<Sim::DemoCluster> demo = Sim::startBuiltinDemo(&error, holdControllersAtMost);
            if (!demo) {
                return Core::makeError(
                    Core::ErrorKind::Unreachable,
                    QStringLiteral("cannot start the demo cluster: %1").arg(QString::fromStdString(error)));
            }
            hosted = std::make_shared<Hosted>(
                Hosted{demo, Demo::addOrdersRelease(demo, std::chrono::milliseconds(1500),
                                                    Demo::DatabasePriority::BehindTheConsole)});
            running->hosted = hosted;
        }
        return Engine::HostedCluster{QString::fromStdString(hosted->demo->url()), hosted,
                                     [demo = std::weak_ptr(hosted->demo)] {
                                         if (const auto running = demo.lock()) {
                                             running->resumeControllers();
                                         }
                                     }};
    };
}

namespace {

// The lab's processes belong to a thread of their own: on Linux they end with the thread that
// started them, and a worker thread of the pool may retire while the lab is in use.
class HostedLab
{
public:
    HostedLab()
    {
        m_thread.start();
        m_anchor.moveToThread(&m_thread);
    }
    ~HostedLab()
    {
        onLabThread([this] { m_lab.reset(); });
        m_thread.quit();
        m_thread.wait();
    }
    HostedLab(const HostedLab &) = delete;
    HostedLab &operator=(const HostedLab &) = delete;

    QString start(const QString &backendProgram)
    {
        QString problem;
        onLabThread([&] {
            m_lab = std::make_unique<Demo::FleetLab>();
            Demo::FleetLab::Options options;
            options.backendProgram = backendProgram;
            options.latency = QStringLiteral("20ms"); // what scripts/lab serves: a latency worth charting
            options.p99 = QStringLiteral("90ms");
            options.greenErrorRate = 0.01; // green is a little worse: something for the judge to find
            options.writeMapFiles = true;  // a switch of checkout survives a reload, as it should at home
            options.prometheus = !QStandardPaths::findExecutable(QStringLiteral("prometheus")).isEmpty();
            problem = m_lab->start(options);
            if (problem.isEmpty() && !QStandardPaths::findExecutable(QStringLiteral("wrk")).isEmpty()) {
                problem = m_lab->startLoad(0, 4); // about 190 requests/s
            }
        });
        return problem;
    }
    QString fleetFile() const { return m_lab->fleetFile(); }

private:
    void onLabThread(const std::function<void()> &work)
    {
        QMetaObject::invokeMethod(&m_anchor, work, Qt::BlockingQueuedConnection);
    }

    QThread m_thread;
    QObject m_anchor; // lives on m_thread: what runs there is queued to it
    std::unique_ptr<Demo::FleetLab> m_lab;
};

} // namespace

QString WindowManager::labBackendProgram()
{
    const QString here = QCoreApplication::applicationDirPath();
    const QString beside = here + QStringLiteral("/curtain-backend");
    return QFileInfo(beside).isExecutable() ? beside : here + QStringLiteral("/../libexec/curtain/curtain-backend");
}

Engine::ClusterHostFactory WindowManager::builtinLab(const QString &backendProgram)
{
    if (!Demo::FleetLab::unavailable(backendProgram).isEmpty()) {
        return {};
    }
    struct Running
    {
        QMutex lock;
        std::weak_ptr<HostedLab> hosted;
    };
    auto running = std::make_shared<Running>();
    return [running, backendProgram]() -> Core::Result<Engine::HostedCluster> {
        const QMutexLocker locker(&running->lock);
        std::shared_ptr<HostedLab> hosted = running->hosted.lock();
        if (!hosted) {
            hosted = std::make_shared<HostedLab>();
            if (const QString problem = hosted->start(backendProgram); !problem.isEmpty()) {
                return Core::makeError(Core::ErrorKind::Unreachable,
                                       QStringLiteral("cannot start the lab: %1").arg(problem));
            }
            running->hosted = hosted;
        }
        return Engine::HostedCluster{hosted->fleetFile(), hosted, {}};
    };
}

void WindowManager::open()
{
    if (m_options.rememberSession && m_options.choice.context.isEmpty() && !m_options.choice.demo &&
        m_options.choice.server.isEmpty()) {
        const Settings::LastSession last = Settings::lastSession();
        if (!last.context.isEmpty()) {
            m_given = m_options.choice;
            m_options.choice.context = last.context;
            if (m_options.choice.namespaceName.isEmpty()) {
                m_options.choice.namespaceName = last.namespaceName;
            }
            m_fromSettings = true;
        }
    }
    // The session first: it opens on a worker thread while this one builds the window.
    openSession();
    setupWindow();
}

void WindowManager::openSession()
{
    Engine::SessionOptions options = sessionOptions();
    options.demoWhenNoKubeconfig = m_options.demoWhenNoKubeconfig;
    options.startEngine = true;
    // The session opens on a worker thread (the demo starts listening there) and its engine starts
    // listing at once, while this thread builds the window: on two cores, neither waits for the
    // other. The window asks the engine to republish what it missed (MainWindow::setEngine).
    const QFuture<SessionResult> opening = track(Session::open(m_options.choice, std::move(options)));
    Core::onFinishedTakingResult(opening, this, [this](SessionResult result) {
        if (!result.ok() && std::exchange(m_fromSettings, false)) {
            // The context remembered from the last run is gone or broken: the kubeconfig's own.
            m_window->showMessage(tr("The last context, %1, cannot be opened (%2); showing the kubeconfig's current "
                                     "context instead.")
                                      .arg(m_options.choice.context, result.error().message));
            m_options.choice = m_given;
            return openSession();
        }
        if (!result.ok()) {
            Q_EMIT openFailed(result.error().message);
            return;
        }
        m_session = std::move(result).value();
        rememberSession();
        // The first paint shows the cluster's releases, not an empty window that fills a moment
        // later (two layouts and two paints of every panel and chart): wait for the first list,
        // but never long — a slow cluster gets the window at once, saying that it is connecting.
        auto shown = std::make_shared<bool>(false);
        auto showWindow = [this, shown,
                           session = m_session.get()](const std::optional<Core::ReleaseSnapshots> &synced) {
            if (std::exchange(*shown, true) || session != m_session.get()) {
                return;
            }
            m_window->setEngine(m_session->source(), m_session->description(), synced);
            if (m_options.contextSwitcher) {
                m_window->setContexts(m_session->contexts(), m_session->contextName());
            }
            m_window->show();
            // The first scrape of every release would take the CPU from the first frame (about
            // 20 ms of a 190 ms start on two cores): metrics follow that frame, and so does the demo
            // cluster's first controller round (builtinDemo()).
            new AfterFirstFrame(this, m_window->windowHandle(), 500, [this, session] {
                if (session == m_session.get()) {
                    m_session->resumeHost();
                    m_session->source()->enableMetrics(m_options.metricsIntervalMs);
                }
            });
            Q_EMIT opened();
        };
        Core::onFinished(m_session->source()->whenSynced(), this,
                         [showWindow](const Core::Result<Core::ReleaseSnapshots> &releases) {
                             showWindow(releases.ok() ? std::optional(releases.value()) : std::nullopt);
                         });
        QTimer::singleShot(m_options.firstListWaitMs, this, [showWindow] { showWindow(std::nullopt); });
    });
}

QFuture<SessionResult> WindowManager::track(QFuture<SessionResult> opening)
{
    // A future whose result was taken is no longer valid (and never "finished").
    m_opening.removeIf([](const QFuture<SessionResult> &f) { return !f.isValid() || f.isFinished(); });
    m_opening.append(opening);
    return opening;
}

void WindowManager::setupWindow()
{
    m_window = std::make_unique<MainWindow>(nullptr, tr("opening…"));
    m_window->setAboutText(m_options.aboutText);
    if (m_options.size) {
        m_window->resize(*m_options.size);
    }
    m_window->restoreLayout(m_options.size.has_value());
    connect(m_window.get(), &MainWindow::contextRequested, this, &WindowManager::switchContext);
    connect(m_window.get(), &MainWindow::namespaceRequested, this, &WindowManager::switchNamespace);
    connect(m_window.get(), &MainWindow::fleetRequested, this, &WindowManager::showFleet);
}

void WindowManager::switchContext(const QString &context)
{
    if (!m_session) {
        return;
    }
    if (context == m_session->contextName()) {
        stayOnShown();
        return;
    }
    Engine::ClusterChoice next = m_session->choice();
    next.demo = false;
    next.server.clear();
    next.haproxyFile.clear();
    next.haproxyFleet.clear();
    next.context = context;
    request(context, track(Session::open(next, sessionOptions())));
}

void WindowManager::switchNamespace(const QString &namespaceName)
{
    if (!m_session) {
        return;
    }
    if (namespaceName == m_session->choice().namespaceName) {
        stayOnShown(); // what is shown already: the plans it drives go on
        return;
    }
    // The same cluster (for the demo: the same running demo and its state) seen through another
    // namespace: only the engine is new.
    const QString target = namespaceName.isEmpty() ? tr("all namespaces") : namespaceName;
    request(target, track(Session::withNamespace(m_session, namespaceName)));
}

void WindowManager::stayOnShown()
{
    if (m_switching) {
        // The session being opened is closed unused when it answers (its generation is old then),
        // and the plans this window drives go on.
        ++m_generation;
        m_switching = false;
        m_fleetPendingRelease = {};
        m_window->showSwitchCancelled(m_switchTarget);
        m_window->showWhereTheWindowLooks();
    }
    Q_EMIT switched(true, {});
}

void WindowManager::request(const QString &target, const QFuture<SessionResult> &future)
{
    const quint64 generation = ++m_generation;
    ++m_requestsInFlight;
    m_switching = true;
    m_switchTarget = target;
    m_window->showSwitching(target);
    auto fail = [this, target](const QString &message) {
        m_switching = false;
        // The current session goes on; both switchers point at it again, not at what failed.
        m_window->showMessage(tr("Cannot switch to %1: %2").arg(target, message));
        if (m_options.contextSwitcher) {
            m_window->setContexts(m_session->contexts(), m_session->contextName());
        }
        m_window->showWhereTheWindowLooks();
        Q_EMIT switched(false, message);
    };
    Core::onFinishedTakingResult(future, this, [this, generation, fail](SessionResult opened) {
        if (generation != m_generation || !opened.ok()) {
            --m_requestsInFlight;
            if (opened.ok()) {
                return retire(std::move(opened).value());
            }
            return generation != m_generation ? void() : fail(opened.error().message);
        }
        // Switch only to a cluster that answers: until its engine has listed everything, the
        // window keeps showing the current one.
        SessionPtr next = std::move(opened).value();
        next->source()->start();
        next->resumeHost(); // a demo started for this switch: no first frame to make room for
        next->source()->enableMetrics(m_options.metricsIntervalMs);
        const auto synced = next->source()->whenSynced();
        Core::onFinished(synced, this,
                         [this, generation, next = std::move(next),
                          fail](const Core::Result<Core::ReleaseSnapshots> &releases) mutable {
                             --m_requestsInFlight;
                             if (generation != m_generation || !releases.ok()) {
                                 retire(std::move(next));
                                 return generation != m_generation ? void() : fail(releases.error().message);
                             }
                             adopt(std::move(next), releases.value());
                         });
    });
}

void WindowManager::adopt(SessionPtr next, const Core::ReleaseSnapshots &releases)
{
    m_switching = false;
    SessionPtr previous = std::exchange(m_session, std::move(next));
    m_window->setEngine(m_session->source(), m_session->description(), releases);
    if (m_options.contextSwitcher) {
        m_window->setContexts(m_session->contexts(), m_session->contextName());
    }
    retire(std::move(previous));
    rememberSession();
    if (!m_fleetPendingRelease.name.isEmpty()) {
        m_window->selectRelease(std::exchange(m_fleetPendingRelease, {}));
    }
    Q_EMIT switched(true, {});
}

Engine::SessionOptions WindowManager::sessionOptions() const
{
    Engine::SessionOptions options;
    options.startDemo = m_startDemo;
    options.startLab = m_options.startLab;
    options.listContexts = true;
    options.liveBoundMs = m_options.liveBoundMs;
    return options;
}

void WindowManager::rememberSession()
{
    // A kubeconfig's context or the demo (not --server, not --demo); never the lab, which starts
    // processes: it is opened only when picked.
    if (m_options.contextSwitcher && m_session && m_session->contextName() != Engine::labContextName) {
        Settings::setLastSession({m_session->contextName(), m_session->namespaceName()});
    }
}

bool WindowManager::isSettled() const
{
    return m_requestsInFlight == 0 &&
           std::all_of(m_closing.begin(), m_closing.end(), [](const QFuture<void> &f) { return f.isFinished(); });
}

void WindowManager::retire(SessionPtr session)
{
    // Closing stops watches, joins a thread and maybe the demo's: never on this thread.
    m_closing.removeIf([](const QFuture<void> &f) { return f.isFinished(); });
    m_closing.append(Session::close(std::move(session)));
}

void WindowManager::showFleet()
{
    if (!m_fleetWindow) {
        m_fleetModel = std::make_unique<Models::FleetModel>();
        m_fleetWindow = std::make_unique<FleetWindow>(m_fleetModel.get());
        connect(m_fleetWindow.get(), &FleetWindow::openRequested, this,
                [this](const QString &context, const Core::ReleaseKey &release) {
                    if (m_session && context == m_session->contextName()) {
                        switchContext(context); // a switch away under way is cancelled
                        m_window->selectRelease(release);
                    } else {
                        // A plan driven in the window would stop: the window asks first, as its switcher does.
                        m_window->switchAway(context, [this, context, release] {
                            m_fleetPendingRelease = release;
                            switchContext(context);
                        });
                    }
                    m_window->raise();
                    m_window->activateWindow();
                });
        // Every context at once, all on one network thread.
        m_fleetNetwork = std::make_shared<Net::NetworkThread>();
        for (const QString &context : m_session ? m_session->contexts() : QStringList()) {
            if (context != Engine::labContextName) { // one fleet already, and started only when picked
                openFleetMember(context);
            }
        }
    }
    m_fleetWindow->show();
    m_fleetWindow->raise();
}

void WindowManager::openFleetMember(const QString &context)
{
    const Engine::ClusterChoice choice{false, {}, m_options.choice.kubeconfig, context, m_options.choice.namespaceName,
                                       {},    {}};
    Engine::SessionOptions options = sessionOptions();
    options.network = m_fleetNetwork;
    options.listContexts = false;
    Core::onFinishedTakingResult(
        track(Session::open(choice, std::move(options))), this, [this, context](SessionResult opened) {
            if (!opened.ok()) {
                m_fleetModel->setUnreachable(context, opened.error().message);
                return;
            }
            opened.value()->resumeHost(); // the demo as a fleet member: the window is up already
            Engine::ReleaseSource *member = opened.value()->source();
            Models::FleetModel *model = m_fleetModel.get();
            connect(
                member, &Engine::ReleaseSource::releasesChanged, model,
                [model, context](const Core::ReleaseSnapshots &releases) { model->setReleases(context, releases); });
            connect(member, &Engine::ReleaseSource::connectionChanged, model,
                    [model, context](Engine::ConnectionState state, const QString &detail) {
                        if (state == Engine::ConnectionState::Reconnecting) {
                            model->setUnreachable(context, detail);
                        }
                    });
            // What happens in the other contexts reaches the desktop too.
            Notifier *notifier = m_window->notifier();
            connect(member, &Engine::ReleaseSource::releasesChanged, notifier,
                    [notifier, context](const Core::ReleaseSnapshots &releases) {
                        notifier->observeFleet(context, releases);
                    });
            connect(member, &Engine::ReleaseSource::freshnessChanged, notifier,
                    [notifier, context](const Core::DataFreshness &freshness) {
                        if (freshness.synced) {
                            notifier->setFleetReachable(context, freshness.live, freshness.reason);
                        }
                    });
            member->start();
            m_fleetSessions.push_back(std::move(opened).value());
        });
}

} // namespace Curtain::Ui
