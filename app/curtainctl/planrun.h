#pragma once

#include "commandline.h"

#include "core/release.h"

namespace Curtain::Engine {
class ReleaseSource;
}

namespace Curtain::Ctl {

// `curtainctl run RELEASE [--plan FILE]`: the console's plan runner, headless, on a cluster or an
// HAProxy fleet. Prints progress as it happens and the verdict at the end; the exit code says
// promoted (0), held, or rolled back and failed.
int runPlan(Engine::ReleaseSource *engine, const Invocation &invocation, const Core::ReleaseSnapshots &releases);

} // namespace Curtain::Ctl
