#include "kube/watchdecoder.h"

#include "core/displaytext.h"
#include "kube/inputlimits.h"

namespace Curtain::Kube {

using Core::ErrorKind;

Core::Result<WatchEvent> decodeWatchLine(const QByteArray &line)
{
    const Json event = Json::parse(line.constBegin(), line.constEnd(), nullptr, false);
    if (event.is_discarded() || !event.is_object()) {
        return Core::makeError(
            ErrorKind::Protocol,
            QStringLiteral("a watch event is not valid JSON: %1").arg(Core::shown(QString::fromUtf8(line.left(120)))));
    }
    if (nestedDeeperThan(event, Limits::maxJsonDepth)) { // copying it would recurse once per level
        return Core::makeError(ErrorKind::Protocol,
                               QStringLiteral("a watch event nests objects and arrays deeper than %1 levels, the limit")
                                   .arg(Limits::maxJsonDepth));
    }
    const QString type = stringAt(event, "/type");
    const auto object = event.find("object");
    if (object == event.end() || !object->is_object()) {
        return Core::makeError(ErrorKind::Protocol,
                               QStringLiteral("a watch event of type \"%1\" has no object").arg(Core::shown(type, 40)));
    }
    WatchEvent decoded;
    decoded.object = *object;
    if (type == QLatin1String("ADDED")) {
        decoded.type = WatchEventType::Added;
    } else if (type == QLatin1String("MODIFIED")) {
        decoded.type = WatchEventType::Modified;
    } else if (type == QLatin1String("DELETED")) {
        decoded.type = WatchEventType::Deleted;
    } else if (type == QLatin1String("BOOKMARK")) {
        decoded.type = WatchEventType::Bookmark;
    } else if (type == QLatin1String("ERROR")) {
        decoded.type = WatchEventType::Error;
    } else {
        return Core::makeError(ErrorKind::Protocol,
                               QStringLiteral("unknown watch event type \"%1\"").arg(Core::shown(type, 40)));
    }
    return decoded;
}

QList<Core::Result<WatchEvent>> WatchDecoder::feed(const QByteArray &bytes)
{
    QList<Core::Result<WatchEvent>> events;
    m_buffer.append(bytes);
    qsizetype start = 0;
    for (qsizetype newline = m_buffer.indexOf('\n', m_scanned); newline >= 0; newline = m_buffer.indexOf('\n', start)) {
        const QByteArray line = m_buffer.mid(start, newline - start).trimmed();
        start = newline + 1;
        if (!line.isEmpty()) {
            events.append(decodeWatchLine(line));
        }
    }
    m_buffer.remove(0, start);
    m_scanned = m_buffer.size(); // what is left holds no newline: the next feed searches only its own bytes
    return events;
}

} // namespace Curtain::Kube
