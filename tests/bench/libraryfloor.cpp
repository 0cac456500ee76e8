// The floor under Curtain's cold start that no code of ours can lower: a process that loads the
// same shared libraries as `curtain` (Qt Widgets, Charts, Svg and Network, libcurl, yaml-cpp,
// cpp-httplib, libpq, libpg_query and everything they load in turn) and does nothing else.
// bench_startup prints it beside the bare window.

#include <cstdio>
#include <ctime>

int main()
{
    std::printf("shown (libraries loaded), cpu %.1f ms\n", 1000.0 * double(std::clock()) / CLOCKS_PER_SEC);
    return 0;
}
