#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace Curtain::Sim {

class ConnectionGuard;
class Faults;
class ObjectStore;
struct ResourceType;

// What a watch is served from: the objects, the injected faults, and the guard that limits how many
// watches are open and tells when a client has gone.
struct WatchSources
{
    ObjectStore &store;
    Faults &faults;
    ConnectionGuard &guard;
};

// A watch: newline-delimited events on a chunked 200 reply, resuming strictly after
// `resourceVersion`; unset or "0" first replays the current objects as ADDED. A version older than
// the kept history gets the real server's answer: one ERROR event carrying a 410 Expired Status.
// It ends after timeoutSeconds (at most 30 minutes), when its client goes away, or with the server;
// past the limit of open watches it is refused with 429 and Retry-After.
void serveWatch(WatchSources sources, const httplib::Request &req, httplib::Response &res, const ResourceType &type,
                const std::string &ns, const std::function<bool(const nlohmann::json &)> &filter);

} // namespace Curtain::Sim
