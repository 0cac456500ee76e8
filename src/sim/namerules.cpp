#include "sim/namerules.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace Curtain::Sim {

namespace {

// apimachinery's validation helpers, in their words: each problem of a value is one message.
std::string maxLengthWords(std::size_t length)
{
    return "must be no more than " + std::to_string(length) + " characters";
}

std::string regexWords(const std::string &what, const std::string &pattern, const std::vector<std::string> &examples)
{
    std::string words = what + " (e.g. ";
    for (std::size_t i = 0; i < examples.size(); ++i) {
        words += (i > 0 ? " or '" : "'") + examples[i] + "', ";
    }
    return words + "regex used for validation is '" + pattern + "')";
}

// kube's name patterns all have one shape, first([middle]*last)?: checked character by character,
// as std::regex took a third of the validation of every object the sim stores.
using CharClass = bool (*)(char);

bool lowerAlphanumeric(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool lowerAlphabetic(char c)
{
    return c >= 'a' && c <= 'z';
}

bool lowerAlphanumericOrDash(char c)
{
    return lowerAlphanumeric(c) || c == '-';
}

bool alphanumeric(char c)
{
    return lowerAlphanumeric(c) || (c >= 'A' && c <= 'Z');
}

bool alphanumericOrPunctuation(char c)
{
    return alphanumeric(c) || c == '-' || c == '_' || c == '.';
}

bool hasShape(std::string_view value, CharClass first, CharClass middle, CharClass last)
{
    if (value.empty() || !first(value.front()) || (value.size() > 1 && !last(value.back()))) {
        return false;
    }
    return value.size() < 3 || std::all_of(value.begin() + 1, value.end() - 1, middle);
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool isLabel(std::string_view value)
{
    return hasShape(value, lowerAlphanumeric, lowerAlphanumericOrDash, lowerAlphanumeric);
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*: labels joined by dots.
bool isSubdomain(std::string_view value)
{
    for (;;) {
        const std::size_t dot = value.find('.');
        if (!isLabel(value.substr(0, dot))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        value.remove_prefix(dot + 1);
    }
}

// [a-z]([-a-z0-9]*[a-z0-9])?
bool isDns1035Label(std::string_view value)
{
    return hasShape(value, lowerAlphabetic, lowerAlphanumericOrDash, lowerAlphanumeric);
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool isQualifiedNamePart(std::string_view value)
{
    return hasShape(value, alphanumeric, alphanumericOrPunctuation, alphanumeric);
}

// A value against a length and a pattern; both problems when it has both.
std::vector<std::string> patternProblems(const std::string &value, std::size_t maxLength, bool matches,
                                         const std::string &words)
{
    std::vector<std::string> problems;
    if (value.size() > maxLength) {
        problems.push_back(maxLengthWords(maxLength));
    }
    if (!matches) {
        problems.push_back(words);
    }
    return problems;
}

const char *const subdomainPattern = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const char *const labelPattern = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const char *const dns1035Pattern = "[a-z]([-a-z0-9]*[a-z0-9])?";
const char *const qualifiedPattern = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const char *const labelValuePattern = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const char *const qualifiedWhat =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

std::vector<std::string> subdomainProblems(const std::string &value)
{
    static const std::string words =
        regexWords("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                   "characters, '-' or '.', and must start and end with an alphanumeric "
                   "character",
                   subdomainPattern, {"example.com"});
    return patternProblems(value, 253, isSubdomain(value), words);
}

} // namespace

std::vector<std::string> nameProblems(const ResourceType &type, const std::string &name)
{
    if (type.builtin && type.kind == "Service") {
        static const std::string words = regexWords("a DNS-1035 label must consist of lower case alphanumeric "
                                                    "characters or '-', start with an alphabetic character, and end "
                                                    "with an alphanumeric character",
                                                    dns1035Pattern, {"my-name", "abc-123"});
        return patternProblems(name, 63, isDns1035Label(name), words);
    }
    if (type.builtin && type.kind == "Namespace") {
        static const std::string words = regexWords("a lowercase RFC 1123 label must consist of lower case "
                                                    "alphanumeric characters or '-', and must start and end with an "
                                                    "alphanumeric character",
                                                    labelPattern, {"my-name", "123-abc"});
        return patternProblems(name, 63, isLabel(name), words);
    }
    return subdomainProblems(name);
}

std::vector<std::string> qualifiedNameProblems(const std::string &key)
{
    static const std::string nameWords = regexWords(qualifiedWhat, qualifiedPattern, {"MyName", "my.name", "123-abc"});
    const std::size_t slash = key.find('/');
    if (slash != std::string::npos && key.find('/', slash + 1) != std::string::npos) {
        return {"a qualified name " + nameWords +
                " with an optional DNS subdomain prefix and '/' (e.g. "
                "'example.com/MyName')"};
    }
    std::vector<std::string> problems;
    if (slash != std::string::npos) {
        const std::string prefix = key.substr(0, slash);
        if (prefix.empty()) {
            problems.push_back("prefix part must be non-empty");
        }
        for (const std::string &problem : prefix.empty() ? std::vector<std::string>() : subdomainProblems(prefix)) {
            problems.push_back("prefix part " + problem);
        }
    }
    const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
    if (name.empty()) {
        problems.push_back("name part must be non-empty");
    } else if (name.size() > 63) {
        problems.push_back("name part " + maxLengthWords(63));
    }
    if (!isQualifiedNamePart(name)) {
        problems.push_back("name part " + nameWords);
    }
    return problems;
}

std::vector<std::string> labelValueProblems(const std::string &value)
{
    static const std::string words = regexWords("a valid label must be an empty string or consist of alphanumeric "
                                                "characters, '-', '_' or '.', and must start and end with an "
                                                "alphanumeric character",
                                                labelValuePattern, {"MyValue", "my_value", "12345"});
    return patternProblems(value, 63, value.empty() || isQualifiedNamePart(value), words);
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
    return !isNativeResource(name) && name.rfind("requests.", 0) != 0 &&
           qualifiedNameProblems("requests." + name).empty();
}

std::vector<std::string> containerResourceNameProblems(const std::string &name)
{
    // kube's validateResourceName: a qualified name, and without a domain one of its standard resources…
    static const std::vector<std::string> standard = {"cpu",
                                                      "memory",
                                                      "ephemeral-storage",
                                                      "requests.cpu",
                                                      "requests.memory",
                                                      "requests.ephemeral-storage",
                                                      "limits.cpu",
                                                      "limits.memory",
                                                      "limits.ephemeral-storage",
                                                      "pods",
                                                      "resourcequotas",
                                                      "services",
                                                      "replicationcontrollers",
                                                      "secrets",
                                                      "persistentvolumeclaims",
                                                      "configmaps",
                                                      "services.nodeports",
                                                      "services.loadbalancers",
                                                      "requests.storage",
                                                      "storage"};
    std::vector<std::string> problems = qualifiedNameProblems(name);
    const bool domain = name.find('/') != std::string::npos;
    if (problems.empty() && !domain && !isHugePages(name) && name.rfind("requests.hugepages-", 0) != 0 &&
        std::find(standard.begin(), standard.end(), name) == standard.end()) {
        problems.emplace_back("must be a standard resource type or fully qualified");
    }
    // …then validateContainerResourceName: one a container can ask for.
    if (!domain) {
        if (name != "cpu" && name != "memory" && name != "ephemeral-storage" && !isHugePages(name)) {
            problems.emplace_back("must be a standard resource for containers");
        }
    } else if (!isNativeResource(name) && !isExtendedResource(name)) {
        problems.emplace_back("doesn't follow extended resource name standard");
    }
    return problems;
}

std::string generatedSuffix(const std::string &seed)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::size_t h = std::hash<std::string>{}(seed);
    std::string out;
    for (int i = 0; i < 5; ++i) {
        out += alphabet[h % (sizeof alphabet - 1)];
        h /= (sizeof alphabet - 1);
    }
    return out;
}

} // namespace Curtain::Sim
