#pragma once

#include "core/action.h"
#include "core/history.h"
#include "haproxy/fleetstate.h"

#include <optional>

namespace Curtain::HAProxy {
struct WriteReport;
}

namespace Curtain::Engine {

// Who did what to an HAProxy fleet, in this machine's journal (a fleet has no Events to write to):
// every action the console, curtainctl or a plan sent or refused, with the shares before and after.
// Records carry the fleet's identity (HAProxy::fleetIdentity) as their "server" and "haproxy:FLEET"
// as their context, so a release's history is told apart from a cluster's release of the same name,
// and found again from any file that describes the same fleet.
struct FleetActionRecord
{
    QString fleet;    // the fleet's name
    QString identity; // HAProxy::fleetIdentity
    Core::ActionRequest request;
    QString outcome; // applied, unchanged, unconfirmed, refused, reverted
    QString note;    // the summary, or why not
    std::optional<HAProxy::ReleaseState> before;
    std::optional<HAProxy::ReleaseState> after;

    // What a write did, in the journal's words and with what the fleet held after it.
    void take(const HAProxy::WriteReport &report);
};

// Appends the record; an error names the journal file (the action itself is not undone by it).
Core::Result<Core::Done> journalFleetAction(const FleetActionRecord &record);

// The journal's records of `release` on the fleet `identity`, newest first; records written before
// fleets had an identity name their fleet file, `fleetFile` (made absolute), instead.
Core::ReleaseHistory fleetHistory(const QString &identity, const QString &fleetFile, const QString &release);

} // namespace Curtain::Engine
