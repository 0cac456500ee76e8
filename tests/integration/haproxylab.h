#pragma once

#include "fleetlab.h"

#include <QHash>
#include <QString>

namespace Curtain::Test {

// The console's lab (Demo::FleetLab: real HAProxy instances and curtain-backend pods on loopback)
// with what the HAProxy tests need to watch and disturb it. Its pods come from CURTAIN_BIN_DIR.
class HAProxyLab : public Demo::FleetLab
{
public:
    // Starts everything; the error names what failed (and the Debian package when a tool is missing).
    QString start(Options options);
    // `show servers state` of `catalog` on instance `index`: server name → "weight/admin" ("100/ready").
    QHash<QString, QString> servers(int index) const;
    // Sends `count` real requests through instance `index`'s frontend: answers by color ("blue",
    // "green"), and "error" for anything but a 200 from a pod.
    QHash<QString, int> sample(int index, int count, const QByteArray &host = "lab") const;
    // HAProxy's own reload (SIGUSR2 to the master): the new worker reads the server-state file.
    bool reload(int index);
    // Tells a color's pods to fail their health checks (curtain-backend's /control).
    bool setHealthy(const QString &color, bool healthy) const;
};

} // namespace Curtain::Test
