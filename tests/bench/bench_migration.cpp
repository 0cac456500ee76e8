// Expand/contract against the naive way, side by side on the same table and load (issue 14 item 7).
// A table of N rows takes a steady load from application clients (insert, update, read by key, each
// timed); the same schema change — `total` from integer to bigint and `note` renamed to `memo` — is
// made two ways on two copies of the database:
//   curtain: Db::Migrator start (a copy of `total` kept in step by triggers, backfilled in batches,
//            `memo` only a new name in the new version's views), the clients move to the new
//            version, then complete;
//   naive:   one transaction of plain ALTER TABLE … TYPE bigint and RENAME COLUMN, as a migration
//            tool applied with the deployment does it.
// Prints backfill rows/s, each client statement's worst latency and the failed statements during
// each phase, and the ratio of the worst latencies. Usage: bench_migration [ROWS [BATCH]] (defaults
// 200000 rows, batches of 1000 as pgroll's).

#include "db/connection.h"
#include "db/localserver.h"
#include "db/migrator.h"
#include "engine/migrationfile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

using namespace Curtain;

namespace {

// Application clients: each on its own connection and search_path, timing every statement.
class Load
{
public:
    Load(QString conninfo, int clients, int rows) : m_conninfo(std::move(conninfo)), m_clients(clients), m_rows(rows) {}
    ~Load() { stop(); }

    // `noteColumn`: the name the version the clients use gives the column ("note", later "memo").
    void start(const QString &searchPath, const QString &noteColumn)
    {
        stop();
        m_stop = false;
        for (int c = 0; c < m_clients; ++c) {
            m_threads.emplace_back([this, searchPath, noteColumn, c] {
                auto db =
                    Db::Connection::open(m_conninfo + QStringLiteral(" options='-c search_path=%1'").arg(searchPath));
                if (!db.ok()) {
                    std::lock_guard lock(m_mutex);
                    ++m_failed;
                    return;
                }
                QRandomGenerator random(quint32(c + 1));
                for (int i = 0; !m_stop.load(); ++i) {
                    const int id = int(random.bounded(m_rows)) + 1;
                    const QString sql =
                        i % 3 == 0
                            ? QStringLiteral("INSERT INTO orders (total, %1) VALUES (%2, 'n')").arg(noteColumn).arg(id)
                        : i % 3 == 1
                            ? QStringLiteral("UPDATE orders SET total = total + 1, %1 = 'u' "
                                             "WHERE id = %2")
                                  .arg(noteColumn)
                                  .arg(id)
                            : QStringLiteral("SELECT total, %1 FROM orders WHERE id = %2").arg(noteColumn).arg(id);
                    QElapsedTimer clock;
                    clock.start();
                    const bool ok = db.value()->execute(sql).ok();
                    const qint64 us = clock.nsecsElapsed() / 1000;
                    std::lock_guard lock(m_mutex);
                    m_worstUs = std::max(m_worstUs, us);
                    ++m_statements;
                    m_failed += ok ? 0 : 1;
                }
            });
        }
    }

    void stop()
    {
        m_stop = true;
        for (std::thread &t : m_threads) {
            t.join();
        }
        m_threads.clear();
    }

    struct Figures
    {
        qint64 statements = 0;
        qint64 failed = 0;
        qint64 worstUs = 0;
    };
    // What happened since the last call.
    Figures take()
    {
        std::lock_guard lock(m_mutex);
        Figures f{m_statements, m_failed, m_worstUs};
        m_statements = m_failed = m_worstUs = 0;
        return f;
    }

private:
    QString m_conninfo;
    int m_clients;
    int m_rows;
    std::vector<std::thread> m_threads;
    std::atomic_bool m_stop = true;
    std::mutex m_mutex;
    qint64 m_statements = 0;
    qint64 m_failed = 0;
    qint64 m_worstUs = 0;
};

void print(const char *phase, qint64 ms, const Load::Figures &f)
{
    std::printf("  %-34s %8lld ms  %8lld statements  worst %8.1f ms  failed %lld\n", phase, ms, f.statements,
                f.worstUs / 1000.0, f.failed);
}

bool prepare(Db::LocalServer &server, const QString &name, int rows, QString *conninfo)
{
    if (!server.createDatabase(name).ok()) {
        return false;
    }
    *conninfo = server.conninfo(name);
    auto db = Db::Connection::open(*conninfo);
    return db.ok() &&
           db.value()
               ->execute(QStringLiteral("CREATE TABLE orders (id serial PRIMARY KEY, total integer NOT NULL, "
                                        "note text); INSERT INTO orders (total, note) SELECT n, 'x' FROM "
                                        "generate_series(1, %1) n")
                             .arg(rows))
               .ok();
}

// Lets the clients run for a moment, so a phase is measured against a steady load.
void settle(Load &load)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    (void)load.take();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int rows = argc > 1 ? std::max(1000, std::atoi(argv[1])) : 200'000;
    const int batch = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1000;
    const int clients = 4;
    auto server = Db::LocalServer::start();
    if (!server.ok()) {
        std::fprintf(stderr, "bench_migration: %s\n", qPrintable(server.error().message));
        return 1;
    }
    std::printf("bench_migration: %d rows, %d clients (insert, update, read by key), PostgreSQL %d\n", rows, clients,
                Db::Connection::open(server.value()->conninfo()).value()->serverVersion());

