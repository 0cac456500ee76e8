#pragma once

#include "commandline.h"

#include <QString>

namespace Curtain::Ctl {

// `curtainctl inspect FILE...`: Argo Rollout status from saved objects, offline. Writes the report
// to `out` (table or JSON) or the problem to `error`; returns the exit code.
int inspect(const Invocation &invocation, QString *out, QString *error);

} // namespace Curtain::Ctl
