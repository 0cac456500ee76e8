#include "haproxy/fleetconfig.h"

#include "core/displaytext.h"
#include "core/plan.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <optional>

namespace Curtain::HAProxy {

namespace {

constexpr qsizetype maxNameLength = 63;
constexpr qsizetype maxEntries = 1000; // fleets, instances or releases in one list: far past any real file

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("empty");
    case QJsonValue::Bool:
        return QStringLiteral("true or false");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("text");
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("a mapping");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

// Reads one entry, naming it in every error: "fleet.yaml: fleets[0] (shop-edge): instances[1] (lb-b): …".
class Entry
{
public:
    Entry(QString where, QJsonObject object) : m_where(std::move(where)), m_object(std::move(object)) {}

    const QString &where() const { return m_where; }
    const QJsonObject &object() const { return m_object; }
    bool has(const QString &key) const { return m_object.contains(key); }

    Core::Error error(const QString &problem) const
    {
        return Core::makeError(Core::ErrorKind::InvalidInput, m_where + QStringLiteral(": ") + problem);
    }

    // A key the file may not have: a typo, or a setting of another kind of entry.
    std::optional<Core::Error> unknownKey(const QStringList &known) const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (!known.contains(it.key())) {
                return error(QStringLiteral("unknown key \"%1\"; expected %2")
                                 .arg(Core::shown(it.key(), 60), known.join(QStringLiteral(", "))));
            }
        }
        return std::nullopt;
    }

    // Text under `key`; empty when absent and not `required`.
    Core::Result<QString> text(const QString &key, bool required, const QString &example) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() && !required) {
            return QString();
        }
        if (!value.isString() || value.toString().isEmpty()) {
            return error(QStringLiteral("%1 is %2, expected text such as %3").arg(key, typeName(value), example));
        }
        return value.toString();
    }

    // A name Curtain shows and uses as a key (fleets, instances, releases).
    Core::Result<QString> name(const QString &example) const
    {
        static const QRegularExpression form(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
        auto value = text(QStringLiteral("name"), true, example);
        if (value.ok() && (!form.match(value.value()).hasMatch() || value.value().size() > maxNameLength)) {
            return error(QStringLiteral("name \"%1\" is not a name: use up to %2 letters, digits, '.', '-' or '_', "
                                        "starting with a letter or digit")
                             .arg(Core::shown(value.value(), 80))
                             .arg(maxNameLength));
        }
        return value;
    }

    // An entry name for the next level: "fleets[0] (shop-edge)".
    QString child(const QString &list, qsizetype index, const QJsonValue &value) const
    {
        const QString name = value.toObject().value(QStringLiteral("name")).toString();
        return QStringLiteral("%1: %2[%3]%4")
            .arg(m_where, list)
            .arg(index)
            .arg(name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(Core::shown(name, 60)));
    }

    // The list under `key` (mappings only), at least `minimum` long.
    Core::Result<QJsonArray> list(const QString &key, qsizetype minimum, const QString &what) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined() && minimum == 0) {
            return QJsonArray();
        }
        if (!value.isArray()) {
            return error(QStringLiteral("%1 is %2, expected a list of %3").arg(key, typeName(value), what));
        }
        if (value.toArray().size() < minimum) {
            return error(QStringLiteral("%1 is an empty list, expected a list of %2").arg(key, what));
        }
        const QJsonArray array = value.toArray();
        if (array.size() > maxEntries) {
            return error(QStringLiteral("%1 has %2 entries, more than the limit of %3")
                             .arg(key)
                             .arg(array.size())
                             .arg(maxEntries));
        }
        return array;
    }

private:
    QString m_where;
    QJsonObject m_object;
};

Core::Result<Entry> entryAt(const QString &where, const QJsonValue &value, const QString &expected)
{
    if (!value.isObject()) {
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("%1: is %2, expected a mapping with %3").arg(where, typeName(value), expected));
    }
    return Entry(where, value.toObject());
}

