#pragma once

#include <QElapsedTimer>
#include <QObject>

#include <functional>

namespace Curtain::Ui {
class WindowManager;
}

// --exit-when-shown: prints "shown <ms>, resident <MB>, cpu <ms>" once the window is open, its panels hold a release's
// data, a paint of the window has followed, and the event loop has turned once more (the backing store is flushed by
// then), then quits — as bench_barewindow reports its first painted frame. bench_startup and bench_scale time it.
class ShownReporter final : public QObject
{
public:
    ShownReporter(Curtain::Ui::WindowManager &manager, const QElapsedTimer &sinceStart,
                  std::function<double()> residentMegabytes);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum Seen { DataShown = 1, WindowOpen = 2 };
    void see(Seen what);

    Curtain::Ui::WindowManager &m_manager;
    const QElapsedTimer &m_sinceStart;
    std::function<double()> m_residentMegabytes;
    int m_seen = 0;
    bool m_watching = false;
    bool m_reported = false;
};
