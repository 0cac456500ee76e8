// curtain-backend: one color's pods as real HTTP listeners on loopback, for HAProxy fleets, wrk and
// Prometheus (see --help).

#include "backendoptions.h"
#include "podserver.h"

#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#ifdef __linux__
#include <sys/prctl.h>
#include <unistd.h>
#endif

using namespace Curtain::Backend;

int main(int argc, char *argv[])
{
    // Block the stop signals first, before any thread starts, so only sigwait below receives them,
    // and one that arrives while the pods start still ends the program cleanly once they are up.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    const CommandLine commandLine = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    if (commandLine.action == CommandLine::Action::Help) {
        std::cout << usageText;
        return 0;
    }
    if (commandLine.action == CommandLine::Action::Fail) {
        std::cerr << "curtain-backend: " << commandLine.error << "\n";
        return 2;
    }
    const Options &options = commandLine.options;

#ifdef __linux__
    // A script or test that dies leaves no pods holding ports: the kernel tells us when our parent goes.
    const pid_t parent = getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) {
        return 0; // it went before we asked
    }
#endif
    // A client that hangs up while its answer is written must cost a failed write, not the process.
    std::signal(SIGPIPE, SIG_IGN);

    std::vector<std::unique_ptr<PodServer>> pods;
    std::vector<std::string> lines;
    for (int i = 0; i < options.pods; ++i) {
        const std::string name = options.color + "-" + std::to_string(i + 1);
        auto pod = std::make_unique<PodServer>(PodLabels{options.deployment, options.version, options.color, name},
                                               options.behaviour, options.seed + std::uint64_t(i), options.threads);
        std::string error;
        const int port = pod->start(options.listen, options.ports.empty() ? 0 : options.ports[std::size_t(i)], &error);
        if (port < 0) {
            std::cerr << "curtain-backend: " << name << ": " << error << "\n";
            return 1;
        }
        const bool ipv6 = options.listen.find(':') != std::string::npos;
        lines.push_back(name + " " + (ipv6 ? "[" + options.listen + "]" : options.listen) + ":" + std::to_string(port));
        pods.push_back(std::move(pod));
    }
    for (const std::string &line : lines) {
        std::cout << line << "\n";
    }
    std::cout.flush();

    int received = 0;
    sigwait(&stopSignals, &received);
    for (auto &pod : pods) {
        pod->stop();
    }
    return 0;
}
