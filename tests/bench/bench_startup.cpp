// Cold start of `curtain --demo` to a window whose blue and green panels show data, side by side
// with the floor: a bare Qt Widgets window on the same machine. Prints medians of wall time.

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
    const int runs = 7;
    QList<double> bare;
    QList<double> curtain;
    for (int i = 0; i < runs; ++i) {
        bare << runOnce(Curtain::Test::binary(QStringLiteral("bench_barewindow")), {});
        curtain << runOnce(Curtain::Test::binary(QStringLiteral("curtain")),
                           {QStringLiteral("--demo"), QStringLiteral("--exit-when-shown")});
    }
    std::printf("cold start, median of %d (platform %s)\n", runs,
                qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") ? "xcb" : qgetenv("QT_QPA_PLATFORM").constData());
    std::printf("  bare Qt Widgets window shown:          %7.1f ms\n", Curtain::Test::median(bare));
    std::printf("  curtain --demo, both panels with data: %7.1f ms\n", Curtain::Test::median(curtain));
    std::printf("  ratio curtain / bare window:           %7.2f\n",
                Curtain::Test::median(curtain) / Curtain::Test::median(bare));
    return 0;
}
