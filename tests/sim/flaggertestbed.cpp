#include "flaggertestbed.h"

#include "sim/clustermodel.h"
#include "sim/jsonread.h"

#include <algorithm>

namespace Curtain::Test {

using nlohmann::json;
using Sim::findResourceTypeByKind;

namespace {

const Sim::ResourceType &type(const char *kind)
{
    return *findResourceTypeByKind(kind);
}

json deployment(const std::string &name, const std::string &image, int replicas)
{
    const json labels = {{"app", name}};
    return {
        {"metadata", {{"name", name}, {"labels", labels}}},
        {"spec",
         {{"replicas", replicas},
          {"selector", {{"matchLabels", labels}}},
          {"template",
           {{"metadata", {{"labels", labels}}}, {"spec", {{"containers", {{{"name", name}, {"image", image}}}}}}}}}}};
}

} // namespace

FlaggerTestbed::FlaggerTestbed()
    : controller(store, [this](const std::string &namespaceName, const std::string &name) {
          return namespaceName == ns && name == "podinfo" ? std::optional<Sim::WorkloadTraffic>(m_served)
                                                          : std::nullopt;
      })
{
    m_served.bounds = Sim::ClusterModel::bucketBounds();
    m_served.buckets.assign(m_served.bounds.size(), 0.0);
    store.create(type("Namespace"), {}, {{"metadata", {{"name", ns}}}});
    store.create(type("Deployment"), ns, deployment("podinfo", "podinfo:6.0.0", 2));
    store.create(type("Service"), ns,
                 {{"metadata", {{"name", "flagger-loadtester"}}},
                  {"spec",
                   {{"selector", {{"app", "flagger-loadtester"}}},
                    {"ports", {{{"name", "http"}, {"port", 80}, {"targetPort", 8080}}}}}}});
    settle();
}

json FlaggerTestbed::webhook(const std::string &type, const std::string &path)
{
    return {{"name", type}, {"type", type}, {"url", "http://flagger-loadtester.test" + path}};
}

json FlaggerTestbed::canary()
{
    return {
        {"apiVersion", "flagger.app/v1beta1"},
        {"kind", "Canary"},
        {"metadata", {{"name", "podinfo"}}},
        {"spec",
         {{"provider", "gatewayapi:v1"},
          {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "podinfo"}}},
          {"service", {{"port", 9898}, {"gatewayRefs", {{{"name", "gateway"}, {"namespace", "istio-ingress"}}}}}},
          {"analysis",
           {{"interval", "10s"},
            {"threshold", 5},
            {"maxWeight", 50},
            {"stepWeight", 10},
            {"metrics",
             {{{"name", "request-success-rate"}, {"thresholdRange", {{"min", 99}}}, {"interval", "1m"}},
              {{"name", "request-duration"}, {"thresholdRange", {{"max", 500}}}, {"interval", "30s"}}}},
            {"webhooks", {webhook("confirm-promotion", "/gate/check"), webhook("rollback", "/rollback/check")}}}}}}};
}

void FlaggerTestbed::create(const json &canary)
{
    store.create(type("Canary"), ns, canary);
}

void FlaggerTestbed::step(int times)
{
    for (int i = 0; i < times; ++i) {
        serve();
        now += interval;
        wall += interval;
        controller.reconcile(now, wall);
        settle();
    }
}

bool FlaggerTestbed::stepUntil(const std::string &wanted, int limit)
{
    for (int i = 0; i < limit && phase() != wanted; ++i) {
        step();
    }
    return phase() == wanted;
}

bool FlaggerTestbed::progressTo(long long weight)
{
    if (!stepUntil("Initialized")) {
        return false;
    }
    setImage("podinfo:6.1.0");
    for (int i = 0; i < 20 && weights().second < weight; ++i) {
        step();
    }
    return weights().second == weight && phase() == "Progressing";
}

