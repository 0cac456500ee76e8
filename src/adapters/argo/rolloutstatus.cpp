#include "adapters/argo/rolloutstatus.h"

#include "adapters/conventions.h"
#include "adapters/environmentreader.h"

#include <QRegularExpression>

#include <algorithm>
#include <climits>
#include <cmath>

namespace Curtain::Adapters::Argo {

using Kube::Json;
using Kube::Reader;

namespace {

const QStringList knownStepTypes = {QStringLiteral("setWeight"),      QStringLiteral("pause"),
                                    QStringLiteral("analysis"),       QStringLiteral("experiment"),
                                    QStringLiteral("setCanaryScale"), QStringLiteral("setHeaderRoute"),
                                    QStringLiteral("setMirrorRoute"), QStringLiteral("plugin")};

// A count or an index the status reports: int-sized and never negative.
int count(const Reader &field, int fallback = 0)
{
    return int(field.integer(fallback, 0, INT_MAX));
}

// ReplicaSets and AnalysisRuns are read leniently: a malformed one is not the Rollout's fault and
// is shown with defaults; only the Rollout itself makes the release a problem.
bool ownedBy(const Json &object, const QString &rolloutName)
{
    for (const Reader &ref : Reader(object).field("metadata").field("ownerReferences").items()) {
        if (ref.field("kind").string() == QLatin1String("Rollout") && ref.field("name").string() == rolloutName) {
            return true;
        }
    }
    return false;
}

QString replicaSetHealth(const Reader &rs)
{
    for (const Reader &c : rs.field("status").field("conditions").items()) {
        if (c.field("type").string() == QLatin1String("ReplicaFailure") &&
            c.field("status").string() == QLatin1String("True")) {
            return QStringLiteral("ReplicaFailure");
        }
    }
    const long long desired = rs.field("spec").field("replicas").integer(1);
    if (rs.field("status").field("observedGeneration").integer() !=
        rs.field("metadata").field("generation").integer()) {
        return QStringLiteral("Progressing");
    }
    if (desired == 0) {
        return QStringLiteral("ScaledDown");
    }
    if (rs.field("status").field("availableReplicas").integer() < desired) {
        return QStringLiteral("Progressing");
    }
    return QStringLiteral("Healthy");
}

// A canary step in the words of the Rollout's own YAML: "setWeight 25", "pause 30s".
QString describeStep(const Reader &step)
{
    const auto members = step.members();
    if (members.size() != 1) {
        return {};
    }
    const std::string &type = members[0].first;
    const Reader &value = members[0].second;
    if (type == "setWeight") {
        return QStringLiteral("setWeight %1").arg(value.scalarText());
    }
    if (type == "pause") {
        static const Json none;
        const Reader duration = value.isObject() ? value.field("duration") : Reader(none);
        if (!duration.exists()) {
            return QStringLiteral("pause (until promoted)");
        }
        const QString text = duration.scalarText();
        return QStringLiteral("pause %1").arg(duration.isString() ? text : text + QLatin1Char('s'));
    }
    if (type == "analysis") {
        QStringList templates;
        for (const Reader &t : value.field("templates").items()) {
            templates << t.field("templateName").string();
        }
        return QStringLiteral("analysis %1").arg(templates.join(QStringLiteral(", ")));
    }
    return Kube::toQString(type);
}

// GetRolloutPhase's client-side fallback (CalculateRolloutPhase) for Rollouts without status.phase.
std::pair<QString, QString> calculatePhase(const Reader &rollout, bool blueGreen, int desired)
{
    const Reader status = rollout.field("status");
    const std::vector<Reader> conditions = status.field("conditions").items();
    for (const Reader &c : conditions) {
        if (c.field("type").string() == QLatin1String("InvalidSpec")) {
            return {QStringLiteral("Degraded"), QStringLiteral("InvalidSpec: ") + c.field("message").string()};
        }
    }
    for (const Reader &c : conditions) {
        const QString reason = c.field("reason").string();
        if (reason == QLatin1String("RolloutAborted") || reason == QLatin1String("ProgressDeadlineExceeded")) {
            return {QStringLiteral("Degraded"), reason + QStringLiteral(": ") + c.field("message").string()};
        }
    }
    if (rollout.field("spec").field("paused").boolean()) {
        return {QStringLiteral("Paused"), QStringLiteral("manually paused")};
    }
    const std::vector<Reader> pauses = status.field("pauseConditions").items();
    if (!pauses.empty()) {
        return {QStringLiteral("Paused"), pauses[0].field("reason").string()};
    }
    const QString restartAt = rollout.field("spec").field("restartAt").string();
    if (!restartAt.isEmpty() && restartAt != status.field("restartedAt").string()) {
        return {QStringLiteral("Progressing"), QStringLiteral("rollout is restarting")};
    }
    const long long updated = count(status.field("updatedReplicas"));
    const long long available = count(status.field("availableReplicas"));
    if (updated < desired) {
        return {QStringLiteral("Progressing"), QStringLiteral("more replicas need to be updated")};
    }
    if (available < updated) {
        return {QStringLiteral("Progressing"), QStringLiteral("updated replicas are still becoming available")};
    }
    const QString current = status.field("currentPodHash").string();
    const QString stable = status.field("stableRS").string();
    const Reader strategy = rollout.field("spec").field("strategy");
    if (blueGreen) {
        const QString active = status.field("blueGreen").field("activeSelector").string();
        if (active.isEmpty() || active != current) {
            return {QStringLiteral("Progressing"), QStringLiteral("active service cutover pending")};
        }
        if (stable.isEmpty() || stable != current) {
            const bool postAnalysis = strategy.field("blueGreen").field("postPromotionAnalysis").exists();
            return {QStringLiteral("Progressing"),
                    postAnalysis ? QStringLiteral("waiting for analysis to complete")
                                 : QStringLiteral("waiting for post-promotion verification to complete")};
        }
    } else {
        const bool trafficRouting = strategy.field("canary").field("trafficRouting").exists();
        if (!trafficRouting && count(status.field("replicas")) > updated) {
            return {QStringLiteral("Progressing"), QStringLiteral("old replicas are pending termination")};
        }
        if (stable.isEmpty() || stable != current) {
            return {QStringLiteral("Progressing"), QStringLiteral("waiting for all steps to complete")};
        }
    }
    return {QStringLiteral("Healthy"), QString()};
}

// GetRolloutPhase: the controller's own phase wins unless it is visibly out of date.
void derivePhase(const Reader &rollout, bool blueGreen, RolloutStatus &out)
{
    const Reader status = rollout.field("status");
    const QString observed = status.field("observedGeneration").scalarText();
    bool numeric = false;
    const long long observedGeneration = observed.toLongLong(&numeric);
    const bool controllerPause = status.field("controllerPause").boolean();
    const bool paused = !status.field("pauseConditions").items().empty();
    const QString workloadGeneration =
        rollout.field("metadata").field("annotations").field("rollout.argoproj.io/workload-generation").string();
    if (numeric && observedGeneration != rollout.field("metadata").field("generation").integer()) {
        out.status = QStringLiteral("Progressing");
        out.message = QStringLiteral("waiting for rollout spec update to be observed");
    } else if (controllerPause && !paused) {
        out.status = QStringLiteral("Progressing");
        out.message = QStringLiteral("waiting for rollout to unpause");
    } else if (rollout.field("spec").field("workloadRef").exists() && !workloadGeneration.isEmpty() &&
               workloadGeneration != status.field("workloadObservedGeneration").scalarText()) {
        out.status = QStringLiteral("Progressing");
        out.message = QStringLiteral("waiting for rollout spec update to be observed for the reference workload");
    } else if (const QString phase = status.field("phase").string(); !phase.isEmpty()) {
        out.status = phase;
        out.message = status.field("message").string();
    } else {
        std::tie(out.status, out.message) = calculatePhase(rollout, blueGreen, out.desired);
    }
}

ReplicaSetInfo replicaSetInfo(const Json &object, const RolloutStatus &out, const Reader &rollout, bool blueGreen)
{
    const Reader rs(object);
    ReplicaSetInfo info;
    info.name = Kube::objectName(object);
    info.podTemplateHash = Kube::label(object, Conventions::podTemplateHashLabel);
    info.revision = Kube::annotation(object, QStringLiteral("rollout.argoproj.io/revision")).toInt();
    info.desired = count(rs.field("spec").field("replicas"), 1);
    info.ready = count(rs.field("status").field("readyReplicas"));
    info.available = count(rs.field("status").field("availableReplicas"));
    info.image = rs.field("spec").field("template").field("spec").field("containers").item(0).field("image").string();
    info.schemaVersion = schemaVersionOf(rs);
    info.health = replicaSetHealth(rs);
    if (info.podTemplateHash == out.stableHash) {
        info.roles << QStringLiteral("stable");
    }
    const Reader selectors = rollout.field("status").field("blueGreen");
    if (blueGreen) {
        if (info.podTemplateHash == selectors.field("activeSelector").string()) {
            info.roles << QStringLiteral("active");
        } else if (info.podTemplateHash == selectors.field("previewSelector").string()) {
            info.roles << QStringLiteral("preview");
        }
    } else if (info.roles.isEmpty() && info.podTemplateHash == out.currentHash) {
        info.roles << QStringLiteral("canary");
    }
    return info;
}

AnalysisRunInfo analysisRunInfo(const Json &object)
{
    const Reader run(object);
    AnalysisRunInfo info;
    info.name = Kube::objectName(object);
    info.phase = run.field("status").field("phase").string(QStringLiteral("Pending"));
    info.type = Kube::label(object, QStringLiteral("rollout-type"));
    info.message = run.field("status").field("message").string();
    for (const Reader &metric : run.field("status").field("metricResults").items()) {
        const std::vector<Reader> measurements = metric.field("measurements").items();
        info.measurements += int(measurements.size());
        if (!measurements.empty()) {
            info.lastValue = measurements[measurements.size() - 1].field("value").scalarText();
        }
    }
    return info;
}

// The weight the steps up to `index` set, and the canary's share of traffic right now.
void deriveWeights(const Reader &rollout, const std::vector<Reader> &steps, RolloutStatus &out)
{
    const int index = out.stepIndex;
    const int stepCount = int(steps.size());
    const Reader canary = rollout.field("spec").field("strategy").field("canary");
    const bool trafficRouting = canary.field("trafficRouting").exists();
    out.step = QStringLiteral("%1/%2").arg(index).arg(stepCount);
    const int maxWeight = count(canary.field("trafficRouting").field("maxTrafficWeight"), 100);
    if (out.aborted) {
        out.setWeight = 0;
    } else if (index >= stepCount) {
        out.setWeight = maxWeight;
    } else {
        for (int i = 0; i <= index && i < stepCount; ++i) {
            if (const Reader weight = steps[std::size_t(i)].field("setWeight"); weight.exists()) {
                out.setWeight = count(weight);
            }
        }
    }
    if (index >= stepCount && !out.aborted) {
        out.actualWeight = 100;
    } else if (trafficRouting) {
        const Reader weight = rollout.field("status").field("canary").field("weights").field("canary").field("weight");
        out.actualWeight = weight.exists() ? count(weight) : out.setWeight;
    } else {
        int canaryAvailable = 0;
        for (const ReplicaSetInfo &rs : std::as_const(out.replicaSets)) {
            if (rs.roles.contains(QStringLiteral("canary"))) {
                canaryAvailable = rs.available;
            }
        }
        out.actualWeight = out.available > 0 ? int(qint64(canaryAvailable) * 100 / out.available) : 0;
    }
}

// Pause countdowns and the pauses only a person can end (rollout/pause.go).
void derivePauses(const Reader &rollout, const std::vector<Reader> &steps, RolloutStatus &out)
{
    const int index = out.stepIndex;
    for (const Reader &pause : rollout.field("status").field("pauseConditions").items()) {
        const QString reason = pause.field("reason").string();
        const QDateTime started = QDateTime::fromString(pause.field("startTime").string(), Qt::ISODate);
        if (reason == QLatin1String("InconclusiveAnalysisRun") || reason == QLatin1String("InconclusiveExperiment")) {
            out.needsHuman = QStringLiteral("an analysis was inconclusive: promote or abort");
        } else if (reason == QLatin1String("CanaryPauseStep") && index < int(steps.size())) {
            const Reader step = steps[std::size_t(index)].field("pause");
            const Reader duration = step.isObject() ? step.field("duration") : step.field("none");
            if (!duration.exists()) {
                out.needsHuman = QStringLiteral("step %1 pauses until someone promotes").arg(index);
            } else if (const auto seconds = parseArgoDuration(*duration.json()); seconds && started.isValid()) {
                out.pauseEndsAt = started.addMSecs(qint64(*seconds * 1000));
            }
        } else if (reason == QLatin1String("BlueGreenPause")) {
            const Reader blueGreen = rollout.field("spec").field("strategy").field("blueGreen");
            const bool autoPromotion = blueGreen.field("autoPromotionEnabled").boolean(true);
            const long long seconds = blueGreen.field("autoPromotionSeconds").integer(0, 0, INT_MAX);
            if (!autoPromotion) {
                out.needsHuman = QStringLiteral("auto-promotion is off: promote to switch the active service");
            } else if (seconds > 0 && started.isValid()) {
                out.pauseEndsAt = started.addSecs(seconds);
            }
        }
    }
}

// A Go time.Duration is int64 nanoseconds: about 292 years. Longer, negative or not finite is not a
// duration Argo could hold (and 1e303 s would overflow any clock arithmetic done with it).
std::optional<double> withinGoDuration(double seconds)
{
    constexpr double longestGoDurationSeconds = 9'223'372'036.0;
    if (!std::isfinite(seconds) || seconds < 0 || seconds > longestGoDurationSeconds) {
        return std::nullopt;
    }
    return seconds;
}

} // namespace

std::optional<double> parseArgoDuration(const Json &value)
{
    const Reader reader(value);
    if (value.is_number()) {
        return withinGoDuration(reader.number());
    }
    if (!value.is_string()) {
        return std::nullopt;
    }
    const QString s = reader.string().trimmed();
    bool plain = false;
    const double seconds = s.toDouble(&plain);
    if (plain) {
        return withinGoDuration(seconds);
    }
    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)(h|ms|m|s)"));
    double total = 0;
    qsizetype consumed = 0;
    for (auto it = part.globalMatch(s); it.hasNext();) {
        const auto m = it.next();
        if (m.capturedStart() != consumed) {
            return std::nullopt;
        }
        consumed = m.capturedEnd();
        const double n = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        total += unit == QLatin1String("h")    ? n * 3600
                 : unit == QLatin1String("m")  ? n * 60
                 : unit == QLatin1String("ms") ? n / 1000
                                               : n;
    }
    return consumed == s.size() && consumed > 0 ? withinGoDuration(total) : std::nullopt;
}

