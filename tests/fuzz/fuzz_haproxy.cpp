// HAProxy's runtime API replies and the fleet file: whatever an instance (or a file) says, a table
// with named problems or an error, never a crash; and a fleet assembled from any parsed replies
// gives each color a share between 0 and 1 that adds up to at most the whole.

#include "haproxy/endpoint.h"
#include "haproxy/fleetconfig.h"
#include "haproxy/fleetstate.h"
#include "haproxy/runtimereplies.h"
#include "kube/yamldocuments.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace Curtain;
using namespace Curtain::HAProxy;

namespace {

void checkShares(const FleetState &state)
{
    for (const ReleaseState &release : state.releases) {
        const double blue = release.blue.share;
        const double green = release.green.share;
        if (blue < 0 || blue > 1 || green < 0 || green > 1 || blue + green > 1.000001) {
            __builtin_trap();
        }
    }
}

// The replies as one instance's reading, assembled for a release of each kind.
void assemble(const QString &text)
{
    InstanceReading reading;
    reading.instance = QStringLiteral("lb-a");
    if (auto stat = parseStat(text); stat.ok()) {
        reading.stat = std::move(stat).value();
    }
    if (auto servers = parseServersState(text); servers.ok()) {
        reading.servers = std::move(servers).value();
    }
    if (auto map = parseShowMap(text); map.ok()) {
        reading.maps.insert(QStringLiteral("/etc/haproxy/bg.map"), std::move(map).value());
    }
    FleetConfig fleet;
    fleet.name = QStringLiteral("shop-edge");
    ReleaseConfig servers;
    servers.name = servers.backend = QStringLiteral("catalog");
    ReleaseConfig map;
    map.name = QStringLiteral("checkout");
    map.kind = ReleaseKind::MapSwitch;
    map.map = QStringLiteral("/etc/haproxy/bg.map");
    map.key = QStringLiteral("checkout.example.com");
    map.blueBackend = QStringLiteral("checkout_blue");
    map.greenBackend = QStringLiteral("checkout_green");
    fleet.releases = {servers, map};
    InstanceReading second = reading;
    second.instance = QStringLiteral("lb-b");
    if (!second.servers.servers.isEmpty()) { // an HA pair that disagrees on one server
        second.servers.servers.first().userWeight += 1;
    }
    checkShares(assembleFleetState(fleet, {reading}));
    checkShares(assembleFleetState(fleet, {reading, second}));
}

void fleetFile(const QByteArray &bytes)
{
    const QString fileName = QStringLiteral("fleets.yaml");
    if (const auto documents = Kube::parseYamlDocuments(bytes, fileName);
        documents.ok() && !documents.value().empty()) {
        const QJsonDocument json = QJsonDocument::fromJson(QByteArray::fromStdString(documents.value()[0].dump()));
        (void)parseFleetConfig(json.isArray() ? QJsonValue(json.array()) : QJsonValue(json.object()), fileName);
    }
    const QJsonDocument json = QJsonDocument::fromJson(bytes);
    if (const auto fleets = parseFleetConfig(QJsonValue(json.object()), fileName); fleets.ok()) {
        for (const FleetConfig &fleet : fleets.value()) {
            for (const ReleaseConfig &release : fleet.releases) {
                // What goes into a runtime command must be one argument.
                if (release.kind == ReleaseKind::Servers && !isProxyName(release.backend)) {
                    __builtin_trap();
                }
            }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString text = QString::fromUtf8(bytes);
    if (const auto weight = parseGetWeight(text);
        weight.ok() && (weight.value().current < 0 || weight.value().initial < 0)) {
        __builtin_trap();
    }
    (void)checkCommandReply(text);
    if (const auto endpoint = parseEndpoint(text); endpoint.ok()) {
        (void)endpoint.value().describe();
    }
    assemble(text);
    fleetFile(bytes);
    // The map file a switch rewrites: every line but the key's comes back unchanged.
    if (const auto edited = withMapEntry(text, QStringLiteral("checkout.example"), QStringLiteral("checkout_green"));
        edited.ok() && edited.value().count(QLatin1Char('\n')) != text.count(QLatin1Char('\n'))) {
        __builtin_trap();
    }
    return 0;
}
