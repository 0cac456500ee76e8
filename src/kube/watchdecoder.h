#pragma once

#include "core/result.h"
#include "kube/json.h"

#include <QByteArray>
#include <QList>

namespace Curtain::Kube {

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };

struct WatchEvent
{
    WatchEventType type = WatchEventType::Added;
    Json object;
};

// Splits a watch body into events. The transport hands over arbitrary slices, so bytes are
// buffered until a newline; a line that is not a well-formed event becomes a Protocol error.
class WatchDecoder
{
public:
    QList<Core::Result<WatchEvent>> feed(const QByteArray &bytes);
    // Bytes still waiting for their newline (a truncated event when the stream has ended).
    qsizetype pendingBytes() const { return m_buffer.size(); }

private:
    QByteArray m_buffer;
    // How much of m_buffer is known to hold no newline. A server (or a proxy) that trickles a large
    // object a few bytes at a time would otherwise have the whole pending line searched again for
    // every slice: quadratic in the object's size, on the network thread.
    qsizetype m_scanned = 0;
};

Core::Result<WatchEvent> decodeWatchLine(const QByteArray &line);

} // namespace Curtain::Kube
