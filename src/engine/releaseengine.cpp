#include "engine/releaseengine.h"

#include "engine/rolloutdriver.h"

#include "core/futures.h"

#include "adapters/clusterview.h"
#include "adapters/routeadapter.h"
#include "kube/informer.h"
#include "kube/kubeclient.h"
#include "metrics/scrapesource.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPromise>
#include <QSet>

namespace Curtain::Engine {

using Core::ActionOutcome;
using Core::ErrorKind;
using Core::ReleaseSnapshot;
using Core::ReleaseSnapshots;
using Core::Result;
using Kube::Informer;
using Kube::Json;

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Connecting:
        return QStringLiteral("connecting");
    case ConnectionState::Live:
        return QStringLiteral("live");
    case ConnectionState::Reconnecting:
        return QStringLiteral("reconnecting");
    }
    return {};
}

namespace {

void registerMetaTypes()
{
    qRegisterMetaType<Core::ReleaseSnapshots>();
    qRegisterMetaType<Core::ReleaseMetrics>();
    qRegisterMetaType<ConnectionState>();
    qRegisterMetaType<Core::PlanProgress>();
    qRegisterMetaType<Core::Judgement>();
}

std::vector<Json> valuesOf(const Informer *informer)
{
    std::vector<Json> values;
    if (informer) {
        values.reserve(std::size_t(informer->objects().size()));
        for (const Json &object : informer->objects()) {
            values.push_back(object);
        }
    }
    return values;
}

} // namespace

