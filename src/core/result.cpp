#include "core/result.h"

namespace Curtain::Core {

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidInput:
        return QStringLiteral("invalid input");
    case ErrorKind::NotFound:
        return QStringLiteral("not found");
    case ErrorKind::Conflict:
        return QStringLiteral("conflict");
    case ErrorKind::Refused:
        return QStringLiteral("refused");
    case ErrorKind::Unreachable:
        return QStringLiteral("unreachable");
    case ErrorKind::Unauthorized:
        return QStringLiteral("unauthorized");
    case ErrorKind::Forbidden:
        return QStringLiteral("forbidden");
    case ErrorKind::Timeout:
        return QStringLiteral("timeout");
    case ErrorKind::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorKind::Protocol:
        return QStringLiteral("protocol error");
    case ErrorKind::Server:
        return QStringLiteral("server error");
    case ErrorKind::NotConfirmed:
        return QStringLiteral("not confirmed");
    }
    return QStringLiteral("error");
}

} // namespace Curtain::Core
