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
// from its event loop. Never inlined, so that its frame keeps its full name in TSan's reports (the
// suppression of Qt's event queue in tests/sanitizers/tsan.supp names it).
template <typename Work>
Q_NEVER_INLINE void post(QObject *context, Work work, Qt::ConnectionType type = Qt::AutoConnection)
{
    struct HandOff
    {
        explicit HandOff(Work w) : work(std::move(w)) {}
        Work work;
        std::atomic<bool> posted{false};
        std::atomic<bool> ran{false};
    };
    // What Qt queues. The thread that ran it marks `ran` after its last use; whichever thread
    // destroys it (the last to drop Qt's reference, often the poster) reads the mark first, so
    // freeing the captures is ordered after their use where TSan sees it.
    struct Posted
    {
        std::shared_ptr<HandOff> handOff;
        void operator()() const
        {
            (void)handOff->posted.load(std::memory_order_acquire);
            handOff->work();
            handOff->ran.store(true, std::memory_order_release);
        }
        Posted(const Posted &) = default;
        Posted(Posted &&) noexcept = default;
        Posted &operator=(const Posted &) = delete;
        Posted &operator=(Posted &&) = delete;
        explicit Posted(std::shared_ptr<HandOff> h) : handOff(std::move(h)) {}
        ~Posted()
        {
            if (handOff) {
                (void)handOff->ran.load(std::memory_order_acquire);
            }
        }
    };
    auto handOff = std::make_shared<HandOff>(std::move(work));
    handOff->posted.store(true, std::memory_order_release);
    QMetaObject::invokeMethod(context, Posted(std::move(handOff)), type);
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
