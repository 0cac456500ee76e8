#pragma once

#include "backendoptions.h"
#include "podcounters.h"

#include <cstdint>
#include <memory>
#include <string>

namespace Curtain::Backend {

// One pod: its own HTTP listener that answers traffic (200, or 500 at the error rate, after a
// drawn latency), /healthz, /metrics and /control. Requests are served by a pool of workers, with
// keep-alive, read and write timeouts and a small body limit, so no client can crash or stall it
// for long.
class PodServer
{
public:
    PodServer(PodLabels labels, const Behaviour &behaviour, std::uint64_t seed, int threads);
    ~PodServer();
    PodServer(const PodServer &) = delete;
    PodServer &operator=(const PodServer &) = delete;

    // Binds `host`:`port` (0: a free port) and serves on a thread of its own. The bound port, or -1
    // with `error` set.
    int start(const std::string &host, int port, std::string *error);
    void stop();

    const PodLabels &labels() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Curtain::Backend