Core::Result<QString> proxyName(const Entry &entry, const QString &key, const QString &example)
{
    auto value = entry.text(key, true, example);
    if (value.ok() && !isProxyName(value.value())) {
        return entry.error(QStringLiteral("%1 \"%2\" is not an HAProxy backend name: use letters, digits, '-', '_', "
                                          "'.' or ':' as in the configuration")
                               .arg(key, Core::shown(value.value(), 80)));
    }
    return value;
}

Core::Result<QString> absolutePath(const Entry &entry, const QString &key, bool required, const QString &example)
{
    auto value = entry.text(key, required, example);
    if (value.ok() && !value.value().isEmpty() &&
        (!value.value().startsWith(QLatin1Char('/')) || Core::hasControlOrSpace(value.value()))) {
        return entry.error(QStringLiteral("%1 \"%2\" is not an absolute path without spaces; write e.g. %3")
                               .arg(key, Core::shown(value.value(), 80), example));
    }
    return value;
}

Core::Result<Endpoint> instanceEndpoint(const Entry &entry)
{
    const bool socket = entry.has(QStringLiteral("socket"));
    const bool command = entry.has(QStringLiteral("command"));
    if (socket == command) {
        return entry.error(socket ? QStringLiteral("has both socket and command; keep the one that reaches this "
                                                   "instance")
                                  : QStringLiteral("says neither how to reach it: add socket: "
                                                   "unix:/run/haproxy/admin.sock (or tcp:HOST:PORT), or command: "
                                                   "[ssh, HOST, socat, -, /run/haproxy/admin.sock]"));
    }
    if (socket) {
        const auto text = entry.text(QStringLiteral("socket"), true, QStringLiteral("unix:/run/haproxy/admin.sock"));
        if (!text.ok()) {
            return text.error();
        }
        auto endpoint = parseEndpoint(text.value());
        return endpoint.ok() ? endpoint : Core::Result<Endpoint>(entry.error(endpoint.error().message));
    }
    const QJsonValue list = entry.object().value(QStringLiteral("command"));
    QStringList argv;
    for (const QJsonValue &argument : list.toArray()) {
        if (!argument.isString()) {
            argv.clear();
            break;
        }
        argv << argument.toString();
    }
    if (!list.isArray() || argv.size() != list.toArray().size()) {
        return entry.error(
            QStringLiteral("command is %1, expected a list of text, one argument per item: [ssh, lb-b, "
                           "socat, -, /run/haproxy/admin.sock]")
                .arg(list.isArray() ? QStringLiteral("a list with an item that is not text") : typeName(list)));
    }
    auto endpoint = commandEndpoint(argv);
    return endpoint.ok() ? endpoint : Core::Result<Endpoint>(entry.error(endpoint.error().message));
}

