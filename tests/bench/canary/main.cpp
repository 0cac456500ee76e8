// curtain-bench: Canary Bench (canary-analysis.md §6). Runs Curtain's judge and emulations of
// Flagger, Argo Rollouts and CodeDeploy on the same seeded synthetic traffic, and prints for each
// cell the rollback rate (false rollbacks for A/A cells, detection otherwise), the median time to
// decision and the canary requests served before a rollback, with Wilson 95 % intervals.

#include "methods.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>
#include <thread>

using namespace Curtain::Bench;
using nlohmann::json;

namespace {

struct Cell
{
    std::string method;
    TrafficParams traffic;
    int runs = 500;
    std::uint64_t seed = 1;
    double maxMinutes = 60;
    std::string label;
};

struct CellResult
{
    Cell cell;
    int rolledBack = 0;
    int promoted = 0;
    int held = 0;
    std::vector<double> rollbackSeconds;
    std::vector<double> promoteSeconds;
    double canaryRequestsAtRollback = 0; // summed
};

std::pair<double, double> wilson(int k, int n)
{
    if (n == 0) {
        return {0, 1};
    }
    const double z = 1.96;
    const double p = double(k) / n;
    const double denominator = 1 + z * z / n;
    const double center = (p + z * z / (2.0 * n)) / denominator;
    const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
    return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

double median(std::vector<double> values)
{
    if (values.empty()) {
        return NAN;
    }
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

bool isAA(const TrafficParams &t)
{
    return t.canaryErrorRate == t.baselineErrorRate && t.latencyFactor == 1.0;
}

CellResult runCell(const Cell &cell)
{
    CellResult result{cell, 0, 0, 0, {}, {}, 0};
    const int limit = int(cell.maxMinutes * 60) + 3600; // emulations end on their own; this is a guard
    for (int run = 0; run < cell.runs; ++run) {
        Traffic traffic(cell.traffic, cell.seed + std::uint64_t(run)); // same seeds for every method
        auto method = makeMethod(cell.method, cell.maxMinutes);
        Outcome outcome = Outcome::Running;
        while (outcome == Outcome::Running && traffic.now() < limit) {
            traffic.advance(method->weight());
            outcome = method->step(traffic);
        }
        switch (outcome) {
        case Outcome::RolledBack:
            ++result.rolledBack;
            result.rollbackSeconds.push_back(traffic.now());
            result.canaryRequestsAtRollback += traffic.canaryRequests();
            break;
        case Outcome::Promoted:
            ++result.promoted;
            result.promoteSeconds.push_back(traffic.now());
            break;
        default:
            ++result.held;
            break;
        }
    }
    return result;
}

json toJson(const CellResult &r)
{
    const int n = r.cell.runs;
    const auto ci = wilson(r.rolledBack, n);
    json j = {{"method", r.cell.method},
              {"label", r.cell.label},
              {"rps", r.cell.traffic.rps},
              {"baselineErrorRate", r.cell.traffic.baselineErrorRate},
              {"canaryErrorRate", r.cell.traffic.canaryErrorRate},
              {"latencyFactor", r.cell.traffic.latencyFactor},
              {"warmupSeconds", r.cell.traffic.warmupSeconds},
              {"outageSeconds", r.cell.traffic.outageSeconds},
              {"scrapeSeconds", r.cell.traffic.scrapeSeconds},
              {"runs", n},
              {"seed", r.cell.seed},
              {"aa", isAA(r.cell.traffic)},
              {"rollbackRate", double(r.rolledBack) / n},
              {"rollbackRateCI95", {ci.first, ci.second}},
              {"promoteRate", double(r.promoted) / n},
              {"heldRate", double(r.held) / n}};
    j["medianSecondsToRollback"] = r.rollbackSeconds.empty() ? json(nullptr) : json(median(r.rollbackSeconds));
    j["meanCanaryRequestsBeforeRollback"] =
        r.rolledBack ? json(r.canaryRequestsAtRollback / r.rolledBack) : json(nullptr);
    j["medianSecondsToPromote"] = r.promoteSeconds.empty() ? json(nullptr) : json(median(r.promoteSeconds));
    return j;
}

std::string percent(double v)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, v < 0.1 ? "%.1f%%" : "%.0f%%", v * 100);
    return buffer;
}

std::string describe(const CellResult &r)
{
    const int n = r.cell.runs;
    const auto ci = wilson(r.rolledBack, n);
    std::string out = percent(double(r.rolledBack) / n) + " [" + percent(ci.first) + "–" + percent(ci.second) + "]";
    if (r.rolledBack > 0 && !isAA(r.cell.traffic)) {
        char buffer[96];
        std::snprintf(buffer, sizeof buffer, " %.1f min, %.0f req", median(r.rollbackSeconds) / 60,
                      r.canaryRequestsAtRollback / r.rolledBack);
        out += buffer;
    }
    if (isAA(r.cell.traffic)) {
        char buffer[96];
        if (r.promoted > 0) {
            std::snprintf(buffer, sizeof buffer, " (promote %.1f min", median(r.promoteSeconds) / 60);
            out += buffer;
            out += r.held ? ", held " + percent(double(r.held) / n) + ")" : ")";
        } else if (r.held) {
            out += " (held " + percent(double(r.held) / n) + ")";
        }
    }
    return out;
}

std::vector<CellResult> runAll(const std::vector<Cell> &cells)
{
    // Cells are independent: spread them over the machine's cores, keep their order for printing.
    const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
    std::vector<CellResult> results(cells.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < workers; ++w) {
        threads.emplace_back([&] {
            for (std::size_t i = next++; i < cells.size(); i = next++) {
                results[i] = runCell(cells[i]);
            }
        });
    }
    for (auto &t : threads) {
        t.join();
    }
    return results;
}

void usage(std::FILE *to)
{
    std::fputs(
        "usage: curtain-bench [--method curtain|flagger|argo|argo-default|codedeploy] [--rps R]\n"
        "                     [--baseline-error-rate P] [--canary-error-rate P] [--latency-factor F]\n"
        "                     [--warmup-seconds S] [--outage-seconds S] [--scrape-seconds S] [--runs N]\n"
        "                     [--seed N] [--max-minutes M] [--scenario FILE] [-o json]\n"
        "With no --method/--rps/--canary-error-rate/--latency-factor/--scenario: the side-by-side table of\n"
        "canary-analysis.md §6.4 (every method, rates 0.1–1000 requests/s). Rates are fractions (0.005 = 0.5 %).\n",
        to);
}

} // namespace

