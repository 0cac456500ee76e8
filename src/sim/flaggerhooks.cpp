// FlaggerController's webhooks and metric checks (Flagger's scheduler_hooks.go and
// scheduler_metrics.go): which gate halts what, and the events each says.

#include "sim/flaggercontroller.h"

#include "sim/flaggerpass.h"
#include "sim/jsonread.h"
#include "sim/rolloutcontroller.h"

#include <cmath>
#include <cstdio>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

struct WebhookAddress
{
    std::string scheme;
    std::string host;
    std::string service; // empty when the host is not a Service's cluster DNS name
    std::string namespaceName;
    long long port = 80;
    std::string path = "/";
};

// http://SERVICE[.NAMESPACE[.svc[.cluster.local]]][:PORT][/PATH] as cluster DNS resolves it for a pod
// in `ns` (Flagger's webhooks name the loadtester so).
WebhookAddress resolve(const std::string &url, const std::string &ns)
{
    WebhookAddress address;
    const auto schemeEnd = url.find("://");
    address.scheme = schemeEnd == std::string::npos ? std::string() : url.substr(0, schemeEnd);
    if (address.scheme != "http" && address.scheme != "https") {
        return address;
    }
    const std::string rest = url.substr(schemeEnd + 3);
    const auto slash = rest.find_first_of("/?");
    address.host = rest.substr(0, slash);
    address.port = address.scheme == "https" ? 443 : 80;
    if (slash != std::string::npos && rest[slash] == '/') {
        address.path = rest.substr(slash, rest.find('?', slash) - slash);
    }
    std::string name = address.host;
    if (const auto colon = name.find(':'); colon != std::string::npos) {
        address.port = std::strtoll(name.c_str() + colon + 1, nullptr, 10);
        name.resize(colon);
    }
    std::vector<std::string> labels;
    for (std::size_t start = 0; start <= name.size();) {
        const auto dot = std::min(name.find('.', start), name.size());
        labels.push_back(name.substr(start, dot - start));
        start = dot + 1;
    }
    const bool inCluster = labels.size() <= 2 || (labels.size() == 3 && labels[2] == "svc") ||
                           (labels.size() == 5 && labels[2] == "svc" && labels[3] == "cluster" && labels[4] == "local");
    if (inCluster && !labels[0].empty()) {
        address.service = labels[0];
        address.namespaceName = labels.size() > 1 ? labels[1] : ns;
    }
    return address;
}

// histogram_quantile as Prometheus computes it: linear within the bucket the rank falls in; a rank
// in the +Inf bucket gives the highest finite bound.
double quantile(double q, const WorkloadTraffic &traffic)
{
    double total = 0;
    for (const double count : traffic.buckets) {
        total += count;
    }
    const double rank = q * total;
    double below = 0;
    for (std::size_t i = 0; i < traffic.buckets.size() && i < traffic.bounds.size(); ++i) {
        if (below + traffic.buckets[i] >= rank && traffic.buckets[i] > 0) {
            if (std::isinf(traffic.bounds[i])) {
                return i > 0 ? traffic.bounds[i - 1] : 0.0;
            }
            const double start = i > 0 ? traffic.bounds[i - 1] : 0.0;
            return start + (traffic.bounds[i] - start) * (rank - below) / traffic.buckets[i];
        }
        below += traffic.buckets[i];
    }
    return traffic.bounds.size() > 1 ? traffic.bounds[traffic.bounds.size() - 2] : 0.0;
}

std::string percent(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", value);
    return text;
}

} // namespace

