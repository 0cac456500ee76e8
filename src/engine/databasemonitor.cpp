#include "engine/databasemonitor.h"

#include "core/futures.h"
#include "db/connection.h"
#include "db/migrator.h"

#include <QtConcurrent/QtConcurrentRun>

namespace Curtain::Engine {

namespace {

QString keyOf(const QString &conninfo, const QString &schema)
{
    return conninfo + QChar(0) + schema;
}

bool sameReading(const Core::DatabaseState &a, const Core::DatabaseState &b)
{
    return a.read == b.read && a.error == b.error && a.phase == b.phase && a.liveVersions == b.liveVersions &&
           a.goneVersions == b.goneVersions && a.migration == b.migration && a.backfillDone == b.backfillDone &&
           a.backfillFinished == b.backfillFinished;
}

} // namespace

Core::DatabaseState readDatabaseState(const QString &conninfo, const QString &schema)
{
    Core::DatabaseState state;
    state.database = conninfo;
    state.observedAt = QDateTime::currentDateTimeUtc();
    // A database that does not answer must not hold the gate for long: libpq's own connect timeout.
    const bool uri =
        conninfo.startsWith(QLatin1String("postgres://")) || conninfo.startsWith(QLatin1String("postgresql://"));
    QString bounded = conninfo;
    if (!conninfo.contains(QLatin1String("connect_timeout"))) {
        bounded += uri ? QString(conninfo.contains(QLatin1Char('?')) ? QStringLiteral("&connect_timeout=5")
                                                                     : QStringLiteral("?connect_timeout=5"))
                       : QStringLiteral(" connect_timeout=5");
    }
    auto db = Db::Connection::open(bounded);
    if (!db.ok()) {
        state.error = db.error().message;
        return state;
    }
    // A server that accepts and then hangs (a lock on the state table, an overloaded server) must not
    // hold a reading either: it is a few small SELECTs.
    if (const auto limited =
            db.value()->execute(QStringLiteral("SET statement_timeout = '5s'; SET lock_timeout = '2s'"));
        !limited.ok()) {
        state.error = limited.error().message;
        return state;
    }
    Db::MigratorOptions options;
    options.schema = schema;
    const auto status = Db::Migrator(db.value(), options).status();
    if (!status.ok()) {
        state.error = status.error().message;
        return state;
    }
    const Db::MigrationStatus &s = status.value();
    state.read = true;
    state.phase = Db::migrationPhaseName(s.phase);
    if (s.phase == Db::MigrationPhase::None) {
        state.liveVersions = {schema}; // no migration yet: clients use the tables themselves
    } else {
        for (const QString &version : s.liveVersions()) {
            state.liveVersions << (version.isEmpty() ? schema : version);
        }
        state.newVersion = s.latest->versionSchema;
        state.oldVersion = s.phase == Db::MigrationPhase::Expanded
                               ? (s.latest->parent.isEmpty() ? schema : s.latest->parent)
                               : QString();
        state.migration = s.latest->name;
        state.migrationBy = s.latest->startedBy;
        state.completedAt = s.latest->finishedAt;
        state.backfillDone = s.latest->backfillDone;
        state.backfillTotal = s.latest->backfillTotal;
        state.backfillFinished = s.latest->backfillFinished;
    }
    // Every version a completed migration left behind is gone, the bare tables included.
    for (const Db::MigrationRecord &record : s.history) {
        if (record.state != QLatin1String("completed")) {
            continue;
        }
        for (const QString &version : {record.parent.isEmpty() ? schema : record.parent, record.versionSchema}) {
            if (!state.liveVersions.contains(version) && !state.goneVersions.contains(version)) {
                state.goneVersions << version;
            }
        }
    }
    return state;
}

DatabaseMonitor::DatabaseMonitor(QObject *parent)
    : QObject(parent), m_poll(this), m_readers(this) // both move with the engine
{
    m_readers.setMaxThreadCount(16);
    m_poll.setInterval(5000);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        for (const auto &[conninfo, schema] : std::as_const(m_watched)) {
            read(conninfo, schema);
        }
    });
}

DatabaseMonitor::~DatabaseMonitor()
{
    for (QFuture<void> &running : m_running) {
        running.waitForFinished(); // a reading holds no lock; it ends within libpq's connect timeout
    }
}

void DatabaseMonitor::watch(const QList<std::pair<QString, QString>> &databases)
{
    const bool added = std::any_of(databases.cbegin(), databases.cend(),
                                   [this](const auto &database) { return !m_watched.contains(database); });
    m_watched = databases;
    if (m_watched.isEmpty()) {
        m_poll.stop();
        return;
    }
    if (!m_poll.isActive()) {
        m_poll.start();
    }
    if (added) {
        for (const auto &[conninfo, schema] : std::as_const(m_watched)) {
            if (!m_states.contains(keyOf(conninfo, schema))) {
                read(conninfo, schema);
            }
        }
    }
}

Core::DatabaseState DatabaseMonitor::state(const QString &conninfo, const QString &schema) const
{
    const auto it = m_states.constFind(keyOf(conninfo, schema));
    if (it != m_states.cend()) {
        return *it;
    }
    Core::DatabaseState unread;
    unread.database = conninfo;
    unread.error = QStringLiteral("not read yet");
    return unread;
}

QList<std::pair<QString, QString>> DatabaseMonitor::unread() const
{
    QList<std::pair<QString, QString>> found;
    for (const auto &[conninfo, schema] : m_watched) {
        if (!m_states.contains(keyOf(conninfo, schema))) {
            found.append({conninfo, schema});
        }
    }
    return found;
}

void DatabaseMonitor::refresh(const QString &conninfo, const QString &schema, std::function<void()> done)
{
    m_waiting[keyOf(conninfo, schema)].append(std::move(done));
    read(conninfo, schema);
}

void DatabaseMonitor::read(const QString &conninfo, const QString &schema)
{
    const QString key = keyOf(conninfo, schema);
    if (m_inFlight.contains(key)) {
        return; // whoever waits is told when that reading ends
    }
    m_inFlight.insert(key);
    m_running.removeIf([](const QFuture<void> &f) { return f.isFinished(); });
    QFuture<Core::DatabaseState> reading = QtConcurrent::run(&m_readers, readDatabaseState, conninfo, schema);
    m_running.append(QFuture<void>(reading));
    Core::onFinished(reading, this, [this, key](const Core::DatabaseState &state) {
        m_inFlight.remove(key);
        const bool changedNow = !m_states.contains(key) || !sameReading(m_states.value(key), state);
        m_states.insert(key, state);
        const QList<std::function<void()>> waiting = m_waiting.take(key);
        if (changedNow) {
            Q_EMIT changed();
        }
        for (const auto &done : waiting) {
            done();
        }
    });
}

} // namespace Curtain::Engine
