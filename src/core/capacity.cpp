#include "core/capacity.h"

#include "core/judgetext.h"
#include "core/quantity.h"

namespace Curtain::Core {

std::optional<CapacityShortfall> flipShortfall(const ReleaseSnapshot &release)
{
    // The same choice as Flip itself: everything moves off the color serving the majority now.
    const Color serving = release.blue.trafficPercent >= release.green.trafficPercent ? Color::Blue : Color::Green;
    const Color target = otherColor(serving);
    const int ready = release.environment(target).readyReplicas;
    const int needed = release.environment(serving).readyReplicas;
    if (ready >= needed) {
        return std::nullopt;
    }
    return CapacityShortfall{target, ready, serving, needed};
}

std::optional<CapacityShortfall> promoteShortfall(const ReleaseSnapshot &release)
{
    // A promote sends everything to the candidate: it must carry what stable carries now. (When
    // stable carries nothing, the promote moves no traffic, only the roles.)
    if (release.environment(release.stable).trafficPercent == 0) {
        return std::nullopt;
    }
    const Color target = release.candidate();
    const int ready = release.environment(target).readyReplicas;
    const int needed = release.environment(release.stable).readyReplicas;
    if (ready >= needed) {
        return std::nullopt;
    }
    return CapacityShortfall{target, ready, release.stable, needed};
}

std::optional<IdleWindow> idleWindow(const ReleaseSnapshot &release)
{
    if (release.routeKind == RouteKind::ArgoRollout || !release.previous || !release.problem.isEmpty()) {
        return std::nullopt;
    }
    const Environment &idle = release.environment(*release.previous);
    if (!idle.present || idle.trafficPercent != 0 || idle.desiredReplicas == 0) {
        return std::nullopt;
    }
    return IdleWindow{*release.previous,
                      idle.version,
                      idle.desiredReplicas,
                      idle.readyReplicas,
                      idle.podCpuRequest * idle.desiredReplicas,
                      idle.podMemoryRequest * idle.desiredReplicas,
                      release.switchedAt};
}

QString idleWindowText(const IdleWindow &window, const QDateTime &now)
{
    const QString since = window.since.isValid()
                              ? QStringLiteral("since %1 (%2)")
                                    .arg(window.since.toLocalTime().toString(QStringLiteral("HH:mm")),
                                         formatDuration(double(window.since.secsTo(now))))
                              : QStringLiteral("since a flip made outside Curtain");
    QString reserve;
    if (window.cpu > 0 || window.memory > 0) {
        QStringList parts;
        if (window.cpu > 0) {
            parts << cpuText(window.cpu);
        }
        if (window.memory > 0) {
            parts << memoryText(window.memory);
        }
        reserve = QStringLiteral(" reserving %1").arg(parts.join(QStringLiteral(" and ")));
    }
    return QStringLiteral("%1 (%2) idle %3: %4 %5%6; Rollback to it is instant while they run")
        .arg(colorName(window.color), window.version, since)
        .arg(window.replicas)
        .arg(window.replicas == 1 ? QStringLiteral("pod") : QStringLiteral("pods"), reserve);
}

} // namespace Curtain::Core