ReleaseEngine::ReleaseEngine(Net::HttpClient *http, Core::ClusterEndpoint endpoint, QObject *parent)
    : QObject(parent), m_endpoint(endpoint), m_http(http),
      m_client(new Kube::KubeClient(http, std::move(endpoint), this)), m_namespace(m_endpoint.namespaceName),
      m_rebuild(this), m_recheck(this)
{
    registerMetaTypes();
    m_rebuild.setSingleShot(true);
    m_rebuild.setInterval(0); // coalesce the burst of events one change causes into one snapshot
    connect(&m_rebuild, &QTimer::timeout, this, &ReleaseEngine::rebuild);
    m_recheck.setInterval(60'000); // permissions can change without any object changing
    connect(&m_recheck, &QTimer::timeout, this, &ReleaseEngine::scheduleRebuild);
    const QString release = QStringLiteral("curtain.dev/release");
    using View = Adapters::ClusterView;
    watch(QStringLiteral("/apis/apps/v1"), QStringLiteral("deployments"), false, &View::deployments, release);
    watch(QStringLiteral("/api/v1"), QStringLiteral("services"), false, &View::services, release);
    // Route kinds a cluster may not have installed are optional: 404 reads as "none here".
    watch(QStringLiteral("/apis/gateway.networking.k8s.io/v1"), QStringLiteral("httproutes"), true, &View::httpRoutes,
          release);
    // Istio serves VirtualServices as v1 (1.22 on) and v1beta1; both are watched, v1 wins (see view()).
    watch(QStringLiteral("/apis/networking.istio.io/v1"), QStringLiteral("virtualservices"), true,
          &View::virtualServices, release);
    watch(QStringLiteral("/apis/networking.istio.io/v1beta1"), QStringLiteral("virtualservices"), true,
          &View::virtualServices, release);
    watch(QStringLiteral("/apis/split.smi-spec.io/v1alpha4"), QStringLiteral("trafficsplits"), true,
          &View::trafficSplits, release);
    watch(QStringLiteral("/apis/networking.k8s.io/v1"), QStringLiteral("ingresses"), true, &View::ingresses, release);
    // Every Argo Rollout is a release (the label only renames it); ReplicaSets only Argo's own.
    watch(QStringLiteral("/apis/argoproj.io/v1alpha1"), QStringLiteral("rollouts"), true, &View::rollouts, {});
    watch(QStringLiteral("/apis/apps/v1"), QStringLiteral("replicasets"), true, &View::replicaSets,
          QStringLiteral("rollouts-pod-template-hash"));
    watch(QStringLiteral("/apis/argoproj.io/v1alpha1"), QStringLiteral("analysisruns"), true, &View::analysisRuns, {});
}

ReleaseEngine::~ReleaseEngine() = default;

void ReleaseEngine::watch(const QString &groupVersionPath, const QString &resource, bool optional,
                          std::vector<Json> Adapters::ClusterView::*field, const QString &labelSelector)
{
    auto *informer = new Informer(m_client, collection(groupVersionPath, resource), labelSelector, optional, this);
    connect(informer, &Informer::changed, this, &ReleaseEngine::scheduleRebuild);
    connect(informer, &Informer::stateChanged, this, &ReleaseEngine::updateConnection);
    m_collections.append({informer, field});
}

void ReleaseEngine::applyPermissions(Core::ReleaseSnapshot &release)
{
    // Every action writes the route: one question covers them all. It is asked per namespace and
    // route kind (as `kubectl auth can-i patch services -n NS`), so 2,000 releases cost a handful of
    // reviews, not 2,000. Rollback is checked like the rest and greyed when denied, never hidden.
    const Adapters::RouteAdapter *adapter = Adapters::adapterFor(release.routeKind);
    const QString key =
        QStringLiteral("patch|%1|%2|%3").arg(adapter->group(), adapter->resource(), release.namespaceName);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Permission &permission = m_permissions[key];
    if (!permission.pending && now - permission.checkedMs > 60'000) {
        permission.pending = true;
        const Json review = {{"kind", "SelfSubjectAccessReview"},
                             {"apiVersion", "authorization.k8s.io/v1"},
                             {"spec",
                              {{"resourceAttributes",
                                {{"namespace", release.namespaceName.toStdString()},
                                 {"verb", "patch"},
                                 {"group", adapter->group().toStdString()},
                                 {"resource", adapter->resource().toStdString()}}}}}};
        Core::onFinished(m_client->create(QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"),
                                          QByteArray::fromStdString(review.dump())),
                         this, [this, key](const Result<Json> &answer) {
                             Permission &p = m_permissions[key];
                             p.pending = false;
                             p.checkedMs = QDateTime::currentMSecsSinceEpoch();
                             // A cluster that cannot answer (no SSAR, a network blip) is not a "no":
                             // the write itself will get the server's verdict.
                             p.allowed =
                                 !answer.ok() || answer.value().value(Json::json_pointer("/status/allowed"), true);
                             p.reason = answer.ok() ? Kube::stringAt(answer.value(), "/status/reason") : QString();
                             scheduleRebuild();
                         });
        return;
    }
    if (permission.allowed) {
        return;
    }
    const QString what =
        QStringLiteral("patch %1%2 in namespace %3")
            .arg(adapter->resource(), adapter->group().isEmpty() ? QString() : QLatin1Char('.') + adapter->group(),
                 release.namespaceName);
    const QString reason =
        QStringLiteral("You may not %1, which this action needs%2.")
            .arg(what, permission.reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(permission.reason));
    Core::Capabilities &c = release.capabilities;
    for (Core::Capability *capability : {&c.setWeight, &c.promote, &c.flip, &c.rollback}) {
        const bool argo = release.routeKind == Core::RouteKind::ArgoRollout;
        const bool structural =
            (capability == &c.setWeight && (release.routeKind == Core::RouteKind::ServiceSelector || argo)) ||
            (capability == &c.flip && argo);
        if (!structural) { // "use Flip" or "the controller owns the weights" says more than a permission would
            *capability = Core::Capability{false, reason};
        }
    }
    // The controller's own actions (Argo Rollouts) patch the same object.
    for (Core::Capability *capability :
         {&c.promoteFull, &c.abort, &c.retry, &c.pause, &c.resume, &c.restart, &c.undo}) {
        if (capability->enabled) {
            *capability = Core::Capability{false, reason};
        }
    }
}

QString ReleaseEngine::collection(const QString &groupVersionPath, const QString &resource) const
{
    if (m_namespace.isEmpty()) {
        return groupVersionPath + QLatin1Char('/') + resource;
    }
    return QStringLiteral("%1/namespaces/%2/%3").arg(groupVersionPath, m_namespace, resource);
}

void ReleaseEngine::start()
{
    QMetaObject::invokeMethod(this, &ReleaseEngine::startOnThread, Qt::QueuedConnection);
}

void ReleaseEngine::startOnThread()
{
    m_recheck.start();
    for (const Collection &c : std::as_const(m_collections)) {
        c.informer->start();
    }
}

void ReleaseEngine::enableMetrics(int intervalMs)
{
    QMetaObject::invokeMethod(this, [this, intervalMs] {
        if (m_metrics) {
            return;
        }
        m_metrics = new Metrics::ScrapeSource(m_client, intervalMs, 30'000, this);
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
    QMetaObject::invokeMethod(this, [this, promise] {
        m_syncWaiters.append(promise);
        updateConnection();
    });
    return future;
}

void ReleaseEngine::updateConnection()
{
    ConnectionState state = ConnectionState::Live;
    QString detail;
    ErrorKind failure = ErrorKind::Unreachable;
    bool synced = true;
    for (const Collection &c : std::as_const(m_collections)) {
        const Informer *informer = c.informer;
        synced = synced && informer->hasSynced();
        if (informer->state() == Informer::State::Retrying) {
            state = ConnectionState::Reconnecting;
            detail = informer->lastError();
            failure = informer->lastErrorKind();
        } else if (state == ConnectionState::Live && informer->state() == Informer::State::Listing) {
            state = ConnectionState::Connecting;
        }
    }
    if (state != m_connection || !detail.isEmpty()) {
        m_connection = state;
        Q_EMIT connectionChanged(state, detail);
    }
    if (m_syncWaiters.isEmpty()) {
        return;
    }
    if (state == ConnectionState::Reconnecting && !synced) {
        // Keep what went wrong: a refused credential is not a network problem.
        const Core::Error error = Core::makeError(failure, detail);
        for (const auto &waiter : std::exchange(m_syncWaiters, {})) {
            waiter->addResult(error);
            waiter->finish();
        }
    } else if (synced) {
        rebuild();
        for (const auto &waiter : std::exchange(m_syncWaiters, {})) {
            waiter->addResult(m_releases);
            waiter->finish();
        }
    }
}

void ReleaseEngine::scheduleRebuild()
{
    m_rebuild.start();
}

Adapters::ClusterView ReleaseEngine::view() const
{
    Adapters::ClusterView view;
    QSet<QString> seen; // namespace/name per list: a kind served in two versions appears once
    for (const Collection &c : m_collections) {
        std::vector<Json> &list = view.*c.field;
        for (const Json &object : valuesOf(c.informer)) {
            const QString key = QString::number(quintptr(&list)) + QLatin1Char('/') + Kube::objectNamespace(object) +
                                QLatin1Char('/') + Kube::objectName(object);
            if (!seen.contains(key)) {
                seen.insert(key);
                list.push_back(object);
            }
        }
    }
    return view;
}

void ReleaseEngine::rebuild()
{
    // Until every collection has been listed once, a release could look half there (a route
    // without its Deployments, or missing entirely): publish nothing rather than something wrong.
    for (const Collection &c : std::as_const(m_collections)) {
        if (!c.informer->hasSynced()) {
            return;
        }
    }
    m_releases = Adapters::discoverReleases(view());
    for (Core::ReleaseSnapshot &release : m_releases) {
        applyPermissions(release);
    }
    if (m_metrics) {
        m_metrics->setReleases(m_releases);
    }
    Q_EMIT releasesChanged(m_releases);
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
        return matches.front();
    }
    if (matches.isEmpty()) {
        *error = Core::makeError(
            ErrorKind::NotFound,
            known.isEmpty() ? QStringLiteral("no release named \"%1\": the cluster has no releases (no route is "
                                             "labelled curtain.dev/release)")
                                  .arg(name)
                            : QStringLiteral("no release named \"%1\"; known releases: %2")
                                  .arg(name, known.join(QStringLiteral(", "))));
    } else {
        *error =
            Core::makeError(ErrorKind::InvalidInput,
                            QStringLiteral("\"%1\" exists in several namespaces; name it as NAMESPACE/%1").arg(name));
    }
    return nullptr;
}

QFuture<Result<ActionOutcome>> ReleaseEngine::perform(Core::ActionRequest request)
{
    auto promise = std::make_shared<QPromise<Result<ActionOutcome>>>();
    promise->start();
    QFuture<Result<ActionOutcome>> future = promise->future();
    QMetaObject::invokeMethod(this, [this, request, promise] { performOnThread(request, promise); });
    return future;
}

void ReleaseEngine::performOnThread(Core::ActionRequest request,
                                    std::shared_ptr<QPromise<Result<ActionOutcome>>> promise)
{
    auto finish = [promise](const Result<ActionOutcome> &result) {
        promise->addResult(result);
        promise->finish();
    };
    Core::Error error;
    const ReleaseSnapshot *found = findRelease(request.release, &error);
    if (!found) {
        return finish(error);
    }
    ReleaseSnapshot before = *found;
    const Adapters::RouteAdapter *adapter = Adapters::adapterFor(before.routeKind);
    const Adapters::ClusterView current = view();
    Json route;
    for (const Json *candidate : adapter->routes(current)) {
        if (Kube::objectNamespace(*candidate) == before.namespaceName &&
            Kube::objectName(*candidate) == before.routeName) {
            route = *candidate;
        }
    }
    // The watch may have delivered a newer route than the last published snapshot: judge the
    // request against what will actually be written over, never against an older reading.
    if (!route.is_null() && Kube::resourceVersion(route) != before.routeResourceVersion) {
        before = adapter->read(route, current);
        before.capabilities = Core::computeCapabilities(before);
        applyPermissions(before);
    }
    if (before.routeKind == Core::RouteKind::ArgoRollout) {
        return performOnRollout(request, before, route, current, finish);
    }
    if (!request.expectedResourceVersion.isEmpty() && request.expectedResourceVersion != before.routeResourceVersion) {
        return finish(
            Core::makeError(ErrorKind::Conflict,
                            QStringLiteral("%1 changed since you looked at it (it now reads: blue %2 %, green %3 %, "
                                           "stable %4); nothing was written — review it and try again")
                                .arg(before.name)
                                .arg(before.blue.trafficPercent)
                                .arg(before.green.trafficPercent)
                                .arg(Core::colorName(before.stable))));
    }
    if (!before.planDriver.isEmpty() && !request.fromPlan && request.kind != Core::ActionKind::Rollback) {
        return finish(Core::makeError(ErrorKind::Refused,
                                      QStringLiteral("%1 is driven by a plan (%2); stop the plan first, or press "
                                                     "Rollback, which always works and ends it")
                                          .arg(before.name, before.planDriver)));
    }
    const Result<Core::TargetState> plan = Core::planAction(before, request);
    if (!plan.ok()) {
        return finish(plan.error());
    }
    const Core::TargetState target = plan.value();
    if (target == Core::currentState(before)) {
        return finish(ActionOutcome{request, before, before,
                                    QStringLiteral("%1: already there, nothing to change").arg(before.name)});
    }
    const Result<Adapters::RoutePatch> patch = adapter->write(route, current, target);
    if (!patch.ok()) {
        return finish(patch.error());
    }
    const QString path = patch.value().path;
    // Reads the route back and judges the write by what the cluster now says, not by the reply.
    auto readBack = [this, path, adapter, before, request, target, finish](std::optional<Core::Error> writeError) {
        Core::onFinished(
            m_client->get(path), this,
            [this, adapter, before, request, target, finish, writeError](const Result<Json> &fresh) {
                if (!fresh.ok()) {
                    return finish(writeError ? *writeError : fresh.error());
                }
                Adapters::ClusterView current = view();
                ReleaseSnapshot after = adapter->read(fresh.value(), current);
                after.capabilities = Core::computeCapabilities(after);
                const Core::TargetState now = Core::currentState(after);
                if (now == target) {
                    return finish(ActionOutcome{request, before, after, Core::describeChange(before, after)});
                }
                if (writeError) {
                    Core::Error reported = *writeError;
                    if (reported.httpStatus == 409 || reported.httpStatus == 422) {
                        reported.kind = ErrorKind::Conflict;
                        reported.message =
                            QStringLiteral("%1 was changed by someone else before this %2 (%3); nothing was "
                                           "written. It now reads: blue %4 %, green %5 %, stable %6 — review "
                                           "and try again")
                                .arg(before.name, Core::actionName(request.kind), reported.message)
                                .arg(after.blue.trafficPercent)
                                .arg(after.green.trafficPercent)
                                .arg(Core::colorName(after.stable));
                    } else if (now == Core::currentState(before)) {
                        reported.message += QStringLiteral("; %1 is unchanged").arg(before.name);
                    }
                    return finish(reported);
                }
                finish(Core::makeError(
                    ErrorKind::Server,
                    QStringLiteral("the cluster accepted the %1 but %2 reads back as blue %3 %, green %4 %")
                        .arg(Core::actionName(request.kind), before.name)
                        .arg(after.blue.trafficPercent)
                        .arg(after.green.trafficPercent)));
            });
    };
    Core::onFinished(m_client->patch(path, patch.value().type, patch.value().body), this,
                     [readBack](const Result<Json> &written) {
                         readBack(written.ok() ? std::nullopt : std::optional<Core::Error>(written.error()));
                     });
}

void ReleaseEngine::performOnRollout(const Core::ActionRequest &request, const ReleaseSnapshot &before,
                                     const Json &rollout, const Adapters::ClusterView &view,
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
    if (const Core::Capability *gate = gates.value(request.kind); gate && !gate->enabled) {
        return finish(Core::makeError(
            ErrorKind::Refused,
            QStringLiteral("cannot %1 %2: %3").arg(Core::actionName(request.kind), before.name, gate->reason)));
    }
    if (!before.problem.isEmpty()) {
        return finish(Core::makeError(ErrorKind::Refused,
                                      QStringLiteral("%1 cannot be changed: %2").arg(before.name, before.problem)));
    }
    auto *driver = new RolloutDriver(m_client, view, before, rollout, request, this);
    connect(driver, &RolloutDriver::finished, this, [driver, finish](const Result<ActionOutcome> &outcome) {
        driver->deleteLater();
        finish(outcome);
    });
    driver->start();
}

QFuture<Result<Core::PlanProgress>> ReleaseEngine::runPlan(const QString &release, const Core::Plan &plan,
                                                           const PlanOptions &options)
{
    auto promise = std::make_shared<QPromise<Result<Core::PlanProgress>>>();
    promise->start();
    QFuture<Result<Core::PlanProgress>> future = promise->future();
    QMetaObject::invokeMethod(this, [this, release, plan, options, promise] {
        if (m_runners.contains(release)) {
            promise->addResult(Core::makeError(ErrorKind::Refused,
                                               QStringLiteral("a plan is already running on %1 here").arg(release)));
            promise->finish();
            return;
        }
        auto *runner = new PlanRunner(this, m_client, m_http, release, plan, options, this);
        m_runners.insert(release, runner);
        connect(runner, &PlanRunner::updated, this,
                [this, release](const Core::PlanProgress &progress, const Core::Judgement &judgement) {
                    Q_EMIT planUpdated(release, progress, judgement);
                });
        connect(runner, &PlanRunner::finished, this,
                [this, runner, release, promise](const Result<Core::PlanProgress> &end) {
                    m_runners.remove(release);
                    runner->deleteLater();
                    promise->addResult(end);
                    promise->finish();
                });
        runner->start();
    });
    return future;
}

void ReleaseEngine::resumePlan(const QString &release)
{
    QMetaObject::invokeMethod(this, [this, release] {
        if (PlanRunner *runner = m_runners.value(release)) {
            runner->resume();
        }
    });
}

void ReleaseEngine::stopPlan(const QString &release, const QString &why)
{
    QMetaObject::invokeMethod(this, [this, release, why] {
        if (PlanRunner *runner = m_runners.value(release)) {
            runner->stop(why);
        }
    });
}

QFuture<Result<Core::Done>> ReleaseEngine::savePlan(const QString &release, const Core::Plan &plan)
{
    auto promise = std::make_shared<QPromise<Result<Core::Done>>>();
    promise->start();
    QFuture<Result<Core::Done>> future = promise->future();
    QMetaObject::invokeMethod(this, [this, release, plan, promise] {
        auto finish = [promise](const Result<Core::Done> &r) {
            promise->addResult(r);
            promise->finish();
        };
        Core::Error error;
        const ReleaseSnapshot *found = findRelease(release, &error);
        if (!found) {
            return finish(error);
        }
        const Json patch = {
            {"metadata",
             {{"annotations",
               {{"curtain.dev/plan", QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact).toStdString()}}}}}};
        const QString path = found->routePath;
        Core::onFinished(m_client->patch(path, Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())), this,
                         [finish](const Result<Json> &written) {
                             finish(written.ok() ? Result<Core::Done>(Core::Done{})
                                                 : Result<Core::Done>(written.error()));
                         });
    });
    return future;
}

} // namespace Curtain::Engine
