// A reply of the Prometheus HTTP API (/api/v1/query, /api/v1/query_range) as a server, or whatever
// answers at the configured URL, sends it. Series or an error naming the problem, never a crash.

#include "metrics/prometheusclient.h"

#include <cstddef>
#include <cstdint>

using namespace Curtain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString query = QStringLiteral("sum(rate(http_requests_total[1m]))");
    for (int status : {200, 400, 503}) {
        (void)Metrics::PrometheusClient::parseReply(status, body, query);
    }
    return 0;
}
