#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace Curtain::Sim {

// The manual gates of the demo cluster's flagger-loadtester pods, and their HTTP API in the words of
// the real one (pkg/loadtester/server.go): /gate/open and /gate/close set the key <name>.<namespace>
// from the JSON payload and answer 202; /gate/check answers 200 "Approved" while it is open, else
// 403 "Forbidden"; /rollback/* do the same for rollback.<name>.<namespace>; /gate/approve is always
// 200 "OK", /gate/halt always 403. Every loadtester (one per namespace/Service) keeps its own gates in
// memory, as the real one does, so they are gone with the sim. Reached by the service proxy from the
// API's threads and by the Flagger controller's webhooks from the model's: thread-safe.
class LoadtesterGates
{
public:
    struct Reply
    {
        int status = 200;
        std::string body;
    };

    // One request to the loadtester `instance` ("namespace/service"): a path such as "/gate/open"
    // with the request body (a CanaryWebhookPayload).
    Reply serve(const std::string &instance, const std::string &path, const std::string &body);

    bool isOpen(const std::string &instance, const std::string &key) const;

private:
    void set(const std::string &instance, const std::string &key, bool open);

    mutable std::mutex m_mutex;
    std::map<std::string, std::set<std::string>> m_open; // by instance: the keys that are open
};

} // namespace Curtain::Sim
