#include "core/capacity.h"

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

} // namespace Curtain::Core
