#include "settings.h"

#include "core/confirmation.h"
#include "core/schemagate.h"

#include <QSettings>
#include <QThreadPool>

#include <functional>

namespace Curtain::Ui::Settings {

namespace {

// Every change is written on one thread of its own, in order: QSettings rewrites the whole file and
// syncs it to disk on each change, which on a busy disk held the GUI thread for 0.3–0.9 s during a
// context switch (bench_guistall). Reads wait for the writes before them (flush()), so what was
// remembered is what is read back.
QThreadPool &writer()
{
    static QThreadPool *const pool = [] {
        auto *created = new QThreadPool; // never destroyed: flush() runs before QApplication ends
        created->setMaxThreadCount(1);
        return created;
    }();
    return *pool;
}

void write(std::function<void(QSettings &)> change)
{
    writer().start([change = std::move(change)] {
        QSettings settings;
        change(settings);
    }); // the QSettings is destroyed here, on the writer's thread: that is when the file is written
}

} // namespace

void flush()
{
    writer().waitForDone();
}

QStringList protectedContexts()
{
    flush();
    const QSettings settings;
    return settings.value(QStringLiteral("safety/protectedContexts"), Core::defaultProtectedContexts()).toStringList();
}

namespace {

const QString acknowledgedKey = QStringLiteral("history/acknowledgedRollbacks");
constexpr qsizetype acknowledgedKept = 200;
const QChar separator(0x1f); // unit separator: in no context, namespace or name

} // namespace

QHash<Core::ReleaseKey, QDateTime> acknowledgedRollbacks(const QString &context)
{
    flush();
    QHash<Core::ReleaseKey, QDateTime> acknowledged;
    const QStringList entries = QSettings().value(acknowledgedKey).toStringList();
    for (const QString &entry : entries) { // "context␟namespace/name␟plan start"
        const QStringList parts = entry.split(separator);
        if (parts.size() == 3 && parts[0] == context) {
            acknowledged.insert(Core::ReleaseKey::fromString(parts[1]),
                                QDateTime::fromString(parts[2], Qt::ISODateWithMs));
        }
    }
    return acknowledged;
}

void acknowledgeRollback(const QString &context, const Core::ReleaseKey &release, const QDateTime &planStartedAt)
{
    const QString prefix = context + separator + release.toString() + separator;
    const QString entry = prefix + planStartedAt.toString(Qt::ISODateWithMs);
    write([prefix, entry](QSettings &settings) {
        QStringList entries = settings.value(acknowledgedKey).toStringList();
        entries.removeIf([&prefix](const QString &kept) { return kept.startsWith(prefix); });
        entries.append(entry);
        if (entries.size() > acknowledgedKept) {
            entries.remove(0, entries.size() - acknowledgedKept);
        }
        settings.setValue(acknowledgedKey, entries);
    });
}

WindowLayout windowLayout()
{
    flush();
    const QSettings settings;
    return {settings.value(QStringLiteral("window/geometry")).toByteArray(),
            settings.value(QStringLiteral("window/splitter")).toByteArray(),
            settings.value(QStringLiteral("window/release")).toString()};
}

void setWindowLayout(const WindowLayout &layout)
{
    write([layout](QSettings &settings) {
        settings.setValue(QStringLiteral("window/geometry"), layout.geometry);
        settings.setValue(QStringLiteral("window/splitter"), layout.splitter);
        settings.setValue(QStringLiteral("window/release"), layout.release);
    });
}

LastSession lastSession()
{
    flush();
    const QSettings settings;
    return {settings.value(QStringLiteral("session/context")).toString(),
            settings.value(QStringLiteral("session/namespace")).toString()};
}

void setLastSession(const LastSession &session)
{
    write([session](QSettings &settings) {
        settings.setValue(QStringLiteral("session/context"), session.context);
        settings.setValue(QStringLiteral("session/namespace"), session.namespaceName);
    });
}

int soakMinutes()
{
    flush();
    return std::clamp(QSettings()
                          .value(QStringLiteral("migrations/soakMinutes"), Core::SchemaRequest::defaultSoakSeconds / 60)
                          .toInt(),
                      0, 24 * 60);
}

void setSoakMinutes(int minutes)
{
    write([minutes](QSettings &settings) { settings.setValue(QStringLiteral("migrations/soakMinutes"), minutes); });
}

int scaleDownMinutes()
{
    flush();
    return std::clamp(QSettings().value(QStringLiteral("migrations/scaleDownMinutes"), 30).toInt(), 0, 24 * 60);
}

void setScaleDownMinutes(int minutes)
{
    write(
        [minutes](QSettings &settings) { settings.setValue(QStringLiteral("migrations/scaleDownMinutes"), minutes); });
}

} // namespace Curtain::Ui::Settings
