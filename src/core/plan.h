#pragma once

#include "core/judge.h"
#include "core/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Curtain::Core {

enum class StepKind { SetWeight, Pause, Analysis };

// One step of a plan. The judge watches during every step; an analysis step is where the plan waits
// for its Pass.
struct PlanStep
{
    StepKind kind = StepKind::SetWeight;
    int weight = 0;                     // SetWeight: the candidate's percent
    std::optional<int> durationSeconds; // Pause: how long; nullopt = until a human resumes
    int timeoutSeconds = 3600;          // Analysis: hold this long at most, then the plan is Held

    QString describe() const; // "set weight 5 %", "pause 15 min", "pause until resumed", "analysis (up to 60 min)"
};

struct Plan
{
    QList<PlanStep> steps; // after the last step, a Pass promotes
    JudgeSettings judge;
    QString metricsSource = QStringLiteral("scrape"); // "scrape", or a Prometheus URL
    QString requestsQuery;                            // optional overrides of the default PromQL templates
    QString errorsQuery;
    QString bucketsQuery;
    QString name; // what the console calls it ("Classic", "Quick", a team's own); optional

    QJsonObject toJson() const;
};

std::optional<Verdict> parseVerdict(const QString &name);

// Parses a plan (already converted from YAML when it came from a file). Every problem names the
// step and the fix; a plan with any problem is refused whole.
// A person's plan is refused for a key it does not know (a typo drops a limit); what Curtain wrote
// itself (a route's plan and progress annotations, maybe by a newer version) is read with
// `unknownKeys` Ignored.
enum class UnknownKeys { Refused, Ignored };
Result<Plan> parsePlan(const QJsonObject &object, UnknownKeys unknownKeys = UnknownKeys::Refused);
// Additionally refuses what a run without a console cannot do: a pause that only a human can end.
Result<Done> checkHeadless(const Plan &plan);
// "15m", "90s", "1h", "1h30m" or a number of seconds.
std::optional<int> parseDuration(const QString &text);
QString formatDurationShort(int seconds);

// The classic recipe: 5 % for 15 minutes → checks → 25 % for 15 minutes → checks → promote.
Plan classicPlan();

enum class PlanState { Running, Paused, Promoted, RolledBack, Held, Stopped };
QString planStateName(PlanState state);
std::optional<PlanState> parsePlanState(const QString &name);
inline bool isFinal(PlanState s)
{
    return s == PlanState::Promoted || s == PlanState::RolledBack || s == PlanState::Held || s == PlanState::Stopped;
}

// Where a plan is; lives on the route object (annotation curtain.dev/plan-progress) so that a
// restarted console resumes and every console sees it.
struct PlanProgress
{
    Plan plan;
    int step = 0;
    PlanState state = PlanState::Running;
    QDateTime startedAt;
    QDateTime stepStartedAt;
    QString driver;  // who holds the Lease, e.g. "curtain@laptop/4711"
    QString outcome; // the final sentence: why it promoted, rolled back or held
    QJsonObject judgeState;
    QDateTime heartbeat;             // the driver's last write; a silent driver has gone
    Verdict verdict = Verdict::Hold; // the judge's last word, for consoles that do not drive
    QString reason;

    // Running or paused, with a heartbeat younger than 30 s: the plan locks the release.
    bool drivenAt(const QDateTime &now) const;

    QJsonObject toJson() const;
    static Result<PlanProgress> fromJson(const QJsonObject &object);
};

} // namespace Curtain::Core

Q_DECLARE_METATYPE(Curtain::Core::PlanProgress)
