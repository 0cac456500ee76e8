#include "sim/flaggerscenario.h"

namespace Curtain::Sim {

using nlohmann::json;

namespace {

const std::string image = "registry.demo.local/podinfo";

json deployment(const std::string &ns, const std::string &name, const std::string &containerImage, int replicas,
                const json &release = json::object())
{
    const json labels = {{"app", name}};
    json metadataLabels = labels;
    metadataLabels.update(release);
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", name}, {"namespace", ns}, {"labels", metadataLabels}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", labels}}},
              {"template",
               {{"metadata", {{"labels", labels}}},
                {"spec",
                 {{"containers",
                   {{{"name", name},
                     {"image", containerImage},
                     {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
                     {"ports", {{{"name", "http"}, {"containerPort", 8080}, {"protocol", "TCP"}}}}}}}}}}}}}};
}

// The Canary as Flagger's Gateway API tutorial writes it, with the loadtester's manual gates.
json canary(const std::string &ns)
{
    const std::string loadtester = "http://flagger-loadtester." + ns;
    const json metrics = {{{"name", "request-success-rate"}, {"thresholdRange", {{"min", 99}}}, {"interval", "1m"}},
                          {{"name", "request-duration"}, {"thresholdRange", {{"max", 500}}}, {"interval", "30s"}}};
    const json webhooks = {
        {{"name", "confirm-promotion"}, {"type", "confirm-promotion"}, {"url", loadtester + "/gate/check"}},
        {{"name", "rollback"}, {"type", "rollback"}, {"url", loadtester + "/rollback/check"}}};
    return {{"apiVersion", "flagger.app/v1beta1"},
            {"kind", "Canary"},
            {"metadata",
             {{"name", "podinfo"},
              {"namespace", ns},
              {"labels", {{"curtain.dev/release", "podinfo"}}},
              // The demo's own: an update in flight once the Canary is initialized (see FlaggerController).
              {"annotations", {{"sim.curtain.dev/then-set-image", image + ":6.1.0"}}}}},
            {"spec",
             {{"provider", "gatewayapi:v1"},
              {"targetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "podinfo"}}},
              {"progressDeadlineSeconds", 60},
              {"service",
               {{"port", 80},
                {"targetPort", 8080},
                {"portName", "http"},
                {"hosts", {"podinfo." + ns + ".example"}},
                {"gatewayRefs", {{{"name", "demo-gateway"}, {"namespace", ns}}}}}},
              {"analysis",
               {{"interval", "10s"},
                {"threshold", 5},
                {"maxWeight", 50},
                {"stepWeight", 10},
                {"metrics", metrics},
                {"webhooks", webhooks}}}}}};
}

} // namespace

void addFlaggerRelease(Scenario &scenario, const std::string &ns)
{
    // The release label on the target: the console watches the Deployments of its releases, and
    // Flagger copies the label to podinfo-primary.
    scenario.objects.push_back(deployment(ns, "podinfo", image + ":6.0.0", 2, {{"curtain.dev/release", "podinfo"}}));
    scenario.objects.push_back(deployment(ns, "flagger-loadtester", "ghcr.io/fluxcd/flagger-loadtester:0.38.0", 1));
    scenario.objects.push_back(
        {{"apiVersion", "v1"},
         {"kind", "Service"},
         {"metadata", {{"name", "flagger-loadtester"}, {"namespace", ns}, {"labels", {{"app", "flagger-loadtester"}}}}},
         {"spec",
          {{"type", "ClusterIP"},
           {"selector", {{"app", "flagger-loadtester"}}},
           {"ports", {{{"name", "http"}, {"port", 80}, {"targetPort", "http"}, {"protocol", "TCP"}}}}}}});
    scenario.objects.push_back(canary(ns));
    // Both versions healthy, so the analysis reaches the promotion gate; a scenario file may say otherwise.
    scenario.behaviours.try_emplace("podinfo:6.0.0", Behaviour{0.0005, 0.035, 0.120});
    scenario.behaviours.try_emplace("podinfo:6.1.0", Behaviour{0.0005, 0.034, 0.115});
    // Clients reach podinfo through the HTTPRoute Flagger makes for it.
    scenario.traffic.push_back({ns, "HTTPRoute", "podinfo", 100.0});
}

} // namespace Curtain::Sim
