#include "engine/fleetactions.h"

#include <cmath>

namespace Curtain::Engine {

namespace {

using HAProxy::Color;
using HAProxy::ReleaseState;

QString percent(double share)
{
    return QString::number(std::round(share * 1000) / 10) + QStringLiteral(" %");
}

Core::Error refused(const QString &message)
{
    return Core::makeError(Core::ErrorKind::Refused, message);
}

// A flip moves all traffic from the color that has it to the other; when neither has it (every
// server down, or a map entry pointing elsewhere), which way is "the other" is not known, and
// guessing could send traffic to a version nobody proved.
Core::Error neitherCarries(const ReleaseState &release)
{
    return refused(QStringLiteral("neither color of %1 carries traffic now (%2), so a flip has no side to move from; "
                                  "nothing was changed — look with status %1")
                       .arg(release.config.name, release.problems.isEmpty()
                                                     ? QStringLiteral("no serving server")
                                                     : release.problems.join(QStringLiteral("; "))));
}

} // namespace

Color fleetStableColor(const ReleaseState &release, std::optional<Color> configured)
{
    if (configured) {
        return *configured;
    }
    return release.green.share > release.blue.share ? Color::Green : Color::Blue;
}

Core::Result<FleetMove> planFleetMove(const ReleaseState &release, const Core::Result<Color> &configured,
                                      const Core::ActionRequest &action)
{
    const QString &name = release.config.name;
    const bool neither = release.blue.share == 0 && release.green.share == 0;
    if (release.config.kind == HAProxy::ReleaseKind::MapSwitch) {
        if (action.kind != Core::ActionKind::Flip) {
            return refused(QStringLiteral("%1 switches between two backends by a map entry: it takes flip, which is "
                                          "also its rollback")
                               .arg(name));
        }
        if (neither) {
            return neitherCarries(release);
        }
        return FleetMove{FleetMove::Kind::Map, 0, release.green.share > 0 ? Color::Blue : Color::Green};
    }
    switch (action.kind) {
    case Core::ActionKind::SetWeight: {
        const double candidate = action.weight / 100.0;
        const bool greenIsCandidate = fleetStableColor(release, configured.ok() ? std::optional(configured.value())
                                                                                : std::nullopt) == Color::Blue;
        return FleetMove{FleetMove::Kind::Share, greenIsCandidate ? candidate : 1.0 - candidate, Color::Blue};
    }
    case Core::ActionKind::Flip:
        if (release.blue.share > 0 && release.green.share > 0) {
            return refused(QStringLiteral("%1 is split (blue %2, green %3): a flip moves all traffic from one color to "
                                          "the other; say where it goes with set-weight %1 0 or 100")
                               .arg(name, percent(release.blue.share), percent(release.green.share)));
        }
        if (neither) {
            return neitherCarries(release);
        }
        return FleetMove{FleetMove::Kind::Share, release.green.share > 0 ? 0.0 : 1.0, Color::Blue};
    case Core::ActionKind::Promote:
    case Core::ActionKind::Rollback: {
        // The configuration's initial weights name the last known-good color.
        if (!configured.ok()) {
            return configured.error();
        }
        const Color to = action.kind == Core::ActionKind::Rollback
                             ? configured.value()
                             : (configured.value() == Color::Blue ? Color::Green : Color::Blue);
        return FleetMove{FleetMove::Kind::Share, to == Color::Green ? 1.0 : 0.0, Color::Blue};
    }
    default:
        return refused(QStringLiteral("%1 is an Argo Rollouts action; HAProxy releases take set-weight, promote, flip "
                                      "and rollback")
                           .arg(Core::actionName(action.kind)));
    }
}

} // namespace Curtain::Engine
