#include "haproxy/runtimeclient.h"

#include "core/displaytext.h"
#include "core/handoff.h"

#include <QLocalSocket>
#include <QProcess>
#include <QPromise>
#include <QTcpSocket>
#include <QTimer>

#include <memory>
#include <utility>

namespace Curtain::HAProxy {

using Core::ErrorKind;
using Core::Result;

QString commandLineProblem(const QString &command)
{
    if (command.trimmed().isEmpty()) {
        return QStringLiteral("the runtime API command is empty");
    }
    for (const QChar c : command) {
        if (c == QLatin1Char('\r') || c == QLatin1Char('\n') || c == QChar(0)) {
            return QStringLiteral("the runtime API command \"%1\" holds a line break or a NUL character; HAProxy "
                                  "would read a second command from it, so it was not sent")
                .arg(Core::shown(command));
        }
    }
    return {};
}

namespace {

constexpr qsizetype errorTailBytes = 4096; // the last lines of a helper's complaint

QString sizeText(qint64 bytes)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
        return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
    }
    return QStringLiteral("%1 bytes").arg(bytes);
}

// What a socket still holds when it reports the peer gone; it may be closed already.
QByteArray unread(QIODevice *device)
{
    return device->isOpen() && device->bytesAvailable() > 0 ? device->readAll() : QByteArray();
}

// One command over one connection (or one run of the command endpoint). Lives on the client's
// thread, answers its promise exactly once, and deletes itself after answering.
class CommandExchange final : public QObject
{
public:
    CommandExchange(RuntimeTarget target, QString command, RuntimeLimits limits,
                    std::unique_ptr<QPromise<Result<QString>>> promise, QObject *parent)
        : QObject(parent), m_target(std::move(target)), m_command(std::move(command).toUtf8() + '\n'), m_limits(limits),
          m_promise(std::move(promise))
    {
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this] {
            fail(ErrorKind::Timeout, QStringLiteral("no complete answer within %1 s, the runtime API timeout")
                                         .arg(m_limits.timeoutMs / 1000.0));
        });
    }

    ~CommandExchange() override
    {
        if (m_promise) { // the client went away mid-exchange
            finish(Core::makeError(ErrorKind::Cancelled, prefix() + QStringLiteral("cancelled: the client shut down")));
        }
        // Closing a socket or killing a process emits signals; none may reach this half-destroyed object.
        for (QObject *device : {static_cast<QObject *>(m_local.get()), static_cast<QObject *>(m_tcp.get()),
                                static_cast<QObject *>(m_process.get())}) {
            if (device) {
                device->disconnect(this);
            }
        }
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->kill();
            m_process->waitForFinished(1000);
        }
    }

    void start()
    {
        m_deadline.start(m_limits.timeoutMs);
        switch (m_target.endpoint.kind) {
        case Endpoint::Kind::Unix:
            startUnix();
            break;
        case Endpoint::Kind::Tcp:
            startTcp();
            break;
        case Endpoint::Kind::Command:
            startCommand();
            break;
        }
    }

