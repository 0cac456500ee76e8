#pragma once

#include "core/result.h"
#include "haproxy/fleetconfig.h"
#include "haproxy/fleetstate.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

// Changes to a fleet's releases through every instance's runtime API, make-before-break: servers
// that are to get traffic are brought to `ready` and must be UP before any weight moves; weights
// rise on the gaining color before they fall on the other; the color left without traffic is
// drained, its sessions waited for, and only then (if asked) put in maintenance. Each command's
// reply is checked. Across an HA pair a change reaches every instance or, when one refuses or
// cannot be reached, is taken back on those already changed, so a fleet is never left
// half-switched. Synchronous: run it off the GUI thread.
namespace Curtain::HAProxy {

// One command to one instance, and its reply (or why there is none). The real one sends it through
// a RuntimeClient and waits; tests may answer for HAProxy.
using Exchange = std::function<Core::Result<QString>(const InstanceConfig &instance, const QString &command)>;
// Waits `ms` milliseconds (the real one sleeps; tests advance a clock).
using Pause = std::function<void(int ms)>;

struct WriteOptions
{
    int pollMs = 100;
    bool maintAfterDrain = false; // once drained, `state maint` (stops its health checks too)
};

// The per-server weight of each color (1..256) for a share of green: the nearest HAProxy can hold,
// exact for whole percentages on small fleets; 0 and 1 give 100 and 0. An error for a share
// outside 0..1 or a color with no servers that must carry traffic.
struct ColorWeights
{
    int blue = 0;
    int green = 0;
};
Core::Result<ColorWeights> weightsForShare(double greenShare, int blueServers, int greenServers);

// What a write did, in a person's words.
struct WriteReport
{
    enum class Outcome {
        Applied,      // every instance confirmed the new state
        Refused,      // nothing was changed (bad request, an instance unreadable, a server not UP)
        Reverted,     // an instance refused or failed mid-way; the others were set back as they were
        NotConfirmed, // commands were sent and what the fleet holds now is not what was asked (said how)
    };
    Outcome outcome = Outcome::Refused;
    bool unreachable = false; // refused because an instance could not be read (nothing was changed)
    QString summary;          // "catalog: green 20 %, blue 80 % on lb-a and lb-b"
    QString problem;          // why it was refused, reverted or not confirmed; HAProxy's own words quoted
    QStringList warnings;     // "blue still had 3 sessions after 30 s: left in drain"
    QStringList commands;     // every command sent, "lb-a: set server catalog/green-1 weight 20" (no secrets)
    ReleaseState before;
    ReleaseState after; // as read back (Applied and NotConfirmed)

    bool applied() const { return outcome == Outcome::Applied; }
};
QString outcomeName(WriteReport::Outcome outcome); // "applied", "refused", "reverted", "not confirmed"

class FleetWriter
{
public:
    FleetWriter(FleetConfig fleet, Exchange exchange, Pause pause);

    // Every instance's `show stat`, `show servers state` and, for map releases, `show map`.
    FleetState read() const;
    // Moves a weighted release (blue and green servers of one backend) to `greenShare` (0..1).
    WriteReport setGreenShare(const QString &release, double greenShare, const WriteOptions &options = {});
    // The color HAProxy's configuration gives a weighted release's traffic: the one whose servers
    // have an initial weight (the first instance's `show servers state`). The configuration is the
    // last known-good, so Rollback returns there. An error when both or neither color has one, or
    // the instance cannot be read — each said as such.
    Core::Result<Color> configuredColor(const QString &release) const;
    // Points a map-switched release's key at its blue or green backend.
    WriteReport switchMap(const QString &release, Color to, const WriteOptions &options = {});

private:
    struct Step
    {
        QString command;
        QString undo; // the command that puts back what `command` changes on that instance
    };
    struct Sent
    {
        int instance = 0;
        Step step;
    };
    struct Snapshot
    {
        ReleaseState release;
        QList<InstanceReading> readings; // in the fleet file's instance order
    };
    using StepsFor = std::function<QList<Step>(const InstanceReading &reading)>;
    struct SharePlan
    {
        QHash<QString, int> target; // every server's weight, by name
        QStringList mustBeUp;       // servers that will carry traffic
        QStringList toDrain;        // servers left without it
    };

    static SharePlan planShare(const ReleaseState &before, const ColorWeights &weights);
    static QString shareDifference(const SharePlan &plan, const ReleaseState &before, const ReleaseState &now);
    QStringList instanceNames() const;

    const ReleaseConfig *releaseNamed(const QString &name) const;
    InstanceReading readInstance(const InstanceConfig &instance) const;
    QList<InstanceReading> readAll() const;
    Core::Result<Snapshot> snapshot(const ReleaseConfig &release) const;
    bool sendPhase(const QList<InstanceReading> &readings, const StepsFor &steps, QList<Sent> &sent,
                   WriteReport &report);
    void revert(const QList<Sent> &sent, WriteReport &report);
    bool waitUntilUp(const ReleaseConfig &release, const QStringList &servers, const WriteOptions &options,
                     WriteReport &report);
    void drain(const ReleaseConfig &release, const QStringList &servers, const WriteOptions &options,
               WriteReport &report);
    void confirm(const ReleaseConfig &release, const std::function<QString(const ReleaseState &)> &differs,
                 WriteReport &report);
    void saveServerState(WriteReport &report);
    void writeMapFiles(const ReleaseConfig &release, const QString &target, WriteReport &report);

    FleetConfig m_fleet;
    Exchange m_exchange;
    Pause m_pause;
};

} // namespace Curtain::HAProxy
