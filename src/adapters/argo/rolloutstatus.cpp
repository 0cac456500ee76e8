#include "adapters/argo/rolloutstatus.h"

#include <QRegularExpression>

#include <algorithm>

namespace Curtain::Adapters::Argo {

using Kube::Json;

namespace {

const QStringList knownStepTypes = {QStringLiteral("setWeight"),      QStringLiteral("pause"),
                                    QStringLiteral("analysis"),       QStringLiteral("experiment"),
                                    QStringLiteral("setCanaryScale"), QStringLiteral("setHeaderRoute"),
                                    QStringLiteral("setMirrorRoute"), QStringLiteral("plugin")};

const Json &at(const Json &object, const char *pointer)
{
    static const Json null;
    const Json::json_pointer p(pointer);
    return object.contains(p) ? object.at(p) : null;
}

QString text(const Json &value)
{
    if (value.is_string()) {
        return Kube::toQString(value.get<std::string>());
    }
    if (value.is_number_integer()) {
        return QString::number(value.get<long long>());
    }
    if (value.is_number()) {
        return QString::number(value.get<double>());
    }
    return {};
}

bool ownedBy(const Json &object, const Json &rollout)
{
    const Json refs = object.value(Json::json_pointer("/metadata/ownerReferences"), Json::array());
    if (refs.empty()) {
        return false;
    }
    for (const Json &ref : refs) {
        if (ref.value("kind", "") == "Rollout" && ref.value("name", "") == rollout["metadata"].value("name", "")) {
            return true;
        }
    }
    return false;
}

QString replicaSetHealth(const Json &rs)
{
    for (const Json &c : at(rs, "/status/conditions").is_array() ? at(rs, "/status/conditions") : Json::array()) {
        if (c.value("type", "") == "ReplicaFailure" && c.value("status", "") == "True") {
            return QStringLiteral("ReplicaFailure");
        }
    }
    const long long desired = Kube::intAt(rs, "/spec/replicas", 1);
    if (Kube::intAt(rs, "/status/observedGeneration", 0) != Kube::intAt(rs, "/metadata/generation", 0)) {
        return QStringLiteral("Progressing");
    }
    if (desired == 0) {
        return QStringLiteral("ScaledDown");
    }
    if (Kube::intAt(rs, "/status/availableReplicas", 0) < desired) {
        return QStringLiteral("Progressing");
    }
    return QStringLiteral("Healthy");
}

// A canary step in the words of the Rollout's own YAML: "setWeight 25", "pause 30s".
QString describeStep(const Json &step)
{
    const std::string type = step.begin().key();
    const Json &value = step.begin().value();
    if (type == "setWeight") {
        return QStringLiteral("setWeight %1").arg(text(value));
    }
    if (type == "pause") {
        const Json duration = value.is_object() ? value.value("duration", Json()) : Json();
        return duration.is_null() ? QStringLiteral("pause (until promoted)")
                                  : QStringLiteral("pause %1")
                                        .arg(duration.is_number() ? text(duration) + QLatin1Char('s') : text(duration));
    }
    if (type == "analysis") {
        QStringList templates;
        for (const Json &t : value.value("templates", Json::array())) {
            templates << Kube::toQString(t.value("templateName", ""));
        }
        return QStringLiteral("analysis %1").arg(templates.join(QStringLiteral(", ")));
    }
    return Kube::toQString(type);
}

// GetRolloutPhase's client-side fallback (CalculateRolloutPhase) for Rollouts without status.phase.
std::pair<QString, QString> calculatePhase(const Json &rollout, bool blueGreen, int desired)
{
    const Json &status = rollout.at("status");
    const Json conditions = status.value("conditions", Json::array());
    for (const Json &c : conditions) {
        if (c.value("type", "") == "InvalidSpec") {
            return {QStringLiteral("Degraded"),
                    QStringLiteral("InvalidSpec: ") + Kube::toQString(c.value("message", ""))};
        }
    }
    for (const Json &c : conditions) {
        const std::string reason = c.value("reason", "");
        if (reason == "RolloutAborted" || reason == "ProgressDeadlineExceeded") {
            return {QStringLiteral("Degraded"),
                    Kube::toQString(reason) + QStringLiteral(": ") + Kube::toQString(c.value("message", ""))};
        }
    }
    if (at(rollout, "/spec/paused").is_boolean() && at(rollout, "/spec/paused").get<bool>()) {
        return {QStringLiteral("Paused"), QStringLiteral("manually paused")};
    }
    const Json pauses = status.value("pauseConditions", Json::array());
    if (!pauses.empty()) {
        return {QStringLiteral("Paused"), Kube::toQString(pauses[0].value("reason", ""))};
    }
    const QString restartAt = Kube::stringAt(rollout, "/spec/restartAt");
    if (!restartAt.isEmpty() && restartAt != Kube::stringAt(rollout, "/status/restartedAt")) {
        return {QStringLiteral("Progressing"), QStringLiteral("rollout is restarting")};
    }
    const long long updated = status.value("updatedReplicas", 0LL);
    const long long available = status.value("availableReplicas", 0LL);
    if (updated < desired) {
        return {QStringLiteral("Progressing"), QStringLiteral("more replicas need to be updated")};
    }
    if (available < updated) {
        return {QStringLiteral("Progressing"), QStringLiteral("updated replicas are still becoming available")};
    }
    const QString current = Kube::stringAt(rollout, "/status/currentPodHash");
    const QString stable = Kube::stringAt(rollout, "/status/stableRS");
    if (blueGreen) {
        const QString active = Kube::stringAt(rollout, "/status/blueGreen/activeSelector");
        if (active.isEmpty() || active != current) {
            return {QStringLiteral("Progressing"), QStringLiteral("active service cutover pending")};
        }
        if (stable.isEmpty() || stable != current) {
            const bool postAnalysis =
                rollout.contains(Json::json_pointer("/spec/strategy/blueGreen/postPromotionAnalysis"));
            return {QStringLiteral("Progressing"),
                    postAnalysis ? QStringLiteral("waiting for analysis to complete")
                                 : QStringLiteral("waiting for post-promotion verification to complete")};
        }
    } else {
        const bool trafficRouting = rollout.contains(Json::json_pointer("/spec/strategy/canary/trafficRouting"));
        if (!trafficRouting && status.value("replicas", 0LL) > updated) {
            return {QStringLiteral("Progressing"), QStringLiteral("old replicas are pending termination")};
        }
        if (stable.isEmpty() || stable != current) {
            return {QStringLiteral("Progressing"), QStringLiteral("waiting for all steps to complete")};
        }
    }
    return {QStringLiteral("Healthy"), QString()};
}

} // namespace

std::optional<double> parseArgoDuration(const Json &value)
{
    if (value.is_number()) {
        return value.get<double>();
    }
    if (!value.is_string()) {
        return std::nullopt;
    }
    const QString s = Kube::toQString(value.get<std::string>()).trimmed();
    bool plain = false;
    const double seconds = s.toDouble(&plain);
    if (plain) {
        return seconds;
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
    return consumed == s.size() && consumed > 0 ? std::optional<double>(total) : std::nullopt;
}

Core::Result<RolloutStatus> deriveRolloutStatus(const Json &rollout, const std::vector<Json> &replicaSets,
                                                const std::vector<Json> &analysisRuns)
{
    RolloutStatus out;
    out.name = Kube::objectName(rollout);
    out.namespaceName = Kube::objectNamespace(rollout);
    if (!rollout.contains("status") || !rollout.at("status").is_object() || rollout.at("status").empty()) {
        return Core::makeError(
            Core::ErrorKind::InvalidInput,
            QStringLiteral("Rollout %1 has no status: the Argo Rollouts controller has not reconciled "
                           "it yet (is the controller installed and running?)")
                .arg(out.name));
    }
    const bool blueGreen = rollout.contains(Json::json_pointer("/spec/strategy/blueGreen"));
    out.strategy = blueGreen ? QStringLiteral("BlueGreen") : QStringLiteral("Canary");
    const Json steps =
        blueGreen ? Json::array() : rollout.value(Json::json_pointer("/spec/strategy/canary/steps"), Json::array());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const QString type =
            steps[i].is_object() && steps[i].size() == 1 ? Kube::toQString(steps[i].begin().key()) : QString();
        if (!knownStepTypes.contains(type)) {
            return Core::makeError(Core::ErrorKind::InvalidInput,
                                   QStringLiteral("Rollout %1: step %2 has an unknown type \"%3\"; Argo knows %4")
                                       .arg(out.name)
                                       .arg(i)
                                       .arg(type.isEmpty() ? QString::fromStdString(steps[i].dump()) : type,
                                            knownStepTypes.join(QStringLiteral(", "))));
        }
    }
    const Json &status = rollout.at("status");
    out.desired = int(Kube::intAt(rollout, "/spec/replicas", 1));
    out.current = int(status.value("replicas", 0LL));
    out.updated = int(status.value("updatedReplicas", 0LL));
    out.ready = int(status.value("readyReplicas", 0LL));
    out.available = int(status.value("availableReplicas", 0LL));

    // GetRolloutPhase: the controller's own phase wins unless it is visibly out of date.
    const QString observed = text(status.value("observedGeneration", Json()));
    bool numeric = false;
    const long long observedGeneration = observed.toLongLong(&numeric);
    const bool controllerPause = status.value("controllerPause", false);
    const Json pauses = status.value("pauseConditions", Json::array());
    const QString workloadGeneration =
        Kube::annotation(rollout, QStringLiteral("rollout.argoproj.io/workload-generation"));
    if (numeric && observedGeneration != Kube::intAt(rollout, "/metadata/generation", 0)) {
        out.status = QStringLiteral("Progressing");
        out.message = QStringLiteral("waiting for rollout spec update to be observed");
    } else if (controllerPause && pauses.empty()) {
        out.status = QStringLiteral("Progressing");
        out.message = QStringLiteral("waiting for rollout to unpause");
    } else if (rollout.contains(Json::json_pointer("/spec/workloadRef")) && !workloadGeneration.isEmpty() &&
               workloadGeneration != text(status.value("workloadObservedGeneration", Json()))) {
        out.status = QStringLiteral("Progressing");
        out.message = QStringLiteral("waiting for rollout spec update to be observed for the reference workload");
    } else if (!Kube::stringAt(rollout, "/status/phase").isEmpty()) {
        out.status = Kube::stringAt(rollout, "/status/phase");
        out.message = Kube::stringAt(rollout, "/status/message");
    } else {
        std::tie(out.status, out.message) = calculatePhase(rollout, blueGreen, out.desired);
    }

    const QString stableHash = Kube::stringAt(rollout, "/status/stableRS");
    const QString currentHash = Kube::stringAt(rollout, "/status/currentPodHash");
    const int index = int(status.value("currentStepIndex", 0LL));
    const bool aborted = status.value("abort", false);
    out.stableHash = stableHash;
    out.currentHash = currentHash;
    out.stepIndex = index;
    out.aborted = aborted;
    out.manuallyPaused = rollout.value(Json::json_pointer("/spec/paused"), false);
    for (const Json &step : steps) {
        out.steps << describeStep(step);
    }
    if (out.message == QLatin1String("waiting for rollout spec update to be observed") ||
        out.message == QLatin1String("waiting for rollout to unpause")) {
        out.waitingFor = out.message;
    }
    const bool trafficRouting = rollout.contains(Json::json_pointer("/spec/strategy/canary/trafficRouting"));
    if (!blueGreen) {
        out.step = QStringLiteral("%1/%2").arg(index).arg(steps.size());
        const int maxWeight = int(Kube::intAt(rollout, "/spec/strategy/canary/trafficRouting/maxTrafficWeight", 100));
        if (aborted) {
            out.setWeight = 0;
        } else if (index >= int(steps.size())) {
            out.setWeight = maxWeight;
        } else {
            for (int i = 0; i <= index && i < int(steps.size()); ++i) {
                if (steps[std::size_t(i)].contains("setWeight")) {
                    out.setWeight = int(steps[std::size_t(i)].value("setWeight", 0LL));
                }
            }
        }
    }

    for (const Json &rs : replicaSets) {
        if (!ownedBy(rs, rollout)) {
            continue;
        }
        ReplicaSetInfo info;
        info.name = Kube::objectName(rs);
        info.podTemplateHash = Kube::label(rs, QStringLiteral("rollouts-pod-template-hash"));
        info.revision = Kube::annotation(rs, QStringLiteral("rollout.argoproj.io/revision")).toInt();
        info.desired = int(Kube::intAt(rs, "/spec/replicas", 1));
        info.ready = int(Kube::intAt(rs, "/status/readyReplicas", 0));
        info.available = int(Kube::intAt(rs, "/status/availableReplicas", 0));
        info.image = Kube::stringAt(rs, "/spec/template/spec/containers/0/image");
        info.health = replicaSetHealth(rs);
        if (info.podTemplateHash == stableHash) {
            info.roles << QStringLiteral("stable");
        }
        if (blueGreen) {
            if (info.podTemplateHash == Kube::stringAt(rollout, "/status/blueGreen/activeSelector")) {
                info.roles << QStringLiteral("active");
            } else if (info.podTemplateHash == Kube::stringAt(rollout, "/status/blueGreen/previewSelector")) {
                info.roles << QStringLiteral("preview");
            }
        } else if (info.roles.isEmpty() && info.podTemplateHash == currentHash) {
            info.roles << QStringLiteral("canary");
        }
        out.replicaSets.append(info);
    }
    std::sort(out.replicaSets.begin(), out.replicaSets.end(),
              [](const ReplicaSetInfo &a, const ReplicaSetInfo &b) { return a.revision > b.revision; });

    if (!blueGreen) {
        if (index >= int(steps.size()) && !aborted) {
            out.actualWeight = 100;
        } else if (trafficRouting) {
            const Json &weight = at(rollout, "/status/canary/weights/canary/weight");
            out.actualWeight = weight.is_number() ? int(weight.get<long long>()) : out.setWeight;
        } else {
            int canaryAvailable = 0;
            for (const ReplicaSetInfo &rs : std::as_const(out.replicaSets)) {
                if (rs.roles.contains(QStringLiteral("canary"))) {
                    canaryAvailable = rs.available;
                }
            }
            out.actualWeight = out.available > 0 ? canaryAvailable * 100 / out.available : 0;
        }
    }

    for (const Json &run : analysisRuns) {
        if (!ownedBy(run, rollout)) {
            continue;
        }
        AnalysisRunInfo info;
        info.name = Kube::objectName(run);
        info.phase = Kube::stringAt(run, "/status/phase", QStringLiteral("Pending"));
        info.type = Kube::label(run, QStringLiteral("rollout-type"));
        info.message = Kube::stringAt(run, "/status/message");
        for (const Json &metric : run.value(Json::json_pointer("/status/metricResults"), Json::array())) {
            const Json measurements = metric.value("measurements", Json::array());
            info.measurements += int(measurements.size());
            if (!measurements.empty()) {
                info.lastValue = text(measurements.back().value("value", Json()));
            }
        }
        out.analysisRuns.append(info);
    }

    // Pause countdowns and the pauses only a person can end (rollout/pause.go).
    for (const Json &pause : pauses) {
        const QString reason = Kube::toQString(pause.value("reason", ""));
        const QDateTime started = QDateTime::fromString(Kube::toQString(pause.value("startTime", "")), Qt::ISODate);
        if (reason == QLatin1String("InconclusiveAnalysisRun") || reason == QLatin1String("InconclusiveExperiment")) {
            out.needsHuman = QStringLiteral("an analysis was inconclusive: promote or abort");
        } else if (reason == QLatin1String("CanaryPauseStep") && index < int(steps.size())) {
            const Json duration = steps[std::size_t(index)].value(Json::json_pointer("/pause/duration"), Json());
            if (duration.is_null()) {
                out.needsHuman = QStringLiteral("step %1 pauses until someone promotes").arg(index);
            } else if (const auto seconds = parseArgoDuration(duration); seconds && started.isValid()) {
                out.pauseEndsAt = started.addMSecs(qint64(*seconds * 1000));
            }
        } else if (reason == QLatin1String("BlueGreenPause")) {
            const bool autoPromotion =
                rollout.value(Json::json_pointer("/spec/strategy/blueGreen/autoPromotionEnabled"), true);
            const long long seconds = Kube::intAt(rollout, "/spec/strategy/blueGreen/autoPromotionSeconds", 0);
            if (!autoPromotion) {
                out.needsHuman = QStringLiteral("auto-promotion is off: promote to switch the active service");
            } else if (seconds > 0 && started.isValid()) {
                out.pauseEndsAt = started.addSecs(seconds);
            }
        }
    }
    return out;
}

} // namespace Curtain::Adapters::Argo
