#include "settings.h"

#include "core/confirmation.h"
#include "core/schemagate.h"

#include <QSettings>

namespace Curtain::Ui::Settings {

QStringList protectedContexts()
{
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
    QSettings settings;
    QStringList entries = settings.value(acknowledgedKey).toStringList();
    const QString prefix = context + separator + release.toString() + separator;
    entries.removeIf([&prefix](const QString &entry) { return entry.startsWith(prefix); });
    entries.append(prefix + planStartedAt.toString(Qt::ISODateWithMs));
    if (entries.size() > acknowledgedKept) {
        entries.remove(0, entries.size() - acknowledgedKept);
    }
    settings.setValue(acknowledgedKey, entries);
}

WindowLayout windowLayout()
{
    const QSettings settings;
    return {settings.value(QStringLiteral("window/geometry")).toByteArray(),
            settings.value(QStringLiteral("window/splitter")).toByteArray(),
            settings.value(QStringLiteral("window/release")).toString()};
}

void setWindowLayout(const WindowLayout &layout)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), layout.geometry);
    settings.setValue(QStringLiteral("window/splitter"), layout.splitter);
    settings.setValue(QStringLiteral("window/release"), layout.release);
}

LastSession lastSession()
{
    const QSettings settings;
    return {settings.value(QStringLiteral("session/context")).toString(),
            settings.value(QStringLiteral("session/namespace")).toString()};
}

void setLastSession(const LastSession &session)
{
    QSettings settings;
    settings.setValue(QStringLiteral("session/context"), session.context);
    settings.setValue(QStringLiteral("session/namespace"), session.namespaceName);
}

int soakMinutes()
{
    return std::clamp(QSettings()
                          .value(QStringLiteral("migrations/soakMinutes"), Core::SchemaRequest::defaultSoakSeconds / 60)
                          .toInt(),
                      0, 24 * 60);
}

void setSoakMinutes(int minutes)
{
    QSettings().setValue(QStringLiteral("migrations/soakMinutes"), minutes);
}

int scaleDownMinutes()
{
    return std::clamp(QSettings().value(QStringLiteral("migrations/scaleDownMinutes"), 30).toInt(), 0, 24 * 60);
}

void setScaleDownMinutes(int minutes)
{
    QSettings().setValue(QStringLiteral("migrations/scaleDownMinutes"), minutes);
}

} // namespace Curtain::Ui::Settings
