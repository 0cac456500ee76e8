#pragma once

#include "core/result.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QSignalSpy>

namespace Curtain::Test {

// Waits (processing events) for a future that carries a Result; a Timeout error after `timeoutMs`.
template <typename T>
Core::Result<T> waitFor(QFuture<Core::Result<T>> future, int timeoutMs = 20000)
{
    QFutureWatcher<Core::Result<T>> watcher;
    QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
    watcher.setFuture(future);
    if (!future.isFinished() && !finished.wait(timeoutMs)) {
        return Core::makeError(Core::ErrorKind::Timeout, QStringLiteral("test: no answer within %1 ms").arg(timeoutMs));
    }
    return future.result();
}

} // namespace Curtain::Test
