#pragma once

#include "core/pods.h"
#include "core/release.h"
#include "core/result.h"
#include "kube/json.h"

#include <QFuture>

#include <vector>

class QObject;

namespace Curtain::Kube {
class KubeClient;
}

namespace Curtain::Engine {

// What runs one environment: the pods its workload's selector picks (a Deployment's, or for an Argo
// Rollout its ReplicaSet's) and the Warning events on those pods and the workload, newest first.
// Three reads (workload, pods, events); the events failing still gives the pods. Call on `context`'s
// thread (the engine's).
QFuture<Core::Result<Core::EnvironmentPods>> readEnvironmentPods(Kube::KubeClient *client,
                                                                 const Core::ReleaseSnapshot &release,
                                                                 Core::Color color, QObject *context);

// Reads a pod list's items; a pod without a name is skipped, a malformed field reads as its default.
QList<Core::PodInfo> podsFromItems(const std::vector<Kube::Json> &items);

} // namespace Curtain::Engine
