// Cold start of `curtain --demo` to a painted window whose blue and green panels show data, side by side
// with three floors: a bare Qt Widgets window, a process that only loads curtain's shared libraries,
// and the bare window in a process that loads them (what curtain would take if it did nothing of its
// own). Each run is a whole new process, timed from its start until it prints "shown"; prints median,
// min and max of wall time, and the median CPU time the process had used by then (all its threads,
// as it reports itself). That CPU over the machine's cores is a floor under the wall time no
// parallelism can go below.

#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QThread>

#include <algorithm>
#include <cstdio>

namespace {

struct Run
{
    double wallMs = -1;
    double cpuMs = -1; // what the process printed after "cpu "
};

Run runOnce(const QString &program, const QStringList &arguments)
{
    QProcess process;
    QElapsedTimer wall;
    wall.start();
    process.start(program, arguments);
    QByteArray printed;
    while (process.waitForReadyRead(30000)) {
        printed += process.readAllStandardOutput();
        const qsizetype shown = printed.indexOf("shown");
        const qsizetype end = shown < 0 ? -1 : printed.indexOf('\n', shown);
        if (end >= 0) {
            Run run;
            run.wallMs = double(wall.nsecsElapsed()) / 1e6;
            const QByteArray line = printed.mid(shown, end - shown);
            const qsizetype cpu = line.indexOf("cpu ");
            run.cpuMs = cpu < 0 ? -1 : line.mid(cpu + 4).split(' ').value(0).toDouble();
            process.waitForFinished(30000);
            return run;
        }
    }
    std::fprintf(stderr, "%s printed no 'shown' line: %s\n", qPrintable(program),
                 process.readAllStandardError().constData());
    return {};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    const int runs = 10;
    QList<Run> bare;
    QList<Run> floor;
    QList<Run> bareWithLibraries;
    QList<Run> curtain;
    for (int i = 0; i < runs; ++i) {
        bare << runOnce(Curtain::Test::binary(QStringLiteral("bench_barewindow")), {});
        floor << runOnce(Curtain::Test::binary(QStringLiteral("bench_libraryfloor")), {});
        bareWithLibraries << runOnce(Curtain::Test::binary(QStringLiteral("bench_barewindow_curtainlibraries")), {});
        curtain << runOnce(Curtain::Test::binary(QStringLiteral("curtain")),
                           {QStringLiteral("--demo"), QStringLiteral("--exit-when-shown")});
    }
    for (const QList<Run> *series : {&bare, &floor, &bareWithLibraries, &curtain}) {
        for (const Run &run : *series) {
            if (run.wallMs < 0 || run.cpuMs < 0) {
                std::fprintf(stderr, "a run failed or printed no CPU time (above): no figures printed\n");
                return 1;
            }
        }
    }
    const auto wall = [](const QList<Run> &series) {
        QList<double> ms;
        for (const Run &run : series) {
            ms << run.wallMs;
        }
        return ms;
    };
    const auto cpu = [](const QList<Run> &series) {
        QList<double> ms;
        for (const Run &run : series) {
            ms << run.cpuMs;
        }
        return Curtain::Test::median(ms);
    };
    auto line = [&](const char *what, const QList<Run> &series) {
        const QList<double> ms = wall(series);
        std::printf("  %-40s median %7.1f ms   min %7.1f ms   max %7.1f ms   CPU %7.1f ms\n", what,
                    Curtain::Test::median(ms), *std::min_element(ms.begin(), ms.end()),
                    *std::max_element(ms.begin(), ms.end()), cpu(series));
    };
    const double bareMs = Curtain::Test::median(wall(bare));
    const double curtainMs = Curtain::Test::median(wall(curtain));
    std::printf("cold start, %d whole processes each (platform %s)\n", runs,
                qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") ? "xcb" : qgetenv("QT_QPA_PLATFORM").constData());
    line("bare Qt Widgets window shown:", bare);
    line("curtain's libraries loaded, nothing run:", floor);
    line("bare window with curtain's libraries:", bareWithLibraries);
    line("curtain --demo, painted with data:", curtain);
    std::printf("  ratio of medians curtain / bare window: %.2f; curtain beyond loading its libraries: %.1f ms\n",
                curtainMs / bareMs, curtainMs - Curtain::Test::median(wall(floor)));
    std::printf("  the bare window with curtain's libraries / bare window: %.2f; curtain beyond it: %.1f ms\n",
                Curtain::Test::median(wall(bareWithLibraries)) / bareMs,
                curtainMs - Curtain::Test::median(wall(bareWithLibraries)));
    const int cores = QThread::idealThreadCount();
    std::printf(
        "  curtain's CPU before its first frame on %d cores: at least %.1f ms of wall time, %.2f times the bare "
        "window's\n",
        cores, cpu(curtain) / cores, cpu(curtain) / cores / bareMs);
    return 0;
}
