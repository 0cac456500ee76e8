#include "backendoptions.h"

#include <charconv>
#include <cmath>
#include <set>

namespace Curtain::Backend {

const char *const usageText =
    R"(Usage: curtain-backend --color blue|green --version VERSION [--pods N] [--listen ADDRESS]
                       [--ports P1,P2,...] [--error-rate R] [--latency D] [--p99 D] [--deployment NAME]
                       [--threads N] [--seed N]

Serves one color's pods as real HTTP listeners, one port each, for HAProxy, wrk and Prometheus.
Once every listener is up it prints one line per pod, "blue-1 127.0.0.1:41234", and runs until
SIGINT or SIGTERM (exit 0) or until its parent process dies (Linux).

  --color blue|green   the environment's color
  --version VERSION    the version the pods serve, e.g. v1.4.0
  --pods N             how many pods (listeners), 1-64 (default 1)
  --listen ADDRESS     the address to bind (default 127.0.0.1)
  --ports P1,P2,...    one port per pod (default: free ports chosen by the system)
  --error-rate R       share of requests answered 500, 0-1 (default 0); drawn per request, uniformly,
                       from each pod's own random generator
  --latency D          median service time, e.g. 20ms, 1.5s, 250us, 0 (default 5ms)
  --p99 D              99th percentile of the service time, at least --latency (default 8 x --latency).
                       Service times are log-normal with median --latency and 99th percentile --p99:
                       mu = ln(latency), sigma = ln(p99 / latency) / 2.3263
  --deployment NAME    the "deployment" label of the metrics (default: the color). The console's
                       default queries select deployment="{{deployment}}": give the environment's
                       workload name, e.g. checkout-blue
  --threads N          workers per pod, 2-1024 (default 64). Every open connection holds one while it
                       lives (keep-alive, closed after 5 s idle); more connections wait for a free
                       worker, so keep HAProxy's per-server maxconn at or below this
  --seed N             seeds pod i's generator with N + i (default 1)

Each pod answers
  GET /<any path>   200 "blue v1.4.0 blue-1" (or 500 at the error rate), after the drawn latency
  GET /healthz      200, or 503 once told healthy=false (for HAProxy's check); not counted
  GET /metrics      Prometheus text: http_requests_total{code,deployment,version,color,pod} and the
                    http_request_duration_seconds histogram; not counted
  POST /control     change this pod at run time: error-rate=0.03, latency=50ms, p99=200ms,
                    healthy=false, as a form or a JSON object; answers 200 with the settings or 400
                    naming the bad field. A new latency without p99 keeps the p99/latency ratio
  GET /control      the current settings
)";

namespace {

bool parseInt(std::string_view text, long long low, long long high, long long *out)
{
    long long value = 0;
    const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || problem != std::errc() || end != text.data() + text.size() || value < low || value > high) {
        return false;
    }
    *out = value;
    return true;
}

bool parseRate(std::string_view text, double *out)
{
    double value = 0;
    const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || problem != std::errc() || end != text.data() + text.size() || !(value >= 0.0 && value <= 1.0)) {
        return false;
    }
    *out = value;
    return true;
}

std::optional<std::vector<int>> parsePorts(std::string_view text)
{
    std::vector<int> ports;
    std::set<int> seen;
    while (true) {
        const auto comma = text.find(',');
        long long port = 0;
        if (!parseInt(text.substr(0, comma), 1, 65535, &port) || !seen.insert(int(port)).second) {
            return std::nullopt;
        }
        ports.push_back(int(port));
        if (comma == std::string_view::npos) {
            return ports;
        }
        text.remove_prefix(comma + 1);
    }
}

CommandLine failure(std::string message)
{
    CommandLine result;
    result.action = CommandLine::Action::Fail;
    result.error = std::move(message);
    return result;
}

