#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>

namespace Curtain::Sim {

// What can go wrong on purpose, to test clients for real: 5xx and 429 (plain text, as API Priority
// and Fairness sends it) with Retry-After, slow replies, watch streams dropped mid-flight, and
// resumed watches told their resourceVersion is too old. Set at start (--faults JSON) or at run
// time (PUT /curtain-sim/faults with the same JSON).
class Faults
{
public:
    struct Decision
    {
        int status = 0; // 0: serve normally
        int retryAfterSeconds = 0;
        int delayMs = 0;
        int writeDelayMs = 0; // before a write is applied: the client may give up before it lands
    };

    // Applies a JSON plan: {"errorRate":0.2,"errorStatus":503,"throttleRate":0.1,"retryAfterSeconds":1,
    // "delayMs":200,"delayPathPrefix":"/apis/argoproj.io/","writeDelayMs":20000,"writeReplyDelayMs":20000,
    // "dropWatches":true,"expireResumes":true,"argoControllerDown":true,"flaggerControllerDown":true}.
    // Unknown keys are an error.
    // delayPathPrefix limits delayMs to the paths under it (one slow API group, the others quick);
    // empty, every path. writeDelayMs holds a write before it is applied; writeReplyDelayMs applies
    // it and then holds the reply (a reply lost on the way back).
    std::string apply(const nlohmann::json &plan);
    nlohmann::json plan() const;

    Decision decide(const std::string &path);
    std::uint64_t dropGeneration() const { return m_dropGeneration.load(); }
    bool expireResumes() const { return m_expireResumes.load(); }
    // The Argo Rollouts controller has stopped: Rollouts keep whatever status they had.
    bool argoControllerDown() const { return m_argoControllerDown.load(); }
    // Flagger has stopped: Canaries keep their status, gates are not looked at.
    bool flaggerControllerDown() const { return m_flaggerControllerDown.load(); }
    int writeReplyDelayMs() const { return m_writeReplyDelayMs.load(); }

    // An injected delay: `ms`, or less when the server stops meanwhile (a held request must not
    // keep curtain-sim from exiting). plan() says how many requests are held now ("heldRequests",
    // read-only): a test knows its write is held before it acts behind its back.
    void hold(int ms);
    void stopHolding();

private:
    mutable std::mutex m_mutex;
    double m_errorRate = 0.0;
    int m_errorStatus = 500;
    double m_throttleRate = 0.0;
    int m_retryAfterSeconds = 1;
    int m_delayMs = 0;
    std::string m_delayPathPrefix;
    int m_writeDelayMs = 0;
    std::atomic<int> m_writeReplyDelayMs{0};
    std::atomic<std::uint64_t> m_dropGeneration{0};
    std::atomic<bool> m_expireResumes{false};
    std::atomic<bool> m_argoControllerDown{false};
    std::atomic<bool> m_flaggerControllerDown{false};
    std::mt19937_64 m_random{20261126};
    std::mutex m_holdMutex;
    std::condition_variable m_holdEnded;
    bool m_stopping = false;
    std::atomic<int> m_held{0};
};

} // namespace Curtain::Sim
