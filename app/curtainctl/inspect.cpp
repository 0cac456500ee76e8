#include "inspect.h"

#include "adapters/argo/rolloutstatus.h"
#include "kube/inputfile.h"
#include "kube/yamldocuments.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Curtain::Ctl {

using Adapters::Argo::RolloutStatus;
using Kube::Json;

QJsonObject rolloutJson(const RolloutStatus &s)
{
    QJsonArray sets;
    for (const auto &rs : s.replicaSets) {
        sets.append(QJsonObject{{QStringLiteral("name"), rs.name},
                                {QStringLiteral("podTemplateHash"), rs.podTemplateHash},
                                {QStringLiteral("roles"), QJsonArray::fromStringList(rs.roles)},
                                {QStringLiteral("health"), rs.health},
                                {QStringLiteral("revision"), rs.revision},
                                {QStringLiteral("desired"), rs.desired},
                                {QStringLiteral("ready"), rs.ready},
                                {QStringLiteral("available"), rs.available},
                                {QStringLiteral("image"), rs.image}});
    }
    QJsonArray runs;
    for (const auto &run : s.analysisRuns) {
        runs.append(QJsonObject{{QStringLiteral("name"), run.name},
                                {QStringLiteral("phase"), run.phase},
                                {QStringLiteral("type"), run.type},
                                {QStringLiteral("message"), run.message},
                                {QStringLiteral("measurements"), run.measurements},
                                {QStringLiteral("lastValue"), run.lastValue}});
    }
    QJsonObject o{{QStringLiteral("name"), s.name},
                  {QStringLiteral("namespace"), s.namespaceName},
                  {QStringLiteral("strategy"), s.strategy},
                  {QStringLiteral("status"), s.status},
                  {QStringLiteral("message"), s.message},
                  {QStringLiteral("replicas"), QJsonObject{{QStringLiteral("desired"), s.desired},
                                                           {QStringLiteral("current"), s.current},
                                                           {QStringLiteral("updated"), s.updated},
                                                           {QStringLiteral("ready"), s.ready},
                                                           {QStringLiteral("available"), s.available}}},
                  {QStringLiteral("replicaSets"), sets},
                  {QStringLiteral("analysisRuns"), runs},
                  {QStringLiteral("needsHuman"), s.needsHuman},
                  {QStringLiteral("pauseEndsAt"),
                   s.pauseEndsAt ? QJsonValue(s.pauseEndsAt->toString(Qt::ISODate)) : QJsonValue()}};
    if (!s.waitingFor.isEmpty()) {
        o[QStringLiteral("waitingFor")] = s.waitingFor;
    }
    o[QStringLiteral("aborted")] = s.aborted;
    o[QStringLiteral("manuallyPaused")] = s.manuallyPaused;
    if (s.strategy == QLatin1String("Canary")) {
        o[QStringLiteral("steps")] = QJsonArray::fromStringList(s.steps);
        o[QStringLiteral("currentStepIndex")] = s.stepIndex;
        o[QStringLiteral("step")] = s.step;
        o[QStringLiteral("setWeight")] = s.setWeight;
        o[QStringLiteral("actualWeight")] = s.actualWeight;
    }
    return o;
}