    // Curtain: expand, clients move to the new version, contract.
    QString curtainDb;
    if (!prepare(*server.value(), QStringLiteral("expand_contract"), rows, &curtainDb)) {
        std::fprintf(stderr, "bench_migration: cannot prepare the database\n");
        return 1;
    }
    const auto migration = Engine::parseMigrationText(
        "operations:\n"
        "  - alter_column: {table: orders, column: total, type: bigint, up: total, down: total::integer}\n"
        "  - rename_column: {table: orders, from: note, to: memo}\n",
        QStringLiteral("v2.yaml"), QStringLiteral("v2"));
    auto db = Db::Connection::open(curtainDb);
    Db::MigratorOptions options;
    options.batchSize = batch;
    Db::Migrator migrator(db.value(), options);
    Load load(curtainDb, clients, rows);
    load.start(QStringLiteral("public"), QStringLiteral("note"));
    settle(load);
    QElapsedTimer clock;
    clock.start();
    qint64 backfilled = 0;
    const auto started = migrator.start(migration.value(), [&](const Db::BackfillProgress &p) { backfilled = p.done; });
    const qint64 startMs = clock.elapsed();
    const Load::Figures duringStart = load.take();
    if (!started.ok()) {
        std::fprintf(stderr, "bench_migration: start failed: %s\n", qPrintable(started.error().message));
        return 1;
    }
    load.start(QStringLiteral("v2"), QStringLiteral("memo")); // the flip: the clients are the new version now
    settle(load);
    clock.restart();
    const auto completed = migrator.complete();
    const qint64 completeMs = clock.elapsed();
    const Load::Figures duringComplete = load.take();
    load.stop();
    if (!completed.ok()) {
        std::fprintf(stderr, "bench_migration: complete failed: %s\n", qPrintable(completed.error().message));
        return 1;
    }

    // Naive: one transaction of ALTER TABLE while the old version's clients keep working.
    QString naiveDb;
    if (!prepare(*server.value(), QStringLiteral("naive"), rows, &naiveDb)) {
        return 1;
    }
    Load naiveLoad(naiveDb, clients, rows);
    naiveLoad.start(QStringLiteral("public"), QStringLiteral("note"));
    settle(naiveLoad);
    auto naive = Db::Connection::open(naiveDb);
    clock.restart();
    const bool altered = naive.value()
                             ->execute(QStringLiteral("BEGIN; ALTER TABLE orders ALTER COLUMN total TYPE bigint; "
                                                      "ALTER TABLE orders RENAME COLUMN note TO memo; COMMIT"))
                             .ok();
    const qint64 naiveMs = clock.elapsed();
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // the old clients meet the renamed column
    const Load::Figures duringNaive = naiveLoad.take();
    naiveLoad.stop();
    if (!altered) {
        std::fprintf(stderr, "bench_migration: the naive ALTER TABLE failed\n");
        return 1;
    }

    std::printf("\nexpand/contract (Curtain):\n");
    print("start (expand + backfill)", startMs, duringStart);
    print("complete (contract)", completeMs, duringComplete);
    std::printf("  backfill: %lld rows in %lld ms = %.0f rows/s in batches of %d; lock retries %d\n", backfilled,
                startMs, startMs > 0 ? backfilled * 1000.0 / startMs : 0.0, batch, migrator.lockRetriesSoFar());
    std::printf("naive (ALTER TABLE … TYPE, RENAME in one transaction, old version still running):\n");
    print("ALTER TABLE and the 0.5 s after", naiveMs, duringNaive);
    const qint64 worstCurtain = std::max(duringStart.worstUs, duringComplete.worstUs);
    std::printf("\nworst client statement: naive %.1f ms / Curtain %.1f ms = %.1fx; failed statements: naive %lld, "
                "Curtain %lld\n",
                duringNaive.worstUs / 1000.0, worstCurtain / 1000.0,
                worstCurtain > 0 ? double(duringNaive.worstUs) / worstCurtain : 0.0, duringNaive.failed,
                duringStart.failed + duringComplete.failed);
    return 0;
}
