#include "haproxy/endpoint.h"

#include "core/displaytext.h"

#include <QHostAddress>

namespace Curtain::HAProxy {

namespace {

const QString forms = QStringLiteral("write unix:/run/haproxy/admin.sock, tcp:HOST:PORT (or HAProxy's ipv4@HOST:PORT), "
                                     "or give a command as a list under `command`");

Core::Error invalid(const QString &text, const QString &problem)
{
    return Core::makeError(Core::ErrorKind::InvalidInput,
                           QStringLiteral("runtime API address \"%1\" %2; %3").arg(Core::shown(text), problem, forms));
}

Core::Result<Endpoint> unixEndpoint(const QString &text, const QString &path)
{
    if (!path.startsWith(QLatin1Char('/'))) {
        return invalid(text, QStringLiteral("is not an absolute path (a relative path depends on where Curtain was "
                                            "started)"));
    }
    if (path.size() > 107) { // sun_path holds 108 bytes with the terminating NUL
        return invalid(text, QStringLiteral("is longer than the 107 bytes a unix socket path may have"));
    }
    Endpoint endpoint;
    endpoint.kind = Endpoint::Kind::Unix;
    endpoint.path = path;
    return endpoint;
}

// HOST:PORT where HOST is a name, IPv4, or [IPv6]; HAProxy's ipv6@ form also allows a bare IPv6.
Core::Result<Endpoint> tcpEndpoint(const QString &text, const QString &address, bool bareIpv6)
{
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    if (colon < 0) {
        return invalid(text, QStringLiteral("has no port (HOST:PORT)"));
    }
    QString host = address.left(colon);
    const QString portText = address.mid(colon + 1);
    bool isNumber = false;
    const int port = portText.toInt(&isNumber);
    if (!isNumber || port < 1 || port > 65535 || portText.startsWith(QLatin1Char('+'))) {
        return invalid(
            text, QStringLiteral("has the port \"%1\", expected a number from 1 to 65535").arg(Core::shown(portText)));
    }
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']'))) {
        host = host.mid(1, host.size() - 2);
        if (QHostAddress(host).protocol() != QAbstractSocket::IPv6Protocol) {
            return invalid(text, QStringLiteral("has brackets around something that is not an IPv6 address"));
        }
    } else if (host.contains(QLatin1Char(':')) && !(bareIpv6 && !QHostAddress(host).isNull())) {
        return invalid(text, QStringLiteral("has an IPv6 address without brackets; write tcp:[ADDRESS]:PORT"));
    }
    if (host.isEmpty()) {
        return invalid(text, QStringLiteral("has no host"));
    }
    Endpoint endpoint;
    endpoint.kind = Endpoint::Kind::Tcp;
    endpoint.host = host;
    endpoint.port = quint16(port);
    return endpoint;
}

} // namespace

QString Endpoint::describe() const
{
    switch (kind) {
    case Kind::Unix:
        return QStringLiteral("unix:") + path;
    case Kind::Tcp:
        return QStringLiteral("tcp:%1:%2")
            .arg(host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host)
            .arg(port);
    case Kind::Command:
        return QStringLiteral("a command");
    }
    return {};
}

Core::Result<Endpoint> parseEndpoint(const QString &text)
{
    if (text.trimmed().isEmpty()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("the runtime API address is empty; %1").arg(forms));
    }
    if (Core::hasControlOrSpace(text)) {
        return invalid(text, QStringLiteral("contains a space or a control character (a command goes in a list "
                                            "under `command`, one argument per item)"));
    }
    if (text.startsWith(QLatin1Char('/'))) {
        return unixEndpoint(text, text);
    }
    for (const QString &prefix : {QStringLiteral("unix:"), QStringLiteral("unix@")}) {
        if (text.startsWith(prefix, Qt::CaseInsensitive)) {
            return unixEndpoint(text, text.mid(prefix.size()));
        }
    }
    if (text.startsWith(QLatin1String("tcp:"), Qt::CaseInsensitive)) {
        return tcpEndpoint(text, text.mid(4), false);
    }
    if (text.startsWith(QLatin1String("ipv4@"), Qt::CaseInsensitive)) {
        auto endpoint = tcpEndpoint(text, text.mid(5), false);
        if (endpoint.ok() && QHostAddress(endpoint.value().host).protocol() != QAbstractSocket::IPv4Protocol) {
            return invalid(text, QStringLiteral("does not hold an IPv4 address after ipv4@"));
        }
        return endpoint;
    }
    if (text.startsWith(QLatin1String("ipv6@"), Qt::CaseInsensitive)) {
        return tcpEndpoint(text, text.mid(5), true);
    }
    if (text.contains(QLatin1String("://"))) {
        return invalid(text, QStringLiteral("is a URL; the runtime API is a socket, not HTTP"));
    }
    return invalid(text, QStringLiteral("is neither an absolute path nor a unix:, tcp:, ipv4@ or ipv6@ address"));
}

Core::Result<Endpoint> commandEndpoint(const QStringList &argv)
{
    if (argv.isEmpty() || argv.first().trimmed().isEmpty()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("the runtime API command is empty; give the program and its arguments "
                                              "as a list, e.g. [ssh, lb-a, socat, -, /run/haproxy/admin.sock]"));
    }
    for (qsizetype i = 0; i < argv.size(); ++i) {
        if (argv[i].contains(QChar(0))) {
            return Core::makeError(Core::ErrorKind::InvalidInput,
                                   QStringLiteral("argument %1 of the runtime API command holds a NUL character, which "
                                                  "no program can receive; remove it")
                                       .arg(i + 1));
        }
    }
    Endpoint endpoint;
    endpoint.kind = Endpoint::Kind::Command;
    endpoint.argv = argv;
    return endpoint;
}

} // namespace Curtain::HAProxy
