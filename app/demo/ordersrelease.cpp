#include "ordersrelease.h"

#include "db/connection.h"
#include "db/localserver.h"
#include "db/migrator.h"
#include "engine/migrationfile.h"
#include "sim/democluster.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"
#include "sim/scenario.h"

#include <QDir>
#include <QFile>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace Curtain::Demo {

namespace {

const char *ordersScenario = R"(namespace: demo
releases:
  - name: orders
    route: service
    serving: blue
    requestsPerSecond: 80
    environments:
      blue:  {version: v3.2.0, replicas: 3}
      green: {version: v3.3.0, replicas: 3}
)";

const char *firstMigration = R"(operations:
  - create_table:
      name: orders
      columns:
        - {name: id, type: serial, pk: true}
        - {name: customer, type: text}
        - {name: total, type: integer}
)";

// What green (v3.3.0) needs: totals in cents, and the customer called the buyer.
const char *nextMigration = R"(# The next migration of the demo's orders: start it with Expand… on the orders release.
operations:
  - add_column:
      table: orders
      up: total * 100
      column: {name: total_cents, type: bigint}
  - rename_column: {table: orders, from: customer, to: buyer}
)";

void patch(Sim::ObjectStore &store, const char *kind, const std::string &name, const nlohmann::json &body)
{
    if (const Sim::ResourceType *type = Sim::findResourceTypeByKind(kind)) {
        (void)store.patch(*type, "demo", name, "application/merge-patch+json", body.dump(), false);
    }
}

// The database behind orders: a private PostgreSQL at 01_orders with 20,000 orders.
class OrdersDatabase final : public OrdersRelease
{
public:
    OrdersDatabase(std::shared_ptr<Sim::DemoCluster> demo, std::chrono::milliseconds startDelay, int niceness)
        : m_startDelay(startDelay), m_niceness(niceness), m_worker([this, demo = std::move(demo)] {
              const QString problem = prepare(*demo);
              const std::lock_guard lock(m_mutex);
              m_prepared = true;
              m_problem = problem;
              m_wake.notify_all();
          })
    {}
    QString waitUntilPrepared() override
    {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [this] { return m_prepared; });
        return m_problem;
    }
    ~OrdersDatabase() override
    {
        {
            const std::lock_guard lock(m_mutex);
            m_closing = true;
        }
        m_wake.notify_all();
        m_worker.join(); // the server (if any) stops after the preparation ends
    }

private:
    QString prepare(Sim::DemoCluster &demo)
    {
        // The console's window comes first: initdb and the server's start take about a second of CPU,
        // which on two cores doubled its cold start. It paints within a few hundred ms.
        {
            std::unique_lock lock(m_mutex);
            if (m_wake.wait_for(lock, m_startDelay, [this] { return m_closing; })) {
                return QStringLiteral("closed before it started"); // closed before it was needed
            }
        }
        QString problem;
        auto server = Db::LocalServer::start(false, m_niceness);
        if (!server.ok()) {
            problem = server.error().message;
        } else {
            m_server = std::move(server).value();
            problem = migrateToFirst();
        }
        Sim::ObjectStore &store = demo.store();
        if (!problem.isEmpty()) {
            // The Database row says why there is none, and what to install.
            patch(store, "Service", "orders",
                  {{"metadata",
                    {{"annotations",
                      {{"curtain.dev/database", "service=orders-demo"},
                       {"curtain.dev/database-unavailable",
                        QStringLiteral("the demo's database could not start: %1").arg(problem).toStdString()}}}}}});
            qWarning("demo: orders has no database: %s", qPrintable(problem));
            return problem;
        }
        patch(store, "Deployment", "orders-blue",
              {{"metadata", {{"annotations", {{"curtain.dev/schema-version", "01_orders"}}}}}});
        patch(store, "Deployment", "orders-green",
              {{"metadata", {{"annotations", {{"curtain.dev/schema-version", "02_orders_cents"}}}}}});
        patch(store, "Service", "orders",
              {{"metadata",
                {{"annotations",
                  {{"curtain.dev/database", m_server->conninfo(QStringLiteral("orders")).toStdString()},
                   {"curtain.dev/migrations", m_server->directory().toStdString()}}}}}});
        return {};
    }

    QString migrateToFirst()
    {
        if (auto made = m_server->createDatabase(QStringLiteral("orders")); !made.ok()) {
            return made.error().message;
        }
        auto db = Db::Connection::open(m_server->conninfo(QStringLiteral("orders")));
        if (!db.ok()) {
            return db.error().message;
        }
        Db::MigratorOptions options;
        options.actor = QStringLiteral("demo");
        Db::Migrator migrator(db.value(), options);
        const auto first =
            Engine::parseMigrationText(firstMigration, QStringLiteral("01_orders.yaml"), QStringLiteral("01_orders"));
        for (const Core::Result<Core::Done> &step : {migrator.start(first.value()), migrator.complete()}) {
            if (!step.ok()) {
                return step.error().message;
            }
        }
        if (auto filled = db.value()->execute(QStringLiteral("INSERT INTO orders (customer, total) SELECT 'customer ' "
                                                             "|| n, n % 500 FROM generate_series(1, 20000) n"));
            !filled.ok()) {
            return filled.error().message;
        }
        QFile next(QDir(m_server->directory()).filePath(QStringLiteral("02_orders_cents.yaml")));
        if (!next.open(QIODevice::WriteOnly) || next.write(nextMigration) < 0) {
            return next.errorString();
        }
        return {};
    }

    std::unique_ptr<Db::LocalServer> m_server;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_closing = false;
    bool m_prepared = false;
    QString m_problem;
    std::chrono::milliseconds m_startDelay;
    int m_niceness;
    std::thread m_worker; // last: started once the members it uses exist
};

} // namespace

std::shared_ptr<OrdersRelease> addOrdersRelease(const std::shared_ptr<Sim::DemoCluster> &demo,
                                                std::chrono::milliseconds startDelay, DatabasePriority priority)
{
    auto scenario = Sim::parseScenario(ordersScenario);
    if (auto *objects = std::get_if<Sim::Scenario>(&scenario)) {
        for (const nlohmann::json &object : objects->objects) {
            if (const Sim::ResourceType *type = Sim::findResourceTypeByKind(object.value("kind", ""))) {
                (void)demo->store().create(*type, type->namespaced ? "demo" : "", object); // "demo" exists already
            }
        }
    }
    return std::make_shared<OrdersDatabase>(demo, startDelay, priority == DatabasePriority::BehindTheConsole ? 10 : 0);
}

} // namespace Curtain::Demo
