#pragma once

#include "core/release.h"
#include "engine/clusterselection.h"
#include "engine/session.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QSize>

#include <chrono>

#include <memory>
#include <optional>
#include <vector>

namespace Curtain::Models {
class FleetModel;
}
namespace Curtain::Net {
class NetworkThread;
}

namespace Curtain::Ui {

class FleetWindow;
class MainWindow;

// Owns what the console shows: the current session, the main window, context and namespace
// switching, and the fleet. Sessions open and close on worker threads; while a switch is under way
// the window says so and keeps working on the current session, which stays if the next one cannot
// be opened.
class WindowManager final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        Engine::ClusterChoice choice;
        bool demoWhenNoKubeconfig = true;
        bool contextSwitcher = true; // offer the kubeconfig's contexts (not with --server or --demo)
        int metricsIntervalMs = 2000;
        std::optional<QSize> size; // nullopt: as the user left it, else fitted to the screen
        QString aboutText;
        // No context given: start on the context and namespace last shown (settings), falling back
        // to the kubeconfig's current context when that one cannot be opened any more.
        bool rememberSession = false;
        // Offers the "lab" context and starts it when picked (see builtinLab()); empty: no lab.
        Engine::ClusterHostFactory startLab;
        int liveBoundMs = 0; // every session's freshness bound (SessionOptions); 0: the default, 15 s
        // How long the first window waits for the first list before it shows, saying it is
        // connecting: long enough for a near cluster, short enough that a slow one is not a blank wait.
        int firstListWaitMs = 300;
    };

    // `startDemo` starts the demo cluster; see builtinDemo().
    WindowManager(Options options, Engine::ClusterHostFactory startDemo, QObject *parent = nullptr);
    ~WindowManager() override;

    // The built-in demo cluster, started in this process. While a session uses it, every other
    // session opened on the demo context talks to the same one.
    // Its controllers wait for the first frame, or for `holdControllersAtMost` if nobody resumes them.
    static Engine::ClusterHostFactory
    builtinDemo(std::chrono::milliseconds holdControllersAtMost = std::chrono::seconds(2));
    // The lab: HAProxy, curtain-backend pods (`backendProgram`), Prometheus and a steady load from
    // wrk when they are installed, all on loopback and started in this process's name; it stops
    // when the last session on it closes. Empty when it cannot run here (HAProxy missing).
    static Engine::ClusterHostFactory builtinLab(const QString &backendProgram);
    // Where curtain-backend is: beside this program, or in its libexec directory once installed.
    static QString labBackendProgram();

    // Opens the first session off the GUI thread; the window shows once the session has listed the
    // cluster (or after Options::firstListWaitMs, still connecting), so its first paint holds the releases.
    void open();
    void openSession(); // the first session, on m_options.choice
    MainWindow *window() const { return m_window.get(); }
    Engine::Session *session() const { return m_session.get(); }
    bool isSwitching() const { return m_switching; }
    // No session is being opened, synced or closed, a cancelled one included.
    bool isSettled() const;

    // Picking the context (or namespace) shown while a switch is under way cancels that switch.
    void switchContext(const QString &context);
    void switchNamespace(const QString &namespaceName); // the demo keeps its one cluster
    void showFleet();

Q_SIGNALS:
    void opened();                                  // the first session is open and the window shown
    void openFailed(const QString &message);        // the first session could not be opened
    void switched(bool ok, const QString &message); // a context or namespace switch ended

private:
    void setupWindow();
    void request(const QString &target, const QFuture<Engine::SessionResult> &future);
    QFuture<Engine::SessionResult> track(QFuture<Engine::SessionResult> opening);
    void adopt(Engine::SessionPtr next, const Core::ReleaseSnapshots &releases);
    void stayOnShown();     // picked what is shown again: the switch under way is dropped
    void rememberSession(); // the context and namespace now shown, for the next start
    void retire(Engine::SessionPtr session);
    void openFleetMember(const QString &context);
    Engine::SessionOptions sessionOptions() const; // how every session of this console opens

    Options m_options;
    Engine::ClusterHostFactory m_startDemo;
    Engine::SessionPtr m_session;
    std::unique_ptr<MainWindow> m_window;
    quint64 m_generation = 0;                        // the newest request; older answers are closed unused
    bool m_switching = false;                        // the newest request is still under way
    int m_requestsInFlight = 0;                      // it and the cancelled ones not answered yet
    QString m_switchTarget;                          // what it switches to, as the window named it
    QList<QFuture<Engine::SessionResult>> m_opening; // waited for at exit
    QList<QFuture<void>> m_closing;                  // waited for at exit

    std::unique_ptr<Models::FleetModel> m_fleetModel;
    std::shared_ptr<Net::NetworkThread> m_fleetNetwork; // one thread for every context in the fleet
    std::unique_ptr<FleetWindow> m_fleetWindow;
    std::vector<Engine::SessionPtr> m_fleetSessions;
    Core::ReleaseKey m_fleetPendingRelease;
    Engine::ClusterChoice m_given; // the choice from the command line, when the remembered one replaced it
    bool m_fromSettings = false;   // the first session opens the remembered context
};

} // namespace Curtain::Ui
