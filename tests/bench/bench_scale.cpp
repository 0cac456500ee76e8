// Curtain with 2,000 releases on curtain-sim: time from picking the context to the release list
// shown (and the GUI's resident memory then), and how fast watch events become snapshots.

#include "engine/releaseengine.h"
#include "engine/session.h"

#include "futurewait.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <thread>

using namespace Curtain;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Its actions go to a journal of its own: a benchmark is not part of the user's history.
    const QTemporaryDir journalDir;
    qputenv("CURTAIN_JOURNAL", journalDir.filePath(QStringLiteral("journal.jsonl")).toUtf8());
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    const int releases = 2000;
    Test::SimProcess sim;
    QString error;
    if (!sim.start(&error, {QStringLiteral("--extra-releases"), QString::number(releases)})) {
        std::fprintf(stderr, "cannot start curtain-sim: %s\n", qPrintable(error));
        return 1;
    }

    // 1. Context picked (process started) → list with both panels shown.
    QList<double> shown;
    QList<double> resident;
    for (int i = 0; i < 5; ++i) {
        QProcess gui;
        QElapsedTimer wall;
        wall.start();
        gui.start(Test::binary(QStringLiteral("curtain")),
                  {QStringLiteral("--server"), sim.url(), QStringLiteral("--exit-when-shown")});
        gui.waitForFinished(120000);
        const QString line = QString::fromUtf8(gui.readAllStandardOutput());
        shown << double(wall.nsecsElapsed()) / 1e6;
        resident << line.section(QStringLiteral("resident "), 1).section(QLatin1Char(' '), 0, 0).toDouble();
    }

    // 2. A burst of route changes from 4 writers; how soon does the engine's snapshot show them all?
    const Engine::SessionPtr session = Engine::Session::openEndpoint({QStringLiteral("sim"), sim.url()});
    Engine::ReleaseEngine *engine = session->engine();
    engine->start();
    const auto synced = Test::waitFor(engine->whenSynced(), 120000);
    if (!synced.ok()) {
        std::fprintf(stderr, "engine did not sync: %s\n", qPrintable(synced.error().message));
        return 1;
    }
    QElapsedTimer clock;
    std::atomic<qint64> seenAt{0};
    const int writes = 1000;
    QObject::connect(
        engine, &Engine::ReleaseEngine::releasesChanged, engine,
        [&](const Core::ReleaseSnapshots &all) {
            for (const auto &r : all) {
                if (r.name == QLatin1String("svc-1000") && r.green.trafficPercent == 50) { // the very last write
                    if (seenAt == 0) {
                        seenAt = clock.nsecsElapsed();
                    }
                }
            }
        },
        Qt::DirectConnection);
    clock.start();
    std::vector<std::thread> writers;
    std::atomic<int> sent{0};
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&, w] {
            httplib::Client client("127.0.0.1", sim.port());
            for (int i = w; i < writes; i += 4) {
                const int release = 2 * (i % 500) + 2; // the even ones are HTTPRoutes
                char path[160];
                std::snprintf(path, sizeof path,
                              "/apis/gateway.networking.k8s.io/v1/namespaces/fleet/httproutes/svc-%04d", release);
                const int green = i >= writes - 500 ? 50 : 10 + i % 40;
                const std::string body = R"([{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":)" +
                                         std::to_string(100 - green) +
                                         R"(},{"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":)" +
                                         std::to_string(green) + "}]";
                client.Patch(path, body, "application/json-patch+json");
                ++sent;
            }
        });
    }
    for (auto &writer : writers) {
        writer.join();
    }
    const double sentMs = double(clock.nsecsElapsed()) / 1e6;
    // The last write (i = 999, to svc-1000) sets it to 50 %; wait for the engine to show it.
    QElapsedTimer waited;
    waited.start();
    while (seenAt == 0 && waited.elapsed() < 60000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    const double seenMs = double(seenAt.load()) / 1e6;

    std::printf("%d releases (%d Deployments, %d Services, %d HTTPRoutes) on curtain-sim\n", releases + 2,
                2 * releases + 4, 3 * releases / 2 + 5, releases / 2 + 1);
    std::printf("  context picked → release list shown (GUI, median of 5): %7.1f ms\n", Test::median(shown));
    std::printf("  GUI resident memory when shown (median):               %7.1f MB\n", Test::median(resident));
    std::printf("  %d watch events from 4 writers: written in %.0f ms, all in Curtain's snapshot after %.0f ms\n",
                writes, sentMs, seenMs);
    std::printf("  watch events → snapshots:                               %7.0f events/s\n",
                seenMs > 0 ? writes / (seenMs / 1000.0) : 0.0);
    return 0;
}
