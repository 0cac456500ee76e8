#include "sim/scenario.h"

#include "sim/flaggerscenario.h"

#include <QFile>

#include <cstdio>
#include <set>

#include <yaml-cpp/yaml.h>

// Resources compiled into a static library must be registered by name, outside any namespace.
static void initScenarioResources()
{
    Q_INIT_RESOURCE(scenarios);
}

namespace Curtain::Sim {

using nlohmann::json;

namespace {

struct ScenarioError
{
    std::string message;
};

std::string text(const YAML::Node &node, const char *field, const std::string &where)
{
    if (!node[field] || !node[field].IsScalar()) {
        throw ScenarioError{where + ": \"" + field + "\" is missing"};
    }
    return node[field].as<std::string>();
}

double number(const YAML::Node &node, const char *field, double fallback, const std::string &where)
{
    if (!node[field]) {
        return fallback;
    }
    try {
        return node[field].as<double>();
    } catch (const YAML::Exception &) {
        throw ScenarioError{where + ": \"" + field + "\" must be a number"};
    }
}

// A YAML subtree as JSON, scalars typed as Kubernetes would read them (25 → number, true → bool).
json toJson(const YAML::Node &node)
{
    if (node.IsMap()) {
        json object = json::object();
        for (const auto &entry : node) {
            object[entry.first.as<std::string>()] = toJson(entry.second);
        }
        return object;
    }
    if (node.IsSequence()) {
        json array = json::array();
        for (const YAML::Node &item : node) {
            array.push_back(toJson(item));
        }
        return array;
    }
    if (!node.IsScalar()) {
        return nullptr;
    }
    const std::string text = node.as<std::string>();
    if (node.Tag() != "!") { // quoted scalars stay strings
        char *end = nullptr;
        const long long integer = std::strtoll(text.c_str(), &end, 10);
        if (!text.empty() && *end == '\0') {
            return integer;
        }
        if (text == "true" || text == "false") {
            return text == "true";
        }
    }
    return text;
}

Behaviour behaviour(const YAML::Node &node, const Behaviour &fallback, const std::string &where)
{
    Behaviour b;
    b.errorRate = number(node, "errorRate", fallback.errorRate, where);
    b.p50Seconds = number(node, "p50Ms", fallback.p50Seconds * 1000, where) / 1000.0;
    b.p99Seconds = number(node, "p99Ms", fallback.p99Seconds * 1000, where) / 1000.0;
    if (b.errorRate < 0 || b.errorRate > 1 || b.p50Seconds <= 0 || b.p99Seconds < b.p50Seconds) {
        throw ScenarioError{where + ": errorRate must be 0–1 and 0 < p50Ms ≤ p99Ms"};
    }
    return b;
}

json deployment(const std::string &ns, const std::string &release, const std::string &color, const std::string &version,
                int replicas)
{
    const json selector = {{"app", release}, {"curtain.dev/color", color}};
    json labels = selector;
    labels["curtain.dev/release"] = release;
    labels["app.kubernetes.io/version"] = version;
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", release + "-" + color}, {"namespace", ns}, {"labels", labels}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", selector}}},
              {"strategy",
               {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}}},
              {"template",
               {{"metadata", {{"labels", labels}}},
                {"spec",
                 {{"containers",
                   {{{"name", release},
                     {"image", "registry.demo.local/" + release + ":" + version},
                     // What each pod reserves on its node: what an idle color costs while it waits.
                     {"resources", {{"requests", {{"cpu", "250m"}, {"memory", "256Mi"}}}}},
                     {"ports", {{{"name", "http"}, {"containerPort", 8080}, {"protocol", "TCP"}}}}}}}}}}}}}};
}

// A Service as a scenario writes it: no cluster IP, which the store allocates on create as
// kube-apiserver does (each address one Service's).
json service(const std::string &ns, const std::string &name, const json &labels, const json &selector)
{
    return {{"apiVersion", "v1"},
            {"kind", "Service"},
            {"metadata",
             {{"name", name},
              {"namespace", ns},
              {"labels", labels},
              {"annotations", {{"prometheus.io/path", "/metrics"}}}}},
            {"spec",
             {{"type", "ClusterIP"},
              {"selector", selector},
              {"ports", {{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"protocol", "TCP"}}}}}}};
}

