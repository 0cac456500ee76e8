#pragma once

#include "core/result.h"
#include "haproxy/fleetconfig.h"

#include <QList>
#include <QString>

namespace Curtain::Engine {

// The fleet file a person writes (`--haproxy FILE`): read within the configuration file size limit,
// through the bounded YAML reader (YAML or JSON), then checked by HAProxy::parseFleetConfig. Errors
// name the file, the entry and the fix.
Core::Result<QList<HAProxy::FleetConfig>> readFleetFile(const QString &path);

// The one fleet to work on: `name`, or the only fleet when `name` is empty.
Core::Result<HAProxy::FleetConfig> chooseFleet(const QList<HAProxy::FleetConfig> &fleets, const QString &name,
                                               const QString &path);

// Where Curtain looks for a fleet file when none is named: haproxy.yaml in the user's config
// directory (~/.config/curtain on Linux).
QString defaultFleetFile();

} // namespace Curtain::Engine
