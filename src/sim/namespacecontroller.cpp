#include "sim/namespacecontroller.h"

#include "sim/jsonread.h"

#include <set>

namespace Curtain::Sim {

using nlohmann::json;

std::vector<std::string> NamespaceController::reconcile()
{
    std::vector<std::string> removed;
    const ResourceType &namespaces = builtInType("Namespace");
    const ListSnapshot terminating = m_store.list(
        namespaces, {}, [](const json &ns) { return fieldAt(ns, "/metadata/deletionTimestamp") != nullptr; });
    for (const json &ns : terminating.items) {
        const std::string name = textAt(ns, "/metadata/name");
        empty(name);
        RemoveOptions finalized;
        finalized.finalized = true;
        // The store refuses new content in a terminating namespace, so emptied is empty: it can go.
        if (std::holds_alternative<json>(m_store.remove(namespaces, {}, name, finalized))) {
            removed.push_back(name);
        }
    }
    return removed;
}

void NamespaceController::empty(const std::string &ns)
{
    std::set<std::string> swept; // kinds served twice (Events in two groups) are stored once
    for (const ResourceType &type : resourceTypes()) {
        if (!type.namespaced || !swept.insert(type.storageKey()).second) {
            continue;
        }
        for (const json &object : m_store.list(type, ns, {}).items) {
            m_store.remove(type, ns, textAt(object, "/metadata/name"), {});
        }
    }
}

} // namespace Curtain::Sim
