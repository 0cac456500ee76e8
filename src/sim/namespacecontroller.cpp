#include "sim/namespacecontroller.h"

#include "sim/jsonread.h"

#include <set>

namespace Curtain::Sim {

using nlohmann::json;

void NamespaceController::reconcile()
{
    const ResourceType &namespaces = builtInType("Namespace");
    const ListSnapshot terminating = m_store.list(
        namespaces, {}, [](const json &ns) { return fieldAt(ns, "/metadata/deletionTimestamp") != nullptr; });
    for (const json &ns : terminating.items) {
        const std::string name = textAt(ns, "/metadata/name");
        empty(name);
        RemoveOptions finalized;
        finalized.finalized = true;
        m_store.remove(namespaces, {}, name, finalized);
    }
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