private:
    QString prefix() const
    {
        return QStringLiteral("HAProxy instance \"%1\" (%2): ")
            .arg(Core::shown(m_target.instance), Core::shown(m_target.endpoint.describe()));
    }

    void startUnix()
    {
        m_local = std::make_unique<QLocalSocket>();
        connect(m_local.get(), &QLocalSocket::connected, this, [this] { sendCommand(m_local.get()); });
        connect(m_local.get(), &QLocalSocket::readyRead, this, [this] { receive(m_local->readAll()); });
        connect(m_local.get(), &QLocalSocket::disconnected, this, [this] { peerClosed(unread(m_local.get())); });
        connect(m_local.get(), &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError error) {
            const QString &path = m_target.endpoint.path;
            if (error == QLocalSocket::PeerClosedError) {
                return; // disconnected() ends the exchange
            } else if (error == QLocalSocket::ServerNotFoundError) {
                fail(ErrorKind::Unreachable, QStringLiteral("no runtime socket at %1: is HAProxy running with "
                                                            "`stats socket %1 level admin`?")
                                                 .arg(path));
            } else if (error == QLocalSocket::ConnectionRefusedError) {
                fail(ErrorKind::Unreachable, QStringLiteral("connection refused at %1: nothing accepts on that socket "
                                                            "(HAProxy stopped or restarting?)")
                                                 .arg(path));
            } else if (error == QLocalSocket::SocketAccessError) {
                fail(ErrorKind::Forbidden, QStringLiteral("permission denied on %1: run Curtain as a member of the "
                                                          "socket's group, or give the stats socket `mode 660`")
                                               .arg(path));
            } else {
                fail(ErrorKind::Unreachable, Core::shown(m_local->errorString()));
            }
        });
        m_local->connectToServer(m_target.endpoint.path);
    }

    void startTcp()
    {
        m_tcp = std::make_unique<QTcpSocket>();
        connect(m_tcp.get(), &QTcpSocket::connected, this, [this] { sendCommand(m_tcp.get()); });
        connect(m_tcp.get(), &QTcpSocket::readyRead, this, [this] { receive(m_tcp->readAll()); });
        connect(m_tcp.get(), &QTcpSocket::disconnected, this, [this] { peerClosed(unread(m_tcp.get())); });
        connect(m_tcp.get(), &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::RemoteHostClosedError) {
                return; // disconnected() ends the exchange
            } else if (error == QAbstractSocket::ConnectionRefusedError) {
                fail(ErrorKind::Unreachable, QStringLiteral("connection refused: is HAProxy running with `stats socket "
                                                            "ipv4@%1:%2 level admin`?")
                                                 .arg(m_target.endpoint.host)
                                                 .arg(m_target.endpoint.port));
            } else if (error == QAbstractSocket::HostNotFoundError) {
                fail(ErrorKind::Unreachable, QStringLiteral("the host name could not be resolved"));
            } else {
                fail(ErrorKind::Unreachable, Core::shown(m_tcp->errorString()));
            }
        });
        m_tcp->connectToHost(m_target.endpoint.host, m_target.endpoint.port);
    }

    void startCommand()
    {
        m_process = std::make_unique<QProcess>();
        connect(m_process.get(), &QProcess::readyReadStandardOutput, this,
                [this] { receive(m_process->readAllStandardOutput()); });
        connect(m_process.get(), &QProcess::readyReadStandardError, this, [this] { keepErrors(); });
        connect(m_process.get(), &QProcess::started, this, [this] {
            sendCommand(m_process.get());
            m_process->closeWriteChannel(); // socat and ssh pass the end of input on; HAProxy answers, then closes
        });
        connect(m_process.get(), &QProcess::finished, this, &CommandExchange::processEnded);
        connect(m_process.get(), &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart) { // no finished() follows
                // Not errorString(): it quotes the program, and the argv stays unsaid.
                fail(ErrorKind::Unreachable, QStringLiteral("the runtime API command could not be started: its "
                                                            "program is missing or not executable"));
            }
        });
        const QStringList &argv = m_target.endpoint.argv;
        m_process->start(argv.first(), argv.mid(1));
    }

    void sendCommand(QIODevice *device)
    {
        m_sent = true;
        device->write(m_command);
    }

    void receive(const QByteArray &chunk)
    {
        if (!m_promise) {
            return;
        }
        m_reply += chunk;
        if (m_reply.size() > m_limits.maxReplyBytes) {
            m_reply.clear();
            fail(ErrorKind::Protocol, QStringLiteral("replied with more than %1, the limit for one runtime API reply")
                                          .arg(sizeText(m_limits.maxReplyBytes)));
        }
    }

    void peerClosed(const QByteArray &rest)
    {
        receive(rest);
        if (!m_promise) {
            return;
        }
        if (m_reply.isEmpty()) {
            fail(ErrorKind::Protocol, QStringLiteral("closed the connection without answering (HAProxy restarting, "
                                                     "or the stats socket's `maxconn` reached?)"));
            return;
        }
        finish(QString::fromUtf8(m_reply));
    }

    void processEnded(int exitCode, QProcess::ExitStatus status)
    {
        receive(m_process->readAllStandardOutput());
        keepErrors();
        if (!m_promise) { // answered already (a timeout, a reply too large): the killed process is gone now
            deleteLater();
            return;
        }
        const QString said = QString::fromUtf8(m_errorTail.trimmed());
        const QString stderrText = said.isEmpty() ? QString() : QStringLiteral(": ") + Core::shown(said.right(300));
        if (status != QProcess::NormalExit) {
            fail(ErrorKind::Unreachable, QStringLiteral("the runtime API command crashed%1").arg(stderrText));
        } else if (exitCode != 0) {
            fail(ErrorKind::Unreachable,
                 QStringLiteral("the runtime API command exited with code %1%2").arg(exitCode).arg(stderrText));
        } else {
            peerClosed({});
        }
    }

    void keepErrors()
    {
        m_errorTail += m_process->readAllStandardError();
        m_errorTail = m_errorTail.right(errorTailBytes);
    }

    void fail(ErrorKind kind, const QString &message)
    {
        Core::Error error = Core::makeError(kind, prefix() + message);
        error.requestSent = m_sent && kind != ErrorKind::Forbidden;
        finish(std::move(error));
    }

    // Answers once. The connection goes with this object; a process still running is killed first,
    // and processEnded() deletes this once it is gone, so nothing waits for it here.
    void finish(Result<QString> result)
    {
        if (!m_promise) {
            return;
        }
        m_deadline.stop();
        const auto promise = std::exchange(m_promise, nullptr);
        promise->addResult(std::move(result));
        promise->finish();
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->kill();
        } else {
            deleteLater();
        }
    }

    RuntimeTarget m_target;
    QByteArray m_command;
    RuntimeLimits m_limits;
    std::unique_ptr<QPromise<Result<QString>>> m_promise;
    QTimer m_deadline;
    std::unique_ptr<QLocalSocket> m_local;
    std::unique_ptr<QTcpSocket> m_tcp;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_reply;
    QByteArray m_errorTail;
    bool m_sent = false;
};

} // namespace

RuntimeClient::RuntimeClient(QObject *parent) : QObject(parent)
{}

RuntimeClient::~RuntimeClient() = default; // the exchanges are children: each cancels its own promise

QFuture<Result<QString>> RuntimeClient::send(const RuntimeTarget &target, const QString &command,
                                             const RuntimeLimits &limits)
{
    auto promise = std::make_unique<QPromise<Result<QString>>>();
    promise->start();
    QFuture<Result<QString>> future = promise->future();
    if (const QString problem = commandLineProblem(command); !problem.isEmpty()) {
        promise->addResult(Core::makeError(ErrorKind::InvalidInput, problem));
        promise->finish();
        return future;
    }
    // Shared so the queued call stays copyable; whoever runs it takes the promise out.
    auto pending = std::make_shared<std::unique_ptr<QPromise<Result<QString>>>>(std::move(promise));
    Core::post(
        this,
        [this, pending, target, command, limits] {
            auto *exchange = new CommandExchange(target, command, limits, std::move(*pending), this);
            exchange->start();
        },
        Qt::QueuedConnection);
    return future;
}

} // namespace Curtain::HAProxy
