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
        // The store refuses new content in a terminating namespace, so emptied is empty, unless
        // finalizers hold some of it: then the namespace waits for them, Terminating, as kube's does.
        if (!empty(name)) {
            continue;
        }
        RemoveOptions finalized;
        finalized.finalized = true;
        // A Namespace with finalizers of its own in metadata stays until they are taken off.
        m_store.remove(namespaces, {}, name, finalized);
        if (!m_store.contains(namespaces, {}, name)) {
            removed.push_back(name);
        }
    }
    return removed;
}

bool NamespaceController::empty(const std::string &ns)
{
    bool emptied = true;
    std::set<std::string> swept; // kinds served twice (Events in two groups) are stored once
    for (const ResourceType &type : resourceTypes()) {
        if (!type.namespaced || !swept.insert(type.storageKey()).second) {
            continue;
        }
        for (const json &object : m_store.list(type, ns, {}).items) {
            const std::string name = textAt(object, "/metadata/name");
            m_store.remove(type, ns, name, {});
            emptied = emptied && !m_store.contains(type, ns, name);
        }
    }
    return emptied;
}

} // namespace Curtain::Sim
