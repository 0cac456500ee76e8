#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace Curtain::Sim {

// One kind of object the demo cluster serves, with what discovery says about it.
struct ResourceType
{
    std::string group; // "" for the core group
    std::string version;
    std::string plural;
    std::string singular;
    std::string kind;
    bool namespaced = true;
    bool builtin = true;   // built-in types accept strategic merge patch; custom resources do not
    bool hasStatus = true; // status is a subresource: writes to the main resource leave it alone
    bool hasGeneration = true;
    std::vector<std::string> shortNames;
    std::string storedAs = {}; // the storage both views of one resource share (core and events.k8s.io Events)

    std::string groupVersion() const { return group.empty() ? version : group + "/" + version; }
    std::string groupResource() const { return group.empty() ? plural : plural + "." + group; }
    std::string storageKey() const { return storedAs.empty() ? groupResource() : storedAs; }
    // storageKey() == other.storageKey(), without building either (watch streams ask it per event).
    bool sharesStorageWith(const ResourceType &other) const
    {
        if (this == &other) {
            return true;
        }
        if (storedAs.empty() && other.storedAs.empty()) {
            return plural == other.plural && group == other.group;
        }
        return storageKey() == other.storageKey();
    }
};

const std::vector<ResourceType> &resourceTypes();
const ResourceType *findResourceType(const std::string &group, const std::string &version, const std::string &plural);
const ResourceType *findResourceTypeByKind(const std::string &kind);
// A kind the sim's own controllers name (one resourceTypes() lists); any other is a bug in the sim.
const ResourceType &builtInType(const std::string &kind);

// Legacy discovery documents (APIVersions, APIGroupList, APIResourceList), as kube-apiserver serves them.
nlohmann::json apiVersionsDocument(const std::string &serverAddress);
nlohmann::json apiGroupListDocument();
nlohmann::json apiResourceListDocument(const std::string &group, const std::string &version); // null if unknown

} // namespace Curtain::Sim
