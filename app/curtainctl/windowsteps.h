#pragma once

// curtainctl's steps of a blue-green window that are not a traffic move: schema migrations through a
// release's gate, a rehearsal recorded in its history, growing the color a flip needs and flipping
// when it is ready, and scaling the idle color down after a delay.

#include "commandline.h"

namespace Curtain::Engine {
class ReleaseEngine;
}

namespace Curtain::Ctl {

// `migration status|start|complete|rollback|rehearse --release R`: the release's route names the
// database; the steps go through the engine's schema gate and into the release's history.
int migrationOnRelease(Engine::ReleaseEngine *engine, const Invocation &invocation);

// `scale RELEASE COLOR N [--after DURATION]`: with --after, waits first (saying until when), then
// scales — refused then if the color has taken traffic meanwhile.
int scaleColor(Engine::ReleaseEngine *engine, const Invocation &invocation);

// `flip RELEASE --scale-first [--ready-timeout DURATION]`: the color taking over grown to the serving
// color's size, then the flip once its pods are ready.
int flipWhenReady(Engine::ReleaseEngine *engine, const Invocation &invocation);

} // namespace Curtain::Ctl
