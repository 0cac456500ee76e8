// How long the GUI thread is ever blocked while the user flips and moves the slider, two ways:
//  - busy: the longest single event the GUI thread handled (QApplication::notify, outermost only),
//    i.e. work done on the GUI thread: layout, painting, model updates;
//  - late: how late a 1 ms timer on the GUI thread fired, which also counts the OS not scheduling
//    the thread (2 cores shared with the in-process cluster and the network thread).
// Runs the real window offscreen on the in-process demo cluster.

#include "engine/releaseengine.h"
#include "mainwindow.h"
#include "net/networkthread.h"
#include "sim/democluster.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPushButton>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace Curtain;

namespace {

class TimedApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    bool measuring = false;
    QList<double> dispatchMs;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!measuring || m_depth > 0) {
            ++m_depth;
            const bool handled = QApplication::notify(receiver, event);
            --m_depth;
            return handled;
        }
        ++m_depth;
        m_timer.start();
        const bool handled = QApplication::notify(receiver, event);
        dispatchMs << double(m_timer.nsecsElapsed()) / 1e6;
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

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    TimedApplication app(argc, argv);
    std::string error;
    auto demo = Sim::startBuiltinDemo(&error);
    if (!demo) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    Net::NetworkThread network;
    auto *engine =
        new Engine::ReleaseEngine(network.http(), {QStringLiteral("demo"), QString::fromStdString(demo->url())});
    network.adopt(engine);
    Ui::MainWindow window(engine, QStringLiteral("demo"));
    window.resize(1280, 800);
    window.show();
    engine->start();
    engine->enableMetrics(500);

    auto waitFor = [&](auto signal) {
        QEventLoop loop;
        QObject::connect(&window, signal, &loop, &QEventLoop::quit, Qt::SingleShotConnection);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
    };
    waitFor(&Ui::MainWindow::releaseShown);

    // The probe: from here on, every late tick is time the GUI thread could not answer.
    QList<double> lateness;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        lateness << std::max(0.0, double(now - last) / 1e6 - 1.0);
        last = now;
    });
    probe.start();
    app.measuring = true;

    auto click = [&](const char *name) {
        auto *button = window.findChild<QPushButton *>(QLatin1String(name));
        QEventLoop settle;
        QTimer::singleShot(50, &settle, &QEventLoop::quit); // let the UI catch up with the last snapshot
        settle.exec();
        button->click();
        waitFor(&Ui::MainWindow::actionFinished);
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
    probe.stop();
    app.measuring = false;

    auto over16 = [](const QList<double> &values) {
        return qlonglong(std::count_if(values.begin(), values.end(), [](double ms) { return ms > 16.0; }));
    };
    std::printf("GUI thread during %d slider moves and %d flips (%.1f s, %lld events, %lld timer ticks)\n", 2 * rounds,
                rounds, double(clock.elapsed()) / 1000.0, qlonglong(app.dispatchMs.size()), qlonglong(lateness.size()));
    std::printf("  busy (longest event handled): worst %6.2f ms, p99 %5.2f ms, over 16 ms: %lld\n",
                percentile(app.dispatchMs, 1.0), percentile(app.dispatchMs, 0.99), over16(app.dispatchMs));
    std::printf("  late (1 ms timer lateness):   worst %6.2f ms, p99 %5.2f ms, over 16 ms: %lld\n",
                percentile(lateness, 1.0), percentile(lateness, 0.99), over16(lateness));
    return 0;
}
