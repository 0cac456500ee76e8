#pragma once

#include "db/localserver.h"

#include <memory>

namespace Curtain::Test {

// Starts a private PostgreSQL for a test (Db::LocalServer); empty, or why it could not (a missing
// server names the Debian package to install).
inline QString startPostgres(std::unique_ptr<Db::LocalServer> *server)
{
    auto started = Db::LocalServer::start(true); // initdb once per suite, then copies
    if (!started.ok()) {
        return started.error().message;
    }
    *server = std::move(started).value();
    return {};
}

} // namespace Curtain::Test
