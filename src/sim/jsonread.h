#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

// Reads the sim's controllers and model make of objects any client may have written. A missing or
// mistyped field gives the fallback: never an exception, and never nlohmann's const operator[],
// which asserts (and aborts the whole sim) on a missing key.
namespace Curtain::Sim {

// The value at JSON pointer `pointer` ("/spec/rules/0/weight"; "~1" is '/', "~0" is '~'), or null
// when any step is missing or of another type. Walked in place: the model reads every object ten
// times a second, and parsing a json_pointer each time was most of its cost.
inline const nlohmann::json *fieldAt(const nlohmann::json &object, std::string_view pointer)
{
    const nlohmann::json *at = &object;
    std::string token;
    while (!pointer.empty()) {
        if (pointer.front() != '/') {
            return nullptr;
        }
        pointer.remove_prefix(1);
        const std::string_view raw = pointer.substr(0, pointer.find('/'));
        pointer.remove_prefix(raw.size());
        token.clear();
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
                token += raw[++i] == '1' ? '/' : '~';
            } else {
                token += raw[i];
            }
        }
        if (at->is_object()) {
            const auto it = at->find(token);
            if (it == at->end()) {
                return nullptr;
            }
            at = &*it;
        } else if (at->is_array()) {
            std::size_t index = 0;
            const bool digits = !token.empty() && token.size() <= 9 && (token == "0" || token[0] != '0') &&
                                token.find_first_not_of("0123456789") == std::string::npos;
            if (!digits || (index = std::stoul(token)) >= at->size()) {
                return nullptr;
            }
            at = &(*at)[index];
        } else {
            return nullptr;
        }
    }
    return at;
}

inline std::string textAt(const nlohmann::json &object, const char *pointer, const std::string &fallback = {})
{
    const nlohmann::json *value = fieldAt(object, pointer);
    return value && value->is_string() ? value->get<std::string>() : fallback;
}

inline long long integerAt(const nlohmann::json &object, const char *pointer, long long fallback)
{
    const nlohmann::json *value = fieldAt(object, pointer);
    return value && value->is_number_integer() ? value->get<long long>() : fallback;
}

// The value at `pointer` (an object, a list, …), or `fallback` when it is missing.
inline nlohmann::json valueAt(const nlohmann::json &object, const char *pointer, nlohmann::json fallback)
{
    const nlohmann::json *value = fieldAt(object, pointer);
    return value ? *value : std::move(fallback);
}

} // namespace Curtain::Sim
