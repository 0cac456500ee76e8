#pragma once

#include "traffic.h"

#include <memory>
#include <string>
#include <vector>

namespace Curtain::Bench {

enum class Outcome { Running, RolledBack, Promoted, Held };

// One way of deciding a canary, stepped once per simulated second. The emulations follow the
// rules read from each tool's code in canary-analysis.md §6.3, not their documentation's summary.
class Method
{
public:
    virtual ~Method() = default;
    virtual int weight() const = 0; // the canary's share of traffic, percent
    virtual Outcome step(const Traffic &traffic) = 0;

protected:
    // Counters as the method saw them at each whole second, for windowed queries.
    struct Reading
    {
        Counters stable;
        Counters canary;
    };
    void record(const Traffic &traffic);
    // The increase of the canary's (or both arms') counters over the last `seconds`.
    Counters increase(double seconds, bool canaryOnly) const;

    std::vector<Reading> m_readings;
};

std::unique_ptr<Method> makeMethod(const std::string &name, double maxMinutes);
const std::vector<std::string> &methodNames();

} // namespace Curtain::Bench
