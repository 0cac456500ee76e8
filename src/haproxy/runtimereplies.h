#pragma once

#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// Readers of HAProxy 2.6 runtime API replies. Outside input: they never throw and never crash, read
// each line once, and turn a bad row into a named problem for that row while the others go on. A
// reply that is not the expected kind at all (HAProxy's "Unknown command." or "Can't find backend.")
// is an error quoting HAProxy's own words.
namespace Curtain::HAProxy {

// What an operator set with `set server <be>/<srv> state …`: from srv_admin_state's bits.
enum class AdminState { Ready, Drain, Maint };
QString adminStateName(AdminState state); // "ready", "drain", "maint"
// Any maintenance bit (forced, inherited, from the configuration, DNS resolution, the hostname)
// wins over drain (forced or inherited); no bit is ready.
AdminState adminStateFromBits(int bits);

// `show stat`'s status column as a kind: "UP 1/3" (going down) is still Up, "DOWN 1/2" (coming up)
// still Down, "no check" (checks off) counts as Up; frontends' OPEN and anything new is Other.
enum class ServerStatus { Up, Down, NoCheck, Maint, Drain, NoLb, Other };
ServerStatus serverStatusOf(const QString &status);
bool takesTraffic(ServerStatus status); // Up or NoCheck

// One row of `show stat` CSV, by the header's field names; a column absent or empty stays unset.
struct StatRow
{
    int line = 0; // 1-based, in the reply
    QString proxy;
    QString server;             // svname: a server's name, or FRONTEND / BACKEND
    std::optional<qint64> type; // 0 frontend, 1 backend, 2 server, 3 listener
    QString status;
    std::optional<qint64> weight;
    std::optional<qint64> scur;
    std::optional<qint64> stot;
    std::optional<qint64> hrsp2xx;
    std::optional<qint64> hrsp3xx;
    std::optional<qint64> hrsp4xx;
    std::optional<qint64> hrsp5xx;
    std::optional<qint64> reqTot;
    std::optional<qint64> rtimeMs; // average over the last 1024 requests
    std::optional<qint64> ttimeMs;
    QString checkStatus;
    // The health counter of the checks: from 0 (down) to rise + fall - 1 (up with every chance left).
    std::optional<qint64> checkHealth;
    std::optional<qint64> checkRise;
    std::optional<qint64> checkFall;
    QString addr;

    bool isServer() const
    {
        return type ? *type == 2 : server != QLatin1String("FRONTEND") && server != QLatin1String("BACKEND");
    }
};

struct StatTable
{
    QList<StatRow> rows;
    QStringList problems; // "show stat line 4 (catalog/green-1): weight is \"x\", expected a whole number"
};

// `show stat` as CSV: a header line starting with "# " names the fields, so columns are found by
// name whatever their position or number (later versions add some).
Core::Result<StatTable> parseStat(const QString &csv);

// One line of `show servers state`.
struct ServerState
{
    int line = 0;
    QString backend;
    QString server;
    QString addr;
    int opState = -1; // 0 stopped, 1 starting, 2 running, 3 stopping
    int adminBits = 0;
    AdminState admin = AdminState::Ready;
    int userWeight = 0;    // srv_uweight: what `set weight` sets
    int initialWeight = 0; // srv_iweight: the configuration's
    std::optional<int> port;
};

struct ServersStateTable
{
    QList<ServerState> servers;
    QStringList problems;
};

// `show servers state [backend]`: the format version line `1`, a "# " header naming the fields,
// then one space-separated line per server.
Core::Result<ServersStateTable> parseServersState(const QString &text);

// `get weight <be>/<srv>`: "12 (initial 100)".
struct ServerWeight
{
    int current = 0;
    int initial = 0;
};
Core::Result<ServerWeight> parseGetWeight(const QString &reply);

// `show map <map>`: "0x55d… key value" per entry.
struct MapEntry
{
    QString reference; // the entry's id, usable as #<ref> in `set map`
    QString key;
    QString value;
};
struct MapTable
{
    QList<MapEntry> entries;
    QStringList problems;
};
Core::Result<MapTable> parseShowMap(const QString &text);

// A map file's text with `key`'s value set to `value`, every other line (comments, blank lines,
// other keys, a key's later duplicates) kept byte for byte. HAProxy reads a map file as one
// "key value" per line, both separated by spaces or tabs, `#` starting a comment. An error when the
// file has no such key (a switch must not invent an entry the configuration never had).
Core::Result<QString> withMapEntry(const QString &mapFile, const QString &key, const QString &value);

// HAProxy answers a successful `set …`, `enable …`, `del …` with an empty line; any text is its
// refusal ("Absolute weight can only be between 0 and 256 inclusive."), quoted in the error.
// Not for commands whose success has words (`prepare map`, `set server … addr`).
Core::Result<Core::Done> checkCommandReply(const QString &reply);

} // namespace Curtain::HAProxy
