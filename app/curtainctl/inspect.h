#pragma once

#include "commandline.h"

#include <QJsonObject>
#include <QString>

#include "core/rollout.h"

namespace Curtain::Ctl {

// `curtainctl inspect FILE...`: Argo Rollout status from saved objects, offline. Writes the report
// to `out` (table or JSON) or the problem to `error`; returns the exit code.
// One Rollout's status as text (kubectl argo rollouts get's fields) and as JSON; status and inspect share them.
QString rolloutText(const Core::RolloutStatus &status);
QJsonObject rolloutJson(const Core::RolloutStatus &status);

int inspect(const Invocation &invocation, QString *out, QString *error);

} // namespace Curtain::Ctl
