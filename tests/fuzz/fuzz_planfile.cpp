// Plans as users write them (a YAML or JSON file for `curtainctl run --plan`), and as they come back
// from a route's annotations (curtain.dev/plan, and curtain.dev/plan-progress with the judge's saved
// evidence). A plan or the step at fault, never a crash; a plan reads back as itself once saved.

#include "core/judge.h"
#include "core/plan.h"
#include "engine/fileplanobjects.h"
#include "engine/planfile.h"

#include <QJsonDocument>
#include <QTimeZone>

#include <cstddef>
#include <cstdint>

using namespace Curtain;

namespace {

void checkPlan(const Core::Plan &plan)
{
    (void)Core::checkHeadless(plan);
    for (const Core::PlanStep &step : plan.steps) {
        (void)step.describe();
    }
    // The console saves a plan on the route as toJson() and every console reads it back.
    const auto saved = Core::parsePlan(plan.toJson());
    if (!saved.ok() || saved.value().toJson() != plan.toJson()) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    if (const auto plan = Engine::parsePlanText(text, QStringLiteral("plan.yaml")); plan.ok()) {
        checkPlan(plan.value());
    }
    const QJsonObject annotation = QJsonDocument::fromJson(text).object();
    if (const auto plan = Core::parsePlan(annotation); plan.ok()) {
        checkPlan(plan.value());
    }
    if (const auto progress = Core::PlanProgress::fromJson(annotation); progress.ok()) {
        (void)progress.value().drivenAt(QDateTime(QDate(2026, 12, 2), QTime(12, 0), QTimeZone::utc()));
        // A restarted console resumes the judge from the evidence saved on the route.
        Core::Judge judge(progress.value().plan.judge);
        (void)judge.restoreState(progress.value().judgeState);
        (void)judge.saveState();
    }
    // A fleet's plan state file: what it reads is written back the same.
    if (const auto state = Engine::readPlanObjects(text); state.ok()) {
        const auto again = Engine::readPlanObjects(Engine::writePlanObjects(state.value()));
        if (!again.ok() || again.value().version != state.value().version ||
            again.value().objects.size() != state.value().objects.size()) {
            __builtin_trap();
        }
    }
    return 0;
}
