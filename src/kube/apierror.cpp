#include "kube/apierror.h"

#include "core/displaytext.h"
#include "kube/json.h"

namespace Curtain::Kube {

using Core::ErrorKind;

namespace {

ErrorKind kindForStatus(int status)
{
    switch (status) {
    case 401:
        return ErrorKind::Unauthorized;
    case 403:
        return ErrorKind::Forbidden;
    case 404:
        return ErrorKind::NotFound;
    case 409:
        return ErrorKind::Conflict;
    case 400:
    case 415:
    case 422:
        return ErrorKind::InvalidInput;
    case 504:
        return ErrorKind::Timeout;
    default:
        return ErrorKind::Server;
    }
}

QString genericMessage(int status)
{
    switch (status) {
    case 401:
        return QStringLiteral("Unauthorized");
    case 403:
        return QStringLiteral("Forbidden");
    case 404:
        return QStringLiteral("the server could not find the requested resource");
    case 409:
        return QStringLiteral("the server reported a conflict");
    case 422:
        return QStringLiteral("the server rejected our request due to an error in our request");
    case 429:
        return QStringLiteral("the server has received too many requests and has asked us to try again later");
    case 503:
        return QStringLiteral("the server is currently unable to handle the request");
    case 504:
        return QStringLiteral("the server was unable to return a response in the time allotted");
    default:
        return QStringLiteral("the server answered HTTP %1").arg(status);
    }
}

} // namespace

QString statusReason(const QByteArray &body)
{
    const Json status = Json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (status.is_discarded() || !status.is_object()) {
        return {};
    }
    return stringAt(status, "/reason");
}

Core::Error apiError(int httpStatus, const QByteArray &body, const QString &what)
{
    QString message;
    const Json status = Json::parse(body.constBegin(), body.constEnd(), nullptr, false);
    if (!status.is_discarded() && status.is_object() && stringAt(status, "/kind") == QLatin1String("Status")) {
        message = stringAt(status, "/message");
    }
    if (message.isEmpty()) {
        message = genericMessage(httpStatus);
    }
    // The server's own words, but shown safely: a hostile or broken server writes what it likes.
    return Core::makeError(kindForStatus(httpStatus),
                           QStringLiteral("%1: %2 (HTTP %3)").arg(what, Core::shown(message, 1000)).arg(httpStatus),
                           httpStatus);
}

} // namespace Curtain::Kube