QString rolloutText(const RolloutStatus &s)
{
    QString out;
    auto line = [&out](const QString &key, const QString &value) {
        out += QString(key + QLatin1Char(':')).leftJustified(16) + value + QLatin1Char('\n');
    };
    line(QStringLiteral("Name"), s.name);
    line(QStringLiteral("Namespace"), s.namespaceName);
    line(QStringLiteral("Status"), s.status);
    if (!s.message.isEmpty()) {
        line(QStringLiteral("Message"), s.message);
    }
    line(QStringLiteral("Strategy"), s.strategy);
    if (s.strategy == QLatin1String("Canary")) {
        line(QStringLiteral("  Step"), s.step);
        line(QStringLiteral("  SetWeight"), QString::number(s.setWeight));
        line(QStringLiteral("  ActualWeight"), QString::number(s.actualWeight));
    }
    if (s.pauseEndsAt) {
        line(QStringLiteral("Pause ends"), s.pauseEndsAt->toString(Qt::ISODate));
    }
    if (!s.waitingFor.isEmpty()) {
        line(QStringLiteral("Waiting for"), QStringLiteral("the controller (%1)").arg(s.waitingFor));
    }
    if (!s.steps.isEmpty()) {
        out += QStringLiteral("Steps:\n");
        for (qsizetype i = 0; i < s.steps.size(); ++i) {
            const QString mark = i < s.stepIndex    ? QStringLiteral("✓")
                                 : i == s.stepIndex ? QStringLiteral("▶")
                                                    : QStringLiteral(" ");
            out += QStringLiteral("  %1 %2. %3\n").arg(mark).arg(i).arg(s.steps[i]);
        }
    }
    if (!s.needsHuman.isEmpty()) {
        line(QStringLiteral("Needs a human"), s.needsHuman);
    }
    line(QStringLiteral("Replicas"), QStringLiteral("desired %1, current %2, updated %3, ready %4, available %5")
                                         .arg(s.desired)
                                         .arg(s.current)
                                         .arg(s.updated)
                                         .arg(s.ready)
                                         .arg(s.available));
    out += QStringLiteral("ReplicaSets:\n");
    for (const auto &rs : s.replicaSets) {
        out += QStringLiteral("  %1 rev %2  %3 %4  %5/%6 available  %7\n")
                   .arg(rs.name.leftJustified(28))
                   .arg(rs.revision)
                   .arg(rs.roles.join(QLatin1Char(',')).leftJustified(13), rs.health.leftJustified(14))
                   .arg(rs.available)
                   .arg(rs.desired)
                   .arg(rs.image);
    }
    if (!s.analysisRuns.isEmpty()) {
        out += QStringLiteral("AnalysisRuns:\n");
        for (const auto &run : s.analysisRuns) {
            out += QStringLiteral("  %1 %2 %3 %4 measurements, last %5\n")
                       .arg(run.name.leftJustified(28), run.phase.leftJustified(12), run.type.leftJustified(13))
                       .arg(run.measurements)
                       .arg(run.lastValue.isEmpty() ? QStringLiteral("–") : run.lastValue);
        }
    }
    return out;
}

int inspect(const Invocation &invocation, QString *out, QString *error)
{
    Kube::ObjectList rollouts;
    Kube::ObjectList replicaSets;
    Kube::ObjectList analysisRuns;
    for (const QString &path : invocation.files) {
        const auto text = Kube::readConfigFile(path);
        if (!text.ok()) {
            *error = QStringLiteral("%1: %2").arg(path, text.error().message);
            return UsageError;
        }
        auto objects = Kube::parseObjects(text.value(), path);
        if (!objects.ok()) {
            *error = objects.error().message;
            return UsageError;
        }
        for (Json &o : objects.value()) {
            const QString kind = Kube::stringAt(o, "/kind");
            if (kind == QLatin1String("Rollout")) {
                rollouts.push_back(std::move(o));
            } else if (kind == QLatin1String("ReplicaSet")) {
                replicaSets.push_back(std::move(o));
            } else if (kind == QLatin1String("AnalysisRun")) {
                analysisRuns.push_back(std::move(o));
            }
        }
    }
    if (rollouts.empty()) {
        *error = QStringLiteral("no Rollout in %1; save one with: kubectl get rollout NAME -o yaml")
                     .arg(invocation.files.join(QStringLiteral(", ")));
        return UsageError;
    }
    QJsonArray json;
    QString text;
    for (const Json &rollout : rollouts) {
        const auto status = Adapters::Argo::deriveRolloutStatus(rollout, replicaSets, analysisRuns);
        if (!status.ok()) {
            *error = status.error().message;
            return ActionFailed;
        }
        json.append(rolloutJson(status.value()));
        text += (text.isEmpty() ? QString() : QStringLiteral("\n")) + rolloutText(status.value());
    }
    *out = invocation.format == OutputFormat::Json
               ? QString::fromUtf8(
                     QJsonDocument(json.size() == 1 ? QJsonDocument(json.first().toObject()) : QJsonDocument(json))
                         .toJson(QJsonDocument::Indented))
               : text;
    return Success;
}

} // namespace Curtain::Ctl
