#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QPromise>

#include <type_traits>
#include <utility>

namespace Curtain::Core {

// Calls `deliver` with the finished future on `context`'s thread — or never, if `context` is
// destroyed first or the future ends without a result (e.g. cancelled at shutdown). Call it on
// `context`'s thread. onFinished and onFinishedTakingResult below are its two uses.
//
// QFuture::then(context, …) in Qt 6.4 asserts when the context dies before the future finishes,
// which is exactly what happens to in-flight requests at shutdown; a watcher owned by the context
// simply goes away with it.
template <typename T, typename Deliver>
void whenFinished(const QFuture<T> &future, QObject *context, Deliver deliver)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, deliver = std::move(deliver)]() mutable {
                         watcher->deleteLater();
                         QFuture<T> done = watcher->future();
                         if (done.resultCount() > 0) {
                             deliver(done);
                         }
                     });
    watcher->setFuture(future);
}

template <typename T, typename Handler>
void onFinished(const QFuture<T> &future, QObject *context, Handler handler)
{
    whenFinished(future, context, [handler = std::move(handler)](QFuture<T> &done) mutable { handler(done.result()); });
}

// As onFinished, for a future no one else reads: the result is moved out of it (takeResult) into
// `handler`, not copied. A list of thousands of objects is then held once, not twice at its peak,
// and a result that owns something (a session) has no second owner left in the future.
template <typename T, typename Handler>
void onFinishedTakingResult(const QFuture<T> &future, QObject *context, Handler handler)
{
    // takeResult moves only what moves without throwing; anything else it quietly copies.
    static_assert(std::is_nothrow_move_constructible_v<T>, "a result taken from a future must move, not copy");
    whenFinished(future, context,
                 [handler = std::move(handler)](QFuture<T> &done) mutable { handler(done.takeResult()); });
}

// A future that has finished already, holding `value`: an answer that needs no waiting, from an
// interface whose other implementations do wait.
template <typename T>
QFuture<T> readyFuture(T value)
{
    QPromise<T> promise;
    promise.start();
    promise.addResult(std::move(value));
    promise.finish();
    return promise.future();
}

} // namespace Curtain::Core
