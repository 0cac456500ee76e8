#pragma once

#include <memory>

namespace Curtain::Sim {
class DemoCluster;
}

namespace Curtain::Ui {

// The demo's `orders` release on a real database: blue needs schema version 01_orders, green
// 02_orders_cents, which does not exist yet — so Flip waits for Expand, and the schema gate can be
// tried end to end. The release appears at once; its private PostgreSQL starts in the background
// (Db::LocalServer) and the route is annotated when the database is ready, with the next
// migration's file beside it (curtain.dev/migrations). Without PostgreSQL the release stays, and
// its Database row says what to install. Keep the result alive as long as the demo.
std::shared_ptr<void> addOrdersRelease(const std::shared_ptr<Sim::DemoCluster> &demo);

} // namespace Curtain::Ui
