// curtain: the desktop console. With no --server it starts the built-in demo cluster in-process and
// connects to it exactly as it would to a real cluster.

#include "consolestyle.h"
#include "engine/releaseengine.h"
#include "engine/session.h"
#include "mainwindow.h"
#include "shownreporter.h"
#include "windowmanager.h"

#include "branding.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QIcon>
#include <QIconEngine>
#include <QPainter>
#include <QPixmapCache>
#include <QSvgRenderer>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

using namespace Curtain;

namespace {

// Resident memory of this process, for benchmarks (Linux; 0 elsewhere).
double residentMegabytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:")) {
                return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
            }
        }
    }
    return 0.0;
}

// The window icon, drawn from the same SVG the packages' icons are rendered from (no icon-engine
// plugin needed at run time), at each size only when the window system first asks for it: drawing
// every size up front cost 2–4 ms of each cold start, before the window existed.
class SvgIconEngine final : public QIconEngine
{
public:
    explicit SvgIconEngine(QString file) : m_file(std::move(file)) {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode, QIcon::State) override
    {
        QSvgRenderer(m_file).render(painter, rect);
    }
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        const QString key = QStringLiteral("curtain-icon-%1x%2").arg(size.width()).arg(size.height());
        QPixmap drawn;
        if (!QPixmapCache::find(key, &drawn)) {
            drawn = QPixmap(size);
            drawn.fill(Qt::transparent);
            QPainter painter(&drawn);
            painter.setRenderHint(QPainter::Antialiasing);
            paint(&painter, drawn.rect(), mode, state);
            painter.end();
            QPixmapCache::insert(key, drawn);
        }
        return drawn;
    }
    QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override
    {
        return {{16, 16}, {24, 24}, {32, 32}, {48, 48}, {64, 64}, {128, 128}, {256, 256}};
    }
    QIconEngine *clone() const override { return new SvgIconEngine(m_file); }

private:
    QString m_file;
};

QIcon applicationIcon()
{
    return QIcon(new SvgIconEngine(QStringLiteral(":/curtain/curtain.svg")));
}

QString aboutText()
{
    return QStringLiteral("<h3>%1 %2</h3><p>%3</p><p><a href=\"%4\">%4</a></p><p>%5 · %6 license · Qt %7</p>")
        .arg(QStringLiteral(CURTAIN_DISPLAY_NAME), QStringLiteral(CURTAIN_VERSION), QStringLiteral(CURTAIN_SUMMARY),
             QStringLiteral(CURTAIN_HOMEPAGE), QStringLiteral(CURTAIN_COPYRIGHT), QStringLiteral(CURTAIN_LICENSE),
             QString::fromLatin1(qVersion()));
}

// --size WxH; nullopt when absent. Anything else ends the program with an error naming the option.
std::optional<QSize> windowSize(const QString &option)
{
    if (option.isEmpty()) {
        return std::nullopt;
    }
    const QStringList parts = option.split(QLatin1Char('x'));
    if (parts.size() == 2 && parts[0].toInt() > 0 && parts[1].toInt() > 0) {
        return QSize(parts[0].toInt(), parts[1].toInt());
    }
    std::fprintf(stderr, "curtain: --size %s is not a window size; give width x height in pixels, e.g. 1280x800\n",
                 qPrintable(option));
    std::exit(2);
}

// --screenshot-delay: seconds, up to ten minutes (a longer wait is a typo, and 1e300 s would
// overflow the milliseconds).
int screenshotDelayMs(const QString &option)
{
    bool ok = false;
    const double seconds = option.toDouble(&ok);
    if (ok && seconds >= 0 && seconds <= 600) {
        return int(seconds * 1000);
    }
    std::fprintf(stderr, "curtain: --screenshot-delay %s is not a delay; give seconds from 0 to 600, e.g. 1.5\n",
                 qPrintable(option));
    std::exit(2);
}

bool hasDisplay()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
           qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

