#include "podcounters.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace Curtain::Backend {

namespace {

// A label value as the exposition format wants it: backslash, double quote and newline escaped.
std::string escaped(const std::string &value)
{
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string formatNumber(double value)
{
    if (std::isinf(value)) {
        return "+Inf";
    }
    std::ostringstream out;
    out.precision(12);
    out << value;
    return out.str();
}

} // namespace

const std::vector<double> &PodCounters::bucketBounds()
{
    // curtain-sim's bounds, so a histogram from either source reads the same.
    static const std::vector<double> bounds = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175,   0.2,
                                               0.25,  0.3,  0.4,   0.5,  0.75,  1.0, 2.5,   5.0,  INFINITY};
    return bounds;
}

void PodCounters::record(int status, double seconds)
{
    const auto &bounds = bucketBounds();
    const auto bucket = std::size_t(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
    std::lock_guard lock(m_mutex);
    ++m_byCode[status];
    ++m_buckets[std::min(bucket, m_buckets.size() - 1)];
    m_sum += seconds;
    ++m_count;
}

std::string PodCounters::exposition(const PodLabels &labels) const
{
    const std::string common = "deployment=\"" + escaped(labels.deployment) + "\",version=\"" +
                               escaped(labels.version) + "\",color=\"" + escaped(labels.color) + "\",pod=\"" +
                               escaped(labels.pod) + "\"";
    std::lock_guard lock(m_mutex);
    std::ostringstream out;
    out << "# HELP http_requests_total Requests served, by HTTP status code.\n"
           "# TYPE http_requests_total counter\n";
    for (const auto &[code, count] : m_byCode) {
        out << "http_requests_total{code=\"" << code << "\"," << common << "} " << count << "\n";
    }
    out << "# HELP http_request_duration_seconds Time to serve a request.\n"
           "# TYPE http_request_duration_seconds histogram\n";
    unsigned long long cumulative = 0;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
        cumulative += m_buckets[i];
        out << "http_request_duration_seconds_bucket{" << common << ",le=\"" << formatNumber(bucketBounds()[i])
            << "\"} " << cumulative << "\n";
    }
    out << "http_request_duration_seconds_sum{" << common << "} " << formatNumber(m_sum) << "\n";
    out << "http_request_duration_seconds_count{" << common << "} " << m_count << "\n";
    return out.str();
}

} // namespace Curtain::Backend
