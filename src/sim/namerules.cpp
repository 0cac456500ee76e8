#include "sim/namerules.h"

#include <regex>

namespace Curtain::Sim {

namespace {

// kube's RFC 1123 subdomain: its pattern, and the words its validators use for a name that misses it.
const char *const subdomainPattern = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const char *const subdomainWords =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

} // namespace

std::optional<std::string> nameProblem(const ResourceType &type, const std::string &name)
{
    static const std::regex subdomain(subdomainPattern);
    static const std::regex label("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    static const std::regex dns1035("[a-z]([-a-z0-9]*[a-z0-9])?");
    const bool isLabel = type.builtin && (type.kind == "Service" || type.kind == "Namespace");
    if (name.size() > (isLabel ? 63u : 253u)) {
        return "must be no more than " + std::to_string(isLabel ? 63 : 253) + " characters";
    }
    if (type.builtin && type.kind == "Service" && !std::regex_match(name, dns1035)) {
        return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
               "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
               "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    }
    if (type.builtin && type.kind == "Namespace" && !std::regex_match(name, label)) {
        return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
               "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
               "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    }
    if (!isLabel && !std::regex_match(name, subdomain)) {
        return subdomainWords;
    }
    return std::nullopt;
}

std::optional<std::string> qualifiedNameProblem(const std::string &key)
{
    static const std::regex namePart("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    static const std::regex subdomain(subdomainPattern);
    const std::size_t slash = key.find('/');
    if (slash != std::string::npos && key.find('/', slash + 1) != std::string::npos) {
        return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
               "with an alphanumeric character, with an optional DNS subdomain prefix and '/'";
    }
    const std::string prefix = slash == std::string::npos ? std::string() : key.substr(0, slash);
    const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
    if (slash != std::string::npos && (prefix.empty() || prefix.size() > 253 || !std::regex_match(prefix, subdomain))) {
        return std::string("prefix part ") + subdomainWords;
    }
    if (name.empty()) {
        return "name part must be non-empty";
    }
    if (name.size() > 63) {
        return "name part must be no more than 63 characters";
    }
    if (!std::regex_match(name, namePart)) {
        return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
               "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
               "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    }
    return std::nullopt;
}

std::optional<std::string> labelValueProblem(const std::string &value)
{
    static const std::regex labelValue("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    if (value.size() > 63) {
        return "must be no more than 63 characters";
    }
    if (!std::regex_match(value, labelValue)) {
        return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
               "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
               "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    }
    return std::nullopt;
}

bool isNativeResource(const std::string &name)
{
    return name.find('/') == std::string::npos || name.find("kubernetes.io/") != std::string::npos;
}

bool isHugePages(const std::string &name)
{
    return name.rfind("hugepages-", 0) == 0;
}

bool overcommitAllowed(const std::string &name)
{
    return isNativeResource(name) && !isHugePages(name);
}

bool isExtendedResource(const std::string &name)
{
    return !isNativeResource(name) && name.rfind("requests.", 0) != 0 && !qualifiedNameProblem("requests." + name);
}

std::optional<std::string> containerResourceNameProblem(const std::string &name)
{
    if (auto problem = qualifiedNameProblem(name)) {
        return problem;
    }
    if (name.find('/') == std::string::npos) {
        if (name != "cpu" && name != "memory" && name != "ephemeral-storage" && !isHugePages(name)) {
            return "must be a standard resource for containers";
        }
    } else if (!isNativeResource(name) && !isExtendedResource(name)) {
        return "doesn't follow extended resource name standard";
    }
    return std::nullopt;
}

} // namespace Curtain::Sim