Core::Result<InstanceConfig> parseInstance(const Entry &entry)
{
    if (const auto unknown =
            entry.unknownKey({QStringLiteral("name"), QStringLiteral("socket"), QStringLiteral("command"),
                              QStringLiteral("stateFile"), QStringLiteral("writeMapFiles")})) {
        return *unknown;
    }
    InstanceConfig instance;
    const auto name = entry.name(QStringLiteral("lb-a"));
    if (!name.ok()) {
        return name.error();
    }
    instance.name = name.value();
    auto endpoint = instanceEndpoint(entry);
    if (!endpoint.ok()) {
        return endpoint.error();
    }
    instance.endpoint = std::move(endpoint).value();
    const auto stateFile =
        absolutePath(entry, QStringLiteral("stateFile"), false, QStringLiteral("/var/lib/haproxy/server-state"));
    if (!stateFile.ok()) {
        return stateFile.error();
    }
    instance.stateFile = stateFile.value();
    // YAML's true and false reach here as text (the fleet file's scalars are read as written).
    const QJsonValue writeMaps = entry.object().value(QStringLiteral("writeMapFiles"));
    const QString flag = writeMaps.isBool() ? (writeMaps.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                            : writeMaps.toString();
    if (!writeMaps.isUndefined() && flag != QLatin1String("true") && flag != QLatin1String("false")) {
        return entry.error(
            QStringLiteral("writeMapFiles is %1, expected true or false")
                .arg(writeMaps.isString() ? QStringLiteral("\"%1\"").arg(Core::shown(flag, 60)) : typeName(writeMaps)));
    }
    instance.writeMapFiles = flag == QLatin1String("true");
    return instance;
}

Core::Result<ReleaseConfig> parseMapRelease(const Entry &entry, ReleaseConfig release)
{
    release.kind = ReleaseKind::MapSwitch;
    const auto map = absolutePath(entry, QStringLiteral("map"), true, QStringLiteral("/etc/haproxy/bg.map"));
    const auto key = entry.text(QStringLiteral("key"), true, QStringLiteral("checkout.example.com"));
    const auto blue = proxyName(entry, QStringLiteral("blue"), QStringLiteral("checkout_blue"));
    const auto green = proxyName(entry, QStringLiteral("green"), QStringLiteral("checkout_green"));
    for (const auto *part : {&map, &key, &blue, &green}) {
        if (!part->ok()) {
            return part->error();
        }
    }
    // The key is one argument of `set map`: no space, no ';' (a second command), no '\' (an escape),
    // and no leading '#' (which HAProxy reads as an entry's reference).
    const QString &keyText = key.value();
    if (Core::hasControlOrSpace(keyText) || keyText.contains(QLatin1Char(';')) || keyText.contains(QLatin1Char('\\')) ||
        keyText.startsWith(QLatin1Char('#'))) {
        return entry.error(QStringLiteral("key \"%1\" cannot be sent to HAProxy as one argument: no spaces, ';' or "
                                          "'\\', and no leading '#'")
                               .arg(Core::shown(keyText, 80)));
    }
    if (blue.value() == green.value()) {
        return entry.error(QStringLiteral("blue and green are both \"%1\"; name the two backends the key switches "
                                          "between")
                               .arg(blue.value()));
    }
    release.map = map.value();
    release.key = keyText;
    release.blueBackend = blue.value();
    release.greenBackend = green.value();
    return release;
}

// A duration key (15s, 2m, or seconds as a number) between 1 s and 1 h, in milliseconds;
// `fallback` when absent.
Core::Result<int> timeoutMs(const Entry &entry, const QString &key, int fallback)
{
    if (!entry.has(key)) {
        return fallback;
    }
    const QJsonValue value = entry.object().value(key);
    const QString text = value.isDouble() ? QString::number(value.toDouble()) : value.toString();
    const std::optional<int> seconds = value.isDouble() || value.isString() ? Core::parseDuration(text) : std::nullopt;
    if (!seconds || *seconds < 1 || *seconds > 3600) {
        return entry.error(QStringLiteral("%1 is %2, expected a duration from 1s to 1h such as 15s or 2m")
                               .arg(key, value.isString() || value.isDouble()
                                             ? QStringLiteral("\"%1\"").arg(Core::shown(text, 40))
                                             : typeName(value)));
    }
    return *seconds * 1000;
}

Core::Result<ReleaseConfig> parseRelease(const Entry &entry)
{
    const QStringList mapKeys{QStringLiteral("map"), QStringLiteral("key"), QStringLiteral("blue"),
                              QStringLiteral("green")};
    const QStringList backendKeys{QStringLiteral("backend"), QStringLiteral("upTimeout"),
                                  QStringLiteral("drainTimeout")};
    if (const auto unknown = entry.unknownKey(QStringList{QStringLiteral("name")} + backendKeys + mapKeys)) {
        return *unknown;
    }
    ReleaseConfig release;
    const auto name = entry.name(QStringLiteral("catalog"));
    if (!name.ok()) {
        return name.error();
    }
    release.name = name.value();
    const bool byBackend = entry.has(QStringLiteral("backend"));
    const bool byMap = std::any_of(mapKeys.begin(), mapKeys.end(), [&](const QString &key) { return entry.has(key); });
    if (byBackend == byMap) {
        return entry.error(QStringLiteral("%1; give backend: NAME (blue and green servers of one backend) or map, "
                                          "key, blue and green (a map entry that switches between two backends)")
                               .arg(byBackend ? QStringLiteral("has both backend and map keys")
                                              : QStringLiteral("says neither which backend nor which map")));
    }
    if (byMap) {
        for (const QString &key : {QStringLiteral("upTimeout"), QStringLiteral("drainTimeout")}) {
            if (entry.has(key)) {
                return entry.error(QStringLiteral("%1 is for a release of blue and green servers in one backend; a map "
                                                  "switch waits for no server, remove it")
                                       .arg(key));
            }
        }
        return parseMapRelease(entry, std::move(release));
    }
    const auto backend = proxyName(entry, QStringLiteral("backend"), QStringLiteral("catalog"));
    const auto up = timeoutMs(entry, QStringLiteral("upTimeout"), release.upTimeoutMs);
    const auto drain = timeoutMs(entry, QStringLiteral("drainTimeout"), release.drainTimeoutMs);
    if (!backend.ok()) {
        return backend.error();
    }
    for (const auto *part : {&up, &drain}) {
        if (!part->ok()) {
            return part->error();
        }
    }
    release.backend = backend.value();
    release.upTimeoutMs = up.value();
    release.drainTimeoutMs = drain.value();
    return release;
}

Core::Result<QString> prometheusUrl(const Entry &entry)
{
    auto text = entry.text(QStringLiteral("prometheus"), false, QStringLiteral("http://127.0.0.1:9090"));
    if (!text.ok() || text.value().isEmpty()) {
        return text;
    }
    const QUrl url(text.value(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        url.host().isEmpty() || Core::hasControlOrSpace(text.value())) {
        return entry.error(QStringLiteral("prometheus \"%1\" is not an http:// or https:// URL with a host; write e.g. "
                                          "http://127.0.0.1:9090")
                               .arg(Core::shown(text.value(), 80)));
    }
    return text;
}

// The entry of `list` whose `field` repeats an earlier one's, as an error; nothing when all differ.
template <typename T, typename Field>
std::optional<Core::Error> duplicate(const Entry &entry, const QString &list, const QList<T> &items, Field field,
                                     const QString &what)
{
    QSet<QString> seen;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString value = field(items[i]);
        if (!value.isEmpty() && seen.contains(value)) {
            return entry.error(QStringLiteral("%1[%2]: %3 \"%4\" appears twice; each must be unique")
                                   .arg(list)
                                   .arg(i)
                                   .arg(what, value));
        }
        seen.insert(value);
    }
    return std::nullopt;
}

Core::Result<FleetConfig> parseFleet(const Entry &entry)
{
    if (const auto unknown = entry.unknownKey({QStringLiteral("name"), QStringLiteral("instances"),
                                               QStringLiteral("prometheus"), QStringLiteral("releases")})) {
        return *unknown;
    }
    FleetConfig fleet;
    const auto name = entry.name(QStringLiteral("shop-edge"));
    const auto prometheus = prometheusUrl(entry);
    const auto instances =
        entry.list(QStringLiteral("instances"), 1, QStringLiteral("HAProxy instances (at least one)"));
    const auto releases = entry.list(QStringLiteral("releases"), 0, QStringLiteral("releases"));
    for (const auto &part : {name, prometheus}) {
        if (!part.ok()) {
            return part.error();
        }
    }
    for (const auto *list : {&instances, &releases}) {
        if (!list->ok()) {
            return list->error();
        }
    }
    fleet.name = name.value();
    fleet.prometheus = prometheus.value();
    for (qsizetype i = 0; i < instances.value().size(); ++i) {
        const QJsonValue value = instances.value().at(i);
        const auto child = entryAt(entry.child(QStringLiteral("instances"), i, value), value,
                                   QStringLiteral("name and socket or command"));
        auto instance = child.ok() ? parseInstance(child.value()) : Core::Result<InstanceConfig>(child.error());
        if (!instance.ok()) {
            return instance.error();
        }
        fleet.instances << std::move(instance).value();
    }
    for (qsizetype i = 0; i < releases.value().size(); ++i) {
        const QJsonValue value = releases.value().at(i);
        const auto child = entryAt(entry.child(QStringLiteral("releases"), i, value), value,
                                   QStringLiteral("name and backend or map"));
        auto release = child.ok() ? parseRelease(child.value()) : Core::Result<ReleaseConfig>(child.error());
        if (!release.ok()) {
            return release.error();
        }
        fleet.releases << std::move(release).value();
    }
    const auto instanceName = [](const InstanceConfig &instance) { return instance.name; };
    const auto releaseName = [](const ReleaseConfig &release) { return release.name; };
    // Two releases on one backend (or one map key) would move each other's traffic.
    const auto route = [](const ReleaseConfig &release) {
        return release.kind == ReleaseKind::Servers
                   ? QString(QStringLiteral("backend ") + release.backend)
                   : QString(QStringLiteral("map key ") + release.map + QLatin1Char(' ') + release.key);
    };
    for (const auto &problem :
         {duplicate(entry, QStringLiteral("instances"), fleet.instances, instanceName, QStringLiteral("name")),
          duplicate(entry, QStringLiteral("releases"), fleet.releases, releaseName, QStringLiteral("name")),
          duplicate(entry, QStringLiteral("releases"), fleet.releases, route, QStringLiteral("route"))}) {
        if (problem) {
            return *problem;
        }
    }
    return fleet;
}

} // namespace

