#pragma once

#include <nlohmann/json.hpp>

#include <utility>

namespace Curtain::Sim {

// Defaulting's one rule: a field the writer left out (or null) gets the server's value; one the
// writer set is kept.
inline void keepOrSet(nlohmann::json &object, const char *field, nlohmann::json value)
{
    if (!object.contains(field) || object[field].is_null()) {
        object[field] = std::move(value);
    }
}

} // namespace Curtain::Sim