bool plainName(const std::string &text)
{
    if (text.empty() || text.size() > 100) {
        return false;
    }
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == '_' || c == '+';
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<Micros> parseDuration(std::string_view text)
{
    if (text == "0") {
        return Micros(0);
    }
    double scale = 0;
    for (const auto &[suffix, micros] : {std::pair{"us", 1.0}, std::pair{"ms", 1e3}, std::pair{"s", 1e6}}) {
        const std::string_view unit(suffix);
        if (text.size() > unit.size() && text.ends_with(unit)) {
            scale = micros;
            text.remove_suffix(unit.size());
            break;
        }
    }
    double value = 0;
    const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (scale == 0 || text.empty() || problem != std::errc() || end != text.data() + text.size() || !(value >= 0.0) ||
        value * scale > 3600e6) {
        return std::nullopt;
    }
    return Micros(std::llround(value * scale));
}

std::string formatDuration(Micros duration)
{
    const long long us = duration.count();
    auto trimmed = [](double value) {
        std::string text = std::to_string(value);
        text.erase(text.find_last_not_of('0') + 1);
        if (text.ends_with('.')) {
            text.pop_back();
        }
        return text;
    };
    if (us == 0) {
        return "0";
    }
    if (us % 1000 != 0) {
        return std::to_string(us) + "us";
    }
    if (us < 1'000'000) {
        return std::to_string(us / 1000) + "ms";
    }
    return trimmed(double(us) / 1e6) + "s";
}

Micros scaledP99(const Behaviour &old, Micros newLatency)
{
    if (old.latency.count() <= 0) {
        return newLatency * 8;
    }
    const double ratio = double(old.p99.count()) / double(old.latency.count());
    return Micros(std::llround(double(newLatency.count()) * ratio));
}

CommandLine parseCommandLine(const std::vector<std::string> &arguments)
{
    CommandLine result;
    Options &options = result.options;
    bool p99Given = false;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string &arg = arguments[i];
        if (arg == "--help" || arg == "-h") {
            result.action = CommandLine::Action::Help;
            return result;
        }
        static const std::set<std::string> withValue = {"--color", "--version", "--pods",       "--listen",
                                                        "--ports", "--latency", "--error-rate", "--p99",
                                                        "--seed",  "--threads", "--deployment"};
        if (!withValue.contains(arg)) {
            return failure("unknown argument \"" + arg + "\" (see --help)");
        }
        if (i + 1 >= arguments.size()) {
            return failure(arg + " needs a value");
        }
        const std::string &value = arguments[++i];
        long long number = 0;
        if (arg == "--color") {
            if (value != "blue" && value != "green") {
                return failure("--color \"" + value + "\" is not blue or green");
            }
            options.color = value;
        } else if (arg == "--version") {
            if (!plainName(value)) {
                return failure("--version \"" + value + "\" is not a version (letters, digits, . - _ +)");
            }
            options.version = value;
        } else if (arg == "--deployment") {
            if (!plainName(value)) {
                return failure("--deployment \"" + value + "\" is not a name (letters, digits, . - _ +)");
            }
            options.deployment = value;
        } else if (arg == "--pods") {
            if (!parseInt(value, 1, 64, &number)) {
                return failure("--pods \"" + value + "\" is not a count from 1 to 64");
            }
            options.pods = int(number);
        } else if (arg == "--listen") {
            if (value.empty()) {
                return failure("--listen needs an address, e.g. 127.0.0.1");
            }
            options.listen = value;
        } else if (arg == "--ports") {
            const auto ports = parsePorts(value);
            if (!ports) {
                return failure("--ports \"" + value + "\" is not a list of distinct ports (1-65535), e.g. 8081,8082");
            }
            options.ports = *ports;
        } else if (arg == "--error-rate") {
            if (!parseRate(value, &options.behaviour.errorRate)) {
                return failure("--error-rate \"" + value + "\" is not a share from 0 to 1, e.g. 0.001");
            }
        } else if (arg == "--latency" || arg == "--p99") {
            const auto duration = parseDuration(value);
            if (!duration) {
                return failure(arg + " \"" + value + "\" is not a duration with its unit, e.g. 20ms, 1.5s, 250us");
            }
            (arg == "--latency" ? options.behaviour.latency : options.behaviour.p99) = *duration;
            p99Given = p99Given || arg == "--p99";
        } else if (arg == "--threads") {
            if (!parseInt(value, 2, 1024, &number)) {
                return failure("--threads \"" + value + "\" is not a count from 2 to 1024");
            }
            options.threads = int(number);
        } else if (arg == "--seed") {
            if (!parseInt(value, 0, 1LL << 62, &number)) {
                return failure("--seed \"" + value + "\" is not a whole number of at least 0");
            }
            options.seed = std::uint64_t(number);
        }
    }
    if (options.color.empty()) {
        return failure("--color is required (blue or green)");
    }
    if (options.version.empty()) {
        return failure("--version is required, e.g. --version v1.4.0");
    }
    if (!options.ports.empty() && int(options.ports.size()) != options.pods) {
        return failure("--ports names " + std::to_string(options.ports.size()) + " ports for " +
                       std::to_string(options.pods) + " pods: give one port per pod");
    }
    Behaviour &behaviour = options.behaviour;
    if (!p99Given) {
        behaviour.p99 = behaviour.latency * 8;
    }
    if (behaviour.p99 < behaviour.latency) {
        return failure("--p99 " + formatDuration(behaviour.p99) + " is below --latency " +
                       formatDuration(behaviour.latency) + ": the 99th percentile cannot be under the median");
    }
    if (behaviour.latency.count() == 0 && behaviour.p99.count() > 0) {
        return failure("--p99 " + formatDuration(behaviour.p99) +
                       " needs a --latency above 0: a median of 0 has no spread to fit");
    }
    if (options.deployment.empty()) {
        options.deployment = options.color;
    }
    return result;
}

} // namespace Curtain::Backend
