// `curtainctl rollback` against curtain-sim, side by side with `kubectl patch` making the same change
// (catalog's HTTPRoute from 75/25 back to 100/0). Wall time per command, medians and the ratio.

#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

namespace {

double timed(const QString &program, const QStringList &arguments,
             const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    QElapsedTimer wall;
    wall.start();
    process.start(program, arguments);
    process.waitForFinished(60000);
    const double ms = double(wall.nsecsElapsed()) / 1e6;
    if (process.exitCode() != 0) {
        std::fprintf(stderr, "%s failed: %s%s\n", qPrintable(program), process.readAllStandardOutput().constData(),
                     process.readAllStandardError().constData());
        return -1;
    }
    return ms;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Its actions go to a journal of its own: a benchmark is not part of the user's history.
    const QTemporaryDir journalDir;
    qputenv("CURTAIN_JOURNAL", journalDir.filePath(QStringLiteral("journal.jsonl")).toUtf8());
    Curtain::Test::SimProcess sim;
    QString error;
    if (!sim.start(&error)) {
        std::fprintf(stderr, "cannot start curtain-sim: %s\n", qPrintable(error));
        return 1;
    }
    const QString ctl = Curtain::Test::binary(QStringLiteral("curtainctl"));
    const QString kubectl = Curtain::Test::findProgram(QStringLiteral("kubectl"));
    QTemporaryDir home;
    QProcessEnvironment kubeEnv = QProcessEnvironment::systemEnvironment();
    kubeEnv.insert(QStringLiteral("HOME"), home.path());
    const QStringList canary{QStringLiteral("--server"), sim.url(), QStringLiteral("set-weight"),
                             QStringLiteral("catalog"), QStringLiteral("25")};
    const QString patch =
        QStringLiteral(R"([{"op":"test","path":"/spec/rules/0/backendRefs/0/name","value":"catalog-blue"},)"
                       R"({"op":"test","path":"/spec/rules/0/backendRefs/1/name","value":"catalog-green"},)"
                       R"({"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":100},)"
                       R"({"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":0}])");
    const int runs = 7;
    QList<double> ours;
    QList<double> theirs;
    double kubectlCold = -1;
    for (int i = 0; i < runs; ++i) {
        timed(ctl, canary);
        ours << timed(ctl,
                      {QStringLiteral("--server"), sim.url(), QStringLiteral("rollback"), QStringLiteral("catalog")});
        if (!kubectl.isEmpty()) {
            timed(ctl, canary);
            const double ms =
                timed(kubectl,
                      {QStringLiteral("--server"), sim.url(), QStringLiteral("patch"), QStringLiteral("httproute"),
                       QStringLiteral("catalog"), QStringLiteral("-n"), QStringLiteral("demo"),
                       QStringLiteral("--type"), QStringLiteral("json"), QStringLiteral("-p"), patch},
                      kubeEnv);
            if (i == 0) {
                kubectlCold = ms; // discovery cache empty
            } else {
                theirs << ms;
            }
        }
    }
    if (ours.contains(-1) || theirs.contains(-1)) {
        std::fprintf(stderr, "a command failed (above): no figures printed\n");
        return 1;
    }
    std::printf("rollback of a 25 %% canary on curtain-sim, wall time per command, median of %d\n", runs);
    std::printf("  curtainctl rollback (list+watch sync, conditional JSON patch, read-back): %7.1f ms\n",
                Curtain::Test::median(ours));
    if (kubectl.isEmpty()) {
        std::printf("  kubectl patch: not measured, kubectl is not installed (Debian package kubernetes-client)\n");
        return 0;
    }
    std::printf("  kubectl patch --type json (same change), warm discovery cache:         %7.1f ms\n",
                Curtain::Test::median(theirs));
    std::printf("  kubectl patch, first run with a cold discovery cache:                  %7.1f ms\n", kubectlCold);
    std::printf("  ratio curtainctl / kubectl (warm):                                       %7.2f\n",
                Curtain::Test::median(ours) / Curtain::Test::median(theirs));
    return 0;
}
