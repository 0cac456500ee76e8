#pragma once

#include "kube/json.h"

#include <vector>

namespace Curtain::Adapters {

// The objects adapters read releases from: one consistent moment of the watched collections.
struct ClusterView
{
    std::vector<Kube::Json> deployments;
    std::vector<Kube::Json> services;
    std::vector<Kube::Json> httpRoutes;
};

} // namespace Curtain::Adapters
