#pragma once

#include "core/plan.h"
#include "core/result.h"

#include <QString>

namespace Curtain::Engine {

// Reads a plan from a YAML or JSON file; errors name the file and, through parsePlan, the step.
Core::Result<Core::Plan> loadPlanFile(const QString &path);
// The same from text (e.g. the plan saved on a release, or the console's plan editor).
Core::Result<Core::Plan> parsePlanText(const QByteArray &text, const QString &origin);
// A plan as the YAML a person writes (durations as 15m, 30s, 1h): what the plan editor shows, and
// what parsePlanText reads back as the same plan.
QByteArray planYaml(const Core::Plan &plan);

} // namespace Curtain::Engine