// An Argo Rollout release: the Rollout at its stable version, the Services its strategy names, a
// root Service for the traffic, and the scripted update to the candidate version (see
// RolloutController: sim.curtain.dev/then-set-image).
void addRollout(Scenario &scenario, const std::string &ns, const std::string &name, bool blueGreen,
                const YAML::Node &release, const std::string &where)
{
    const YAML::Node versions = release["versions"];
    if (!versions || !versions["stable"]) {
        throw ScenarioError{where + ": needs versions.stable (and versions.candidate for an update in flight)"};
    }
    const std::string stable = versions["stable"].as<std::string>();
    const json labels = {{"app", name}};
    json strategy;
    if (blueGreen) {
        strategy = {{"blueGreen",
                     {{"activeService", name + "-active"},
                      {"previewService", name + "-preview"},
                      {"autoPromotionEnabled", false},
                      {"scaleDownDelaySeconds", 30}}}};
    } else {
        json steps = release["steps"] ? toJson(release["steps"]) : json::array();
        if (!steps.is_array()) {
            throw ScenarioError{where + ": steps must be a list of Argo canary steps"};
        }
        strategy = {
            {"canary", {{"canaryService", name + "-canary"}, {"stableService", name + "-stable"}, {"steps", steps}}}};
    }
    json rollout = {{"apiVersion", "argoproj.io/v1alpha1"},
                    {"kind", "Rollout"},
                    {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"curtain.dev/release", name}}}}},
                    {"spec",
                     {{"replicas", int(number(release, "replicas", 4, where))},
                      {"revisionHistoryLimit", 3},
                      {"selector", {{"matchLabels", labels}}},
                      {"template",
                       {{"metadata", {{"labels", labels}}},
                        {"spec",
                         {{"containers",
                           {{{"name", name},
                             {"image", "registry.demo.local/" + name + ":" + stable},
                             {"ports", {{{"name", "http"}, {"containerPort", 8080}, {"protocol", "TCP"}}}}}}}}}}},
                      {"strategy", strategy}}}};
    if (versions["candidate"]) {
        rollout["metadata"]["annotations"]["sim.curtain.dev/then-set-image"] =
            "registry.demo.local/" + name + ":" + versions["candidate"].as<std::string>();
    }
    scenario.objects.push_back(rollout);
    const std::vector<std::string> roles =
        blueGreen ? std::vector<std::string>{"active", "preview"} : std::vector<std::string>{"stable", "canary"};
    for (const std::string &role : roles) {
        scenario.objects.push_back(service(ns, name + "-" + role, labels, labels));
    }
    const double rps = number(release, "requestsPerSecond", 100, where);
    if (blueGreen) {
        scenario.traffic.push_back({ns, "Service", name + "-active", rps});
    } else {
        // A basic canary: clients reach every pod through one Service, so replicas set the split.
        scenario.objects.push_back(service(ns, name, labels, labels));
        scenario.traffic.push_back({ns, "Service", name, rps});
    }
}

// An OpenFeature Operator FeatureFlag whose flag `name` sends each caller to one variant by flagd's
// sticky `fractional` split; each variant is one color's Deployment behind the root Service. A second
// flag beside it is one the release must leave alone.
json featureFlag(const json &metadata, const std::string &name, const std::string &blueVariant,
                 const std::string &greenVariant, int blue, int green)
{
    json flagged = metadata;
    flagged["annotations"]["curtain.dev/blue-variant"] = blueVariant;
    flagged["annotations"]["curtain.dev/green-variant"] = greenVariant;
    const json split = {
        {"fractional",
         {{{"cat", {{{"var", "$flagd.flagKey"}}, {{"var", "userId"}}}}}, {blueVariant, blue}, {greenVariant, green}}}};
    return {
        {"apiVersion", "core.openfeature.dev/v1beta1"},
        {"kind", "FeatureFlag"},
        {"metadata", flagged},
        {"spec",
         {{"flagSpec",
           {{"flags",
             {{name,
               {{"state", "ENABLED"},
                {"variants", {{blueVariant, blueVariant}, {greenVariant, greenVariant}}},
                {"defaultVariant", blueVariant},
                {"targeting", split}}},
              {"dark-mode",
               {{"state", "ENABLED"}, {"variants", {{"on", true}, {"off", false}}}, {"defaultVariant", "off"}}}}}}}}}};
}

