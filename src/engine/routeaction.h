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
    void retryReadBack(const QString &path, std::optional<Core::Error> writeError);
    void judge(const QString &path, std::optional<Core::Error> writeError);
    static bool outcomeUnknown(const Core::Error &writeError);
    static bool answeredFailure(const Core::Error &writeError);
    Core::Error notConfirmed(const Core::Error &writeError, const QString &nowShown) const;
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
    int m_readBacks = 0; // read-backs retried so far
    int m_writes = 1;    // writes sent so far
    int m_rewrites = 0;  // writes sent again after a stale refusal over a change to no routing
    // An earlier attempt of this action failed in a way that may still have applied it (a 500 or 504):
    // a later 409 with the route at the target may be that attempt, not someone else.
    bool m_earlierMayHaveApplied = false;
    QString m_writtenOver;   // the route's resourceVersion the write was conditional on
    QString m_writtenAs;     // the resourceVersion the server gave the written route (its 200 reply)
    QString m_readBackError; // why the last read-back failed, when the write's own reply had to do

    // A write whose answer was lost is read back up to three times (at once, then after 1 s and
    // 2 s), each read bounded: the verdict comes within ~10 s of the write's own timeout.
    static constexpr int readBackAttempts = 3;
    static constexpr int readBackDelayMs = 1000;
    static constexpr int readBackTimeoutMs = 5000;
    // A write the server refused with 5xx or 429 is sent again (still conditional) up to 3 times.
    static constexpr int writeAttempts = 3;
};

} // namespace Curtain::Engine
