#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace Curtain::Backend {

// The labels every series of one pod carries.
struct PodLabels
{
    std::string deployment;
    std::string version;
    std::string color;
    std::string pod;
};

// One pod's traffic counters, and their Prometheus text exposition. The names and the `code`,
// `deployment` and `version` labels are those curtain-sim serves and src/metrics reads
// (http_requests_total by code, the http_request_duration_seconds histogram with the same bucket
// bounds); `color` and `pod` are added, which the console's sums over `deployment` ignore.
// Thread-safe: every worker of the pod records into it.
class PodCounters
{
public:
    static const std::vector<double> &bucketBounds(); // upper bounds in seconds, +Inf last

    void record(int status, double seconds);
    std::string exposition(const PodLabels &labels) const;

private:
    mutable std::mutex m_mutex;
    std::map<int, unsigned long long> m_byCode{{200, 0}, {500, 0}}; // both present from the start
    std::vector<unsigned long long> m_buckets = std::vector<unsigned long long>(bucketBounds().size(), 0);
    double m_sum = 0.0;
    unsigned long long m_count = 0;
};

} // namespace Curtain::Backend
