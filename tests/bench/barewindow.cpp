// The floor for the cold-start benchmark: the smallest Qt Widgets window, shown and painted.

#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    QApplication app(argc, argv);
    QLabel window(QStringLiteral("bare"));
    window.resize(1280, 800);
    window.show();
    // The first turn of the event loop after show(): the window has been laid out and exposed.
    QTimer::singleShot(0, &app, [&] {
        std::printf("shown %.1f ms\n", double(sinceStart.nsecsElapsed()) / 1e6);
        std::fflush(stdout);
        QApplication::quit();
    });
    return app.exec();
}
