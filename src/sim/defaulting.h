#pragma once

#include <nlohmann/json.hpp>

#include <utility>

namespace Curtain::Sim {

// Defaulting's one rule: a field the writer left out gets the server's value; one the writer set is
// kept. Left out, as kube's Go defaulting reads a plain field: absent, null or "" (a string's zero
// value, what a template renders for an unset value), and 0 where `zeroIsUnset` (a probe's period).
inline void keepOrSet(nlohmann::json &object, const char *field, nlohmann::json value, bool zeroIsUnset = false)
{
    const auto it = object.find(field);
    if (it == object.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string &>().empty()) ||
        (zeroIsUnset && it->is_number() && *it == 0)) {
        object[field] = std::move(value);
    }
}

// The same for a field kube keeps behind a pointer (maxSurge, ipFamilyPolicy…): only absent or null
// is left out; an explicit "" is kept, for validation to refuse as kube does.
inline void keepOrSetUnlessGiven(nlohmann::json &object, const char *field, nlohmann::json value)
{
    const auto it = object.find(field);
    if (it == object.end() || it->is_null()) {
        object[field] = std::move(value);
    }
}

} // namespace Curtain::Sim
