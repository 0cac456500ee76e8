// curtain-sim: the demo cluster, standalone. kubectl, curtainctl, Curtain and the tests talk to it
// as they would to a real API server.

#include "ordersrelease.h"

#include "sim/democluster.h"
#include "sim/scenario.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

constexpr const char *usage = R"(Usage: curtain-sim [--port N] [--host ADDRESS] [--scenario FILE] [--log]

Serves Curtain's demo cluster: a Kubernetes API subset with Deployments, ReplicaSets, Services,
Ingresses, Gateway API HTTPRoutes, Istio VirtualServices, SMI TrafficSplits, Argo Rollouts (with a
small Rollouts controller), Flagger Canaries (with a small Flagger controller and its loadtester's
gates), OpenFeature FeatureFlags and ConfigMaps (flagd files), a workload and traffic model, and
Prometheus metrics per environment.

  --port N          port to listen on (default 0: pick a free one and print it)
  --host ADDRESS    address to listen on (default 127.0.0.1)
  --scenario FILE   a scenario file (default: the built-in demo, resources/scenarios/demo.yaml)
  --log             print each request to standard error
  --tls-cert FILE   serve HTTPS with this certificate (PEM); needs --tls-key
  --tls-key FILE    the certificate's private key (PEM)
  --client-ca FILE  require client certificates signed by this CA (needs --tls-cert)
  --token TOKEN     accept this bearer token, answer 401 to anything else (repeatable)
  --token-file FILE accept the tokens in FILE, one "TOKEN [EXPIRES_UNIX_SECONDS]" per line,
                    re-read when it changes; an expired token gets 401
  --extra-releases N  add N more releases (no traffic) in namespace fleet, for scale tests
  --orders          add the release orders on a real database, as the console's demo has it: a
                    private PostgreSQL (started as an unprivileged user, on a free port, removed on
                    exit) at schema version 01_orders; green needs 02_orders_cents, whose file is
                    named by the route's curtain.dev/migrations. Ready before the address is printed
  --faults JSON     inject faults, e.g. '{"errorRate":0.1,"throttleRate":0.1,"retryAfterSeconds":1,
                    "delayMs":200}'; change them at run time with PUT /curtain-sim/faults (also
                    "dropWatches":true, "expireResumes":true, "argoControllerDown":true,
                    "flaggerControllerDown":true)
  --audit-log FILE  append one JSON line per write request (verb, requestURI, contentType,
                    requestBody, responseCode), like kube-apiserver's audit log
  --rbac FILE       deny chosen verbs on chosen resources (YAML: deny: [{verb, resource,
                    namespace?}]): such requests get 403, SelfSubjectAccessReview says no
  --schemaless-crds custom resources (routes, Rollouts) accept any JSON object, as a CRD without
                    a schema does: for testing clients against malformed objects
  --max-watches N   watches open at once (default 96); more get 429 with Retry-After, so that
                    watches cannot take the workers every other request needs
  --read-deadline SECONDS
                    a request must arrive whole within this time (default 30), or its connection
                    is closed: slow clients cannot hold the server's workers

Then, for example:
  kubectl --server http://127.0.0.1:N get deployments,services,httproutes,virtualservices,rollouts -n demo
  curtainctl --server http://127.0.0.1:N releases
)";

int fail(const std::string &message, int code)
{
    std::cerr << "curtain-sim: " << message << "\n";
    return code;
}

} // namespace

