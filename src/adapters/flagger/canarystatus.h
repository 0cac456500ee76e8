#pragma once

#include "core/canary.h"
#include "kube/json.h"

namespace Curtain::Adapters::Flagger {

// The Canary's spec and status as Flagger writes them. Fields of the wrong type are recorded on
// `canary` (the read boundary names them) and read as their defaults.
Core::CanaryStatus readCanaryStatus(const Kube::Reader &canary);

// The API path of a Canary, and of its status subresource.
QString canaryPath(const QString &namespaceName, const QString &name);

} // namespace Curtain::Adapters::Flagger