// --help and --version print and quit: they need no display (over ssh, in a container, in CI).
bool onlyAsksAboutItself(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray argument(argv[i]);
        if (argument == "--help" || argument == "-h" || argument == "-?" || argument == "--help-all" ||
            argument == "--version" || argument == "-v") {
            return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    if (!hasDisplay() && onlyAsksAboutItself(argc, argv)) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
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
    Ui::ConsoleStyle::install(); // before any widget
    QApplication::setApplicationName(QStringLiteral("Curtain"));
    QApplication::setApplicationDisplayName(QStringLiteral(CURTAIN_DISPLAY_NAME));
    QApplication::setOrganizationName(QStringLiteral("Curtain")); // settings: ~/.config/Curtain/Curtain.conf
    QApplication::setOrganizationDomain(QStringLiteral("curtain.dev"));
    QApplication::setApplicationVersion(QStringLiteral(CURTAIN_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral(CURTAIN_APP_ID)); // Wayland matches the .desktop file by it
    QApplication::setWindowIcon(applicationIcon());

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(CURTAIN_SUMMARY));
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
        QStringLiteral("A kubeconfig context (default: the one shown when the console last closed, else the "
                       "kubeconfig's current one; demo: the demo cluster)."),
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
        QStringLiteral("Print the time from start until the window shows data in both panels, then "
                       "quit (for benchmarks)."));
    const QCommandLineOption fleetOption(QStringLiteral("fleet"),
                                         QStringLiteral("Open the fleet view of every context at start."));
    const QCommandLineOption haproxy(
        QStringLiteral("haproxy"),
        QStringLiteral("Open an HAProxy fleet from this fleet file instead of a cluster (see the README, \"HAProxy "
                       "fleets\")."),
        QStringLiteral("file"));
    const QCommandLineOption haproxyFleet(QStringLiteral("haproxy-fleet"),
                                          QStringLiteral("Which fleet of the --haproxy file (default: its only one)."),
                                          QStringLiteral("name"));
    parser.addOption(fleetOption);
    parser.addOptions({haproxy, haproxyFleet});
    parser.addOptions({demo, server, kubeconfig, context, namespaceOption, release, size, screenshot, screenshotDelay,
                       exitWhenShown});
    parser.process(app);

    Ui::WindowManager::Options options;
    options.choice = {parser.isSet(demo),        parser.value(server),          parser.value(kubeconfig),
                      parser.value(context),     parser.value(namespaceOption), parser.value(haproxy),
                      parser.value(haproxyFleet)};
    options.contextSwitcher = !parser.isSet(server) && !parser.isSet(demo) && !parser.isSet(haproxy);
    options.rememberSession = options.contextSwitcher && !parser.isSet(context);
    options.metricsIntervalMs = parser.isSet(screenshot) ? 500 : 2000;
    options.size = windowSize(parser.value(size));
    options.aboutText = aboutText();
    if (options.contextSwitcher) {
        options.startLab = Ui::WindowManager::builtinLab(Ui::WindowManager::labBackendProgram());
    }
    Ui::WindowManager manager(options, Ui::WindowManager::builtinDemo());
    QObject::connect(&manager, &Ui::WindowManager::openFailed, &app, [](const QString &message) {
        std::fprintf(stderr, "curtain: %s\n", qPrintable(message));
        QCoreApplication::exit(2);
    });
    manager.open();
    if (parser.isSet(release)) {
        manager.window()->selectRelease(parser.value(release)); // remembered until the release is listed
    }
    if (parser.isSet(fleetOption)) {
        QObject::connect(&manager, &Ui::WindowManager::opened, &manager, &Ui::WindowManager::showFleet);
    }
    if (parser.isSet(exitWhenShown)) {
        new ShownReporter(manager, sinceStart, residentMegabytes); // the manager owns it
    }
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        const int delayMs = screenshotDelayMs(parser.value(screenshotDelay));
        QObject::connect(&manager, &Ui::WindowManager::opened, &manager, [&manager, file, delayMs] {
            Ui::MainWindow *window = manager.window();
            QObject::connect(
                manager.session()->source(), &Engine::ReleaseSource::metricsUpdated, window,
                [window, file, delayMs] {
                    QTimer::singleShot(delayMs, window, [window, file] {
                        window->grab().save(file);
                        QApplication::quit();
                    });
                },
                Qt::SingleShotConnection);
        });
    }
    return app.exec(); // then the window manager closes the windows and the session
}
