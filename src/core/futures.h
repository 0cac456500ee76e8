#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QPromise>

#include <utility>

namespace Curtain::Core {

// Calls `handler` with the future's result on `context`'s thread — or never, if `context` is
// destroyed first or the future ends without a result (e.g. cancelled at shutdown). Call it on
// `context`'s thread.
//
// QFuture::then(context, …) in Qt 6.4 asserts when the context dies before the future finishes,
// which is exactly what happens to in-flight requests at shutdown; a watcher owned by the context
// simply goes away with it.
template <typename T, typename Handler>
void onFinished(const QFuture<T> &future, QObject *context, Handler handler)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, handler = std::move(handler)]() mutable {
                         watcher->deleteLater();
                         const QFuture<T> done = watcher->future();
                         if (done.resultCount() > 0) {
                             handler(done.result());
                         }
                     });
    watcher->setFuture(future);
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