// Flagger POSTs a CanaryWebhookPayload and takes 200–202 as a yes; anything else is an error whose
// text is the reply's body. The only pods that answer here are the loadtesters.
std::optional<std::string> FlaggerController::callWebhook(const Pass &p, const FlaggerWebhook &hook,
                                                          const std::string &phase)
{
    const FlaggerCanary &cd = p.canary;
    const WebhookAddress address = resolve(hook.url, cd.namespaceName);
    const std::string post = "Post \"" + hook.url + "\": ";
    if (address.scheme != "http" && address.scheme != "https") {
        return post + "unsupported protocol scheme \"" + address.scheme + "\"";
    }
    const auto service = address.service.empty()
                             ? Outcome<json>(ApiStatus{})
                             : m_store.get(*findResourceTypeByKind("Service"), address.namespaceName, address.service);
    if (!std::holds_alternative<json>(service)) {
        return post + "dial tcp: lookup " + address.host.substr(0, address.host.find(':')) + ": no such host";
    }
    bool listening = false;
    for (const json &port : valueAt(std::get<json>(service), "/spec/ports", json::array())) {
        listening = listening || integerAt(port, "/port", 0) == address.port;
    }
    if (!listening) {
        return post + "dial tcp " + address.service + "." + address.namespaceName + ":" + std::to_string(address.port) +
               ": connect: connection refused";
    }
    if (address.service != "flagger-loadtester") {
        return std::string("404 page not found\n"); // the demo's apps serve /metrics and nothing else
    }
    const json payload = {{"name", cd.name},
                          {"namespace", cd.namespaceName},
                          {"phase", phase},
                          {"checksum", RolloutController::podTemplateHash(json(cd.lastAppliedSpec))},
                          {"metadata", hook.metadata}};
    const LoadtesterGates::Reply reply =
        m_gates.serve(address.namespaceName + "/" + address.service, address.path, payload.dump());
    if (reply.status > 202) {
        return reply.body;
    }
    return std::nullopt;
}

bool FlaggerController::confirmRollout(Pass &p)
{
    for (const FlaggerWebhook &hook : p.canary.webhooks) {
        if (hook.type != "confirm-rollout") {
            continue;
        }
        if (callWebhook(p, hook, p.canary.phase)) {
            if (p.canary.phase != "Waiting") {
                setPhase(p, "Waiting");
                event(p, true, "Halt " + p.canary.key() + " advancement waiting for approval " + hook.name);
            }
            return false;
        }
        event(p, false, "Confirm-rollout check " + hook.name + " passed");
    }
    return true;
}

bool FlaggerController::confirmTrafficIncrease(Pass &p)
{
    for (const FlaggerWebhook &hook : p.canary.webhooks) {
        if (hook.type != "confirm-traffic-increase") {
            continue;
        }
        if (callWebhook(p, hook, "Progressing")) {
            event(p, true,
                  "Halt " + p.canary.key() + " advancement waiting for traffic increase approval " + hook.name);
            return false;
        }
        event(p, false, "Confirm-traffic-increase check " + hook.name + " passed");
    }
    return true;
}

bool FlaggerController::confirmPromotion(Pass &p)
{
    for (const FlaggerWebhook &hook : p.canary.webhooks) {
        if (hook.type != "confirm-promotion") {
            continue;
        }
        if (callWebhook(p, hook, "Progressing")) {
            if (p.canary.phase != "WaitingPromotion") {
                setPhase(p, "WaitingPromotion");
                event(p, true, "Halt " + p.canary.key() + " advancement waiting for promotion approval " + hook.name);
            } else {
                setStatusField(p, "iterations", p.canary.iterations - 1);
            }
            return false;
        }
        event(p, false, "Confirm-promotion check " + hook.name + " passed");
    }
    return true;
}

bool FlaggerController::preRollout(Pass &p)
{
    for (const FlaggerWebhook &hook : p.canary.webhooks) {
        if (hook.type != "pre-rollout") {
            continue;
        }
        if (const auto error = callWebhook(p, hook, "Progressing")) {
            event(p, true,
                  "Halt " + p.canary.key() + " advancement pre-rollout check " + hook.name + " failed " + *error);
            return false;
        }
        event(p, false, "Pre-rollout check " + hook.name + " passed");
    }
    return true;
}

