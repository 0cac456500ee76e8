// Cold start of `curtain --demo` to a painted window whose blue and green panels show data, side by side
// with three floors: a bare Qt Widgets window, a process that only loads curtain's shared libraries,
// and the bare window in a process that loads them (what curtain would take if it did nothing of its
// own). Each run is a whole new process, timed from its start until it prints "shown"; prints median,
// min and max of wall time.

#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>

#include <algorithm>
#include <cstdio>

namespace {

double runOnce(const QString &program, const QStringList &arguments)
{
    QProcess process;
    QElapsedTimer wall;
    wall.start();
    process.start(program, arguments);
    while (process.waitForReadyRead(30000)) {
        if (process.readAllStandardOutput().contains("shown")) {
            const double ms = double(wall.nsecsElapsed()) / 1e6;
            process.waitForFinished(30000);
            return ms;
        }
    }
    std::fprintf(stderr, "%s printed no 'shown' line: %s\n", qPrintable(program),
                 process.readAllStandardError().constData());
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    const int runs = 10;
    QList<double> bare;
    QList<double> floor;
    QList<double> bareWithLibraries;
    QList<double> curtain;
    for (int i = 0; i < runs; ++i) {
        bare << runOnce(Curtain::Test::binary(QStringLiteral("bench_barewindow")), {});
        floor << runOnce(Curtain::Test::binary(QStringLiteral("bench_libraryfloor")), {});
        bareWithLibraries << runOnce(Curtain::Test::binary(QStringLiteral("bench_barewindow_curtainlibraries")), {});
        curtain << runOnce(Curtain::Test::binary(QStringLiteral("curtain")),
                           {QStringLiteral("--demo"), QStringLiteral("--exit-when-shown")});
    }
    for (const QList<double> *runs : {&bare, &floor, &bareWithLibraries, &curtain}) {
        if (runs->contains(-1)) {
            std::fprintf(stderr, "a run failed (above): no figures printed\n");
            return 1;
        }
    }
    auto line = [](const char *what, const QList<double> &ms) {
        std::printf("  %-40s median %7.1f ms   min %7.1f ms   max %7.1f ms\n", what, Curtain::Test::median(ms),
                    *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end()));
    };
    std::printf("cold start, %d whole processes each (platform %s)\n", runs,
                qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") ? "xcb" : qgetenv("QT_QPA_PLATFORM").constData());
    line("bare Qt Widgets window shown:", bare);
    line("curtain's libraries loaded, nothing run:", floor);
    line("bare window with curtain's libraries:", bareWithLibraries);
    line("curtain --demo, painted with data:", curtain);
    std::printf("  ratio of medians curtain / bare window: %.2f; curtain beyond loading its libraries: %.1f ms\n",
                Curtain::Test::median(curtain) / Curtain::Test::median(bare),
                Curtain::Test::median(curtain) - Curtain::Test::median(floor));
    std::printf("  the bare window with curtain's libraries / bare window: %.2f; curtain beyond it: %.1f ms\n",
                Curtain::Test::median(bareWithLibraries) / Curtain::Test::median(bare),
                Curtain::Test::median(curtain) - Curtain::Test::median(bareWithLibraries));
    return 0;
}
