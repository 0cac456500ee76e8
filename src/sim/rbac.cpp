#include "sim/rbac.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace Curtain::Sim {

std::variant<RbacRules, std::string> RbacRules::load(const std::string &file)
{
    RbacRules rules;
    rules.m_source = file;
    try {
        const YAML::Node root = YAML::LoadFile(file);
        const YAML::Node deny = root["deny"];
        if (!deny || !deny.IsSequence()) {
            return file + ": needs a \"deny\" list of {verb, resource[, namespace]}";
        }
        for (const YAML::Node &entry : deny) {
            Rule rule;
            rule.verb = entry["verb"] ? entry["verb"].as<std::string>() : std::string();
            rule.resource = entry["resource"] ? entry["resource"].as<std::string>() : std::string();
            rule.namespaceName = entry["namespace"] ? entry["namespace"].as<std::string>() : std::string();
            if (rule.verb.empty() || rule.resource.empty()) {
                return file + ": every deny rule needs a verb and a resource";
            }
            rules.m_deny.push_back(rule);
        }
    } catch (const YAML::Exception &error) {
        return file + ": " + error.what();
    }
    return rules;
}

bool RbacRules::allows(const std::string &verb, const std::string &resource, const std::string &ns) const
{
    return std::none_of(m_deny.begin(), m_deny.end(), [&](const Rule &rule) {
        return (rule.verb == verb || rule.verb == "*") && (rule.resource == resource || rule.resource == "*") &&
               (rule.namespaceName.empty() || rule.namespaceName == ns);
    });
}

} // namespace Curtain::Sim
