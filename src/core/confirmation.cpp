#include "core/confirmation.h"

#include <QRegularExpression>

namespace Curtain::Core {

namespace {

QString share(const ReleaseSnapshot &release, Color color, int from, int to)
{
    return QStringLiteral("%1 %2 %3 % → %4 %")
        .arg(colorName(color), release.environment(color).version)
        .arg(from)
        .arg(to);
}

std::optional<UnprovenMove> routeMove(const ReleaseSnapshot &release, const ActionRequest &request)
{
    if (request.kind == ActionKind::Rollback) {
        return std::nullopt;
    }
    const Color candidate = release.candidate();
    const int before = release.environment(candidate).trafficPercent;
    int after = 0;
    bool becomesStable = false;
    if (release.routeKind == RouteKind::HAProxyServers || release.routeKind == RouteKind::HAProxyMap) {
        // The fleet writer brings a color's servers up itself (make-before-break), so a color not up
        // yet is no reason to skip the question; the configured color stays stable.
        after = request.kind == ActionKind::SetWeight ? request.weight
                : request.kind == ActionKind::Promote ? 100
                : request.kind == ActionKind::Flip    ? (before == 0 ? 100 : 0)
                                                      : before;
    } else {
        const Result<TargetState> target = planAction(release, request);
        if (!target.ok()) {
            return std::nullopt;
        }
        after = target.value().weight(candidate);
        becomesStable = target.value().stable == candidate;
    }
    if (after <= before && !becomesStable) {
        return std::nullopt;
    }
    QString change = share(release, candidate, before, after);
    if (becomesStable) {
        change = after == before ? QStringLiteral("%1 %2 at %3 % becomes stable")
                                       .arg(colorName(candidate), release.environment(candidate).version)
                                       .arg(after)
                                 : change + QStringLiteral(", and it becomes stable");
    }
    switch (request.kind) {
    case ActionKind::SetWeight:
        return UnprovenMove{change, QStringLiteral("Set %1 %").arg(request.weight)};
    case ActionKind::Promote:
        return UnprovenMove{change, QStringLiteral("Promote")};
    case ActionKind::Flip:
        return UnprovenMove{change, QStringLiteral("Flip")};
    default:
        return std::nullopt;
    }
}

std::optional<UnprovenMove> rolloutMove(const ReleaseSnapshot &release, const ActionRequest &request)
{
    if (!release.rollout) {
        return std::nullopt;
    }
    const RolloutStatus &rollout = *release.rollout;
    const ReplicaSetInfo *stable = rollout.replicaSet(QStringLiteral("stable"));
    const Environment &canary = release.environment(release.candidate());
    const QString version = canary.version.isEmpty() ? QStringLiteral("the new revision") : canary.version;
    const int weight = rollout.actualWeight;
    switch (request.kind) {
    case ActionKind::Promote:
        return UnprovenMove{
            QStringLiteral("canary %1 at %2 % goes on to the next step%3")
                .arg(version)
                .arg(weight)
                .arg(rollout.step.isEmpty() ? QString() : QStringLiteral(" (now %1)").arg(rollout.step)),
            QStringLiteral("Promote")};
    case ActionKind::PromoteFull:
        return UnprovenMove{QStringLiteral("canary %1 %2 % → 100 %, every remaining step and analysis skipped")
                                .arg(version)
                                .arg(weight),
                            QStringLiteral("Promote full")};
    case ActionKind::Retry:
        return UnprovenMove{
            QStringLiteral("the aborted update to %1 starts its steps again: it gets traffic again").arg(version),
            QStringLiteral("Retry")};
    case ActionKind::Resume:
        return UnprovenMove{QStringLiteral("canary %1 at %2 %: the steps go on").arg(version).arg(weight),
                            QStringLiteral("Resume")};
    case ActionKind::Restart:
        return UnprovenMove{QStringLiteral("every pod of %1 restarts").arg(release.name), QStringLiteral("Restart")};
    case ActionKind::SetImage:
        return UnprovenMove{QStringLiteral("image %1: a new update starts").arg(request.image),
                            QStringLiteral("Set image")};
    case ActionKind::Undo:
        if (stable && request.revision == stable->revision) {
            return std::nullopt; // back to the stable revision's template: a rollback
        }
        return UnprovenMove{
            request.revision > 0
                ? QStringLiteral("revision %1's pod template comes back: a new update starts").arg(request.revision)
                : QStringLiteral("the previous revision's pod template comes back: a new update starts"),
            QStringLiteral("Undo")};
    default:
        return std::nullopt; // Abort, Pause, Rollback: towards stable, or no move at all
    }
}

} // namespace

std::optional<UnprovenMove> unprovenMove(const ReleaseSnapshot &release, const ActionRequest &request)
{
    return release.routeKind == RouteKind::ArgoRollout ? rolloutMove(release, request) : routeMove(release, request);
}

UnprovenMove unprovenPlan(const ReleaseSnapshot &release, const Plan &plan)
{
    const Color candidate = release.candidate();
    QStringList weights;
    for (const PlanStep &step : plan.steps) {
        if (step.kind == StepKind::SetWeight) {
            weights << QStringLiteral("%1 %").arg(step.weight);
        }
    }
    weights << QStringLiteral("100 %");
    weights.removeDuplicates();
    return UnprovenMove{QStringLiteral("plan moves %1 %2 from %3 % through %4, checked at each step")
                            .arg(colorName(candidate), release.environment(candidate).version)
                            .arg(release.candidateWeight())
                            .arg(weights.join(QStringLiteral(", "))),
                        QStringLiteral("Start plan")};
}

bool isProtectedContext(const QString &context, const QStringList &patterns)
{
    for (const QString &pattern : patterns) {
        // Our own conversion: Qt's wildcards stop at '/', and EKS contexts are ARNs ("…:cluster/prod").
        QString expression;
        for (const QChar c : pattern.trimmed()) {
            expression += c == QLatin1Char('*')   ? QStringLiteral(".*")
                          : c == QLatin1Char('?') ? QStringLiteral(".")
                                                  : QRegularExpression::escape(QString(c));
        }
        const QRegularExpression wildcard(QRegularExpression::anchoredPattern(expression),
                                          QRegularExpression::CaseInsensitiveOption);
        if (!expression.isEmpty() && wildcard.match(context).hasMatch()) {
            return true;
        }
    }
    return false;
}

QStringList defaultProtectedContexts()
{
    return {QStringLiteral("*prod*")};
}

} // namespace Curtain::Core