bool FlaggerController::rollbackRequested(Pass &p)
{
    for (const FlaggerWebhook &hook : p.canary.webhooks) {
        if (hook.type != "rollback") {
            continue;
        }
        if (callWebhook(p, hook, p.canary.phase)) {
            event(p, false, "Rollback hook " + hook.name + " not signaling a rollback");
        } else {
            event(p, true, "Rollback check " + hook.name + " passed");
            return true;
        }
    }
    return false;
}

void FlaggerController::postRollout(Pass &p, const std::string &phase)
{
    for (const FlaggerWebhook &hook : p.canary.webhooks) {
        if (hook.type != "post-rollout") {
            continue;
        }
        if (const auto error = callWebhook(p, hook, phase)) {
            return event(p, true, "Post-rollout hook " + hook.name + " failed " + *error);
        }
        event(p, false, "Post-rollout check " + hook.name + " passed");
    }
}

bool FlaggerController::runAnalysis(Pass &p)
{
    for (const FlaggerWebhook &hook : p.canary.webhooks) {
        if (!hook.type.empty() && hook.type != "rollout") {
            continue;
        }
        if (const auto error = callWebhook(p, hook, "Progressing")) {
            event(p, true, "Halt " + p.canary.key() + " advancement external check " + hook.name + " failed " + *error);
            return false;
        }
    }
    return metricsPass(p);
}

// The builtin metrics over what the target served since the last run. No traffic is no values,
// which halts the advance as Flagger's empty Prometheus result does.
bool FlaggerController::metricsPass(Pass &p)
{
    const FlaggerCanary &cd = p.canary;
    const std::string provider = cd.provider.empty() ? "gatewayapi:v1" : cd.provider;
    const bool values = p.traffic && p.traffic->requests > 0;
    const std::string noValues = "Halt advancement no values found for " + provider + " metric ";
    const std::string receiving = " probably " + cd.targetName + "." + cd.namespaceName + " is not receiving traffic";
    for (const FlaggerMetric &metric : cd.metrics) {
        if (metric.name == "request-success-rate") {
            if (!values) {
                event(p, true, noValues + metric.name + receiving + ": no values found");
                return false;
            }
            const double rate = 100.0 * (p.traffic->requests - p.traffic->errors) / p.traffic->requests;
            // With a thresholdRange its bounds count; without, the older threshold is a minimum.
            const bool range = metric.min || metric.max;
            const std::optional<double> min = range ? metric.min : std::optional<double>(metric.threshold.value_or(0));
            if (min && rate < *min) {
                event(p, true,
                      "Halt " + cd.key() + " advancement success rate " + percent(rate) + " < " + goFloat(*min) + "%");
                return false;
            }
            if (metric.max && rate > *metric.max) {
                event(p, true,
                      "Halt " + cd.key() + " advancement success rate " + percent(rate) + " > " + goFloat(*metric.max) +
                          "%");
                return false;
            }
        } else if (metric.name == "request-duration") {
            if (!values) {
                event(p, true, noValues + metric.name + receiving);
                return false;
            }
            // Flagger truncates the p99 to whole milliseconds.
            const auto ms = std::chrono::milliseconds(static_cast<long long>(quantile(0.99, *p.traffic) * 1000));
            const auto limit = [](double millis) { return std::chrono::milliseconds(static_cast<long long>(millis)); };
            const std::string halt = "Halt " + cd.key() + " advancement request duration " + goDuration(ms);
            if (metric.min && ms < limit(*metric.min)) {
                event(p, true, halt + " < " + goDuration(limit(*metric.min)));
                return false;
            }
            const std::optional<double> max = metric.min || metric.max ? metric.max : metric.threshold;
            if (max && ms > limit(*max)) {
                event(p, true, halt + " > " + goDuration(limit(*max)));
                return false;
            }
        }
    }
    return true;
}

} // namespace Curtain::Sim
