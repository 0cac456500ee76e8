#pragma once

#include "core/action.h"
#include "core/release.h"
#include "core/result.h"
#include "kube/json.h"

#include <QElapsedTimer>
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
    // No write is sent again later than this after the first: with the write's own timeout and
    // its read-backs, the whole action ends within about a minute (curtainctl's last guard).
    static constexpr int retryBudgetMs = 20'000;

    RouteAction(Kube::KubeClient *client, ClusterCache *cache, Permissions *permissions, Core::ActionRequest request,
                Core::ReleaseSnapshot before, QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(const Curtain::Core::Result<Curtain::Core::ActionOutcome> &outcome);

private:
    void write(const Kube::Json &route);
    void readBack(const QString &path, std::optional<Core::Error> writeError);
    bool mayReadBackAgain();
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
    int m_readBacks = 0;           // read-backs retried so far
    QElapsedTimer m_readBackClock; // since the first read-back of the current write
    QElapsedTimer m_writingClock;  // since the first write
    int m_writes = 1;              // writes sent so far
    int m_rewrites = 0;            // writes sent again after a stale refusal over a change to no routing
    // An earlier attempt of this action failed in a way that may still have applied it (a 500 or 504):
    // a later 409 with the route at the target may be that attempt, not someone else.
    bool m_earlierMayHaveApplied = false;
    QString m_writtenOver;   // the route's resourceVersion the write was conditional on
    QString m_writtenAs;     // the resourceVersion the server gave the written route (its 200 reply)
    QString m_readBackError; // why the last read-back failed, when the write's own reply had to do

    // A write whose answer was lost is read back up to five times (at once, then after 0.25, 0.5,
    // 1 and 1 s: within 3 s when the server answers), each read bounded by 5 s, and none started
    // later than 10 s after the first: the verdict comes within ~16 s of the write's own timeout
    // even when every read times out, and a server that fails one request in four leaves the
    // outcome unknown only once in ~1,000.
    static constexpr int readBackAttempts = 5;
    static constexpr int readBackDelayMs = 250;
    static constexpr int readBackMaxDelayMs = 1000;
    static constexpr int readBackWindowMs = 10000;
    static constexpr int readBackTimeoutMs = 5000;
    // A write refused as stale over a change to no routing is sent again up to 3 times.
    static constexpr int writeAttempts = 3;
    // A write the server refused with a 5xx is sent again (still conditional), 6 writes in all:
    // one failure in four still fails an action only once in ~4,000. (A 429 was sent again by
    // KubeClient already.)
    static constexpr int failedWriteAttempts = 6;
    static constexpr int failedWriteFirstDelayMs = 200;
    static constexpr int failedWriteMaxDelayMs = 2000;
    static constexpr int retryAfterCapMs = 10'000;
};

} // namespace Curtain::Engine
