#pragma once

#include <nlohmann/json.hpp>

#include <string>

// Reads the sim's controllers and model make of objects any client may have written. A missing or
// mistyped field gives the fallback: never an exception, and never nlohmann's const operator[],
// which asserts (and aborts the whole sim) on a missing key.
namespace Curtain::Sim {

inline const nlohmann::json *fieldAt(const nlohmann::json &object, const char *pointer)
{
    const nlohmann::json::json_pointer p(pointer);
    return object.contains(p) ? &object.at(p) : nullptr;
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
