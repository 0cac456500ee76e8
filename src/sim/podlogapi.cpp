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

// The request's PodLogOptions, or the message of the 400 kube-apiserver answers.
std::variant<PodModel::LogRequest, std::string> logRequestOf(const httplib::Request &req, const json &pod,
                                                             std::string *container, long long *limitBytes)
{
    std::string problem;
    const auto tail = numberParam(req, "tailLines", &problem);
    const auto limit = numberParam(req, "limitBytes", &problem);
    const auto sinceSeconds = numberParam(req, "sinceSeconds", &problem);
    if (!problem.empty()) {
        return problem;
    }
    if (tail.value_or(0) < 0) {
        return "tailLines: Invalid value: " + std::to_string(*tail) + ": must be greater than or equal to 0";
    }
    if (limit && *limit < 1) {
        return "limitBytes: Invalid value: " + std::to_string(*limit) + ": must be greater than 0";
    }
    if (sinceSeconds && *sinceSeconds < 1) {
        return "sinceSeconds: Invalid value: " + std::to_string(*sinceSeconds) + ": must be greater than 0";
    }
    const std::string sinceTime = param(req, "sinceTime");
    if (sinceSeconds && !sinceTime.empty()) {
        return "at most one of `sinceTime` or `sinceSeconds` may be specified";
    }
    PodModel::LogRequest request;
    request.tail = std::size_t(tail.value_or(0));
    request.timestamps = truthy(param(req, "timestamps"));
    request.previous = truthy(param(req, "previous"));
    if (sinceSeconds) {
        request.since = std::chrono::system_clock::now() - std::chrono::seconds(*sinceSeconds);
    } else if (!sinceTime.empty()) {
        request.since = parseRfc3339(sinceTime);
        if (!request.since) {
            return "parsing time \"" + sinceTime + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"" + sinceTime +
                   "\" as RFC 3339";
        }
    }
    *limitBytes = limit.value_or(0);

    const json containers = valueAt(pod, "/spec/containers", json::array());
    const std::string podName = textAt(pod, "/metadata/name");
    *container = param(req, "container");
    std::string names;
    bool known = false;
    for (const json &c : containers) {
        names += (names.empty() ? "" : " ") + textAt(c, "/name");
        known = known || textAt(c, "/name") == *container;
    }
    if (container->empty() && containers.size() > 1) {
        return "a container name must be specified for pod " + podName + ", choose one of: [" + names + "]";
    }
    if (container->empty() && containers.size() == 1) {
        *container = textAt(containers[0], "/name");
    } else if (!container->empty() && !known) {
        return "container " + *container + " is not valid for pod " + podName;
    }
    if (request.previous) {
        // kubelet has the run before the last restart only when there was one.
        long long restarts = 0;
        for (const json &status : valueAt(pod, "/status/containerStatuses", json::array())) {
            if (textAt(status, "/name") == *container) {
                restarts = integerAt(status, "/restartCount", 0);
            }
        }
        if (restarts == 0) {
            return "previous terminated container \"" + *container + "\" in pod \"" + podName + "\" not found";
        }
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
    std::string container;
    long long limitBytes = 0;
    const auto asked = logRequestOf(req, std::get<json>(pod), &container, &limitBytes);
    if (const auto *problem = std::get_if<std::string>(&asked)) {
        return sendStatus(res, badRequest(*problem));
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
        res.set_content(text, "text/plain");
        return;
    }
    followLog(res, target, std::move(text), first.next, request.timestamps);
}

void ResourceApi::followLog(httplib::Response &res, const Target &target, std::string text, std::uint64_t next,
                            bool timestamps)
{
    auto slot = m_guard.openWatch(); // a follow holds a worker as a watch does, and counts as one
    if (!slot) {
        return sendTooManyStreams(res, "streams");
    }
    struct Follow
    {
        std::string pending;
        std::uint64_t next = 0;
        std::chrono::steady_clock::time_point end;
    };
    auto follow = std::make_shared<Follow>(
        Follow{std::move(text), next, std::chrono::steady_clock::now() + std::chrono::minutes(30)});
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
        pods.waitForLines(ns, name, follow->next, std::min(follow->end, now + std::chrono::seconds(1)));
        PodModel::LogRequest more;
        more.from = follow->next;
        more.timestamps = timestamps;
        const PodModel::LogLines lines = pods.log(ns, name, more);
        if (lines.lines.empty() && std::holds_alternative<ApiStatus>(store.get(*type, ns, name))) {
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