Core::Result<RolloutStatus> deriveRolloutStatus(const Json &rollout, const Kube::ObjectList &replicaSets,
                                                const Kube::ObjectList &analysisRuns)
{
    const Reader reader(rollout);
    Core::Result<RolloutStatus> status = deriveRolloutStatus(reader, replicaSets, analysisRuns);
    if (!reader.ok()) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("Rollout %1/%2: %3")
                                   .arg(Kube::objectNamespace(rollout), Kube::objectName(rollout), reader.problem()));
    }
    return status;
}

Core::Result<RolloutStatus> deriveRolloutStatus(const Reader &rollout, const Kube::ObjectList &replicaSets,
                                                const Kube::ObjectList &analysisRuns)
{
    RolloutStatus out;
    out.name = rollout.field("metadata").field("name").string();
    out.namespaceName = rollout.field("metadata").field("namespace").string();
    const Reader status = rollout.field("status");
    if (!status.isObject() || status.members().empty()) {
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("Rollout %1 has no status: the Argo Rollouts controller has not reconciled "
                           "it yet (is the controller installed and running?)")
                .arg(out.name));
    }
    const Reader strategy = rollout.field("spec").field("strategy");
    const bool blueGreen = strategy.field("blueGreen").exists();
    out.strategy = blueGreen ? QStringLiteral("BlueGreen") : QStringLiteral("Canary");
    const std::vector<Reader> steps =
        blueGreen ? std::vector<Reader>() : strategy.field("canary").field("steps").items();
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto members = steps[i].isObject() ? steps[i].members() : decltype(steps[i].members())();
        const QString type = members.size() == 1 ? Kube::toQString(members[0].first) : QString();
        if (!knownStepTypes.contains(type)) {
            return Core::makeError(
                Core::ErrorKind::InvalidInput,
                QStringLiteral("Rollout %1: step %2 has an unknown type \"%3\"; Argo knows %4")
                    .arg(out.name)
                    .arg(i)
                    .arg(type.isEmpty()
                             ? QString::fromStdString(steps[i].json() ? steps[i].json()->dump() : std::string("null"))
                             : type,
                         knownStepTypes.join(QStringLiteral(", "))));
        }
    }
    out.desired = count(rollout.field("spec").field("replicas"), 1);
    out.current = count(status.field("replicas"));
    out.updated = count(status.field("updatedReplicas"));
    out.ready = count(status.field("readyReplicas"));
    out.available = count(status.field("availableReplicas"));
    derivePhase(rollout, blueGreen, out);

    out.stableHash = status.field("stableRS").string();
    out.currentHash = status.field("currentPodHash").string();
    const Reader annotations = rollout.field("metadata").field("annotations");
    out.rolledBackFrom = annotations.field(Conventions::rolledBackFromAnnotation.toStdString()).string();
    out.rolledBackTo = annotations.field(Conventions::rolledBackToAnnotation.toStdString()).string();
    // Argo's schema allows any int32 here; an index outside the steps must not be read as one.
    out.stepIndex = count(status.field("currentStepIndex"));
    out.aborted = status.field("abort").boolean();
    out.manuallyPaused = rollout.field("spec").field("paused").boolean();
    for (const Reader &step : steps) {
        out.steps << describeStep(step);
    }
    if (out.message == QLatin1String("waiting for rollout spec update to be observed") ||
        out.message == QLatin1String("waiting for rollout to unpause")) {
        out.waitingFor = out.message;
    }
    for (const Json &rs : replicaSets) {
        if (ownedBy(rs, out.name)) {
            out.replicaSets.append(replicaSetInfo(rs, out, rollout, blueGreen));
        }
    }
    std::sort(out.replicaSets.begin(), out.replicaSets.end(),
              [](const ReplicaSetInfo &a, const ReplicaSetInfo &b) { return a.revision > b.revision; });
    if (!blueGreen) {
        deriveWeights(rollout, steps, out);
    }
    for (const Json &run : analysisRuns) {
        if (ownedBy(run, out.name)) {
            out.analysisRuns.append(analysisRunInfo(run));
        }
    }
    derivePauses(rollout, steps, out);
    return out;
}

} // namespace Curtain::Adapters::Argo
