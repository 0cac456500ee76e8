#pragma once

#include <QString>

#include <chrono>
#include <memory>

namespace Curtain::Sim {
class DemoCluster;
}

namespace Curtain::Demo {

// The demo's `orders` release on a real database: blue needs schema version 01_orders, green
// 02_orders_cents, which does not exist yet — so Flip waits for Expand, and the schema gate can be
// tried end to end. The release appears at once; its private PostgreSQL (Db::LocalServer) starts in
// the background after `startDelay` (the console paints first), and the route is annotated when the
// database is ready, with the next migration's file beside it (curtain.dev/migrations). Without
// PostgreSQL the release stays, and its Database row says what to install.
class OrdersRelease
{
public:
    virtual ~OrdersRelease() = default;
    // Blocks until the database is ready or could not start: empty, or why there is none.
    virtual QString waitUntilPrepared() = 0;
};

// Beside the console's window the database runs at a lower CPU priority (nice 10): it is there to
// practise on, and on two cores its initdb and first migration made a context switch's events
// wait over 16 ms.
enum class DatabasePriority { Normal, BehindTheConsole };

// Keep the result alive as long as the demo: the database stops with it.
std::shared_ptr<OrdersRelease> addOrdersRelease(const std::shared_ptr<Sim::DemoCluster> &demo,
                                                std::chrono::milliseconds startDelay,
                                                DatabasePriority priority = DatabasePriority::Normal);

} // namespace Curtain::Demo
