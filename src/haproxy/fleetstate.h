#pragma once

#include "core/result.h"
#include "haproxy/fleetconfig.h"
#include "haproxy/runtimereplies.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// A fleet's releases as the console shows them, assembled from what each instance's runtime API
// said. Pure: the readings come in, a value goes out; instances that disagree (an HA pair whose
// weights differ after a half-applied change) become named problems on the release, never a failure.
namespace Curtain::HAProxy {

enum class Color { Blue, Green };
QString colorName(Color color); // "blue", "green"

// The color a server's name gives it: the part before the first '-' or '_' (the whole name when it
// has neither), compared without case, must be "blue" or "green": blue-1, green, Green_2, blue-eu-1.
// Anything else (catalog-blue-1, bluegreen) has no color and is left out of the release.
std::optional<Color> colorOfServer(const QString &serverName);

// What one instance answered this round; `error` when it could not be reached or read.
struct InstanceReading
{
    QString instance;
    std::optional<Core::Error> error;
    StatTable stat;                // `show stat`
    ServersStateTable servers;     // `show servers state`
    QHash<QString, MapTable> maps; // `show map <file>`, by the map file as the config names it
};

// One server of a color, as the first instance that answered sees it; the counters add up every
// instance's (an HA pair splits the traffic between its members).
struct ServerView
{
    QString name;
    QString backend;
    QString addr;
    QString status; // show stat's words: UP, DOWN 1/2, DRAIN, MAINT, no check…
    ServerStatus statusKind = ServerStatus::Other;
    AdminState admin = AdminState::Ready;
    int weight = 0; // srv_uweight, what `set weight` sets
    qint64 scur = 0;
    qint64 stot = 0;
    qint64 reqTot = 0;
    qint64 hrsp2xx = 0;
    qint64 hrsp5xx = 0;

    bool serving() const { return admin == AdminState::Ready && takesTraffic(statusKind) && weight > 0; }
};

struct ColorView
{
    QList<ServerView> servers;
    int servingWeight = 0; // the sum of serving servers' weights
    double share = 0;      // 0..1 of the release's traffic
};

struct ReleaseState
{
    ReleaseConfig config;
    ColorView blue;
    ColorView green;
    QStringList problems; // "lb-a and lb-b disagree on catalog/green-1: weight 20 on lb-a, 100 on lb-b"
};

struct FleetState
{
    QString fleet;
    QList<ReleaseState> releases;
    QStringList problems; // instances that could not be read: "lb-b: connection refused …"
};

// Each release of `config` from the instances' readings (in the config's instance order).
FleetState assembleFleetState(const FleetConfig &config, const QList<InstanceReading> &readings);

} // namespace Curtain::HAProxy
