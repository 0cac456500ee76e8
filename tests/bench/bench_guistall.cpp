// How long the GUI thread is ever blocked while the user flips and moves the slider, and while they
// switch contexts and namespaces, two ways:
//  - busy: the longest single event the GUI thread handled (QApplication::notify, outermost only),
//    i.e. work done on the GUI thread: layout, painting, model updates, opening or closing sessions;
//  - late: how late a 1 ms timer on the GUI thread fired, which also counts the OS not scheduling
//    the thread (2 cores shared with the in-process clusters and the network threads).
// Runs the real console (window manager and window) offscreen on the in-process demo cluster; a
// kubeconfig adds a context "other" on a second demo cluster to switch to and back.

#include "confirmmovedialog.h"
#include "engine/releaseengine.h"
#include "engine/session.h"
#include "mainwindow.h"
#include "sim/democluster.h"
#include "windowmanager.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#endif

using namespace Curtain;

namespace {

// The calling thread's CPU time, and how often it was taken off its core: preempted (involuntary)
// or waiting for something (voluntary).
struct ThreadUsage
{
    double cpuMs = 0;
    long preempted = 0;
    long waited = 0;
};

// Linux counts these per thread (RUSAGE_THREAD); elsewhere the line shows zeros.
ThreadUsage threadUsage()
{
#if defined(Q_OS_LINUX)
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    const auto ms = [](const timeval &t) { return double(t.tv_sec) * 1e3 + double(t.tv_usec) / 1e3; };
    return {ms(usage.ru_utime) + ms(usage.ru_stime), usage.ru_nivcsw, usage.ru_nvcsw};
#else
    return {};
#endif
}

class TimedApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    bool measuring = false;
    QList<double> dispatchMs;
    QStringList overBudget; // what each event over 16 ms was: where to look

    bool notify(QObject *receiver, QEvent *event) override
    {
        // notify() runs for events on every thread (the network threads, the demo's): count the
        // GUI thread's only, and touch nothing shared from the others.
        if (QThread::currentThread() != thread()) {
            return QApplication::notify(receiver, event);
        }
        if (!measuring || m_depth > 0) {
            ++m_depth;
            const bool handled = QApplication::notify(receiver, event);
            --m_depth;
            return handled;
        }
        ++m_depth;
        // Named before it is handled: a deferred delete frees the receiver.
        const char *receiverClass = receiver->metaObject()->className();
        const QString receiverName = receiver->objectName();
        const int type = event->type();
        m_timer.start();
        const ThreadUsage before = threadUsage();
        const bool handled = QApplication::notify(receiver, event);
        const double ms = double(m_timer.nsecsElapsed()) / 1e6;
        dispatchMs << ms;
        if (ms > 16.0) {
            // The thread's own CPU time beside the wall time: on two cores the demo cluster and the
            // network thread can take the core from an event that itself needs far less.
            const ThreadUsage after = threadUsage();
            overBudget << QStringLiteral(
                              "%1 ms (the GUI thread's CPU %2 ms, preempted %3×, waited %4×): event %5 to %6 %7")
                              .arg(ms, 0, 'f', 1)
                              .arg(after.cpuMs - before.cpuMs, 0, 'f', 1)
                              .arg(after.preempted - before.preempted)
                              .arg(after.waited - before.waited)
                              .arg(type)
                              .arg(QLatin1String(receiverClass), receiverName);
        }
        --m_depth;
        return handled;
    }

private:
    int m_depth = 0;
    QElapsedTimer m_timer;
};

double percentile(QList<double> values, double p)
{
    if (values.isEmpty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, qsizetype(double(values.size()) * p))];
}

// From start() to stop(): every event the GUI thread handled and how late a 1 ms timer fired.
class Probe
{
public:
    explicit Probe(TimedApplication &app) : m_app(app)
    {
        m_tick.setTimerType(Qt::PreciseTimer);
        m_tick.setInterval(1);
        QObject::connect(&m_tick, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_lateness << std::max(0.0, double(now - m_last) / 1e6 - 1.0);
            m_last = now;
        });
    }
    void start()
    {
        m_app.dispatchMs.clear();
        m_app.overBudget.clear();
        m_lateness.clear();
        m_clock.start();
        m_last = m_clock.nsecsElapsed();
        m_tick.start();
        m_app.measuring = true;
    }
    void stop(const QString &what)
    {
        m_tick.stop();
        m_app.measuring = false;
        auto over16 = [](const QList<double> &values) {
            return qlonglong(std::count_if(values.begin(), values.end(), [](double ms) { return ms > 16.0; }));
        };
        std::printf("GUI thread during %s (%.1f s, %lld events, %lld timer ticks)\n", qPrintable(what),
                    double(m_clock.elapsed()) / 1000.0, qlonglong(m_app.dispatchMs.size()),
                    qlonglong(m_lateness.size()));
        std::printf("  busy (longest event handled): worst %6.2f ms, p99 %5.2f ms, over 16 ms: %lld\n",
                    percentile(m_app.dispatchMs, 1.0), percentile(m_app.dispatchMs, 0.99), over16(m_app.dispatchMs));
        for (const QString &slow : std::as_const(m_app.overBudget)) {
            std::printf("    %s\n", qPrintable(slow));
        }
        std::printf("  late (1 ms timer lateness):   worst %6.2f ms, p99 %5.2f ms, over 16 ms: %lld\n",
                    percentile(m_lateness, 1.0), percentile(m_lateness, 0.99), over16(m_lateness));
        std::fflush(stdout);
    }

