#pragma once

// The state of one run of one Canary, shared by the files that make up FlaggerController
// (flaggercontroller.cpp, flaggerhooks.cpp, flaggerstatus.cpp) and by no one else.

#include "sim/flaggercontroller.h"
#include "sim/flaggerobjects.h"

#include <chrono>
#include <optional>

namespace Curtain::Sim {

struct FlaggerController::Pass
{
    Pass(const nlohmann::json &canaryObject, FlaggerCanary read, std::chrono::system_clock::time_point wallNow)
        : object(canaryObject), canary(std::move(read)), wall(wallNow)
    {}
    Pass(const Pass &) = delete; // `objects` points into it
    Pass &operator=(const Pass &) = delete;

    const nlohmann::json &object; // the Canary as this run read it
    FlaggerCanary canary;         // the same, decoded; its status follows this run's own writes
    std::chrono::system_clock::time_point wall;
    nlohmann::json target;                  // the target Deployment as this run read it
    std::optional<FlaggerObjects> objects;  // once the target's selector label is known
    std::optional<WorkloadTraffic> traffic; // what the target served since the Canary's last run
    long long primaryWeight = 0;            // the route's weights as this run read them
    long long canaryWeight = 0;
};

} // namespace Curtain::Sim