int main(int argc, char *argv[])
{
    int port = 0;
    std::string host = "127.0.0.1";
    std::string scenarioFile;
    Curtain::Sim::ServerOptions options;
    int extraReleases = 0;
    bool withOrders = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char *flag) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "curtain-sim: " << flag << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << usage;
            return 0;
        } else if (arg == "--version") {
            std::cout << "curtain-sim " CURTAIN_VERSION "\n";
            return 0;
        } else if (arg == "--port") {
            const std::string text = value("--port");
            char *end = nullptr;
            const long parsed = std::strtol(text.c_str(), &end, 10);
            if (text.empty() || *end || parsed < 0 || parsed > 65535) {
                return fail("--port \"" + text + "\" is not a port number (0–65535)", 2);
            }
            port = int(parsed);
        } else if (arg == "--host") {
            host = value("--host");
        } else if (arg == "--scenario") {
            scenarioFile = value("--scenario");
        } else if (arg == "--log") {
            options.logRequests = true;
        } else if (arg == "--tls-cert") {
            options.tlsCertFile = value("--tls-cert");
        } else if (arg == "--tls-key") {
            options.tlsKeyFile = value("--tls-key");
        } else if (arg == "--client-ca") {
            options.clientCaFile = value("--client-ca");
        } else if (arg == "--token") {
            options.tokens.push_back(value("--token"));
        } else if (arg == "--extra-releases") {
            const std::string text = value("--extra-releases");
            char *end = nullptr;
            extraReleases = int(std::strtol(text.c_str(), &end, 10));
            if (text.empty() || *end || extraReleases < 0 || extraReleases > 100000) {
                return fail("--extra-releases \"" + text + "\" is not a count (0–100000)", 2);
            }
        } else if (arg == "--max-watches" || arg == "--read-deadline") {
            const std::string text = value(arg.c_str());
            char *end = nullptr;
            const long parsed = std::strtol(text.c_str(), &end, 10);
            if (text.empty() || *end || parsed < 1 || parsed > 10000) {
                return fail(arg + " \"" + text + "\" is not a number from 1 to 10000", 2);
            }
            (arg == "--max-watches" ? options.maxWatches : options.readDeadlineSeconds) = int(parsed);
        } else if (arg == "--faults") {
            options.faultsJson = value("--faults");
        } else if (arg == "--rbac") {
            options.rbacFile = value("--rbac");
        } else if (arg == "--audit-log") {
            options.auditLogFile = value("--audit-log");
        } else if (arg == "--schemaless-crds") {
            options.schemalessCustomResources = true;
        } else if (arg == "--orders") {
            withOrders = true;
        } else if (arg == "--token-file") {
            options.tokenFile = value("--token-file");
        } else {
            std::cerr << "curtain-sim: unknown argument \"" << arg << "\"\n\n" << usage;
            return 2;
        }
    }

    if (options.tlsCertFile.empty() != options.tlsKeyFile.empty()) {
        return fail("--tls-cert and --tls-key go together", 2);
    }
    if (!options.clientCaFile.empty() && options.tlsCertFile.empty()) {
        return fail("--client-ca needs --tls-cert and --tls-key: client certificates exist only over HTTPS", 2);
    }
    std::string text;
    if (scenarioFile.empty()) {
        text = Curtain::Sim::builtinScenarioText();
    } else {
        std::ifstream in(scenarioFile);
        if (!in) {
            return fail("cannot read scenario file " + scenarioFile, 2);
        }
        std::stringstream buffer;
        buffer << in.rdbuf();
        text = buffer.str();
    }
    auto parsed = Curtain::Sim::parseScenario(text);
    if (auto *error = std::get_if<std::string>(&parsed)) {
        return fail(*error, 2);
    }

    // Block the stop signals before any thread starts, so only sigwait below receives them.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    auto &scenario = std::get<Curtain::Sim::Scenario>(parsed);
    scenario.addGeneratedReleases(extraReleases);
    const auto cluster = std::make_shared<Curtain::Sim::DemoCluster>(std::move(scenario), options);
    std::string error;
    const int bound = cluster->start(host, port, &error);
    if (bound < 0) {
        return fail(error, 1);
    }
    std::shared_ptr<Curtain::Demo::OrdersRelease> orders;
    if (withOrders) {
        // Ready before the address is printed: a script that reads it can use the database at once.
        orders = Curtain::Demo::addOrdersRelease(cluster, std::chrono::milliseconds(0));
        if (const QString problem = orders->waitUntilPrepared(); !problem.isEmpty()) {
            std::cerr << "curtain-sim: orders has no database: " << problem.toStdString() << "\n";
        }
    }
    std::cout << "curtain-sim: serving the demo cluster at " << cluster->url() << std::endl;

    int received = 0;
    sigwait(&stopSignals, &received);
    orders.reset(); // its database first, then the cluster
    cluster->stop();
    return 0;
}
