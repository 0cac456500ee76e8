// GET …/pods/NAME/log: what kubelet serves through the API server for `kubectl logs`, from the
// demo's access-log lines: container, tailLines, limitBytes, sinceSeconds / sinceTime, timestamps,
// previous and follow, checked as PodLogOptions are.

#include "sim/resourceapi.h"

#include "sim/clustermodel.h"
#include "sim/connectionguard.h"
#include "sim/controllerevents.h"
#include "sim/httpsupport.h"
#include "sim/jsonread.h"
#include "sim/objectstore.h"
#include "sim/requesttarget.h"

#include <httplib.h>

#include <algorithm>
#include <optional>
#include <variant>
#include <vector>

namespace Curtain::Sim {

using namespace Http;
using nlohmann::json;

namespace {

std::optional<long long> numberParam(const httplib::Request &req, const char *name, std::string *problem)
{
    const std::string text = param(req, name);
    if (text.empty()) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        const long long value = std::stoll(text, &used);
        if (used == text.size()) {
            return value;
        }
    } catch (const std::exception &) {
    }
    *problem = std::string(name) + ": Invalid value: \"" + text + "\": must be an integer";
    return std::nullopt;
}

// The options' own checks (ValidatePodLogOptions), all of them: kube-apiserver answers 422 Invalid
// with every one it found.
std::optional<ApiStatus> invalidOptions(const std::string &pod, std::optional<long long> tail,
                                        std::optional<long long> limit, std::optional<long long> sinceSeconds,
                                        bool sinceTime)
{
    std::vector<std::string> errors;
    if (tail && *tail < 0) {
        errors.push_back("tailLines: Invalid value: " + std::to_string(*tail) + ": must be greater than or equal to 0");
    }
    if (limit && *limit < 1) {
        errors.push_back("limitBytes: Invalid value: " + std::to_string(*limit) + ": must be greater than 0");
    }
    if (sinceSeconds && sinceTime) {
        errors.push_back(": Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
    } else if (sinceSeconds && *sinceSeconds < 1) {
        errors.push_back("sinceSeconds: Invalid value: " + std::to_string(*sinceSeconds) + ": must be greater than 0");
    }
    if (errors.empty()) {
        return std::nullopt;
    }
    std::string joined = errors.front();
    if (errors.size() > 1) {
        joined = "[";
        for (const std::string &error : errors) {
            joined += (joined.size() > 1 ? ", " : "") + error;
        }
        joined += "]";
    }
    return ApiStatus{422,
                     "Invalid",
                     "PodLogOptions \"" + pod + "\" is invalid: " + joined,
                     {{"name", pod}, {"kind", "PodLogOptions"}}};
}

// The container the request reads: the one named, or the pod's only one.
std::optional<std::string> containerOf(const httplib::Request &req, const json &pod, std::string *problem)
{
    const json containers = valueAt(pod, "/spec/containers", json::array());
    const std::string podName = textAt(pod, "/metadata/name");
    const std::string named = param(req, "container");
    std::string names;
    bool known = false;
    for (const json &c : containers) {
        names += (names.empty() ? "" : " ") + textAt(c, "/name");
        known = known || textAt(c, "/name") == named;
    }
    if (named.empty() && containers.size() > 1) {
        *problem = "a container name must be specified for pod " + podName + ", choose one of: [" + names + "]";
        return std::nullopt;
    }
    if (named.empty()) {
        return containers.size() == 1 ? textAt(containers[0], "/name") : std::string();
    }
    if (!known) {
        *problem = "container " + named + " is not valid for pod " + podName;
        return std::nullopt;
    }
    return named;
}

// Whether kubelet holds the container's run before its last restart.
bool restarted(const json &pod, const std::string &container)
{
    for (const json &status : valueAt(pod, "/status/containerStatuses", json::array())) {
        if (textAt(status, "/name") == container && integerAt(status, "/restartCount", 0) > 0) {
            return true;
        }
    }
    return false;
}

// The request's PodLogOptions, or what kube-apiserver answers instead: 400 for a query it cannot
// read, 422 for options that fail their checks, 400 from kubelet for a container it does not have.
std::variant<PodModel::LogRequest, ApiStatus> logRequestOf(const httplib::Request &req, const json &pod,
                                                           long long *limitBytes)
{
    std::string problem;
    const auto tail = numberParam(req, "tailLines", &problem);
    const auto limit = numberParam(req, "limitBytes", &problem);
    const auto sinceSeconds = numberParam(req, "sinceSeconds", &problem);
    const std::string sinceTime = param(req, "sinceTime");
    PodModel::LogRequest request;
    if (!sinceTime.empty() && !(request.since = parseRfc3339(sinceTime))) {
        problem = "parsing time \"" + sinceTime + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"" + sinceTime +
                  "\" as RFC 3339";
    }
    if (!problem.empty()) {
        return badRequest(problem);
    }
    if (auto invalid = invalidOptions(textAt(pod, "/metadata/name"), tail, limit, sinceSeconds, !sinceTime.empty())) {
        return *invalid;
    }
    request.tail = std::size_t(tail.value_or(0));
    request.timestamps = truthy(param(req, "timestamps"));
    request.previous = truthy(param(req, "previous"));
    if (sinceSeconds) {
        // No earlier than the epoch: a huge value must not wrap the clock's count.
        const auto now = std::chrono::system_clock::now();
        const auto sinceEpoch = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        request.since = now - std::chrono::seconds(std::min(*sinceSeconds, static_cast<long long>(sinceEpoch)));
    }
    *limitBytes = limit.value_or(0);
    const auto container = containerOf(req, pod, &problem);
    if (!container) {
        return badRequest(problem);
    }
    if (request.previous && !restarted(pod, *container)) {
        return badRequest("previous terminated container \"" + *container + "\" in pod \"" +
                          textAt(pod, "/metadata/name") + "\" not found");
    }
    return request;
}

} // namespace

void ResourceApi::podLog(const httplib::Request &req, httplib::Response &res, const Target &target)
{
    const auto pod = m_store.get(*target.type, target.namespaceName, target.name);
    if (failed(pod, res)) {
        return;
    }
    long long limitBytes = 0;
    const auto asked = logRequestOf(req, std::get<json>(pod), &limitBytes);
    if (const auto *refused = std::get_if<ApiStatus>(&asked)) {
        return sendStatus(res, *refused);
    }
    PodModel::LogRequest request = std::get<PodModel::LogRequest>(asked);
    PodModel &pods = m_model.pods();
    const PodModel::LogLines first = pods.log(target.namespaceName, target.name, request);
    std::string text;
    for (const std::string &line : first.lines) {
        text += line + "\n";
    }
    if (limitBytes > 0 && text.size() > std::size_t(limitBytes)) {
        text.resize(std::size_t(limitBytes));
    }
    // The run before a restart has ended: there is nothing to follow in it.
    if (!truthy(param(req, "follow")) || request.previous) {
        res.status = 200;
        res.set_content(text, "text/plain");
        return;
    }
    followLog(res, target, std::move(text), first.next, first.run, request.timestamps);
}

void ResourceApi::followLog(httplib::Response &res, const Target &target, std::string text, std::uint64_t next,
                            std::uint64_t run, bool timestamps)
{
    auto slot = m_guard.openWatch(); // a follow holds a worker as a watch does, and counts as one
    if (!slot) {
        return sendTooManyStreams(res, "streams");
    }
    struct Follow
    {
        std::string pending;
        std::uint64_t next = 0;
        std::uint64_t run = 0; // the container's run followed: the stream ends with it, as kubelet's
        std::chrono::steady_clock::time_point end;
    };
    auto follow = std::make_shared<Follow>(
        Follow{std::move(text), next, run, std::chrono::steady_clock::now() + std::chrono::minutes(30)});
    PodModel &pods = m_model.pods();
    const std::string ns = target.namespaceName;
    const std::string name = target.name;
    // kube-apiserver says text/plain; cpp-httplib would gzip any text/* stream for a client that
    // accepts gzip (kubectl does) and hold the lines in its compressor, so a follow is sent as bytes.
    res.set_chunked_content_provider("application/octet-stream", [follow, slot, &pods, &store = m_store,
                                                                  type = target.type, ns, name,
                                                                  timestamps](std::size_t, httplib::DataSink &sink) {
        if (!follow->pending.empty()) {
            const bool written = sink.write(follow->pending.data(), follow->pending.size());
            follow->pending.clear();
            return written;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= follow->end || !sink.is_writable()) {
            sink.done();
            return true;
        }
        pods.waitForLines(ns, name, follow->next, follow->run, std::min(follow->end, now + std::chrono::seconds(1)));
        PodModel::LogRequest more;
        more.from = follow->next;
        more.timestamps = timestamps;
        more.run = follow->run;
        PodModel::LogLines lines = pods.log(ns, name, more);
        if (lines.run != follow->run) {
            // The container restarted: what its run wrote after the last read (none when it restarted
            // twice since, and that run's lines are gone), then the end.
            more.previous = true;
            lines = pods.log(ns, name, more);
            follow->end = now; // ends once they are written
        } else if (lines.lines.empty() && std::holds_alternative<ApiStatus>(store.get(*type, ns, name))) {
            sink.done(); // the pod is gone, and its container with it: the follow ends, as kubelet's
            return true;
        }
        follow->next = lines.next;
        for (const std::string &line : lines.lines) {
            follow->pending += line + "\n";
        }
        return true; // written on the next call; nothing new: look again after the wait
    });
}

} // namespace Curtain::Sim
