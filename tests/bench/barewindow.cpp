// The floor for the cold-start benchmark: the smallest Qt Widgets window, shown and painted.

#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QTimer>

#include <cstdio>
#include <ctime>
#include <utility>

namespace {

QElapsedTimer sinceStart;

// "shown" once the first paint is done and the event loop has turned once more (the backing store
// is flushed by then), as `curtain --exit-when-shown` reports its first frame with data. A timer
// started right after show() would fire before the window system has even asked for a paint.
class BareWindow final : public QLabel
{
public:
    using QLabel::QLabel;

protected:
    void paintEvent(QPaintEvent *event) override
    {
        QLabel::paintEvent(event);
        if (!std::exchange(m_painted, true)) {
            QTimer::singleShot(0, qApp, [] {
                std::printf("shown %.1f ms, cpu %.1f ms\n", double(sinceStart.nsecsElapsed()) / 1e6,
                            1000.0 * double(std::clock()) / CLOCKS_PER_SEC);
                std::fflush(stdout);
                QApplication::quit();
            });
        }
    }

private:
    bool m_painted = false;
};

} // namespace

int main(int argc, char *argv[])
{
    sinceStart.start();
    QApplication app(argc, argv);
    BareWindow window(QStringLiteral("bare"));
    window.resize(1280, 800);
    window.show();
    return app.exec();
}
