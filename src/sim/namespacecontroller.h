#pragma once

#include "sim/objectstore.h"

#include <string>
#include <vector>

namespace Curtain::Sim {

// kube's namespace controller: a deleted Namespace is only marked (deletionTimestamp, phase
// Terminating — the store does that on DELETE, and the API refuses new content in it); this takes
// everything in it away, every namespaced kind, and then the Namespace itself, which is when
// `kubectl delete namespace` returns. Before it, a deleted namespace kept its Deployments, pods and
// Services, and a namespace made again under the same name found them there.
class NamespaceController
{
public:
    explicit NamespaceController(ObjectStore &store) : m_store(store) {}

    // From the model's tick, before the other controllers: they then find nothing of a namespace
    // that is going to make again. The namespaces removed, for the controllers to forget.
    std::vector<std::string> reconcile();

private:
    bool empty(const std::string &ns); // false while finalizers hold some of what it held

    ObjectStore &m_store;
};

} // namespace Curtain::Sim
