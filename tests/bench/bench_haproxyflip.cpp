// Zero downtime, measured: real requests from wrk through a real HAProxy while the traffic of one
// release goes back and forth between blue and green. Curtain's make-before-break (curtainctl flip
// and rollback, one process per operation, as a pipeline would run them) side by side with the naive
// break-before-make a person scripts by hand (old color to maint, then new color to ready), on the
// same setup. Prints requests, non-2xx answers and socket errors for each, and each flip's wall time
// against the same change sent with socat by hand.
//
// Usage: bench_haproxyflip [OPERATIONS=100] [CONNECTIONS=32]   (needs haproxy, wrk, socat)

#include "ctlrunner.h"
#include "haproxylab.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <cstdio>

using namespace Curtain::Test;

namespace {

struct Load
{
    qint64 requests = 0;
    qint64 non2xx = 0;
    qint64 socketErrors = 0;
    double perSecond = 0;
};

struct Column
{
    Load load;
    QList<double> operationMs;
    int failedOperations = 0;
};

void startWrk(QProcess &wrk, int port, int connections)
{
    wrk.setProgram(QStringLiteral("wrk"));
    wrk.setArguments({QStringLiteral("-t2"), QStringLiteral("-c%1").arg(connections), QStringLiteral("-d3600s"),
                      QStringLiteral("http://127.0.0.1:%1/").arg(port)});
    wrk.start();
    wrk.waitForStarted();
    QThread::msleep(1000); // a running load before the first operation
}

// wrk prints its summary when interrupted: requests, "Non-2xx or 3xx responses", "Socket errors".
Load stopWrk(QProcess &wrk)
{
    ::kill(pid_t(wrk.processId()), SIGINT);
    wrk.waitForFinished(30'000);
    const QString out = QString::fromUtf8(wrk.readAllStandardOutput());
    Load load;
    const auto number = [&](const QString &pattern) {
        const QRegularExpressionMatch match = QRegularExpression(pattern).match(out);
        return match.hasMatch() ? match.captured(1).toDouble() : 0.0;
    };
    load.requests = qint64(number(QStringLiteral("(\\d+) requests in")));
    load.non2xx = qint64(number(QStringLiteral("Non-2xx or 3xx responses: (\\d+)")));
    const QRegularExpressionMatch errors =
        QRegularExpression(QStringLiteral("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)"))
            .match(out);
    for (int i = 1; errors.hasMatch() && i <= 4; ++i) {
        load.socketErrors += errors.captured(i).toLongLong();
    }
    load.perSecond = number(QStringLiteral("Requests/sec:\\s+([\\d.]+)"));
    return load;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    return values[qsizetype(std::min<double>(values.size() - 1, p * values.size()))];
}

Column curtainColumn(int operations, int connections)
{
    Column column;
    HAProxyLab lab;
    if (const QString problem = lab.start({}); !problem.isEmpty()) {
        std::fprintf(stderr, "bench_haproxyflip: %s\n", qPrintable(problem));
        std::exit(1);
    }
    QProcess wrk;
    startWrk(wrk, lab.webPort(0), connections);
    for (int i = 0; i < operations; ++i) {
        QElapsedTimer timer;
        timer.start();
        const CtlRun run = runCurtainctl({QStringLiteral("--haproxy"), lab.fleetFile(),
                                          i % 2 == 0 ? QStringLiteral("flip") : QStringLiteral("rollback"),
                                          QStringLiteral("catalog")});
        column.operationMs << timer.nsecsElapsed() / 1e6;
        column.failedOperations += run.exitCode == 0 ? 0 : 1;
        if (run.exitCode != 0) {
            std::fprintf(stderr, "curtainctl: %s\n", qPrintable(run.err.trimmed()));
        }
    }
    column.load = stopWrk(wrk);
    return column;
}

// The hand-made flip: the old color to maintenance, then the new one to ready — one runtime command
// line each way, spaced like Curtain's operations so that both columns see as many switches per second.
Column naiveColumn(int operations, int connections, double spacingMs)
{
    Column column;
    HAProxyLab lab;
    if (const QString problem = lab.start({}); !problem.isEmpty()) {
        std::fprintf(stderr, "bench_haproxyflip: %s\n", qPrintable(problem));
        std::exit(1);
    }
    for (const QString &server : {QStringLiteral("green-1"), QStringLiteral("green-2")}) {
        lab.runtime(0, QStringLiteral("set server catalog/%1 weight 100").arg(server));
    }
    QProcess wrk;
    startWrk(wrk, lab.webPort(0), connections);
    const auto command = [](const QString &from, const QString &to) {
        return QStringLiteral("set server catalog/%1-1 state maint; set server catalog/%1-2 state maint; "
                              "set server catalog/%2-1 state ready; set server catalog/%2-2 state ready")
            .arg(from, to);
    };
    for (int i = 0; i < operations; ++i) {
        QElapsedTimer timer;
        timer.start();
        const QString reply = lab.runtime(0, i % 2 == 0 ? command(QStringLiteral("blue"), QStringLiteral("green"))
                                                        : command(QStringLiteral("green"), QStringLiteral("blue")));
        column.operationMs << timer.nsecsElapsed() / 1e6;
        column.failedOperations += reply.trimmed().isEmpty() ? 0 : 1;
        QThread::msleep(ulong(std::max(0.0, spacingMs - column.operationMs.last())));
    }
    column.load = stopWrk(wrk);
    return column;
}

// The same make-before-break change sent by hand with socat (no waiting for checks or sessions):
// what a person's one-liner costs, for the flip's wall time to be read against.
double socatFlipMs(int runs)
{
    HAProxyLab lab;
    if (!lab.start({}).isEmpty()) {
        return 0;
    }
    QList<double> times;
    for (int i = 0; i < runs; ++i) {
        const bool toGreen = i % 2 == 0;
        const QString line = QStringLiteral("set server catalog/%1-1 state ready; set server catalog/%1-2 state ready; "
                                            "set server catalog/%1-1 weight 100; set server catalog/%1-2 weight 100; "
                                            "set server catalog/%2-1 weight 0; set server catalog/%2-2 weight 0; "
                                            "set server catalog/%2-1 state drain; set server catalog/%2-2 state drain")
                                 .arg(toGreen ? QStringLiteral("green") : QStringLiteral("blue"),
                                      toGreen ? QStringLiteral("blue") : QStringLiteral("green"));
        QElapsedTimer timer;
        timer.start();
        QProcess socat;
        socat.start(QStringLiteral("socat"),
                    {QStringLiteral("stdio"), QStringLiteral("unix-connect:") + lab.socket(0)});
        socat.write(line.toUtf8() + '\n');
        socat.closeWriteChannel();
        socat.waitForFinished(10'000);
        times << timer.nsecsElapsed() / 1e6;
    }
    return percentile(times, 0.5);
}

void printColumn(const char *name, const Column &column)
{
    std::printf("| %s | %lld | %.0f | **%lld** | **%lld** | %d | %.0f / %.0f ms |\n", name,
                static_cast<long long>(column.load.requests), column.load.perSecond,
                static_cast<long long>(column.load.non2xx), static_cast<long long>(column.load.socketErrors),
                column.failedOperations, percentile(column.operationMs, 0.5), percentile(column.operationMs, 0.95));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int operations = argc > 1 ? std::max(2, std::atoi(argv[1])) : 100;
    const int connections = argc > 2 ? std::max(1, std::atoi(argv[2])) : 32;
    for (const char *tool : {"haproxy", "wrk", "socat"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            std::fprintf(stderr, "bench_haproxyflip: %s is missing: install the Debian package %s\n", tool, tool);
            return 1;
        }
    }
    if (qEnvironmentVariableIsEmpty("CURTAIN_BIN_DIR")) {
        qputenv("CURTAIN_BIN_DIR", QCoreApplication::applicationDirPath().toUtf8());
    }
    const Column curtain = curtainColumn(operations, connections);
    const Column naive = naiveColumn(operations, connections, percentile(curtain.operationMs, 0.5));
    const double socat = socatFlipMs(20);

    std::printf("%d operations (flips and rollbacks, alternating), wrk -t2 -c%d through one HAProxy 2.6, "
                "2 + 2 pods of curtain-backend\n\n",
                operations, connections);
    std::printf("| | requests | requests/s | non-2xx | socket errors | failed operations | operation median / p95 |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    printColumn("Curtain: make-before-break (`curtainctl flip` / `rollback`)", curtain);
    printColumn("naive: break-before-make (old color to maint, then new to ready)", naive);
    std::printf("\nthe same make-before-break change sent by hand with socat (no waits): median %.1f ms\n", socat);
    return curtain.load.non2xx == 0 && curtain.load.socketErrors == 0 ? 0 : 1;
}
