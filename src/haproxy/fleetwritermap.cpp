#include "haproxy/fleetwriter.h"

#include "core/displaytext.h"

#include <QFile>
#include <QSaveFile>

#include <algorithm>

// A map release: one map key whose value names the blue or the green backend; it switches whole.
namespace Curtain::HAProxy {

namespace {
constexpr qint64 maxMapFileBytes = 16 * 1024 * 1024; // HAProxy's maps are lines of text; more is not one
}

WriteReport FleetWriter::switchMap(const QString &name, Color to, const WriteOptions &options)
{
    Q_UNUSED(options)
    WriteReport report;
    report.summary = QStringLiteral("%1 to %2").arg(Core::shown(name, 80), colorName(to));
    const ReleaseConfig *release = releaseNamed(name);
    if (!release || release->kind != ReleaseKind::MapSwitch) {
        report.problem = release
                             ? QStringLiteral("%1 is weighted between servers: set its weights instead").arg(name)
                             : QStringLiteral("fleet %1 has no release %2").arg(m_fleet.name, Core::shown(name, 80));
        return report;
    }
    const Core::Result<Snapshot> before = snapshot(*release);
    if (!before.ok()) {
        report.problem = before.error().message;
        report.unreachable = before.error().kind == Core::ErrorKind::Unreachable;
        return report;
    }
    report.before = before.value().release;
    const QString target = to == Color::Blue ? release->blueBackend : release->greenBackend;
    const ColorView &targetView = to == Color::Blue ? report.before.blue : report.before.green;
    if (targetView.servingWeight == 0) {
        report.problem = QStringLiteral("no server of %1 takes traffic (down, drained, in maintenance or at weight 0): "
                                        "nothing was switched")
                             .arg(target);
        return report;
    }
    QStringList missing;
    const StepsFor point = [&](const InstanceReading &reading) {
        QList<Step> steps;
        for (const MapEntry &entry : reading.maps.value(release->map).entries) {
            if (entry.key == release->key && entry.value != target) {
                steps << Step{QStringLiteral("set map %1 %2 %3").arg(release->map, release->key, target),
                              QStringLiteral("set map %1 %2 %3").arg(release->map, release->key, entry.value)};
            }
        }
        return steps;
    };
    for (const InstanceReading &reading : before.value().readings) {
        const QList<MapEntry> entries = reading.maps.value(release->map).entries;
        if (std::none_of(entries.cbegin(), entries.cend(),
                         [&](const MapEntry &entry) { return entry.key == release->key; })) {
            missing << reading.instance;
        }
    }
    if (!missing.isEmpty()) {
        report.problem = QStringLiteral("%1 has no entry %2 in %3: add \"%2 %4\" to the map file and reload; nothing "
                                        "was switched")
                             .arg(missing.join(QStringLiteral(", ")), release->key, release->map, release->blueBackend);
        return report;
    }
    QList<Sent> sent;
    if (!sendPhase(before.value().readings, point, sent, report)) {
        revert(sent, report);
        return report;
    }
    confirm(
        *release,
        [&](const ReleaseState &now) {
            const double share = to == Color::Blue ? now.blue.share : now.green.share;
            return share == 1 ? QString() : QStringLiteral("%1 not carrying all traffic").arg(target);
        },
        report);
    if (!sent.isEmpty()) {
        writeMapFiles(*release, target, report);
    }
    if (report.applied()) {
        report.summary = QStringLiteral("%1: all traffic to %2 (%3) on %4")
                             .arg(release->name, colorName(to), target, instanceNames().join(QStringLiteral(", ")));
    }
    return report;
}

// HAProxy reads its map files only when it starts: a switch made through the runtime API dies with
// a reload unless the file says the same. Instances whose map files are on this machine get the
// entry written (atomically, every other line kept); for the others the report says what to write.
void FleetWriter::writeMapFiles(const ReleaseConfig &release, const QString &target, WriteReport &report)
{
    QStringList elsewhere;
    bool written = false;
    for (const InstanceConfig &instance : m_fleet.instances) {
        if (!instance.writeMapFiles) {
            elsewhere << instance.name;
            continue;
        }
        if (written) {
            continue; // one file on this machine, shared by every local instance
        }
        QFile current(release.map);
        const auto edited =
            current.open(QIODevice::ReadOnly) && current.size() <= maxMapFileBytes
                ? withMapEntry(QString::fromUtf8(current.readAll()), release.key, target)
                : Core::Result<QString>(Core::makeError(
                      Core::ErrorKind::InvalidInput,
                      current.isOpen() ? QStringLiteral("it is larger than %1 bytes").arg(maxMapFileBytes)
                                       : current.errorString()));
        current.close();
        QSaveFile file(release.map);
        if (edited.ok() && file.open(QIODevice::WriteOnly) && file.write(edited.value().toUtf8()) >= 0 &&
            file.commit()) {
            written = true;
            continue;
        }
        report.warnings << QStringLiteral("%1: the map file %2 was not written (%3): a reload would undo this switch; "
                                          "write \"%4 %5\" there by hand")
                               .arg(instance.name, release.map,
                                    edited.ok() ? file.errorString() : edited.error().message, release.key, target);
    }
    if (!elsewhere.isEmpty()) {
        report.warnings << QStringLiteral("HAProxy keeps this until its next reload; the map file %1 on %2 still "
                                          "names the old backend unless it is written too (writeMapFiles: true in the "
                                          "fleet file when it is on this machine)")
                               .arg(release.map, elsewhere.join(QStringLiteral(", ")));
    }
}

} // namespace Curtain::HAProxy
