#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Curtain::Backend {

using Micros = std::chrono::microseconds;

// How one pod answers; POST /control changes it while the pod runs.
struct Behaviour
{
    double errorRate = 0.0; // share of traffic answered 500, 0–1
    Micros latency{5'000};  // the median of the service time
    Micros p99{40'000};     // its 99th percentile, at least the median
    bool healthy = true;    // what /healthz says
};

// What the command line asks for.
struct Options
{
    std::string color;
    std::string version;
    std::string deployment; // the `deployment` label the console's queries select on; the color by default
    int pods = 1;
    std::string listen = "127.0.0.1";
    std::vector<int> ports; // one per pod; empty: the OS picks free ones
    int threads = 64;       // workers per pod: each open connection holds one
    std::uint64_t seed = 1;
    Behaviour behaviour;
};

struct CommandLine
{
    enum class Action { Run, Help, Fail }; // --version is the served version, not ours
    Action action = Action::Run;
    Options options;
    std::string error; // for Fail: names the argument and what it should be
};

extern const char *const usageText;

CommandLine parseCommandLine(const std::vector<std::string> &arguments);

// "20ms", "1.5s", "250us", "0": a duration with its unit (a bare number other than 0 is refused,
// since "20" could mean either). nullopt when it does not parse or is negative or over an hour.
std::optional<Micros> parseDuration(std::string_view text);
std::string formatDuration(Micros duration); // "20ms", "1.5s", "250us", "0"

// A p99 for a new median that keeps the old spread (the ratio p99 / median); 8 × median from 0.
Micros scaledP99(const Behaviour &old, Micros newLatency);

} // namespace Curtain::Backend
