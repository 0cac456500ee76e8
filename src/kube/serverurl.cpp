#include "kube/serverurl.h"

#include "core/displaytext.h"

#include <QUrl>

#include <algorithm>

namespace Curtain::Kube {

namespace {

Core::Error invalidServer(const QString &message)
{
    return Core::makeError(Core::ErrorKind::InvalidInput, message);
}

bool isLoopback(const QString &host)
{
    if (host == QLatin1String("localhost") || host == QLatin1String("::1")) {
        return true;
    }
    const QStringList parts = host.split(QLatin1Char('.'));
    if (parts.size() != 4 || parts.front() != QLatin1String("127")) {
        return false;
    }
    return std::all_of(parts.begin(), parts.end(), [](const QString &part) {
        bool number = false;
        const int value = part.toInt(&number);
        return number && value >= 0 && value <= 255;
    });
}

} // namespace

Core::Result<QString> parseServerUrl(const QString &text)
{
    // QUrl's tolerant parsing would turn "http://h:1 /x" into a request to port 80; refuse instead.
    if (Core::hasControlOrSpace(text)) {
        return invalidServer(QStringLiteral("contains a space or a control character"));
    }
    if (!text.contains(QLatin1String("://"))) {
        return invalidServer(QStringLiteral("has no scheme; write it as https://HOST:PORT"));
    }
    if (text.contains(QLatin1Char('@'))) {
        // Before QUrl: its error text would quote the whole input, password and all.
        return invalidServer(
            QStringLiteral("carries a user name or password; give credentials in the kubeconfig user"));
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid()) {
        // QUrl's message quotes the input, which may be huge.
        return invalidServer(QStringLiteral("is not a valid URL (%1)").arg(Core::shown(url.errorString(), 160)));
    }
    const QString scheme = url.scheme();
    if (scheme != QLatin1String("https") && scheme != QLatin1String("http")) {
        return invalidServer(QStringLiteral("has the scheme \"%1\"; an API server is reached over https:// (or http:// "
                                            "on this machine)")
                                 .arg(scheme.left(20)));
    }
    if (url.host().isEmpty()) {
        return invalidServer(QStringLiteral("has no host"));
    }
    if (!url.userInfo().isEmpty()) {
        return invalidServer(
            QStringLiteral("carries a user name or password; give credentials in the kubeconfig user"));
    }
    if (url.hasQuery() || url.hasFragment()) {
        return invalidServer(
            QStringLiteral("has a query or a fragment (?… or #…), which an API server URL cannot have"));
    }
    QString normalised = url.toString(QUrl::FullyEncoded);
    while (normalised.endsWith(QLatin1Char('/'))) {
        normalised.chop(1);
    }
    return normalised;
}

QString shownServerUrl(const QString &text)
{
    // Everything between the scheme and the last '@' may be user info, however the password is
    // spelt ('/', '?', '#' and '@' included): none of it is shown.
    const qsizetype scheme = text.indexOf(QLatin1String("://"));
    const qsizetype start = scheme < 0 ? 0 : scheme + 3;
    const qsizetype at = text.lastIndexOf(QLatin1Char('@'));
    if (at < start) {
        return Core::shown(text);
    }
    return Core::shown(text.left(start) + QStringLiteral("***") + text.mid(at));
}

QString plainHttpWarning(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (parsed.scheme() != QLatin1String("http") || isLoopback(parsed.host())) {
        return {};
    }
    return QStringLiteral("%1 is plain http to another machine: the token and every object travel unencrypted; "
                          "use https")
        .arg(url);
}

} // namespace Curtain::Kube