Core::Result<QList<FleetConfig>> parseFleetConfig(const QJsonValue &document, const QString &fileName)
{
    const auto root = entryAt(fileName, document, QStringLiteral("a list of fleets under \"fleets\""));
    if (!root.ok()) {
        return root.error();
    }
    if (const auto unknown = root.value().unknownKey({QStringLiteral("fleets")})) {
        return *unknown;
    }
    const auto fleets = root.value().list(QStringLiteral("fleets"), 1, QStringLiteral("fleets (at least one)"));
    if (!fleets.ok()) {
        return fleets.error();
    }
    QList<FleetConfig> result;
    for (qsizetype i = 0; i < fleets.value().size(); ++i) {
        const QJsonValue value = fleets.value().at(i);
        const auto child = entryAt(root.value().child(QStringLiteral("fleets"), i, value), value,
                                   QStringLiteral("name, instances and releases"));
        auto fleet = child.ok() ? parseFleet(child.value()) : Core::Result<FleetConfig>(child.error());
        if (!fleet.ok()) {
            return fleet.error();
        }
        result << std::move(fleet).value();
    }
    const auto fleetName = [](const FleetConfig &fleet) { return fleet.name; };
    if (const auto problem =
            duplicate(root.value(), QStringLiteral("fleets"), result, fleetName, QStringLiteral("name"))) {
        return *problem;
    }
    return result;
}

bool isProxyName(const QString &name)
{
    static const QRegularExpression form(QStringLiteral("^[A-Za-z0-9_.:-]{1,255}$"));
    return form.match(name).hasMatch();
}

QString fleetIdentity(const FleetConfig &fleet)
{
    QStringList endpoints;
    for (const InstanceConfig &instance : fleet.instances) {
        const Endpoint &endpoint = instance.endpoint;
        endpoints << (endpoint.kind == Endpoint::Kind::Command
                          ? QStringLiteral("command:") + endpoint.argv.join(QChar(0))
                          : endpoint.describe());
    }
    endpoints.sort();
    const QByteArray key = (fleet.name + QChar(0) + endpoints.join(QChar(1))).toUtf8();
    return QStringLiteral("fleet:") +
           QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16));
}

} // namespace Curtain::HAProxy
