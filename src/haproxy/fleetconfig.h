#pragma once

#include "core/result.h"
#include "haproxy/endpoint.h"

#include <QJsonValue>
#include <QList>
#include <QString>

// The fleet file: which HAProxy instances make a fleet (shown like a cluster context), how each
// one's runtime API is reached, and which releases live on them. Read from YAML or JSON (the caller
// turns YAML into JSON through the bounded reader, as plan files are); this layer checks the tree.
//
//     fleets:
//       - name: shop-edge                  # shown like a context
//         instances:                       # an HA pair is two; every one gets every change
//           - name: lb-a
//             socket: unix:/run/haproxy/admin.sock   # or tcp:HOST:PORT, ipv4@HOST:PORT
//             stateFile: /var/lib/haproxy/server-state  # optional: `show servers state` is written
//                                                       # here after each change (server-state-file)
//             writeMapFiles: true                       # optional: its map files are on this machine;
//                                                       # a map switch is written into them too
//           - name: lb-b
//             command: [ssh, lb-b, socat, -, /run/haproxy/admin.sock]  # stdin/stdout are the socket
//         prometheus: http://127.0.0.1:9090  # optional, for the judge
//         releases:
//           - name: catalog                # blue and green servers of one backend, by weight:
//             backend: catalog             # colors from server names (colorOfServer)
//             upTimeout: 15s               # optional: servers brought to ready must be UP by then
//             drainTimeout: 30s            # optional: the drained color's sessions end by then
//           - name: checkout               # a map entry that switches between two backends
//             map: /etc/haproxy/bg.map
//             key: checkout.example.com
//             blue: checkout_blue
//             green: checkout_green
//
// Unknown keys are errors (a typo must not silently drop a setting). Every error names the file,
// the entry (fleets[0] (shop-edge): instances[1] (lb-b)) and what to write instead.
namespace Curtain::HAProxy {

struct InstanceConfig
{
    QString name;
    Endpoint endpoint;
    QString stateFile;          // empty: none
    bool writeMapFiles = false; // its map files are on this machine: a switch is written there too
};

enum class ReleaseKind {
    Servers,   // blue and green servers in one backend; traffic follows their weights
    MapSwitch, // a map key whose value names the blue or the green backend
};

struct ReleaseConfig
{
    QString name;
    ReleaseKind kind = ReleaseKind::Servers;
    QString backend; // Servers
    // Servers: how long a server brought to ready may take to pass its health checks (HAProxy's
    // inter × rise, and some), and how long the color left without traffic may keep sessions.
    int upTimeoutMs = 15'000;
    int drainTimeoutMs = 30'000;
    QString map; // MapSwitch: the map file as HAProxy knows it
    QString key;
    QString blueBackend;
    QString greenBackend;
};

struct FleetConfig
{
    QString name;
    QList<InstanceConfig> instances;
    QString prometheus; // empty: none
    QList<ReleaseConfig> releases;
};

// The fleets of a fleet file's document (a JSON object: YAML already converted). InvalidInput
// errors start with `fileName` and name the entry and the fix.
Core::Result<QList<FleetConfig>> parseFleetConfig(const QJsonValue &document, const QString &fileName);

// What a fleet is, whichever file describes it: its name and its instances' runtime APIs, in any
// order. Plan Leases and the journal are keyed by it, so a copy of the file, or a second file with
// other timeouts, drives and records the same fleet. A hash (a command endpoint's arguments may
// hold secrets), e.g. "fleet:1f0c3a9e5b7d2468".
QString fleetIdentity(const FleetConfig &fleet);

// Whether `name` can stand in a runtime API command as a backend or server name: HAProxy's own
// identifier characters (letters, digits, '-', '_', '.', ':'), so no space or ';' can start a
// second argument or command.
bool isProxyName(const QString &name);

} // namespace Curtain::HAProxy
