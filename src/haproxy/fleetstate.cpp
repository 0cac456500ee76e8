#include "haproxy/fleetstate.h"

#include "core/displaytext.h"

#include <memory>
#include <vector>

namespace Curtain::HAProxy {

namespace {

// One instance's reading with its servers and rows found by name: a reply of 100 000 servers is
// assembled in linear time, not by a scan per server.
struct Reading
{
    explicit Reading(const InstanceReading &reading) : instance(reading.instance), maps(reading.maps)
    {
        for (const ServerState &server : reading.servers.servers) {
            if (const QString k = key(server.backend, server.server); !servers.contains(k)) { // the first of a repeat
                servers.insert(k, &server);
            }
            backends[server.backend] << &server;
        }
        for (const StatRow &row : reading.stat.rows) {
            if (row.isServer()) {
                if (const QString k = key(row.proxy, row.server); !stats.contains(k)) {
                    stats.insert(k, &row);
                }
            }
        }
    }

    static QString key(const QString &backend, const QString &server) { return backend + QChar(0) + server; }

    QString instance;
    QHash<QString, MapTable> maps;
    QHash<QString, const ServerState *> servers;
    QHash<QString, QList<const ServerState *>> backends;
    QHash<QString, const StatRow *> stats;
};

const StatRow *statRowOf(const Reading &reading, const QString &backend, const QString &server)
{
    return reading.stats.value(Reading::key(backend, server), nullptr);
}

QList<const ServerState *> serversOf(const Reading &reading, const QString &backend)
{
    return reading.backends.value(backend);
}

const ServerState *serverOf(const Reading &reading, const QString &backend, const QString &name)
{
    return reading.servers.value(Reading::key(backend, name), nullptr);
}

// The server as `first` sees it, with every reading's counters added.
ServerView viewOf(const ServerState &state, const Reading &first, const QList<const Reading *> &all)
{
    ServerView view;
    view.name = state.server;
    view.backend = state.backend;
    view.addr = state.port ? QStringLiteral("%1:%2").arg(state.addr).arg(*state.port) : state.addr;
    view.admin = state.admin;
    view.weight = state.userWeight;
    if (const StatRow *row = statRowOf(first, state.backend, state.server)) {
        view.status = row->status;
        view.statusKind = serverStatusOf(row->status);
        view.addr = row->addr.isEmpty() ? view.addr : row->addr;
    } else { // no `show stat` row: the operational state is all there is
        view.statusKind = state.opState == 2 ? ServerStatus::Up : ServerStatus::Down;
        view.status = state.opState == 2 ? QStringLiteral("UP") : QStringLiteral("DOWN");
    }
    for (const Reading *reading : all) {
        if (const StatRow *row = statRowOf(*reading, state.backend, state.server)) {
            view.scur += row->scur.value_or(0);
            view.stot += row->stot.value_or(0);
            view.reqTot += row->reqTot.value_or(0);
            view.hrsp2xx += row->hrsp2xx.value_or(0);
            view.hrsp5xx += row->hrsp5xx.value_or(0);
        }
    }
    return view;
}

// What the other instances say differently about `backend` than `first` does.
void compareInstances(const QString &backend, const QList<const Reading *> &readings, QStringList &problems)
{
    const Reading &first = *readings.first();
    for (const Reading *other : readings.mid(1)) {
        for (const ServerState *server : serversOf(first, backend)) {
            const QString where = Core::shown(backend + QLatin1Char('/') + server->server, 120);
            const ServerState *theirs = serverOf(*other, backend, server->server);
            if (!theirs) {
                problems
                    << QStringLiteral("%1 has no server %2, which %3 has").arg(other->instance, where, first.instance);
                continue;
            }
            if (theirs->userWeight != server->userWeight) {
                problems << QStringLiteral("%1 and %2 disagree on %3: weight %4 on %1, %5 on %2")
                                .arg(first.instance, other->instance, where)
                                .arg(server->userWeight)
                                .arg(theirs->userWeight);
            }
            if (theirs->admin != server->admin) {
                problems << QStringLiteral("%1 and %2 disagree on %3: %4 on %1, %5 on %2")
                                .arg(first.instance, other->instance, where, adminStateName(server->admin),
                                     adminStateName(theirs->admin));
            }
        }
        for (const ServerState *theirs : serversOf(*other, backend)) {
            if (!serverOf(first, backend, theirs->server)) {
                problems << QStringLiteral("%1 has a server %2 that %3 does not have")
                                .arg(other->instance, Core::shown(backend + QLatin1Char('/') + theirs->server, 120),
                                     first.instance);
            }
        }
    }
}

void addServer(ColorView &color, ServerView view)
{
    if (view.serving()) {
        color.servingWeight += view.weight;
    }
    color.servers << std::move(view);
}

// Blue and green servers of one backend; traffic follows the serving servers' weights.
void assembleServers(ReleaseState &release, const QList<const Reading *> &readings)
{
    const QString &backend = release.config.backend;
    const Reading &first = *readings.first();
    const QList<const ServerState *> servers = serversOf(first, backend);
    if (servers.isEmpty()) {
        release.problems << QStringLiteral("%1 has no backend %2 with servers; check `backend` in the fleet file")
                                .arg(first.instance, backend);
        return;
    }
    for (const ServerState *server : servers) {
        const std::optional<Color> color = colorOfServer(server->server);
        if (!color) {
            release.problems << QStringLiteral("server %1/%2 is neither blue nor green by its name (blue-1, green-2…) "
                                               "and is not counted")
                                    .arg(backend, Core::shown(server->server, 80));
            continue;
        }
        addServer(*color == Color::Blue ? release.blue : release.green, viewOf(*server, first, readings));
    }
    compareInstances(backend, readings, release.problems);
    const int total = release.blue.servingWeight + release.green.servingWeight;
    if (total == 0) {
        release.problems << QStringLiteral("no server of %1 takes traffic: every one is down, drained, in "
                                           "maintenance or at weight 0")
                                .arg(backend);
        return;
    }
    release.blue.share = double(release.blue.servingWeight) / total;
    release.green.share = double(release.green.servingWeight) / total;
}

// The value of the release's key in its map, as `reading` has it; empty when absent.
std::optional<QString> mapValue(const ReleaseConfig &config, const Reading &reading)
{
    const auto map = reading.maps.constFind(config.map);
    if (map == reading.maps.constEnd()) {
        return std::nullopt;
    }
    for (const MapEntry &entry : map->entries) {
        if (entry.key == config.key) {
            return entry.value;
        }
    }
    return QString();
}

// A map key switches all traffic to the blue or the green backend.
void assembleMapSwitch(ReleaseState &release, const QList<const Reading *> &readings)
{
    const ReleaseConfig &config = release.config;
    const Reading &first = *readings.first();
    for (const auto &[backend, color] :
         {std::pair{config.blueBackend, &release.blue}, std::pair{config.greenBackend, &release.green}}) {
        for (const ServerState *server : serversOf(first, backend)) {
            addServer(*color, viewOf(*server, first, readings));
        }
        if (color->servers.isEmpty()) {
            release.problems << QStringLiteral("%1 has no backend %2 with servers").arg(first.instance, backend);
        }
        compareInstances(backend, readings, release.problems);
    }
    const std::optional<QString> value = mapValue(config, first);
    for (const Reading *other : readings.mid(1)) {
        if (mapValue(config, *other) != value) {
            release.problems << QStringLiteral("%1 and %2 disagree on where %3 in %4 points")
                                    .arg(first.instance, other->instance, config.key, config.map);
        }
    }
    if (!value) {
        release.problems << QStringLiteral("the map %1 was not read from %2").arg(config.map, first.instance);
    } else if (value->isEmpty()) {
        release.problems << QStringLiteral("%1 has no entry %2 in %3: its traffic goes to the default backend")
                                .arg(first.instance, config.key, config.map);
    } else if (*value == config.blueBackend || *value == config.greenBackend) {
        ColorView &live = *value == config.blueBackend ? release.blue : release.green;
        live.share = 1;
        if (live.servingWeight == 0) {
            release.problems
                << QStringLiteral("%1 points at %2, where no server takes traffic").arg(config.key, *value);
        }
    } else {
        release.problems << QStringLiteral("%1 in %2 points at \"%3\", neither %4 nor %5")
                                .arg(config.key, config.map, Core::shown(*value, 80), config.blueBackend,
                                     config.greenBackend);
    }
}

} // namespace

QString colorName(Color color)
{
    return color == Color::Blue ? QStringLiteral("blue") : QStringLiteral("green");
}

std::optional<Color> colorOfServer(const QString &serverName)
{
    qsizetype end = serverName.size();
    for (qsizetype i = 0; i < serverName.size(); ++i) {
        if (serverName[i] == QLatin1Char('-') || serverName[i] == QLatin1Char('_')) {
            end = i;
            break;
        }
    }
    const QStringView prefix = QStringView(serverName).left(end);
    if (prefix.compare(QLatin1String("blue"), Qt::CaseInsensitive) == 0) {
        return Color::Blue;
    }
    if (prefix.compare(QLatin1String("green"), Qt::CaseInsensitive) == 0) {
        return Color::Green;
    }
    return std::nullopt;
}

FleetState assembleFleetState(const FleetConfig &config, const QList<InstanceReading> &readings)
{
    FleetState state;
    state.fleet = config.name;
    std::vector<std::unique_ptr<Reading>> indexed;
    QList<const Reading *> answered;
    for (const InstanceReading &reading : readings) {
        if (reading.error) {
            state.problems << QStringLiteral("%1: %2").arg(reading.instance, reading.error->message);
            continue;
        }
        indexed.push_back(std::make_unique<Reading>(reading));
        answered << indexed.back().get();
        for (const QString &problem : reading.stat.problems + reading.servers.problems) {
            state.problems << QStringLiteral("%1: %2").arg(reading.instance, problem);
        }
    }
    for (const ReleaseConfig &release : config.releases) {
        ReleaseState releaseState;
        releaseState.config = release;
        if (answered.isEmpty()) {
            releaseState.problems << QStringLiteral("no instance of %1 answered").arg(config.name);
        } else if (release.kind == ReleaseKind::Servers) {
            assembleServers(releaseState, answered);
        } else {
            assembleMapSwitch(releaseState, answered);
        }
        state.releases << std::move(releaseState);
    }
    return state;
}

} // namespace Curtain::HAProxy
