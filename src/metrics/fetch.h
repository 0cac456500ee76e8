#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QFuture>
#include <QString>

#include <functional>

namespace Curtain::Metrics {

// How a scrape reaches an environment's /metrics: given an API path (the service proxy's), the
// raw body or the error. The engine supplies it from its cluster client, so metrics knows no
// Kubernetes client and a test can hand it anything that answers paths.
using FetchRaw = std::function<QFuture<Core::Result<QByteArray>>(const QString &path)>;

} // namespace Curtain::Metrics
