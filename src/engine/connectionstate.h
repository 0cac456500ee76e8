#pragma once

#include <QMetaType>
#include <QString>

namespace Curtain::Engine {

// Where a session's connection to its cluster stands. Stale: the watches look open, but the
// server has said nothing within the live bound (a hung server, a dead link nobody closed).
enum class ConnectionState { Connecting, Live, Reconnecting, Stale };
QString connectionStateName(ConnectionState state);

} // namespace Curtain::Engine

Q_DECLARE_METATYPE(Curtain::Engine::ConnectionState)
