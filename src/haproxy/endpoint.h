#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace Curtain::HAProxy {

// How one HAProxy instance's runtime API (its `stats socket`) is reached: a unix-domain socket, a
// TCP address, or a command whose standard input and output are the socket (ssh + socat).
struct Endpoint
{
    enum class Kind { Unix, Tcp, Command };

    Kind kind = Kind::Unix;
    QString path;     // Unix: an absolute path
    QString host;     // Tcp: a name, an IPv4 address or an IPv6 address (without brackets)
    quint16 port = 0; // Tcp
    QStringList argv; // Command: the program and its arguments; may hold secrets, so never shown

    // For messages and logs: the socket's address, or only "a command" (its argv may carry a token).
    QString describe() const;
};

// `unix:/run/haproxy/admin.sock`, a bare absolute path, `tcp:127.0.0.1:9999`, `tcp:[::1]:9999`, or
// HAProxy's own `ipv4@127.0.0.1:9999` / `ipv6@[::1]:9999` / `unix@/path`. Anything else is an
// InvalidInput error that names the problem and shows the forms that work.
Core::Result<Endpoint> parseEndpoint(const QString &text);

// A command endpoint from its argv (e.g. ssh lb-a socat - /run/haproxy/admin.sock). Errors never
// quote the arguments.
Core::Result<Endpoint> commandEndpoint(const QStringList &argv);

} // namespace Curtain::HAProxy
