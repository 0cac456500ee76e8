#include "canaryoutput.h"

#include "core/canarycontrol.h"

namespace Curtain::Ctl {

using nlohmann::json;

namespace {

QString steps(const Core::CanaryStatus &c)
{
    if (c.blueGreen()) {
        return QStringLiteral("blue-green: %1 iterations at weight 0, then all at once").arg(c.analysisIterations);
    }
    if (!c.stepWeights.isEmpty()) {
        QStringList weights;
        for (int w : c.stepWeights) {
            weights << QString::number(w);
        }
        return QStringLiteral("stepWeights %1").arg(weights.join(QStringLiteral(", ")));
    }
    return QStringLiteral("stepWeight %1 up to maxWeight %2").arg(c.stepWeight).arg(c.maxWeight);
}

} // namespace

QString canaryText(const Core::CanaryStatus &c)
{
    QString out;
    auto row = [&out](const QString &name, const QString &value) {
        out += QStringLiteral("  %1 %2\n").arg(name.leftJustified(14), value);
    };
    row(QStringLiteral("Phase:"), c.phase.isEmpty() ? QStringLiteral("(not initialized by Flagger yet)") : c.phase);
    row(QStringLiteral("Target:"), QStringLiteral("Deployment %1 (primary %2)").arg(c.target, c.primary));
    row(QStringLiteral("Weight:"),
        c.weightNote().isEmpty() ? QStringLiteral("%1 % to the canary").arg(c.canaryWeight)
                                 : QStringLiteral("%1 % to the canary: %2").arg(c.routedWeight()).arg(c.weightNote()));
    row(QStringLiteral("Steps:"),
        steps(c) + QStringLiteral(", every %1").arg(c.interval.isEmpty() ? QStringLiteral("1m") : c.interval));
    row(QStringLiteral("Failed checks:"), QStringLiteral("%1 of %2").arg(c.failedChecks).arg(c.threshold));
    if (c.iterations > 0 || c.blueGreen()) {
        row(QStringLiteral("Iterations:"), QString::number(c.iterations));
    }
    if (!c.promoted.isEmpty()) {
        row(QStringLiteral("Promoted:"), QStringLiteral("%1 — %2").arg(c.promoted, c.promotedMessage));
    }
    if (c.suspended) {
        row(QStringLiteral("Suspended:"), QStringLiteral("yes (spec.suspend): Flagger holds the weights"));
    }
    if (!c.lastAppliedSpec.isEmpty()) {
        row(QStringLiteral("Spec:"),
            c.lastAppliedSpec == c.lastPromotedSpec
                ? QStringLiteral("%1 (promoted)").arg(c.lastAppliedSpec)
                : QStringLiteral("%1 applied, %2 promoted").arg(c.lastAppliedSpec, c.lastPromotedSpec));
    }
    if (const QString waiting = c.waitingFor(); !waiting.isEmpty()) {
        row(QStringLiteral("Waiting for:"), waiting);
    }
    for (const Core::CanaryGate &gate : c.gates) {
        row(QStringLiteral("Gate:"), QStringLiteral("%1 → %2").arg(gate.type, gate.url));
    }
    if (!c.gates.isEmpty()) {
        out += QStringLiteral("  Loadtester gates live in its memory and stay open until closed; Curtain closes "
                              "each gate it opened once Flagger has passed it, and close-gates closes them all, "
                              "whoever opened them.\n");
    }
    if (c.phase == QLatin1String("Succeeded")) {
        out += QStringLiteral("  %1.\n").arg(Core::flaggerPromotedNote());
    }
    return out;
}

json canaryJson(const Core::CanaryStatus &c)
{
    json gates = json::array();
    for (const Core::CanaryGate &gate : c.gates) {
        gates.push_back(
            {{"type", gate.type.toStdString()},
             {"name", gate.name.toStdString()},
             {"url", gate.url.toStdString()},
             {"service", QString(gate.serviceNamespace + QLatin1Char('/') + gate.serviceName).toStdString()}});
    }
    json stepWeights = json::array();
    for (int w : c.stepWeights) {
        stepWeights.push_back(w);
    }
    return {{"phase", c.phase.toStdString()},
            {"target", c.target.toStdString()},
            {"primary", c.primary.toStdString()},
            {"canaryWeight", c.canaryWeight},
            {"routedWeight", c.routedWeight()},
            {"failedChecks", c.failedChecks},
            {"threshold", c.threshold},
            {"iterations", c.iterations},
            {"stepWeight", c.stepWeight},
            {"stepWeights", stepWeights},
            {"maxWeight", c.maxWeight},
            {"interval", c.interval.toStdString()},
            {"suspended", c.suspended},
            {"promoted", c.promoted.toStdString()},
            {"promotedMessage", c.promotedMessage.toStdString()},
            {"lastAppliedSpec", c.lastAppliedSpec.toStdString()},
            {"lastPromotedSpec", c.lastPromotedSpec.toStdString()},
            {"waitingFor", c.waitingFor().toStdString()},
            {"gates", gates}};
}

} // namespace Curtain::Ctl
