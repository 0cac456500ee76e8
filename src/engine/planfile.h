#pragma once

#include "core/plan.h"
#include "core/result.h"

#include <QString>

namespace Curtain::Engine {

// Reads a plan from a YAML or JSON file; errors name the file and, through parsePlan, the step.
Core::Result<Core::Plan> loadPlanFile(const QString &path);
// The same from text (e.g. the plan saved on a release).
Core::Result<Core::Plan> parsePlanText(const QByteArray &text, const QString &origin);

} // namespace Curtain::Engine
