#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace Curtain::Sim {

class Faults;
class ObjectStore;
struct ResourceType;

// A watch: newline-delimited events on a chunked 200 reply, resuming strictly after
// `resourceVersion`; unset or "0" first replays the current objects as ADDED. A version older than
// the kept history gets the real server's answer: one ERROR event carrying a 410 Expired Status.
void serveWatch(ObjectStore &store, Faults &faults, const httplib::Request &req, httplib::Response &res,
                const ResourceType &type, const std::string &ns,
                const std::function<bool(const nlohmann::json &)> &filter);

} // namespace Curtain::Sim
