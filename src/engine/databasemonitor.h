#pragma once

#include "core/databasestate.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <functional>

namespace Curtain::Engine {

// Reads the schema state of every database a release names (curtain.dev/database), every few
// seconds and on demand before an action, off the engine's thread: libpq blocks. What the schema
// gate decides with, and what the console's Database row shows.
class DatabaseMonitor final : public QObject
{
    Q_OBJECT

public:
    explicit DatabaseMonitor(QObject *parent = nullptr);
    ~DatabaseMonitor() override;

    // The databases to keep reading: (conninfo, schema) pairs. Others are forgotten.
    void watch(const QList<std::pair<QString, QString>> &databases);
    // The last reading; a not-yet-read state (read == false) before the first one.
    Core::DatabaseState state(const QString &conninfo, const QString &schema) const;
    // The databases watched that have no reading yet.
    QList<std::pair<QString, QString>> unread() const;
    // Reads now and calls `done` on this object's thread with the result.
    void refresh(const QString &conninfo, const QString &schema, std::function<void()> done);

Q_SIGNALS:
    void changed(); // a reading differs from the one before

private:
    void read(const QString &conninfo, const QString &schema);

    QTimer m_poll;
    QList<std::pair<QString, QString>> m_watched;
    QHash<QString, Core::DatabaseState> m_states;
    QSet<QString> m_inFlight;
    QHash<QString, QList<std::function<void()>>> m_waiting; // who waits for a reading
    QList<QFuture<void>> m_running;
    // Readings wait on the network, not the CPU: a pool of their own, wider than the global one (as
    // many threads as cores), so that a few databases that do not answer cannot queue the rest
    // behind their connect timeouts.
    QThreadPool m_readers;
};

// One blocking reading (Db::Migrator::status and the schemas that exist), as the gate needs it,
// bounded: libpq's connect timeout, then a statement and lock timeout for the reading itself.
Core::DatabaseState readDatabaseState(const QString &conninfo, const QString &schema);

} // namespace Curtain::Engine