int main(int argc, char **argv)
{
    Cell base;
    std::vector<std::string> methods;
    bool jsonOutput = false;
    bool single = false;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= argc) {
                    throw std::invalid_argument(arg + " needs a value");
                }
                return argv[++i];
            };
            auto number = [&]() {
                const std::string v = value();
                std::size_t used = 0;
                const double d = std::stod(v, &used);
                if (used != v.size() || !std::isfinite(d) || d < 0) {
                    throw std::invalid_argument(arg + ": '" + v + "' is not a non-negative number");
                }
                return d;
            };
            if (arg == "--method") {
                methods.push_back(value());
                if (!makeMethod(methods.back(), 1)) {
                    throw std::invalid_argument("unknown method '" + methods.back() +
                                                "'; use curtain, flagger, argo, argo-default or codedeploy");
                }
            } else if (arg == "--rps") {
                base.traffic.rps = number();
                single = true;
            } else if (arg == "--baseline-error-rate") {
                base.traffic.baselineErrorRate = number();
            } else if (arg == "--canary-error-rate") {
                base.traffic.canaryErrorRate = number();
                single = true;
            } else if (arg == "--latency-factor") {
                base.traffic.latencyFactor = number();
                single = true;
            } else if (arg == "--warmup-seconds") {
                base.traffic.warmupSeconds = number();
            } else if (arg == "--outage-seconds") {
                base.traffic.outageSeconds = number();
            } else if (arg == "--scrape-seconds") {
                base.traffic.scrapeSeconds = number();
            } else if (arg == "--runs") {
                base.runs = std::max(1, int(number()));
            } else if (arg == "--seed") {
                base.seed = std::uint64_t(number());
            } else if (arg == "--max-minutes") {
                base.maxMinutes = std::max(1.0, number());
            } else if (arg == "--scenario") {
                std::ifstream file(value());
                if (!file) {
                    throw std::invalid_argument("cannot read the scenario file " + std::string(argv[i]));
                }
                const json s = json::parse(file);
                base.traffic.rps = s.value("rps", base.traffic.rps);
                base.traffic.baselineErrorRate = s.value("baselineErrorRate", base.traffic.baselineErrorRate);
                base.traffic.canaryErrorRate = s.value("canaryErrorRate", base.traffic.canaryErrorRate);
                base.traffic.latencyFactor = s.value("latencyFactor", base.traffic.latencyFactor);
                base.traffic.warmupSeconds = s.value("warmupSeconds", base.traffic.warmupSeconds);
                base.traffic.outageSeconds = s.value("outageSeconds", base.traffic.outageSeconds);
                base.traffic.scrapeSeconds = s.value("scrapeSeconds", base.traffic.scrapeSeconds);
                base.runs = s.value("runs", base.runs);
                base.seed = s.value("seed", base.seed);
                if (s.contains("method")) {
                    methods.push_back(s.at("method").get<std::string>());
                }
                single = true;
            } else if (arg == "-o" || arg == "--output") {
                const std::string format = value();
                if (format != "json") {
                    throw std::invalid_argument("-o takes json");
                }
                jsonOutput = true;
            } else if (arg == "-h" || arg == "--help") {
                usage(stdout);
                return 0;
            } else {
                throw std::invalid_argument("unknown argument '" + arg + "'");
            }
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "curtain-bench: %s\n", e.what());
        usage(stderr);
        return 2;
    }
    if (methods.empty()) {
        methods = methodNames();
    }
    for (const std::string &m : methods) {
        if (!makeMethod(m, 1)) { // also those named in a scenario file
            std::fprintf(stderr,
                         "curtain-bench: unknown method '%s'; use curtain, flagger, argo, argo-default or "
                         "codedeploy\n",
                         m.c_str());
            return 2;
        }
    }

    std::vector<Cell> cells;
    auto add = [&](const TrafficParams &traffic, const std::string &label) {
        for (const std::string &m : methods) {
            Cell c = base;
            c.method = m;
            c.traffic = traffic;
            c.label = label;
            cells.push_back(c);
        }
    };
    if (single) {
        add(base.traffic, "custom");
    } else {
        for (double rps : {0.1, 1.0, 10.0, 100.0, 1000.0}) {
            TrafficParams t = base.traffic;
            t.rps = rps;
            t.canaryErrorRate = t.baselineErrorRate;
            add(t, "A/A");
            TrafficParams warm = t;
            warm.warmupSeconds = 60;
            add(warm, "A/A warm-up");
            for (double p : {0.005, 0.01, 0.05}) {
                t.canaryErrorRate = p;
                add(t, "errors " + percent(p));
            }
            t.canaryErrorRate = t.baselineErrorRate;
            t.latencyFactor = 1.5;
            add(t, "latency x1.5");
        }
    }
    const std::vector<CellResult> results = runAll(cells);

    if (jsonOutput) {
        json out = json::array();
        for (const CellResult &r : results) {
            out.push_back(toJson(r));
        }
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("Canary Bench: %d runs per cell, seeds %llu…, baseline errors %s, lognormal latency (median 50 ms, "
                "sigma 0.5)\n",
                base.runs, static_cast<unsigned long long>(base.seed), percent(base.traffic.baselineErrorRate).c_str());
    std::printf("Each cell: rollback rate [Wilson 95 %%]; for regressions the median time to rollback and the mean "
                "canary requests served before it; for A/A the median time to promote.\n\n");
    std::printf("%-8s %-13s", "rps", "canary");
    for (const std::string &m : methods) {
        std::printf(" | %-36s", m.c_str());
    }
    std::printf("\n");
    for (std::size_t i = 0; i < results.size(); i += methods.size()) {
        char rps[16];
        std::snprintf(rps, sizeof rps, "%g", results[i].cell.traffic.rps);
        std::printf("%-8s %-13s", rps, results[i].cell.label.c_str());
        for (std::size_t m = 0; m < methods.size(); ++m) {
            std::printf(" | %-36s", describe(results[i + m]).c_str());
        }
        std::printf("\n");
    }
    return 0;
}
