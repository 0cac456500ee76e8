#include "core/plan.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace Curtain::Core {

namespace {

Error invalid(const QString &message)
{
    return Error{ErrorKind::InvalidInput, 0, message, 0};
}

QString stepName(int index, const QString &kind)
{
    return QStringLiteral("step %1 (%2)").arg(index + 1).arg(kind);
}

// Seconds a plan can wait: anything longer (1e10, .inf, "9999999h") is not a duration, rather than
// an int conversion that is undefined or wraps to a negative or zero wait.
std::optional<int> waitSeconds(double value)
{
    return value >= 0 && value <= std::numeric_limits<int>::max() ? std::optional<int>(int(value)) : std::nullopt;
}

// A duration in a plan: a string like "15m" or a number of seconds.
std::optional<int> durationValue(const QJsonValue &value)
{
    if (value.isDouble()) {
        return waitSeconds(value.toDouble());
    }
    return value.isString() ? parseDuration(value.toString()) : std::nullopt;
}

int editDistance(const QString &a, const QString &b)
{
    QList<int> row(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (int i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// A key the plan format does not have is a mistake to name, not a setting to drop: a misspelt
// "maxErorRate" would otherwise run the plan without the limit its author wrote.
std::optional<Error> refusedKey(const QJsonObject &object, const QStringList &known, const QString &where)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (known.contains(it.key())) {
            continue;
        }
        QString nearest;
        int nearestDistance = 3; // within two edits, or no suggestion
        for (const QString &candidate : known) {
            if (const int distance = editDistance(it.key().left(64), candidate); distance < nearestDistance) {
                nearest = candidate;
                nearestDistance = distance;
            }
        }
        return invalid(QStringLiteral("%1: unknown key \"%2\"%3; %1 takes %4")
                           .arg(where, it.key().left(64),
                                nearest.isEmpty() ? QString() : QStringLiteral(" (did you mean %1?)").arg(nearest),
                                known.join(QStringLiteral(", "))));
    }
    return std::nullopt;
}

} // namespace

std::optional<int> parseDuration(const QString &text)
{
    static const QRegularExpression full(QStringLiteral("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$"));
    const QString t = text.trimmed();
    bool isNumber = false;
    const qlonglong number = t.toLongLong(&isNumber);
    if (isNumber) {
        return waitSeconds(double(number));
    }
    const auto match = full.match(t);
    if (t.isEmpty() || !match.hasMatch()) {
        return std::nullopt;
    }
    // Each part in double: "99999999h" must not overflow on its way to being refused.
    return waitSeconds(match.captured(1).toDouble() * 3600 + match.captured(2).toDouble() * 60 +
                       match.captured(3).toDouble());
}

QString formatDurationShort(int seconds)
{
    if (seconds % 3600 == 0 && seconds >= 3600) {
        return QStringLiteral("%1 h").arg(seconds / 3600);
    }
    if (seconds % 60 == 0 && seconds >= 60) {
        return QStringLiteral("%1 min").arg(seconds / 60);
    }
    return QStringLiteral("%1 s").arg(seconds);
}

QString PlanStep::describe() const
{
    switch (kind) {
    case StepKind::SetWeight:
        return QStringLiteral("set weight %1 %").arg(weight);
    case StepKind::Pause:
        return durationSeconds ? QStringLiteral("pause %1").arg(formatDurationShort(*durationSeconds))
                               : QStringLiteral("pause until resumed");
    case StepKind::Analysis:
        return QStringLiteral("analysis (up to %1)").arg(formatDurationShort(timeoutSeconds));
    }
    return {};
}

QJsonObject Plan::toJson() const
{
    QJsonArray array;
    for (const PlanStep &s : steps) {
        switch (s.kind) {
        case StepKind::SetWeight:
            array.append(QJsonObject{{QStringLiteral("setWeight"), s.weight}});
            break;
        case StepKind::Pause:
            array.append(QJsonObject{
                {QStringLiteral("pause"),
                 s.durationSeconds ? QJsonObject{{QStringLiteral("duration"), *s.durationSeconds}} : QJsonObject{}}});
            break;
        case StepKind::Analysis:
            array.append(
                QJsonObject{{QStringLiteral("analysis"), QJsonObject{{QStringLiteral("timeout"), s.timeoutSeconds}}}});
            break;
        }
    }
    QJsonObject metrics{{QStringLiteral("source"), metricsSource}};
    if (!requestsQuery.isEmpty()) {
        metrics[QStringLiteral("requests")] = requestsQuery;
    }
    if (!errorsQuery.isEmpty()) {
        metrics[QStringLiteral("errors")] = errorsQuery;
    }
    if (!bucketsQuery.isEmpty()) {
        metrics[QStringLiteral("buckets")] = bucketsQuery;
    }
    QJsonObject object{{QStringLiteral("steps"), array},
                       {QStringLiteral("judge"), judge.toJson()},
                       {QStringLiteral("metrics"), metrics}};
    if (!name.isEmpty()) {
        object[QStringLiteral("name")] = name;
    }
    return object;
}

Result<Plan> parsePlan(const QJsonObject &object, UnknownKeys unknownKeys)
{
    // Written by Curtain (maybe a newer one): only the keys it knows are read.
    const auto unknownKey = [unknownKeys](const QJsonObject &where, const QStringList &known, const QString &what) {
        return unknownKeys == UnknownKeys::Refused ? refusedKey(where, known, what) : std::nullopt;
    };
    Plan plan;
    if (auto unknown = unknownKey(
            object,
            {QStringLiteral("name"), QStringLiteral("steps"), QStringLiteral("judge"), QStringLiteral("metrics")},
            QStringLiteral("the plan"))) {
        return *unknown;
    }
    const QJsonValue name = object.value(QStringLiteral("name"));
    if (!name.isUndefined() && !name.isNull() && !name.isString()) {
        return invalid(QStringLiteral("the plan's \"name\" must be text, e.g. name: careful canary"));
    }
    plan.name = name.toString().trimmed().left(80);
    const QJsonValue stepsValue = object.value(QStringLiteral("steps"));
    if (!stepsValue.isArray() || stepsValue.toArray().isEmpty()) {
        return invalid(QStringLiteral("the plan has no steps: give a list under \"steps\", e.g. "
                                      "[{setWeight: 5}, {pause: {duration: 15m}}, {analysis: {}}]"));
    }
    const QJsonArray steps = stepsValue.toArray();
    for (int i = 0; i < steps.size(); ++i) {
        const QJsonObject step = steps.at(i).toObject();
        if (step.size() != 1) {
            return invalid(QStringLiteral("step %1 must have exactly one of setWeight, pause or analysis").arg(i + 1));
        }
        const QString kind = step.begin().key();
        const QJsonValue value = step.begin().value();
        PlanStep s;
        if (kind == QLatin1String("setWeight")) {
            s.kind = StepKind::SetWeight;
            const double w = value.toDouble(-1);
            // Written so that NaN (YAML's .nan) fails too, before int(w) would be undefined for it.
            if (!value.isDouble() || !(w >= 0 && w <= 100) || w != int(w)) {
                return invalid(
                    QStringLiteral("%1: weight %2 is not a whole number between 0 and 100")
                        .arg(stepName(i, kind), value.isDouble() ? QString::number(w) : value.toVariant().toString()));
            }
            s.weight = int(w);
        } else if (kind == QLatin1String("pause")) {
            s.kind = StepKind::Pause;
            if (!value.isObject() && !value.isNull()) {
                return invalid(QStringLiteral("%1: write pause: {duration: 15m}, or pause: {} to wait for a person")
                                   .arg(stepName(i, kind)));
            }
            if (auto unknown = unknownKey(value.toObject(), {QStringLiteral("duration")}, stepName(i, kind))) {
                return *unknown;
            }
            const QJsonValue duration = value.toObject().value(QStringLiteral("duration"));
            if (!duration.isUndefined() && !duration.isNull()) {
                s.durationSeconds = durationValue(duration);
                if (!s.durationSeconds) {
                    return invalid(QStringLiteral("%1: duration %2 is not a duration; write e.g. 90s, 15m or 1h")
                                       .arg(stepName(i, kind), duration.toVariant().toString()));
                }
            }
        } else if (kind == QLatin1String("analysis")) {
            s.kind = StepKind::Analysis;
            if (!value.isObject() && !value.isNull()) {
                return invalid(
                    QStringLiteral("%1: write analysis: {timeout: 30m}, or analysis: {}").arg(stepName(i, kind)));
            }
            if (auto unknown = unknownKey(value.toObject(), {QStringLiteral("timeout")}, stepName(i, kind))) {
                return *unknown;
            }
            const QJsonValue timeout = value.toObject().value(QStringLiteral("timeout"));
            if (!timeout.isUndefined()) {
                const auto t = durationValue(timeout);
                if (!t || *t <= 0) {
                    return invalid(QStringLiteral("%1: timeout %2 is not a positive duration; write e.g. 30m")
                                       .arg(stepName(i, kind), timeout.toVariant().toString()));
                }
                s.timeoutSeconds = *t;
            }
        } else {
            return invalid(
                QStringLiteral("step %1: unknown step \"%2\"; use setWeight, pause or analysis").arg(i + 1).arg(kind));
        }
        plan.steps.append(s);
    }
    for (const QString &section : {QStringLiteral("judge"), QStringLiteral("metrics")}) {
        const QJsonValue value = object.value(section);
        if (!value.isUndefined() && !value.isNull() && !value.isObject()) {
            return invalid(QStringLiteral("%1 must be a mapping of settings, e.g. %2")
                               .arg(section, section == QLatin1String("judge")
                                                 ? QStringLiteral("judge: {alpha: 0.01}")
                                                 : QStringLiteral("metrics: {source: scrape}")));
        }
    }
    const QJsonObject judge = object.value(QStringLiteral("judge")).toObject();
    if (auto unknown = unknownKey(judge, QStringList(JudgeSettings().toJson().keys()), QStringLiteral("judge"))) {
        return *unknown;
    }
    QString judgeError;
    plan.judge = JudgeSettings::fromJson(judge, &judgeError);
    if (!judgeError.isEmpty()) {
        return invalid(QStringLiteral("judge: ") + judgeError);
    }
    const QJsonObject metrics = object.value(QStringLiteral("metrics")).toObject();
    if (auto unknown = unknownKey(
            metrics,
            {QStringLiteral("source"), QStringLiteral("requests"), QStringLiteral("errors"), QStringLiteral("buckets")},
            QStringLiteral("metrics"))) {
        return *unknown;
    }
    plan.metricsSource = metrics.value(QStringLiteral("source")).toString(QStringLiteral("scrape"));
    if (plan.metricsSource != QLatin1String("scrape") && !plan.metricsSource.startsWith(QLatin1String("http://")) &&
        !plan.metricsSource.startsWith(QLatin1String("https://"))) {
        return invalid(QStringLiteral("metrics.source \"%1\" is neither \"scrape\" nor a Prometheus URL "
                                      "(http://… or https://…)")
                           .arg(plan.metricsSource));
    }
    plan.requestsQuery = metrics.value(QStringLiteral("requests")).toString();
    plan.errorsQuery = metrics.value(QStringLiteral("errors")).toString();
    plan.bucketsQuery = metrics.value(QStringLiteral("buckets")).toString();
    return plan;
}

Result<Done> checkHeadless(const Plan &plan)
{
    for (int i = 0; i < plan.steps.size(); ++i) {
        if (plan.steps.at(i).kind == StepKind::Pause && !plan.steps.at(i).durationSeconds) {
            return invalid(QStringLiteral("%1 waits for a human to resume it, which a headless run cannot do; give it "
                                          "a duration (e.g. {pause: {duration: 15m}})")
                               .arg(stepName(i, QStringLiteral("pause"))));
        }
    }
    return Done{};
}

Plan classicPlan()
{
    Plan plan;
    plan.steps = {{StepKind::SetWeight, 5, {}, 3600},  {StepKind::Pause, 0, 15 * 60, 3600},
                  {StepKind::Analysis, 0, {}, 3600},   {StepKind::SetWeight, 25, {}, 3600},
                  {StepKind::Pause, 0, 15 * 60, 3600}, {StepKind::Analysis, 0, {}, 3600}};
    plan.name = QStringLiteral("Classic");
    return plan;
}

QString planStateName(PlanState state)
{
    switch (state) {
    case PlanState::Running:
        return QStringLiteral("running");
    case PlanState::Paused:
        return QStringLiteral("paused");
    case PlanState::Promoted:
        return QStringLiteral("promoted");
    case PlanState::RolledBack:
        return QStringLiteral("rolled back");
    case PlanState::Held:
        return QStringLiteral("held");
    case PlanState::Stopped:
        return QStringLiteral("stopped");
    }
    return {};
}

std::optional<PlanState> parsePlanState(const QString &name)
{
    for (PlanState s : {PlanState::Running, PlanState::Paused, PlanState::Promoted, PlanState::RolledBack,
                        PlanState::Held, PlanState::Stopped}) {
        if (planStateName(s) == name) {
            return s;
        }
    }
    return std::nullopt;
}

QJsonObject PlanProgress::toJson() const
{
    return {{QStringLiteral("plan"), plan.toJson()},
            {QStringLiteral("step"), step},
            {QStringLiteral("state"), planStateName(state)},
            {QStringLiteral("startedAt"), startedAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("stepStartedAt"), stepStartedAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("driver"), driver},
            {QStringLiteral("outcome"), outcome},
            {QStringLiteral("judge"), judgeState},
            {QStringLiteral("heartbeat"), heartbeat.toString(Qt::ISODateWithMs)},
            {QStringLiteral("verdict"), verdictName(verdict)},
            {QStringLiteral("reason"), reason}};
}

bool PlanProgress::drivenAt(const QDateTime &now) const
{
    return (state == PlanState::Running || state == PlanState::Paused) && heartbeat.isValid() &&
           heartbeat.secsTo(now) < 30;
}

std::optional<Verdict> parseVerdict(const QString &name)
{
    for (Verdict v : {Verdict::Hold, Verdict::Pass, Verdict::Fail}) {
        if (verdictName(v) == name) {
            return v;
        }
    }
    return std::nullopt;
}

Result<PlanProgress> PlanProgress::fromJson(const QJsonObject &object)
{
    auto plan = parsePlan(object.value(QStringLiteral("plan")).toObject(), UnknownKeys::Ignored);
    if (!plan.ok()) {
        return plan.error();
    }
    PlanProgress p;
    p.plan = plan.value();
    p.step = object.value(QStringLiteral("step")).toInt();
    const auto state = parsePlanState(object.value(QStringLiteral("state")).toString());
    if (!state || p.step < 0 || p.step > p.plan.steps.size()) {
        return invalid(QStringLiteral("the plan progress on the route is damaged (state or step); stop the plan and "
                                      "start it again"));
    }
    p.state = *state;
    p.startedAt = QDateTime::fromString(object.value(QStringLiteral("startedAt")).toString(), Qt::ISODateWithMs);
    p.stepStartedAt =
        QDateTime::fromString(object.value(QStringLiteral("stepStartedAt")).toString(), Qt::ISODateWithMs);
    p.driver = object.value(QStringLiteral("driver")).toString();
    p.outcome = object.value(QStringLiteral("outcome")).toString();
    p.judgeState = object.value(QStringLiteral("judge")).toObject();
    p.heartbeat = QDateTime::fromString(object.value(QStringLiteral("heartbeat")).toString(), Qt::ISODateWithMs);
    p.verdict = parseVerdict(object.value(QStringLiteral("verdict")).toString()).value_or(Verdict::Hold);
    p.reason = object.value(QStringLiteral("reason")).toString();
    return p;
}

} // namespace Curtain::Core
