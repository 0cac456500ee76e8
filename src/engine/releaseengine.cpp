#include "engine/releaseengine.h"

#include "engine/auditor.h"
#include "engine/canarydriver.h"
#include "engine/clustercache.h"
#include "engine/databasemonitor.h"
#include "engine/permissions.h"
#include "engine/rolloutdriver.h"
#include "engine/routeaction.h"

#include "core/displaytext.h"
#include "core/futures.h"
#include "core/handoff.h"
#include "core/rolloutcontrol.h"

#include "adapters/clusterview.h"
#include "adapters/conventions.h"
#include "adapters/flagger/canaryadapter.h"
#include "adapters/routeadapter.h"
#include "kube/kubeclient.h"
#include "metrics/scrapesource.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPromise>

namespace Curtain::Engine {

using Core::ActionOutcome;
using Core::ErrorKind;
using Core::ReleaseSnapshot;
using Core::ReleaseSnapshots;
using Core::Result;
using Kube::Json;

namespace {

void registerMetaTypes()
{
    qRegisterMetaType<Core::ReleaseSnapshots>();
    qRegisterMetaType<Core::ReleaseMetrics>();
    qRegisterMetaType<ConnectionState>();
    qRegisterMetaType<Core::DataFreshness>();
    qRegisterMetaType<Core::PlanProgress>();
    qRegisterMetaType<Core::Judgement>();
    qRegisterMetaType<quint64>();
}

} // namespace

ReleaseEngine::ReleaseEngine(Net::HttpClient *http, Core::ClusterEndpoint endpoint, QObject *parent)
    : ReleaseSource(parent), m_endpoint(endpoint), m_http(http),
      m_client(new Kube::KubeClient(http, std::move(endpoint), this)),
      m_cache(new ClusterCache(m_client, m_endpoint.namespaceName, {}, this)),
      m_permissions(new Permissions(m_client, this)), m_auditor(new Auditor(m_client, m_endpoint, this)),
      m_databases(new DatabaseMonitor(this)), m_rebuild(this), m_recheck(this), m_driverLapse(this)
{
    registerMetaTypes();
    m_rebuild.setSingleShot(true);
    m_rebuild.setInterval(0); // coalesce the burst of events one change causes into one snapshot
    connect(&m_rebuild, &QTimer::timeout, this, &ReleaseEngine::rebuild);
    m_recheck.setInterval(60'000); // permissions can change without any object changing
    m_syncDeadline = new QTimer(this);
    m_syncDeadline->setSingleShot(true);
    connect(m_syncDeadline, &QTimer::timeout, this, [this] {
        m_syncDeadlinePassed = true;
        if (!m_cache->hasSynced() && !m_syncFailure) {
            if (const auto retried = m_client->lastRetried()) {
                // The client retries after Retry-After (up to 5 times, 30 s each) before an informer
                // hears of a failure: the deadline is the user's bound, not those retries'.
                m_syncFailure = retried;
            }
        }
        onConnection(); // a failure seen since the wait began ends it now; else the next one does
    });
    connect(&m_recheck, &QTimer::timeout, this, &ReleaseEngine::scheduleRebuild);
    m_driverLapse.setSingleShot(true);
    connect(&m_driverLapse, &QTimer::timeout, this, &ReleaseEngine::scheduleRebuild);
    connect(m_cache, &ClusterCache::changed, this, &ReleaseEngine::scheduleRebuild);
    connect(m_cache, &ClusterCache::connectionChanged, this, &ReleaseEngine::onConnection);
    connect(m_cache, &ClusterCache::connectionChanged, this, &ReleaseEngine::connectionChanged);
    connect(m_cache, &ClusterCache::freshnessChanged, this, &ReleaseEngine::freshnessChanged);
    // Going stale or live again changes what may be done: the capabilities say so.
    connect(m_cache, &ClusterCache::freshnessChanged, this, &ReleaseEngine::scheduleRebuild);
    connect(m_cache, &ClusterCache::reset, this, &ReleaseEngine::cacheReset);
    connect(m_permissions, &Permissions::changed, this, &ReleaseEngine::scheduleRebuild);
    connect(m_databases, &DatabaseMonitor::changed, this, &ReleaseEngine::scheduleRebuild);
}

ReleaseEngine::~ReleaseEngine()
{
    for (const QString &key : m_pendingFlips.keys()) {
        const Core::ActionKind kind = m_pendingFlips.value(key).kind;
        endPendingFlip(key,
                       Core::makeError(ErrorKind::Cancelled,
                                       QStringLiteral("%1 was not %2: the console closed while the %3 waited")
                                           .arg(key,
                                                kind == Core::ActionKind::Promote ? QStringLiteral("promoted")
                                                                                  : QStringLiteral("flipped"),
                                                Core::actionName(kind))),
                       false);
    }
    for (const ActionInFlight &action : std::as_const(m_actionsInFlight)) {
        if (const auto promise = action.promise.lock(); promise && !promise->future().isFinished()) {
            promise->addResult(Core::makeError(
                ErrorKind::NotConfirmed,
                QStringLiteral("%1 on %2 was under way when this session closed (the context or namespace changed): "
                               "what it sent may have been applied; open this context again to see")
                    .arg(Core::actionName(action.request.kind), action.request.release)));
            promise->finish();
        }
    }
    m_drivenPlans.endAll();
    for (const std::shared_ptr<std::atomic_bool> &stop : std::as_const(m_schemaStops)) {
        stop->store(true); // a backfill stops at its next batch; the migration stays started
    }
    for (QFuture<Result<QString>> &run : m_schemaRuns) {
        run.waitForFinished();
    }
    // Plans, drivers, actions, metrics and the cache's informers all talk through the client:
    // they go first (QObject would delete children in creation order, the client first).
    for (const quint64 stream : std::as_const(m_logStreams)) {
        m_client->stopWatch(stream); // their handlers point at this engine
    }
    const QObjectList children = this->children();
    for (QObject *child : children) {
        if (child != m_client && child != &m_rebuild && child != &m_recheck && child != &m_driverLapse) {
            delete child;
        }
    }
    delete m_client;
}

void ReleaseEngine::start()
{
    Core::post(
        this, [this] { startOnThread(); }, Qt::QueuedConnection); // built on another thread: hand over
}

void ReleaseEngine::startOnThread()
{
    if (std::exchange(m_started, true)) {
        return;
    }
    m_recheck.start();
    m_cache->start();
    m_auditor->start();
}

void ReleaseEngine::republish()
{
    Core::post(this, [this] {
        Q_EMIT connectionChanged(m_cache->state(), m_cache->failureDetail());
        Q_EMIT freshnessChanged(m_cache->freshness());
        if (!m_cache->hasSynced()) {
            return;
        }
        // What was last published: any change since has its rebuild queued. A discovery of every
        // release here took the engine's thread for milliseconds while a new window drew itself.
        if (m_published) {
            Q_EMIT releasesChanged(m_releases);
        } else {
            rebuild();
        }
    });
}

void ReleaseEngine::setLiveBound(int ms)
{
    m_cache->setLiveBound(ms);
}

void ReleaseEngine::enableMetrics(int intervalMs)
{
    Core::post(this, [this, intervalMs] {
        if (m_metrics) {
            return;
        }
        m_metrics = new Metrics::ScrapeSource([client = m_client](const QString &path) { return client->getRaw(path); },
                                              intervalMs, 30'000, this);
        connect(m_metrics, &Metrics::ScrapeSource::metricsUpdated, this, &ReleaseEngine::metricsUpdated);
        connect(m_metrics, &Metrics::ScrapeSource::scrapeFailed, this, &ReleaseEngine::metricsFailed);
        m_metrics->setReleases(m_releases);
        m_metrics->start();
    });
}

QFuture<Result<ReleaseSnapshots>> ReleaseEngine::whenSynced()
{
    auto promise = std::make_shared<QPromise<Result<ReleaseSnapshots>>>();
    promise->start();
    QFuture<Result<ReleaseSnapshots>> future = promise->future();
    Core::post(this, [this, promise] {
        m_syncWaiters.append(promise);
        // The deadline counts from when the wait begins, not from the first failure reported: a
        // request retried after Retry-After reports its failure only seconds later.
        if (!m_cache->hasSynced() && !m_syncDeadline->isActive() && !m_syncDeadlinePassed) {
            m_syncDeadline->start(m_syncRetryMs);
        }
        onConnection();
    });
    return future;
}

QFuture<Result<ReleaseSnapshots>> ReleaseEngine::whenSyncedWithDatabases()
{
    auto promise = std::make_shared<QPromise<Result<ReleaseSnapshots>>>();
    promise->start();
    QFuture<Result<ReleaseSnapshots>> future = promise->future();
    Core::post(this, [this, promise] {
        Core::onFinished(whenSynced(), this, [this, promise](const Result<ReleaseSnapshots> &synced) {
            const QList<std::pair<QString, QString>> unread = synced.ok() ? m_databases->unread() : decltype(unread)();
            if (unread.isEmpty()) {
                promise->addResult(synced);
                promise->finish();
                return;
            }
            auto left = std::make_shared<qsizetype>(unread.size());
            for (const auto &[conninfo, schema] : unread) {
                m_databases->refresh(conninfo, schema, [this, promise, left] {
                    if (--*left == 0) {
                        rebuild(); // with the readings
                        promise->addResult(m_releases);
                        promise->finish();
                    }
                });
            }
        });
    });
    return future;
}

void ReleaseEngine::onConnection()
{
    const bool synced = m_cache->hasSynced();
    if (!synced && m_cache->listingFailure()) {
        // Only a list that failed holds the sync up: a watch dropped after its list (a proxy cutting
        // streams, a busy server) is repaired by listing again and must not fail the wait. Kept:
        // while the informers list again, the state reads Connecting, and the deadline may pass
        // just then.
        m_syncFailure = m_cache->listingFailure();
    }
    if (m_syncWaiters.isEmpty()) {
        return;
    }
    if (synced) {
        m_syncDeadline->stop();
        m_syncDeadlinePassed = false;
        m_syncFailure.reset();
        rebuild();
        for (const auto &waiter : std::exchange(m_syncWaiters, {})) {
            waiter->addResult(m_releases);
            waiter->finish();
        }
        return;
    }
    if (!m_syncFailure) {
        return; // still listing, nothing failed yet
    }
    // A busy or flaky server (5xx, 429, a timeout) gets the informers' retries until the sync
    // deadline; a refused connection or credential, or a server that is not one, does not heal
    // by waiting.
    const bool transient =
        m_syncFailure->kind == Core::ErrorKind::Server || m_syncFailure->kind == Core::ErrorKind::Timeout;
    if (transient && !m_syncDeadlinePassed) {
        if (!m_syncDeadline->isActive()) {
            m_syncDeadline->start(m_syncRetryMs);
        }
        return;
    }
    // Keep what went wrong: a refused credential is not a network problem.
    const Core::Error error = Core::makeError(m_syncFailure->kind,
                                              transient ? QStringLiteral("%1 (still failing after %2 s of retries)")
                                                              .arg(m_syncFailure->message)
                                                              .arg(m_syncRetryMs / 1000)
                                                        : m_syncFailure->message,
                                              m_syncFailure->httpStatus);
    for (const auto &waiter : std::exchange(m_syncWaiters, {})) {
        waiter->addResult(error);
        waiter->finish();
    }
}

void ReleaseEngine::scheduleRebuild()
{
    m_rebuild.start();
}

void ReleaseEngine::applyFreshness(ReleaseSnapshot &release) const
{
    const Core::DataFreshness freshness = m_cache->freshness();
    if (freshness.live) {
        return;
    }
    // What is shown may no longer be the cluster's state: nothing moves towards a version on the
    // strength of it. Rollback stays, and reads the route from the server before it writes.
    const QString reason =
        QStringLiteral("The data shown is stale (%1); only Rollback is possible until the console is live again.")
            .arg(freshness.reason);
    Core::Capabilities &c = release.capabilities;
    for (Core::Capability *capability : {&c.setWeight, &c.promote, &c.flip, &c.promoteFull, &c.abort, &c.retry,
                                         &c.pause, &c.resume, &c.restart, &c.undo, &c.scale}) {
        if (capability->enabled) {
            *capability = Core::Capability{false, reason};
        }
    }
}

void ReleaseEngine::rebuild()
{
    // Until every collection has been listed once, a release could look half there (a route
    // without its Deployments, or missing entirely): publish nothing rather than something wrong.
    if (!m_cache->hasSynced()) {
        return;
    }
    m_releases = Adapters::discoverReleases(m_cache->view());
    QList<std::pair<QString, QString>> databases;
    for (ReleaseSnapshot &release : m_releases) {
        if (!release.database.isEmpty()) {
            // The schema gate needs the database's state before it says what may move.
            release.databaseState = m_databases->state(release.database, release.databaseSchema);
            if (!release.databaseUnavailable.isEmpty()) {
                release.databaseState->read = false; // whoever made the route says why there is none
                release.databaseState->error = release.databaseUnavailable;
            }
            release.capabilities = Core::computeCapabilities(release);
            if (!databases.contains(std::pair{release.database, release.databaseSchema})) {
                databases.append({release.database, release.databaseSchema});
            }
        }
        m_permissions->apply(release);
        applyFreshness(release);
    }
    m_databases->watch(databases);
    if (m_metrics) {
        m_metrics->setReleases(m_releases);
    }
    watchForLapsedDrivers();
    m_published = true;
    Q_EMIT releasesChanged(m_releases);
    checkPendingFlips();
}

// A plan's driver holds the release while its heartbeat is younger than 30 s. Nothing on the route
// changes when a driver dies, so the engine looks again the moment the youngest heartbeat lapses:
// every console shows the plan as left, and Take over plan, at once.
void ReleaseEngine::watchForLapsedDrivers()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::optional<qint64> nextMs;
    for (const ReleaseSnapshot &release : m_releases) {
        if (!release.planDriver.isEmpty() && release.planProgress && release.planProgress->heartbeat.isValid()) {
            const qint64 lapsesIn = now.msecsTo(release.planProgress->heartbeat.addSecs(30)) + 50;
            nextMs = std::min(nextMs.value_or(lapsesIn), lapsesIn);
        }
    }
    if (nextMs) {
        m_driverLapse.start(int(std::clamp<qint64>(*nextMs, 0, 60'000)));
    } else {
        m_driverLapse.stop();
    }
}

const ReleaseSnapshot *ReleaseEngine::findRelease(const QString &name, Core::Error *error) const
{
    QList<const ReleaseSnapshot *> matches;
    QStringList known;
    for (const ReleaseSnapshot &release : m_releases) {
        known << release.name;
        if (release.name == name || release.namespaceName + QLatin1Char('/') + release.name == name) {
            matches << &release;
        }
    }
    if (matches.size() == 1) {
        return matches.first();
    }
    if (matches.isEmpty()) {
        *error = Core::noReleaseNamed(name, known, m_endpoint.namespaceName);
    } else {
        *error = Core::makeError(
            ErrorKind::InvalidInput,
            QStringLiteral("\"%1\" exists in several namespaces; name it as NAMESPACE/%1").arg(Core::shown(name)));
    }
    return nullptr;
}

QFuture<Result<ActionOutcome>> ReleaseEngine::perform(Core::ActionRequest request)
{
    auto promise = std::make_shared<QPromise<Result<ActionOutcome>>>();
    promise->start();
    QFuture<Result<ActionOutcome>> future = promise->future();
    Core::post(this, [this, request, promise] {
        m_actionsInFlight.removeIf([](const ActionInFlight &action) {
            const auto alive = action.promise.lock();
            return !alive || alive->future().isFinished();
        });
        m_actionsInFlight.append({request, promise});
        performOnThread(request, promise);
    });
    return future;
}

void ReleaseEngine::performOnThread(Core::ActionRequest request,
                                    std::shared_ptr<QPromise<Result<ActionOutcome>>> promise)
{
    // Publish what the action leaves in the cache before its verdict, so whoever shows the verdict
    // already has the snapshot that goes with it.
    auto finish = [this, promise, request](const Result<ActionOutcome> &result) {
        rebuild();
        // A plan's write that met a conflict is tried again on the plan's next tick: usually the
        // conflict is the plan's own progress write, not yet in the cache, and nothing changed. It
        // is no event for the history ("changed by someone else" was false); a conflict that
        // persists ends the plan Held, and that is recorded.
        const bool planRetries = request.fromPlan && !result.ok() && result.error().kind == Core::ErrorKind::Conflict;
        if (!planRetries) {
            Core::Error ignored;
            m_auditor->recordAction(request, findRelease(request.release, &ignored), result);
        }
        promise->addResult(result);
        promise->finish();
    };
    Core::Error error;
    const ReleaseSnapshot *found = findRelease(request.release, &error);
    if (!found) {
        return finish(error);
    }
    const ReleaseSnapshot before = *found;
    const bool haveReading = before.databaseState && before.databaseState->read;
    if (!before.database.isEmpty() && !request.databaseRead &&
        !(request.kind == Core::ActionKind::Rollback && haveReading)) {
        // The gate decides on the database as it is now, not as it was at the last poll. Rollback
        // goes at once on the last reading (at most 5 s old); only without any reading does it wait
        // for one (libpq's connect timeout bounds it at 5 s) — the trap needs to be seen.
        Core::ActionRequest again = request;
        again.databaseRead = true;
        return m_databases->refresh(before.database, before.databaseSchema, [this, again, promise] {
            rebuild();
            performOnThread(again, promise);
        });
    }
    const Core::DataFreshness freshness = m_cache->freshness();
    if (freshness.live) {
        return performNow(request, before, finish);
    }
    if (request.kind != Core::ActionKind::Rollback) {
        return finish(Core::makeError(
            ErrorKind::Refused,
            QStringLiteral("%1 was not changed: the data shown is stale (%2); only Rollback is possible until the "
                           "console is live again")
                .arg(before.name, freshness.reason)));
    }
    // Stale: a rollback must not be planned from a remembered state. Read the route from the server.
    Core::onFinished(m_client->get(before.routePath), this, [this, request, before, finish](const Result<Json> &fresh) {
        if (!fresh.ok()) {
            Core::Error reported = fresh.error();
            reported.message = QStringLiteral("cannot roll back %1: the cluster did not answer (%2); "
                                              "nothing was written")
                                   .arg(before.name, reported.message);
            return finish(reported);
        }
        m_cache->offer(before.routePath, fresh.value());
        rebuild();
        Core::Error error;
        const ReleaseSnapshot *now = findRelease(request.release, &error);
        if (!now) {
            return finish(error);
        }
        performNow(request, *now, finish);
    });
}

void ReleaseEngine::performNow(const Core::ActionRequest &request, const ReleaseSnapshot &before,
                               const std::function<void(const Result<ActionOutcome> &)> &finish)
{
    if (before.routeKind == Core::RouteKind::ArgoRollout) {
        return performOnRollout(request, before, finish);
    }
    if (before.routeKind == Core::RouteKind::FlaggerCanary) {
        return performOnCanary(request, before, finish);
    }
    auto *action = new RouteAction(m_client, m_cache, m_permissions, request, before, this);
    connect(action, &RouteAction::finished, this, finish);
    action->start();
}

// An action whose end state the release is in already: nothing to send, and a success — a retried
// pipeline step ("rollback", "abort", "pause" again) must not fail when the release is safe.
ActionOutcome ReleaseEngine::alreadyThere(const Core::ActionRequest &request, const ReleaseSnapshot &before,
                                          const QString &why)
{
    const QString said =
        why.startsWith(before.name + QLatin1Char(' ')) ? why : before.name + QStringLiteral(": ") + why;
    ActionOutcome there{request, before, before, said + QStringLiteral("; nothing was sent")};
    there.changed = false;
    return there;
}

qint64 ReleaseEngine::actionWaitBoundMs(const Core::ReleaseSnapshot &release) const
{
    switch (release.routeKind) {
    case Core::RouteKind::ArgoRollout:
        return RolloutDriver::longestWaitMs(m_reactionWaitMs);
    case Core::RouteKind::FlaggerCanary:
        return CanaryDriver::reactionWaitFor(release, m_reactionWaitMs);
    default:
        return RouteAction::retryBudgetMs;
    }
}

void ReleaseEngine::performOnRollout(const Core::ActionRequest &request, const ReleaseSnapshot &before,
                                     const std::function<void(const Result<ActionOutcome> &)> &finish)
{
    // The capability says why not (nothing to abort, already paused…): nothing is sent then.
    const Core::Capabilities &caps = before.capabilities;
    const QHash<Core::ActionKind, const Core::Capability *> gates = {
        {Core::ActionKind::SetWeight, &caps.setWeight}, {Core::ActionKind::Flip, &caps.flip},
        {Core::ActionKind::Promote, &caps.promote},     {Core::ActionKind::PromoteFull, &caps.promoteFull},
        {Core::ActionKind::Abort, &caps.abort},         {Core::ActionKind::Retry, &caps.retry},
        {Core::ActionKind::Pause, &caps.pause},         {Core::ActionKind::Resume, &caps.resume},
        {Core::ActionKind::Rollback, &caps.rollback},   {Core::ActionKind::Undo, &caps.undo}};
    const Core::Capability *gate = gates.value(request.kind);
    std::optional<Core::Capability> undo;
    if (request.kind == Core::ActionKind::Undo && request.revision != 0) {
        // The capability speaks of the previous revision; an undo to a chosen one asks for that one.
        const std::optional<Core::Error> refused = Core::rolloutUndoRefusal(before, request.revision);
        undo = refused ? Core::Capability{false, refused->message} : Core::Capability{true, {}};
        gate = &*undo;
    }
    if (gate && !gate->enabled && gate->already) {
        return finish(alreadyThere(request, before, gate->reason));
    }
    if (gate && !gate->enabled) {
        return finish(Core::makeError(ErrorKind::Refused, QStringLiteral("cannot %1 %2: %3")
                                                              .arg(Core::actionNameOn(request.kind, before.routeKind),
                                                                   before.name, gate->reason)));
    }
    if (!before.problem.isEmpty()) {
        return finish(Core::makeError(ErrorKind::Refused,
                                      QStringLiteral("%1 cannot be changed: %2").arg(before.name, before.problem)));
    }
    const Adapters::ClusterView view = m_cache->view();
    const Adapters::RouteAdapter *adapter = Adapters::adapterFor(before.routeKind);
    Json rollout;
    for (const Json *candidate : adapter->routes(view)) {
        if (Kube::objectNamespace(*candidate) == before.namespaceName &&
            Kube::objectName(*candidate) == before.routeName) {
            rollout = *candidate;
        }
    }
    auto *driver = new RolloutDriver(m_client, view, before, rollout, request, this);
    if (m_reactionWaitMs > 0) {
        driver->setControllerWaitMs(m_reactionWaitMs);
    }
    // Everything the driver reads or writes goes into the cache, and its verdict is read from
    // there: the panels show the controller's reaction as it arrives, never an older copy.
    driver->observe = [this](const QString &path, const Json &object) { m_cache->offer(path, object); };
    driver->currentView = [this] { return m_cache->view(); };
    connect(driver, &RolloutDriver::finished, this, [driver, finish](const Result<ActionOutcome> &outcome) {
        driver->deleteLater();
        finish(outcome);
    });
    driver->start();
}

void ReleaseEngine::performOnCanary(const Core::ActionRequest &request, const ReleaseSnapshot &before,
                                    const std::function<void(const Result<ActionOutcome> &)> &finish)
{
    const Core::Capabilities &caps = before.capabilities;
    const Core::Capability *gate = request.kind == Core::ActionKind::Pause    ? &caps.pause
                                   : request.kind == Core::ActionKind::Resume ? &caps.resume
                                                                              : nullptr;
    if (gate && !gate->enabled && gate->already) {
        return finish(alreadyThere(request, before, gate->reason));
    }
    auto *driver = new CanaryDriver(m_client, before, request, this);
    driver->setReactionWaitMs(m_reactionWaitMs);
    // As for Rollouts: every copy goes into the cache, and Flagger's reaction is read from there.
    driver->observe = [this](const QString &path, const Json &object) { m_cache->offer(path, object); };
    driver->readRelease = [this](const Json &canary) {
        ReleaseSnapshot read = Adapters::CanaryAdapter().read(canary, m_cache->view());
        read.capabilities = Core::computeCapabilities(read);
        return read;
    };
    connect(driver, &CanaryDriver::finished, this, [driver, finish](const Result<ActionOutcome> &outcome) {
        driver->deleteLater();
        finish(outcome);
    });
    driver->start();
}

} // namespace Curtain::Engine
