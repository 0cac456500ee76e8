// The schema gate's readings of release databases (DatabaseMonitor) are bounded: a database that
// accepts and never answers, or one whose state table another session holds, costs one reading its
// timeout and never holds the others back or hangs the command that waits for them.

#include "db/connection.h"
#include "engine/databasemonitor.h"
#include "testpostgres.h"

#include <QFutureWatcher>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

using namespace Curtain;

namespace {

// A TCP port that accepts connections and never says a word: a PostgreSQL behind a dead proxy, or a
// server stuck before its startup reply. Counts how many connections are open at once.
class SilentServer : public QObject
{
public:
    SilentServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                m_mostOpen = std::max(m_mostOpen, ++m_open);
                connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                    --m_open;
                    socket->deleteLater();
                });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    int mostOpenAtOnce() const { return m_mostOpen; }

private:
    QTcpServer m_server;
    int m_open = 0;
    int m_mostOpen = 0;
};

} // namespace

class TestDatabaseMonitor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Six release databases that do not answer are read side by side, each ending with its own
    // connect timeout, instead of two at a time (the global pool, one thread per core) while the
    // releases behind them wait their turn.
    void silentDatabases_areReadSideBySide()
    {
        // The global pool as on a 2-core machine: readings that used it ran two at a time anywhere.
        QThreadPool::globalInstance()->setMaxThreadCount(2);
        SilentServer silent;
        QVERIFY(silent.listen());
        Engine::DatabaseMonitor monitor;
        QList<std::pair<QString, QString>> databases;
        for (int i = 0; i < 6; ++i) {
            databases.append(
                {QStringLiteral("host=127.0.0.1 port=%1 dbname=orders%2 connect_timeout=4").arg(silent.port()).arg(i),
                 QStringLiteral("public")});
        }
        monitor.watch(databases);
        // All six are connected before the first one's timeout could free a thread for the next.
        QTRY_COMPARE_WITH_TIMEOUT(silent.mostOpenAtOnce(), 6, 3500);
        for (const auto &[conninfo, schema] : databases) {
            QTRY_VERIFY_WITH_TIMEOUT(monitor.state(conninfo, schema).error != QLatin1String("not read yet"), 15000);
            const Core::DatabaseState state = monitor.state(conninfo, schema);
            QVERIFY(!state.read);
            QVERIFY2(state.error.contains(QLatin1String("timeout")), qPrintable(state.error));
        }
    }

    // Another session holds Curtain's state table (say a migration's DDL that waits on a long
    // transaction): the reading gives up after its lock timeout and says why, instead of waiting with it.
    void lockedStateTable_readingGivesUpAndSaysWhy()
    {
        std::unique_ptr<Db::LocalServer> server;
        const QString postgres = Test::startPostgres(&server);
        QVERIFY2(postgres.isEmpty(), qPrintable(postgres));
        const QString conninfo = server->conninfo();
        auto holder = Db::Connection::open(conninfo);
        QVERIFY2(holder.ok(), holder.ok() ? "" : qPrintable(holder.error().message));
        QVERIFY(holder.value()
                    ->execute(QStringLiteral("CREATE SCHEMA curtain; CREATE TABLE curtain.migrations (schema text)"))
                    .ok());
        QVERIFY(holder.value()
                    ->execute(QStringLiteral("BEGIN; LOCK TABLE curtain.migrations IN ACCESS EXCLUSIVE MODE"))
                    .ok());

        QFutureWatcher<Core::DatabaseState> reading;
        reading.setFuture(QtConcurrent::run(Engine::readDatabaseState, conninfo, QStringLiteral("public")));
        QTRY_VERIFY_WITH_TIMEOUT(reading.isFinished(), 15000);
        const Core::DatabaseState state = reading.result();
        QVERIFY(!state.read);
        QVERIFY2(state.error.contains(QLatin1String("lock timeout")), qPrintable(state.error));

        // Once the lock is gone (here with the stand-in table), the next reading goes through.
        QVERIFY(holder.value()->execute(QStringLiteral("ROLLBACK")).ok());
        QVERIFY(holder.value()->execute(QStringLiteral("DROP SCHEMA curtain CASCADE")).ok());
        const Core::DatabaseState free = Engine::readDatabaseState(conninfo, QStringLiteral("public"));
        QVERIFY2(free.read, qPrintable(free.error));
    }
};

QTEST_GUILESS_MAIN(TestDatabaseMonitor)
#include "tst_databasemonitor.moc"
