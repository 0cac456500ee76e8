#pragma once

#include "commandline.h"
#include "core/result.h"

#include <QString>

#include <functional>

namespace Curtain::Ctl {

// `curtainctl migration status|start|complete|rollback` on --database: what it printed (a table or
// JSON), or the error; `progress` gets a line at most once a second while a backfill runs.
Core::Result<QString> migration(const Invocation &invocation, const std::function<void(const QString &)> &progress);

} // namespace Curtain::Ctl
