// curtain-backend's POST /control: whatever a peer on its port sends, a new behaviour within its
// bounds or an error naming the field, never a crash; and what it answers reads back as itself.

#include "controlrequest.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace Curtain::Backend;

namespace {

void checkBounds(const Behaviour &behaviour)
{
    if (!(behaviour.errorRate >= 0 && behaviour.errorRate <= 1) || behaviour.latency.count() < 0 ||
        behaviour.p99 < behaviour.latency) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    // The first byte picks the content type the body claims to be.
    static constexpr std::string_view types[] = {"application/x-www-form-urlencoded", "application/json", "text/plain",
                                                 ""};
    const std::string_view type = types[data[0] % 4];
    const std::string_view body(reinterpret_cast<const char *>(data + 1), size - 1);
    const Behaviour current;
    const auto changed = applyControl(current, type, body);
    if (const Behaviour *behaviour = std::get_if<Behaviour>(&changed)) {
        checkBounds(*behaviour);
        // The answer, sent back as a request, changes nothing.
        const auto again = applyControl(*behaviour, "application/json", behaviourJson(*behaviour));
        const Behaviour *same = std::get_if<Behaviour>(&again);
        if (!same || same->healthy != behaviour->healthy || same->latency != behaviour->latency ||
            same->p99 != behaviour->p99) {
            __builtin_trap();
        }
    }
    return 0;
}
