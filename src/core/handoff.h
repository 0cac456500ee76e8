#pragma once

#include <QMetaObject>
#include <QObject>

#include <atomic>
#include <future>
#include <memory>
#include <utility>

// Work handed to another thread's event loop. Qt's queue orders the hand-off with its own mutex and
// reference counts, which ThreadSanitizer cannot see in a Qt built without it: every object a posted
// lambda captures was reported as a race between the poster and the thread that runs it. These
// helpers carry the same order through an atomic and a shared_ptr compiled into Curtain, where TSan
// sees them; they change nothing else (a release store and an acquire load that cost nothing here).
namespace Curtain::Core {

// Runs `work` in `context`'s thread: at once when that is this thread (Qt::AutoConnection), else
// from its event loop.
template <typename Work>
void post(QObject *context, Work work, Qt::ConnectionType type = Qt::AutoConnection)
{
    struct HandOff
    {
        explicit HandOff(Work w) : work(std::move(w)) {}
        Work work;
        std::atomic<bool> posted{false};
    };
    auto handOff = std::make_shared<HandOff>(std::move(work));
    handOff->posted.store(true, std::memory_order_release);
    QMetaObject::invokeMethod(
        context,
        [handOff] {
            (void)handOff->posted.load(std::memory_order_acquire);
            handOff->work();
        },
        type);
}

// Runs `work` in `context`'s thread, which must not be this one, and waits until it has run.
template <typename Work>
void runAndWait(QObject *context, Work work)
{
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> finished = done->get_future();
    post(
        context,
        [done, work = std::move(work)]() mutable {
            work();
            done->set_value();
        },
        Qt::QueuedConnection);
    finished.wait();
}

} // namespace Curtain::Core
