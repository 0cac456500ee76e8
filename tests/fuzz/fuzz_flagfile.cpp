// A flagd file as a ConfigMap holds it (the input is the file's text, under a .yaml and a .json key):
// reading it as a release, and rewriting its weights in place for every action, must answer anything
// with a snapshot or an error, never a crash, and an edit it makes must read back as what it meant.

#include "adapters/flagd/flagconfigmapadapter.h"
#include "adapters/flagd/flagfile.h"
#include "core/action.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace Curtain;
using Kube::Json;

namespace {

Json configMap(const std::string &key, const std::string &text)
{
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata",
             {{"name", "banners-flags"},
              {"namespace", "demo"},
              {"resourceVersion", "3"},
              {"labels", {{"curtain.dev/release", "banners"}}},
              {"annotations", {{"curtain.dev/blue-variant", "classic"}, {"curtain.dev/green-variant", "seasonal"}}}}},
            {"data", {{key, text}}}};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    if (!Json(text).dump(-1, ' ', false, Json::error_handler_t::ignore).size()) {
        return -1;
    }
    const Adapters::FlagConfigMapAdapter adapter;
    for (const char *key : {"flags.yaml", "flags.json"}) {
        Json object;
        try {
            object = configMap(key, text);
            (void)object.dump(); // the API server sends only UTF-8: not a ConfigMap anyone can hold
        } catch (const Json::exception &) {
            return -1;
        }
        const Core::ReleaseSnapshot snapshot = adapter.read(object, {});
        for (const auto &[blue, green] : {std::pair{95, 5}, std::pair{0, 100}, std::pair{100, 0}}) {
            const auto patch = adapter.write(object, {}, {blue, green, Core::Color::Blue, std::nullopt, {}, {}, {}});
            if (!patch.ok()) {
                continue;
            }
            // What was written reads back as the weights that were asked for.
            const Json written = object.patch(Json::parse(patch.value().body.toStdString()));
            const Core::ReleaseSnapshot after = adapter.read(written, {});
            if (!after.problem.isEmpty() || after.green.trafficPercent != green) {
                std::abort();
            }
        }
        (void)snapshot;
    }
    return 0;
}
