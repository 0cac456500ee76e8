// Resource quantities as curtain-sim stores them (kube-apiserver's canonical form): any text, and
// a Deployment carrying it as a limit. A canonical form must read back as itself, and a refused
// quantity must leave the object as it was. Compared with others, a quantity equals its canonical
// form, and the order reads the same both ways.

#include "sim/quantity.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace Curtain::Sim;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    const json written = text;
    const auto canonical = canonicalQuantity(written);
    if (canonical && canonicalQuantity(json(*canonical)) != canonical) {
        __builtin_trap(); // not a fixed point: a client sending it back would change the template's hash
    }
    if (text.size() <= 256 && compareQuantities(written, "0").has_value() != canonical.has_value()) {
        __builtin_trap(); // what can be stored can be compared, and nothing else
    }
    if (canonical && canonical->size() < 19 && compareQuantities(written, *canonical) != 0) {
        __builtin_trap(); // the canonical form is the same amount (exactly, below 19 digits)
    }
    const auto whole = isWholeQuantity(written);
    if (text.size() <= 256 && whole.has_value() != canonical.has_value()) {
        __builtin_trap(); // every quantity is whole or not, and nothing else is either
    }
    if (whole && canonical && canonical->size() < 19 && isWholeQuantity(*canonical) != whole) {
        __builtin_trap(); // the canonical form is as whole as what was written
    }
    for (const char *other : {"0", "1", "999m", "1Ki", "-1", "1e3"}) {
        const auto forth = compareQuantities(written, other);
        const auto back = compareQuantities(other, written);
        if (forth.has_value() != back.has_value() || (forth && *forth != -*back)) {
            __builtin_trap();
        }
    }
    // The same text as a JSON number, when it is one (what an unquoted YAML value becomes).
    const json number = json::parse(text, nullptr, false);
    if (number.is_number()) {
        canonicalQuantity(number);
    }
    json deployment = {{"metadata", {{"name", "web"}}},
                       {"spec",
                        {{"template",
                          {{"spec",
                            {{"containers", {{{"name", "web"}, {"resources", {{"limits", {{"cpu", written}}}}}}}},
                             {"overhead", {{"memory", written}}}}}}}}}};
    const json before = deployment;
    const auto refused = canonicalizeQuantities(*findResourceType("apps", "v1", "deployments"), deployment);
    if (refused.has_value() != !canonical.has_value() || (refused && refused->code != 400)) {
        __builtin_trap(); // the object-level answer must agree with the value-level one
    }
    if (canonical ? deployment["spec"]["template"]["spec"]["overhead"]["memory"] != *canonical : deployment != before) {
        __builtin_trap(); // rewritten to the canonical form, or left exactly as sent
    }
    return 0;
}
