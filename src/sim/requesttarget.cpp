#include "sim/requesttarget.h"

#include "sim/httpsupport.h"

#include <sstream>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

std::vector<std::string> split(const std::string &path)
{
    std::vector<std::string> parts;
    std::stringstream stream(path);
    std::string part;
    while (std::getline(stream, part, '/')) {
        if (!part.empty()) {
            parts.push_back(part);
        }
    }
    return parts;
}

} // namespace

std::optional<Target> parseTarget(const std::string &path)
{
    const std::vector<std::string> p = split(path);
    Target t;
    std::size_t i = 0;
    if (p.size() >= 2 && p[0] == "api") {
        t.version = p[1];
        i = 2;
    } else if (p.size() >= 3 && p[0] == "apis") {
        t.group = p[1];
        t.version = p[2];
        i = 3;
    } else {
        return std::nullopt;
    }
    if (i == p.size()) {
        t.discovery = true;
        return t;
    }
    std::string plural;
    if (p[i] == "namespaces" && p.size() - i >= 3) {
        t.namespaceName = p[i + 1];
        plural = p[i + 2];
        i += 3;
    } else {
        plural = p[i];
        i += 1;
    }
    t.type = findResourceType(t.group, t.version, plural);
    if (!t.type) {
        return t; // known prefix, unknown resource: 404 below
    }
    if (i < p.size()) {
        t.name = p[i++];
    }
    t.subresource.assign(p.begin() + std::ptrdiff_t(i), p.end());
    return t;
}

std::string verbOf(const httplib::Request &req, const Target &target)
{
    if (req.method == "GET") {
        if (!target.name.empty()) {
            return "get";
        }
        return Http::truthy(Http::param(req, "watch")) ? "watch" : "list";
    }
    if (req.method == "PATCH") {
        return "patch";
    }
    if (req.method == "POST") {
        return "create";
    }
    if (req.method == "PUT") {
        return "update";
    }
    if (req.method == "DELETE") {
        return "delete";
    }
    return "update";
}

ApiStatus forbidden(const std::string &user, const std::string &verb, const ResourceType &type, const std::string &name,
                    const std::string &ns, const std::string &subresource)
{
    const std::string resource = subresource.empty() ? type.plural : type.plural + "/" + subresource;
    std::string message = type.groupResource() + (name.empty() ? "" : " \"" + name + "\"") + " is forbidden: User \"" +
                          user + "\" cannot " + verb + " resource \"" + resource + "\" in API group \"" + type.group +
                          "\"" + (ns.empty() ? " at the cluster scope" : " in the namespace \"" + ns + "\"");
    nlohmann::json details = {{"kind", type.plural}};
    if (!name.empty()) {
        details["name"] = name;
    }
    if (!type.group.empty()) {
        details["group"] = type.group;
    }
    return {403, "Forbidden", message, details};
}

} // namespace Curtain::Sim
