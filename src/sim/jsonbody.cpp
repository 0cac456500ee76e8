#include "sim/jsonbody.h"

#include <utility>
#include <vector>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

// The deepest nesting of brackets outside strings, counted only up to `limit` + 1.
bool textNestsDeeperThan(std::string_view text, std::size_t limit)
{
    std::size_t depth = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : text) {
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) {
                return true;
            }
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return false;
}

} // namespace

Outcome<json> parseBody(std::string_view text)
{
    if (textNestsDeeperThan(text, maxJsonDepth)) {
        return badRequest("the request body nests JSON deeper than " + std::to_string(maxJsonDepth) + " levels");
    }
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded()) {
        return badRequest("the request body is not valid JSON");
    }
    return value;
}

bool nestedDeeperThan(const json &value, std::size_t limit)
{
    std::vector<std::pair<const json *, std::size_t>> pending = {{&value, 0}};
    while (!pending.empty()) {
        const auto [current, depth] = pending.back();
        pending.pop_back();
        if (!current->is_structured()) {
            continue;
        }
        if (depth + 1 > limit) {
            return true;
        }
        for (const json &child : *current) {
            pending.emplace_back(&child, depth + 1);
        }
    }
    return false;
}

} // namespace Curtain::Sim
