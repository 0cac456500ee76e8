// A test process that dies: it starts curtain-sim as the suites do, prints the sim's process id and
// aborts, as a crashing or timed-out test would. tst_simhardening checks the sim goes with it.

#include "testsupport.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Curtain::Test::SimProcess sim;
    QString error;
    if (!sim.start(&error)) {
        std::fprintf(stderr, "dyingtest: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("%lld\n", static_cast<long long>(sim.pid()));
    std::fflush(stdout);
    std::abort(); // no destructor runs: only the kernel can stop the sim now
}