// The same flag as flagd's own file, as a person keeps it in Git and a ConfigMap mounts it where flagd
// reads it (--uri file:/etc/flagd/flags.yaml): YAML with comments, the release's flag beside another.
json flagFileConfigMap(const json &metadata, const std::string &name, const std::string &blueVariant,
                       const std::string &greenVariant, int blue, int green)
{
    json configMap = metadata;
    configMap["name"] = name + "-flags";
    configMap["annotations"]["curtain.dev/blue-variant"] = blueVariant;
    configMap["annotations"]["curtain.dev/green-variant"] = greenVariant;
    const std::string file = "# flagd flags of " + name +
                             ", mounted at /etc/flagd/flags.yaml\n"
                             "flags:\n"
                             "  " +
                             name +
                             ":\n"
                             "    state: ENABLED\n"
                             "    variants:\n"
                             "      " +
                             blueVariant + ": " + blueVariant +
                             "\n"
                             "      " +
                             greenVariant + ": " + greenVariant +
                             "\n"
                             "    defaultVariant: " +
                             blueVariant +
                             "\n"
                             "    targeting:\n"
                             "      # sticky per user: the same user keeps the same variant as weights move\n"
                             "      fractional:\n"
                             "        - cat: [{var: $flagd.flagKey}, {var: userId}]\n"
                             "        - [" +
                             blueVariant + ", " + std::to_string(blue) +
                             "]\n"
                             "        - [" +
                             greenVariant + ", " + std::to_string(green) +
                             "]\n"
                             "  dark-mode:\n"
                             "    state: ENABLED\n"
                             "    variants: {'on': true, 'off': false}\n"
                             "    defaultVariant: 'off'\n";
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", configMap}, {"data", {{"flags.yaml", file}}}};
}

// A flag rollout as an application serves one: the flag picks a variant per user, and the metrics of
// the one Service carry the variant as a label. Each variant's code runs in its color's Deployment
// (the pod template says which variant it serves); there are no per-color Services.
void addFlagRelease(Scenario &scenario, const json &metadata, const std::string &blueVariant,
                    const std::string &greenVariant, int blue, int green, bool inConfigMap)
{
    const std::string ns = metadata.value("namespace", "");
    const std::string name = metadata.value("name", "");
    std::erase_if(scenario.objects, [&](const json &object) {
        return object.value("kind", "") == "Service" && (object["metadata"].value("name", "") == name + "-blue" ||
                                                         object["metadata"].value("name", "") == name + "-green");
    });
    for (json &object : scenario.objects) {
        if (object.value("kind", "") == "Deployment") {
            const std::string deploymentName = object["metadata"].value("name", "");
            if (deploymentName == name + "-blue" || deploymentName == name + "-green") {
                object["spec"]["template"]["metadata"]["labels"]["curtain.dev/variant"] =
                    deploymentName == name + "-blue" ? blueVariant : greenVariant;
            }
        }
    }
    scenario.objects.push_back(service(ns, name, {{"curtain.dev/release", name}}, {{"app", name}}));
    scenario.objects.push_back(inConfigMap ? flagFileConfigMap(metadata, name, blueVariant, greenVariant, blue, green)
                                           : featureFlag(metadata, name, blueVariant, greenVariant, blue, green));
}