private:
    TimedApplication &m_app;
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    QList<double> m_lateness;
};

// Runs the event loop until `sender` emits `signal`, or 20 s.
template <typename Sender, typename Signal>
void waitFor(Sender *sender, Signal signal)
{
    QEventLoop loop;
    QObject::connect(sender, signal, &loop, &QEventLoop::quit, Qt::SingleShotConnection);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    loop.exec();
}

// A move towards a version not yet proven asks first, as it does for a user: confirm it the way
// they would (typing the release's name where the dialog asks for it). Without this every click
// waited out waitFor's 20 s.
void confirmIfAsked(QWidget &window)
{
    for (auto *dialog : window.findChildren<Ui::ConfirmMoveDialog *>()) {
        if (!dialog->isVisible()) {
            continue;
        }
        if (auto *typed = dialog->findChild<QLineEdit *>(QStringLiteral("typedReleaseName"))) {
            typed->setText(typed->placeholderText());
        }
        if (auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"))) {
            confirm->click();
        }
    }
}

void settle(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    TimedApplication app(argc, argv);
    // Its actions go to a journal of its own: a benchmark is not part of the user's history.
    const QTemporaryDir journalDir;
    qputenv("CURTAIN_JOURNAL", journalDir.filePath(QStringLiteral("journal.jsonl")).toUtf8());
    // The context to switch to: a second demo cluster, named in a kubeconfig of its own.
    std::string error;
    auto other = Sim::startBuiltinDemo(&error);
    if (!other) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    QTemporaryDir dir;
    QFile config(dir.filePath(QStringLiteral("config")));
    if (!config.open(QIODevice::WriteOnly)) {
        return 1;
    }
    config.write(QStringLiteral("clusters:\n- {name: other, cluster: {server: %1}}\n"
                                "contexts:\n- {name: other, context: {cluster: other}}\n")
                     .arg(QString::fromStdString(other->url()))
                     .toUtf8());
    config.close();

    Ui::WindowManager::Options options;
    options.choice = {false, {}, config.fileName(), Engine::demoContextName, {}, {}, {}};
    options.metricsIntervalMs = 500;
    Ui::WindowManager manager(options, Ui::WindowManager::builtinDemo());
    manager.open();
    waitFor(&manager, &Ui::WindowManager::opened);
    Ui::MainWindow &window = *manager.window();
    waitFor(&window, &Ui::MainWindow::releaseShown);

    Probe probe(app);
    probe.start();
    auto click = [&](const char *name) {
        auto *button = window.findChild<QPushButton *>(QLatin1String(name));
        settle(50); // let the UI catch up with the last snapshot
        button->click();
        confirmIfAsked(window);
        waitFor(&window, &Ui::MainWindow::actionFinished);
    };
    const int rounds = 20;
    window.selectRelease(QStringLiteral("catalog"));
    for (int i = 0; i < rounds; ++i) {
        click("preset25");
        click("preset0");
    }
    window.selectRelease(QStringLiteral("checkout"));
    for (int i = 0; i < rounds; ++i) {
        click("flipButton");
    }
    probe.stop(QStringLiteral("%1 slider moves and %2 flips").arg(2 * rounds).arg(rounds));

    // Switches: the demo's namespace and back to all namespaces, then demo → other → demo. Each
    // waits for the switch to end, then a little for the new data to be painted.
    const int switches = 5;
    int failed = 0;
    QObject::connect(&manager, &Ui::WindowManager::switched, [&failed](bool ok, const QString &why) {
        if (!ok) {
            ++failed;
            std::fprintf(stderr, "switch failed: %s\n", qPrintable(why));
        }
    });
    auto switchAndWait = [&](auto change) {
        change();
        waitFor(&manager, &Ui::WindowManager::switched);
        settle(100);
    };
    probe.start();
    for (int i = 0; i < switches; ++i) {
        switchAndWait([&] { manager.switchNamespace(QStringLiteral("demo")); });
        switchAndWait([&] { manager.switchNamespace(QString()); });
    }
    probe.stop(QStringLiteral("%1 namespace switches on the demo").arg(2 * switches));
    probe.start();
    for (int i = 0; i < switches; ++i) {
        switchAndWait([&] { manager.switchContext(QStringLiteral("other")); });
        switchAndWait([&] { manager.switchContext(Engine::demoContextName); });
    }
    probe.stop(QStringLiteral("%1 context switches (demo ↔ other)").arg(2 * switches));
    if (failed > 0) {
        std::printf("  %d switches failed\n", failed);
    }
    return failed > 0 ? 1 : 0;
}
