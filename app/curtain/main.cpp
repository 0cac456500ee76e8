// curtain: the desktop console. With no --server it starts the built-in demo cluster in-process and
// connects to it exactly as it would to a real cluster.

#include "engine/clusterselection.h"
#include "engine/releaseengine.h"
#include "mainwindow.h"
#include "net/networkthread.h"
#include "sim/democluster.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>

#include <cstdio>

using namespace Curtain;

namespace {

bool hasDisplay()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
           qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    if (!hasDisplay()) {
        std::fputs("curtain: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                   "Run it from a desktop session, or headless on a virtual display:\n"
                   "    xvfb-run -a ./scripts/run\n"
                   "or render one window to a file without any display:\n"
                   "    QT_QPA_PLATFORM=offscreen curtain --demo --screenshot curtain.png\n",
                   stderr);
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Curtain"));
    QApplication::setOrganizationDomain(QStringLiteral("curtain.dev"));
    QApplication::setApplicationVersion(QStringLiteral(CURTAIN_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Blue-green and canary release console"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QStringLiteral("Use the built-in demo cluster (also the default without a kubeconfig)."));
    const QCommandLineOption server(QStringLiteral("server"),
                                    QStringLiteral("A Kubernetes API server URL, without kubeconfig."),
                                    QStringLiteral("url"));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"),
                                        QStringLiteral("Read exactly this kubeconfig file."), QStringLiteral("file"));
    const QCommandLineOption context(
        QStringLiteral("context"),
        QStringLiteral("A kubeconfig context (default: the current one; demo: the demo cluster)."),
        QStringLiteral("name"));
    const QCommandLineOption namespaceOption({QStringLiteral("n"), QStringLiteral("namespace")},
                                             QStringLiteral("Only releases in this namespace."),
                                             QStringLiteral("namespace"));
    const QCommandLineOption release(QStringLiteral("release"), QStringLiteral("Select this release at start."),
                                     QStringLiteral("name"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size, e.g. 1280x800."),
                                  QStringLiteral("WxH"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save the window to a PNG once data has arrived, then quit."),
                                        QStringLiteral("file"));
    const QCommandLineOption screenshotDelay(
        QStringLiteral("screenshot-delay"),
        QStringLiteral("Seconds to wait after the first data before the screenshot."), QStringLiteral("seconds"),
        QStringLiteral("1"));
    const QCommandLineOption exitWhenShown(
        QStringLiteral("exit-when-shown"),
        QStringLiteral("Print the time from start until both panels show data, then quit "
                       "(for benchmarks)."));
    parser.addOptions({demo, server, kubeconfig, context, namespaceOption, release, size, screenshot, screenshotDelay,
                       exitWhenShown});
    parser.process(app);

    const Engine::ClusterChoice choice{parser.isSet(demo), parser.value(server), parser.value(kubeconfig),
                                       parser.value(context), parser.value(namespaceOption)};
    const auto selected = Engine::selectCluster(choice, true);
    if (!selected.ok()) {
        std::fprintf(stderr, "curtain: %s\n", qPrintable(selected.error().message));
        return 2;
    }
    Core::ClusterEndpoint endpoint = selected.value().endpoint;
    QString description = selected.value().description;
    std::unique_ptr<Sim::DemoCluster> demoCluster;
    if (selected.value().demo) {
        std::string error;
        demoCluster = Sim::startBuiltinDemo(&error);
        if (!demoCluster) {
            std::fprintf(stderr, "curtain: cannot start the demo cluster: %s\n", error.c_str());
            return 1;
        }
        endpoint.server = QString::fromStdString(demoCluster->url());
        description = QStringLiteral("demo (%1)").arg(endpoint.server);
    }

    int code = 0;
    {
        Net::NetworkThread network;
        auto *engine = new Engine::ReleaseEngine(network.http(), endpoint);
        network.adopt(engine);
        Ui::MainWindow window(engine, description);
        QSize windowSize(1280, 800);
        if (parser.isSet(size)) {
            const QStringList parts = parser.value(size).split(QLatin1Char('x'));
            if (parts.size() == 2 && parts[0].toInt() > 0 && parts[1].toInt() > 0) {
                windowSize = QSize(parts[0].toInt(), parts[1].toInt());
            }
        }
        window.resize(windowSize);
        window.show();
        engine->start();
        engine->enableMetrics(parser.isSet(screenshot) ? 500 : 2000);
        if (parser.isSet(release)) {
            // Select it as soon as it exists; stop trying once it is selected.
            auto *selecting = new QMetaObject::Connection;
            *selecting = QObject::connect(engine, &Engine::ReleaseEngine::releasesChanged, &window,
                                          [&window, selecting, name = parser.value(release)] {
                                              window.selectRelease(name);
                                              if (window.selectedRelease() == name) {
                                                  QObject::disconnect(*selecting);
                                                  delete selecting;
                                              }
                                          });
        }
        if (parser.isSet(exitWhenShown)) {
            QObject::connect(&window, &Ui::MainWindow::releaseShown, &app, [&sinceStart] {
                std::printf("shown %.1f ms\n", double(sinceStart.nsecsElapsed()) / 1e6);
                std::fflush(stdout);
                QApplication::quit();
            });
        }
        if (parser.isSet(screenshot)) {
            const QString file = parser.value(screenshot);
            const int delayMs = int(parser.value(screenshotDelay).toDouble() * 1000);
            QObject::connect(
                engine, &Engine::ReleaseEngine::metricsUpdated, &window,
                [&window, file, delayMs] {
                    QTimer::singleShot(delayMs, &window, [&window, file] {
                        window.grab().save(file);
                        QApplication::quit();
                    });
                },
                Qt::SingleShotConnection);
        }
        code = app.exec();
    }
    return code;
}