Scenario build(const YAML::Node &root)
{
    Scenario scenario;
    const std::string ns = root["namespace"] ? root["namespace"].as<std::string>() : "demo";
    scenario.seed = root["seed"] ? root["seed"].as<unsigned long long>() : 1;
    if (const YAML::Node minimum = root["flaggerMinimumIntervalSeconds"]) {
        const int seconds = minimum.as<int>();
        if (seconds < 1 || seconds > 10) {
            throw ScenarioError{"flaggerMinimumIntervalSeconds must be between 1 and 10 (Flagger's own is 10)"};
        }
        scenario.flaggerMinimumInterval = std::chrono::seconds(seconds);
    }
    scenario.objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    scenario.objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "default"}}}});
    if (const YAML::Node behaviours = root["behaviour"]) {
        if (behaviours["default"]) {
            scenario.defaultBehaviour = behaviour(behaviours["default"], Behaviour{}, "behaviour.default");
        }
        for (const auto &entry : behaviours) {
            const std::string image = entry.first.as<std::string>();
            if (image != "default") {
                scenario.behaviours[image] = behaviour(entry.second, scenario.defaultBehaviour, "behaviour." + image);
            }
        }
    }
    if (!root["releases"] || !root["releases"].IsSequence()) {
        throw ScenarioError{"the scenario has no \"releases\" list"};
    }
    std::set<std::string> names;
    for (const YAML::Node &release : root["releases"]) {
        const std::string name = text(release, "name", "a release");
        const std::string where = "release " + name;
        // Two releases of one name would share Deployments and Services and fight over them.
        if (!names.insert(name).second) {
            throw ScenarioError{where + ": the scenario names two releases " + name + "; give each its own name"};
        }
        const std::string route = text(release, "route", where);
        if (route == "argo-canary" || route == "argo-bluegreen") {
            addRollout(scenario, ns, name, route == "argo-bluegreen", release, where);
            continue;
        }
        if (route == "flagger") {
            // Flagger's tutorial release, as the demo shows it (see flaggerscenario.h).
            if (name != "podinfo") {
                throw ScenarioError{where + ": the flagger route is Flagger's podinfo tutorial; name it podinfo"};
            }
            addFlaggerRelease(scenario, ns);
            continue;
        }
        const YAML::Node envs = release["environments"];
        if (!envs || !envs["blue"] || !envs["green"]) {
            throw ScenarioError{where + ": needs environments.blue and environments.green"};
        }
        for (const char *color : {"blue", "green"}) {
            const YAML::Node env = envs[color];
            scenario.objects.push_back(deployment(ns, name, color, text(env, "version", where + "." + color),
                                                  int(number(env, "replicas", 2, where))));
            const json labels = {{"curtain.dev/release", name}, {"curtain.dev/color", color}};
            scenario.objects.push_back(
                service(ns, name + "-" + color, labels, {{"app", name}, {"curtain.dev/color", color}}));
        }
        const double rps = number(release, "requestsPerSecond", 100, where);
        if (route == "service") {
            const std::string serving = release["serving"] ? release["serving"].as<std::string>() : "blue";
            if (serving != "blue" && serving != "green") {
                throw ScenarioError{where + ": serving must be blue or green"};
            }
            json svc =
                service(ns, name, {{"curtain.dev/release", name}}, {{"app", name}, {"curtain.dev/color", serving}});
            svc["metadata"]["annotations"]["curtain.dev/stable-color"] = serving;
            scenario.objects.push_back(svc);
            scenario.traffic.push_back({ns, "Service", name, rps});
        } else if (route == "httproute" || route == "virtualservice" || route == "trafficsplit" || route == "nginx" ||
                   route == "featureflag" || route == "flagfile") {
            const int blue = int(number(release["weights"], "blue", 100, where + ".weights"));
            const int green = int(number(release["weights"], "green", 0, where + ".weights"));
            if (blue < 0 || green < 0 || blue + green == 0) {
                throw ScenarioError{where + ": weights must be ≥ 0 and not both 0"};
            }
            const std::string stable = blue >= green ? "blue" : "green";
            const json metadata = {{"name", name},
                                   {"namespace", ns},
                                   {"labels", {{"curtain.dev/release", name}}},
                                   {"annotations", {{"curtain.dev/stable-color", stable}}}};
            if (route == "httproute") {
                scenario.objects.push_back(
                    {{"apiVersion", "gateway.networking.k8s.io/v1"},
                     {"kind", "HTTPRoute"},
                     {"metadata", metadata},
                     {"spec",
                      {{"parentRefs", {{{"name", "demo-gateway"}}}},
                       {"hostnames", {name + ".demo.example"}},
                       {"rules",
                        {{{"matches", {{{"path", {{"type", "PathPrefix"}, {"value", "/"}}}}}},
                          {"backendRefs",
                           {{{"name", name + "-blue"}, {"port", 80}, {"weight", blue}},
                            {{"name", name + "-green"}, {"port", 80}, {"weight", green}}}}}}}}}});
                scenario.traffic.push_back({ns, "HTTPRoute", name, rps});
            } else if (route == "virtualservice") {
                auto destination = [&](const std::string &color, int weight) {
                    return json{{"destination", {{"host", name + "-" + color + "." + ns + ".svc.cluster.local"}}},
                                {"weight", weight}};
                };
                scenario.objects.push_back(
                    {{"apiVersion", "networking.istio.io/v1"},
                     {"kind", "VirtualService"},
                     {"metadata", metadata},
                     {"spec",
                      {{"hosts", {name}},
                       {"http", {{{"route", {destination("blue", blue), destination("green", green)}}}}}}}});
                scenario.traffic.push_back({ns, "VirtualService", name, rps});
            } else if (route == "featureflag" || route == "flagfile") {
                const YAML::Node variants = release["variants"];
                const bool inConfigMap = route == "flagfile";
                addFlagRelease(scenario, metadata, variants ? text(variants, "blue", where) : std::string("blue"),
                               variants ? text(variants, "green", where) : std::string("green"), blue, green,
                               inConfigMap);
                scenario.traffic.push_back({ns, inConfigMap ? "ConfigMap" : "FeatureFlag", name, rps});
            } else if (route == "trafficsplit") {
                // The root Service clients call; the TrafficSplit decides which backend answers.
                scenario.objects.push_back(service(ns, name, {{"app", name}}, {{"app", name}}));
                scenario.objects.push_back({{"apiVersion", "split.smi-spec.io/v1alpha4"},
                                            {"kind", "TrafficSplit"},
                                            {"metadata", metadata},
                                            {"spec",
                                             {{"service", name},
                                              {"backends",
                                               {{{"service", name + "-blue"}, {"weight", blue}},
                                                {{"service", name + "-green"}, {"weight", green}}}}}}});
                scenario.traffic.push_back({ns, "TrafficSplit", name, rps});
            } else {
                // ingress-nginx: the primary Ingress serves the stable color, the canary Ingress for
                // the same host the other one, with its share in canary-weight.
                const std::string canaryColor = stable == "blue" ? "green" : "blue";
                auto ingress = [&](const std::string &ingressName, const std::string &backend) {
                    return json{{"apiVersion", "networking.k8s.io/v1"},
                                {"kind", "Ingress"},
                                {"metadata", {{"name", ingressName}, {"namespace", ns}}},
                                {"spec",
                                 {{"ingressClassName", "nginx"},
                                  {"rules",
                                   {{{"host", name + ".demo.example"},
                                     {"http",
                                      {{"paths",
                                        {{{"path", "/"},
                                          {"pathType", "Prefix"},
                                          {"backend",
                                           {{"service", {{"name", backend}, {"port", {{"number", 80}}}}}}}}}}}}}}}}}};
                };
                scenario.objects.push_back(ingress(name, name + "-" + stable));
                json canary = ingress(name + "-canary", name + "-" + canaryColor);
                canary["metadata"]["labels"] = {{"curtain.dev/release", name}};
                canary["metadata"]["annotations"] = {
                    {"curtain.dev/stable-color", stable},
                    {"nginx.ingress.kubernetes.io/canary", "true"},
                    {"nginx.ingress.kubernetes.io/canary-weight", std::to_string(stable == "blue" ? green : blue)},
                    {"nginx.ingress.kubernetes.io/canary-weight-total", std::to_string(blue + green)}};
                scenario.objects.push_back(canary);
                scenario.traffic.push_back({ns, "Ingress", name, rps});
            }
        } else {
            throw ScenarioError{
                where + ": route \"" + route +
                "\" is not one of: service, httproute, virtualservice, trafficsplit, nginx, featureflag, flagfile, "
                "argo-canary, "
                "argo-bluegreen, flagger"};
        }
    }
    return scenario;
}

} // namespace

