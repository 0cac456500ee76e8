#pragma once

#include "core/result.h"
#include "haproxy/endpoint.h"

#include <QFuture>
#include <QObject>
#include <QString>

namespace Curtain::HAProxy {

// How long one exchange may take and how much it may bring back; both are named in their errors.
struct RuntimeLimits
{
    qint64 maxReplyBytes = 16 * 1024 * 1024; // `show stat` of a large fleet is a few MiB
    int timeoutMs = 10'000;                  // connect, send and the whole reply
};

// Where a command goes: the instance's name (what errors say) and how its runtime API is reached.
struct RuntimeTarget
{
    QString instance;
    Endpoint endpoint;
};

// The problem with a runtime API command line before it is sent, or empty: CR, LF or NUL would end
// the line early and smuggle in a second command of someone else's choosing.
QString commandLineProblem(const QString &command);

// Sends one command per connection in HAProxy's non-interactive mode (the command and "\n", then
// read until the peer closes) and answers with the reply text. Thread-safe: each exchange runs on
// this object's thread (the network thread), and the future finishes there. Errors name the
// instance and the socket address, never a command endpoint's argv (it may carry a secret).
// Destroying the client cancels what is still running (Cancelled).
class RuntimeClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RuntimeClient)

public:
    explicit RuntimeClient(QObject *parent = nullptr);
    ~RuntimeClient() override;

    QFuture<Core::Result<QString>> send(const RuntimeTarget &target, const QString &command,
                                        const RuntimeLimits &limits = {});
};

} // namespace Curtain::HAProxy
