#include "settings.h"

#include "core/confirmation.h"
#include "core/schemagate.h"

#include <QLockFile>
#include <QMutex>
#include <QMutexLocker>
#include <QSettings>
#include <QThreadPool>
#include <QVariant>

#include <algorithm>
#include <functional>
#include <utility>

namespace Curtain::Ui::Settings {

namespace {

// What is remembered lives in memory once read: the GUI thread reads only there. Every change is
// made there at once and written to the file on one thread of its own, in order: QSettings rewrites
// the whole file and syncs it to disk on each change, which on a busy disk held the GUI thread for
// 0.3–0.9 s during a context switch (bench_guistall), and a QSettings read waits while another
// thread syncs the file.
QThreadPool &writer()
{
    static QThreadPool *const pool = [] {
        auto *created = new QThreadPool; // never destroyed: flush() runs before QApplication ends
        created->setMaxThreadCount(1);
        return created;
    }();
    return *pool;
}

struct Memory
{
    QMutex mutex;
    bool loaded = false;
    QHash<QString, QVariant> values;
};

Memory &memory()
{
    static Memory *const kept = new Memory; // never destroyed, like the writer
    return *kept;
}

// The file is read once, the first time anything is asked for (or after reload()).
QVariant value(const QString &key, const QVariant &defaultValue = {})
{
    Memory &m = memory();
    QMutexLocker lock(&m.mutex);
    if (!m.loaded) {
        writer().waitForDone(); // after reload(): what this process wrote before is in the file
        const QSettings settings;
        for (const QString &stored : settings.allKeys()) {
            m.values.insert(stored, settings.value(stored));
        }
        m.loaded = true;
    }
    return m.values.value(key, defaultValue);
}

void setValues(const QList<std::pair<QString, QVariant>> &changes)
{
    {
        Memory &m = memory();
        QMutexLocker lock(&m.mutex);
        for (const auto &[key, changed] : changes) {
            m.values.insert(key, changed);
        }
    }
    writer().start([changes] {
        QSettings settings;
        for (const auto &[key, changed] : changes) {
            settings.setValue(key, changed);
        }
    }); // the QSettings is destroyed here, on the writer's thread: that is when the file is written
}

// A list that other consoles change too (each process holds its own copy in memory): `change` is
// applied to this process's copy and, on the writer's thread, to what the file holds by then, so an
// entry another console wrote since this one read the file is kept rather than overwritten.
void changeSharedList(const QString &key, const std::function<QStringList(QStringList)> &change)
{
    {
        Memory &m = memory();
        QMutexLocker lock(&m.mutex);
        m.values.insert(key, change(m.values.value(key).toStringList()));
    }
    writer().start([key, change] {
        // One console's read-modify-write at a time: QSettings locks the file only while it writes.
        QLockFile lock(QSettings().fileName() + QStringLiteral(".lists.lock"));
        lock.lock();        // a lock left by a console that died is taken over once stale (30 s)
        QSettings settings; // reads the file as it is now, another console's change included
        settings.setValue(key, change(settings.value(key).toStringList()));
        settings.sync();
    });
}

} // namespace

void flush()
{
    writer().waitForDone();
}

void reload()
{
    Memory &m = memory();
    QMutexLocker lock(&m.mutex);
    writer().waitForDone();
    m.loaded = false;
    m.values.clear();
}

void clear()
{
    {
        Memory &m = memory();
        QMutexLocker lock(&m.mutex);
        m.values.clear();
        m.loaded = true;
    }
    writer().start([] { QSettings().clear(); });
    writer().waitForDone(); // whoever writes the file next (a test, as a user would) is not undone
}

QStringList protectedContexts()
{
    return value(QStringLiteral("safety/protectedContexts"), Core::defaultProtectedContexts()).toStringList();
}

namespace {

const QString acknowledgedKey = QStringLiteral("history/acknowledgedRollbacks");
constexpr qsizetype acknowledgedKept = 200;
const QChar separator(0x1f); // unit separator: in no context, namespace or name

} // namespace

QHash<Core::ReleaseKey, QDateTime> acknowledgedRollbacks(const QString &context)
{
    QHash<Core::ReleaseKey, QDateTime> acknowledged;
    const QStringList entries = value(acknowledgedKey).toStringList();
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
    value(acknowledgedKey); // the file read once, before this process's copy changes
    changeSharedList(acknowledgedKey, [prefix, entry](QStringList entries) {
        entries.removeIf([&prefix](const QString &kept) { return kept.startsWith(prefix); });
        entries.append(entry);
        if (entries.size() > acknowledgedKept) {
            entries.remove(0, entries.size() - acknowledgedKept);
        }
        return entries;
    });
}

WindowLayout windowLayout()
{
    return {value(QStringLiteral("window/geometry")).toByteArray(),
            value(QStringLiteral("window/splitter")).toByteArray(), value(QStringLiteral("window/release")).toString()};
}

void setWindowLayout(const WindowLayout &layout)
{
    setValues({{QStringLiteral("window/geometry"), layout.geometry},
               {QStringLiteral("window/splitter"), layout.splitter},
               {QStringLiteral("window/release"), layout.release}});
}

LastSession lastSession()
{
    return {value(QStringLiteral("session/context")).toString(), value(QStringLiteral("session/namespace")).toString()};
}

void setLastSession(const LastSession &session)
{
    setValues({{QStringLiteral("session/context"), session.context},
               {QStringLiteral("session/namespace"), session.namespaceName}});
}

int soakMinutes()
{
    return std::clamp(
        value(QStringLiteral("migrations/soakMinutes"), Core::SchemaRequest::defaultSoakSeconds / 60).toInt(), 0,
        24 * 60);
}

void setSoakMinutes(int minutes)
{
    setValues({{QStringLiteral("migrations/soakMinutes"), minutes}});
}

int scaleDownMinutes()
{
    return std::clamp(value(QStringLiteral("migrations/scaleDownMinutes"), 30).toInt(), 0, 24 * 60);
}

void setScaleDownMinutes(int minutes)
{
    setValues({{QStringLiteral("migrations/scaleDownMinutes"), minutes}});
}

} // namespace Curtain::Ui::Settings
