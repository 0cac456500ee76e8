// A /metrics page as an environment's pods serve it (Prometheus text format 0.0.4), read into the
// counters and quantiles the judge compares. Samples or the line at fault, never a crash.

#include "metrics/exposition.h"

#include <cstddef>
#include <cstdint>

using namespace Curtain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto samples = Metrics::parseExposition(text);
    if (!samples.ok()) {
        return 0;
    }
    const Metrics::CounterReading reading = Metrics::readCounters(samples.value(), 1000);
    for (double q : {0.0, 0.5, 0.99, 1.0}) {
        (void)Metrics::histogramQuantile(q, reading.buckets);
    }
    return 0;
}
