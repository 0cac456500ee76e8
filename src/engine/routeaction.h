#pragma once

#include "core/action.h"
#include "core/release.h"
#include "core/result.h"
#include "kube/json.h"

#include <QObject>

namespace Curtain::Adapters {
class RouteAdapter;
}
namespace Curtain::Kube {
class KubeClient;
}

namespace Curtain::Engine {

class ClusterCache;
class Permissions;

// One action on a route Curtain writes itself (Service selector, HTTPRoute, VirtualService,
// TrafficSplit, canary Ingress): check it against the route as the cache holds it now, plan the
// target, send one write conditional on the route's resourceVersion, read it back into the cache,
// and judge the outcome by what the cache then holds — the same truth the console shows. Lives on
// the network thread; deletes itself after finished().
class RouteAction final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RouteAction)

public:
    RouteAction(Kube::KubeClient *client, ClusterCache *cache, Permissions *permissions, Core::ActionRequest request,
                Core::ReleaseSnapshot before, QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(const Curtain::Core::Result<Curtain::Core::ActionOutcome> &outcome);

private:
    void write(const Kube::Json &route);
    void readBack(const QString &path, std::optional<Core::Error> writeError);
    void judge(std::optional<Core::Error> writeError);
    Core::Result<Kube::Json> routeInCache() const;
    Core::ReleaseSnapshot readFromCache(const Kube::Json &route) const;
    void finish(const Core::Result<Core::ActionOutcome> &outcome);

    Kube::KubeClient *m_client;
    ClusterCache *m_cache;
    Permissions *m_permissions;
    Core::ActionRequest m_request;
    Core::ReleaseSnapshot m_before;
    const Adapters::RouteAdapter *m_adapter;
    Core::TargetState m_target;
};

} // namespace Curtain::Engine
