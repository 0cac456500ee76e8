#pragma once

// What curtainctl says, and how it waits: output free of raw control characters, one-line errors,
// exit codes by kind of error, and futures awaited on the main thread with a bound.

#include "commandline.h"

#include "core/result.h"

#include <QEventLoop>
#include <QFuture>
#include <QFutureWatcher>
#include <QString>
#include <QTimer>

namespace Curtain::Engine {
class ReleaseEngine;
}

namespace Curtain::Ctl {

void writeOut(const QString &text);
void writeErr(const QString &text);
// One message on one line, however long or strange its parts.
void writeError(const QString &message, const QString &prefix = QStringLiteral("curtainctl: "));

// How long to wait on the cluster: 30 s, plus the time an exec plugin may take to give the
// credential first, so that a hung plugin is reported as one, not as an overloaded cluster.
int clusterWaitMs(const Engine::ReleaseEngine *engine);
int exitCodeFor(const Core::Error &error);
// Prints the error (also as JSON on stdout with -o json) and returns its exit code.
int report(const Core::Error &error, OutputFormat format);

// Waits for a future on this (otherwise idle) thread, but never forever.
template <typename T>
Core::Result<T> await(QFuture<Core::Result<T>> future, int timeoutMs, const QString &what)
{
    QEventLoop loop;
    QFutureWatcher<Core::Result<T>> watcher;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    watcher.setFuture(future);
    if (!future.isFinished()) {
        loop.exec();
    }
    if (!future.isFinished() || future.resultCount() == 0) {
        return Core::makeError(Core::ErrorKind::Timeout,
                               QStringLiteral("%1 took longer than %2 s; the cluster may be overloaded or unreachable")
                                   .arg(what)
                                   .arg(timeoutMs / 1000));
    }
    return future.result();
}

} // namespace Curtain::Ctl