// The Deployment controller of a cluster, done at once: every Deployment rolled out as specified.
void FlaggerTestbed::settle()
{
    for (const json &d : store.all(type("Deployment"))) {
        store.updateStatus(type("Deployment"), ns, Sim::textAt(d, "/metadata/name"), [](json &object) {
            const long long replicas = Sim::integerAt(object, "/spec/replicas", 1);
            object["status"] = {{"observedGeneration", Sim::integerAt(object, "/metadata/generation", 1)},
                                {"replicas", replicas},
                                {"updatedReplicas", replicas},
                                {"readyReplicas", replicas},
                                {"availableReplicas", replicas}};
        });
    }
}

// The target's pods serve while it has any: the counters Flagger's metric checks read.
void FlaggerTestbed::serve()
{
    if (replicas("podinfo") <= 0) {
        return;
    }
    const auto &bounds = m_served.bounds;
    const auto bucket = std::size_t(std::lower_bound(bounds.begin(), bounds.end(), latencySeconds) - bounds.begin());
    m_served.requests += requestsPerStep;
    m_served.errors += requestsPerStep * errorRate;
    m_served.buckets[bucket] += requestsPerStep;
}

json FlaggerTestbed::object(const char *kind, const std::string &name) const
{
    const auto found = store.get(type(kind), ns, name);
    return std::holds_alternative<json>(found) ? std::get<json>(found) : json();
}

json FlaggerTestbed::status() const
{
    return Sim::valueAt(object("Canary", "podinfo"), "/status", json::object());
}

std::string FlaggerTestbed::phase() const
{
    return Sim::textAt(status(), "/phase");
}

std::pair<long long, long long> FlaggerTestbed::weights() const
{
    const json refs = Sim::valueAt(object("HTTPRoute", "podinfo"), "/spec/rules/0/backendRefs", json());
    if (!refs.is_array() || refs.size() != 2) {
        return {-1, -1};
    }
    return {Sim::integerAt(refs[0], "/weight", -1), Sim::integerAt(refs[1], "/weight", -1)};
}

std::string FlaggerTestbed::image(const std::string &deployment) const
{
    return Sim::textAt(object("Deployment", deployment), "/spec/template/spec/containers/0/image");
}

long long FlaggerTestbed::replicas(const std::string &deployment) const
{
    return Sim::integerAt(object("Deployment", deployment), "/spec/replicas", -1);
}

void FlaggerTestbed::setImage(const std::string &image)
{
    const json patch = {{"op", "replace"}, {"path", "/spec/template/spec/containers/0/image"}, {"value", image}};
    store.patch(type("Deployment"), ns, "podinfo", "application/json-patch+json", json::array({patch}).dump(), false);
}

bool FlaggerTestbed::patchCanary(const json &patch, bool statusSubresource)
{
    return std::holds_alternative<json>(
        store.patch(type("Canary"), ns, "podinfo", "application/merge-patch+json", patch.dump(), statusSubresource));
}

int FlaggerTestbed::gate(const std::string &path)
{
    return controller.gates().serve(loadtester, path, R"({"name":"podinfo","namespace":"test"})").status;
}

std::vector<json> FlaggerTestbed::events() const
{
    std::vector<json> all = store.list(*Sim::findResourceType("", "v1", "events"), ns, nullptr).items;
    // In the order they were recorded (a counted one where it was first recorded).
    std::sort(all.begin(), all.end(), [](const json &a, const json &b) {
        return Sim::textAt(a, "/firstTimestamp") < Sim::textAt(b, "/firstTimestamp") ||
               (Sim::textAt(a, "/firstTimestamp") == Sim::textAt(b, "/firstTimestamp") &&
                Sim::textAt(a, "/metadata/name") < Sim::textAt(b, "/metadata/name"));
    });
    return all;
}

std::vector<std::string> FlaggerTestbed::messages() const
{
    std::vector<std::string> out;
    for (const json &event : events()) {
        out.push_back(Sim::textAt(event, "/message"));
    }
    return out;
}

bool FlaggerTestbed::hasEvent(const std::string &message) const
{
    const auto all = messages();
    return std::find(all.begin(), all.end(), message) != all.end();
}

} // namespace Curtain::Test
