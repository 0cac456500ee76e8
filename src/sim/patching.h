#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace Curtain::Sim {

// Strategic merge patch as the API server applies it to built-in types: maps merge key by key
// (null deletes), `$patch: replace|delete` directives, lists of named things merge by their merge
// key (containers by name, ports by port), other lists are replaced; `$retainKeys` keeps only the keys
// it lists; `$setElementOrder` and `$deleteFromPrimitiveList` directives are accepted and ignored.
nlohmann::json strategicMerge(const nlohmann::json &original, const nlohmann::json &patch);
// A strategic merge patch's directive key ($patch, $retainKeys, $setElementOrder/…,
// $deleteFromPrimitiveList/…): no field.
bool isStrategicDirective(const std::string &key);

// A Kubernetes label selector ("app=web,tier!=db,track,!legacy,env in (a,b)") as a predicate.
class LabelSelector
{
public:
    // nullopt when the text does not parse; the error says where.
    static std::optional<LabelSelector> parse(const std::string &text, std::string *error);
    bool matches(const nlohmann::json &labels) const;

private:
    struct Requirement
    {
        std::string key;
        enum class Op { Equals, NotEquals, Exists, NotExists, In, NotIn } op = Op::Exists;
        std::vector<std::string> values;
    };
    std::vector<Requirement> m_requirements;
};

// True when every key=value of `selector` (a Service selector) is among `labels`.
bool selectorMatches(const nlohmann::json &selector, const nlohmann::json &labels);

} // namespace Curtain::Sim
