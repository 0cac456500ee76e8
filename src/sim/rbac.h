#pragma once

#include <string>
#include <variant>
#include <vector>

namespace Curtain::Sim {

// Rules that deny chosen verbs on chosen resources, from a YAML file:
//   deny:
//     - {verb: patch, resource: services}                     # everywhere
//     - {verb: patch, resource: httproutes, namespace: demo}  # in one namespace
// Everything not denied is allowed. The API server answers 403 with kube-apiserver's wording and
// SelfSubjectAccessReview says no, so clients can check before they try.
class RbacRules
{
public:
    static std::variant<RbacRules, std::string> load(const std::string &file);

    bool allows(const std::string &verb, const std::string &resource, const std::string &ns) const;
    std::string source() const { return m_source; }

private:
    struct Rule
    {
        std::string verb;
        std::string resource;
        std::string namespaceName;
    };
    std::vector<Rule> m_deny;
    std::string m_source;
};

} // namespace Curtain::Sim