void Scenario::addGeneratedReleases(int count, const std::string &ns)
{
    if (count <= 0) {
        return;
    }
    objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    for (int i = 1; i <= count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "svc-%04d", i);
        const std::string release = name;
        for (const char *color : {"blue", "green"}) {
            objects.push_back(deployment(ns, release, color, std::string(color) == "blue" ? "v1.0.0" : "v1.1.0", 2));
            objects.push_back(service(ns, release + "-" + color,
                                      {{"curtain.dev/release", release}, {"curtain.dev/color", color}},
                                      {{"app", release}, {"curtain.dev/color", color}}));
        }
        if (i % 2) {
            json svc = service(ns, release, {{"curtain.dev/release", release}},
                               {{"app", release}, {"curtain.dev/color", "blue"}});
            objects.push_back(svc);
        } else {
            objects.push_back(
                {{"apiVersion", "gateway.networking.k8s.io/v1"},
                 {"kind", "HTTPRoute"},
                 {"metadata", {{"name", release}, {"namespace", ns}, {"labels", {{"curtain.dev/release", release}}}}},
                 {"spec",
                  {{"rules",
                    {{{"backendRefs",
                       {{{"name", release + "-blue"}, {"port", 80}, {"weight", 100}},
                        {{"name", release + "-green"}, {"port", 80}, {"weight", 0}}}}}}}}}});
        }
    }
}

const Behaviour &Scenario::behaviourFor(const std::string &image) const
{
    for (const auto &[suffix, b] : behaviours) {
        if (image.size() >= suffix.size() && image.compare(image.size() - suffix.size(), suffix.size(), suffix) == 0) {
            return b;
        }
    }
    return defaultBehaviour;
}

std::variant<Scenario, std::string> parseScenario(const std::string &yamlText)
{
    try {
        return build(YAML::Load(yamlText));
    } catch (const ScenarioError &error) {
        return "scenario: " + error.message;
    } catch (const YAML::Exception &error) {
        return std::string("scenario is not valid YAML: ") + error.what();
    }
}

std::string builtinScenarioText()
{
    initScenarioResources();
    QFile file(QStringLiteral(":/curtain/scenarios/demo.yaml"));
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return file.readAll().toStdString();
}

} // namespace Curtain::Sim
