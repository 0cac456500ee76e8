#include "engine/clustercache.h"

#include "adapters/clusterview.h"
#include "adapters/conventions.h"
#include "core/clock.h"
#include "core/futures.h"
#include "kube/apinames.h"
#include "kube/informer.h"
#include "kube/kubeclient.h"

#include <QDateTime>
#include <QSet>

namespace Curtain::Engine {

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
    case ConnectionState::Stale:
        return QStringLiteral("stale");
    }
    return {};
}

struct ClusterCache::Collection
{
    Informer *informer = nullptr;
    Kube::ObjectList Adapters::ClusterView::*field = nullptr;
    QString unscopedPath; // the collection's path without a namespace, to route offered objects
};

namespace {

// "/apis/g/v/namespaces/ns/things/name" → "/apis/g/v/things": which collection an object is in.
QString unscopedCollection(const QString &path, bool dropName)
{
    QStringList parts = path.split(QLatin1Char('/'));
    if (dropName && !parts.isEmpty()) {
        parts.removeLast();
    }
    const qsizetype ns = parts.indexOf(QStringLiteral("namespaces"));
    if (ns >= 0 && ns + 2 < parts.size()) {
        parts.remove(ns, 2);
    }
    return parts.join(QLatin1Char('/'));
}

} // namespace

ClusterCache::ClusterCache(Kube::KubeClient *client, const QString &namespaceName, Options options, QObject *parent)
    : QObject(parent), m_client(client), m_namespace(namespaceName), m_options(options),
      m_clock(options.clock ? options.clock : Core::Clock::system())
{
    qRegisterMetaType<ConnectionState>();
    qRegisterMetaType<Core::DataFreshness>();
    m_freshness.boundSeconds = m_options.liveBoundMs / 1000;

    const QString release = Adapters::Conventions::releaseLabel;
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
          Adapters::Conventions::podTemplateHashLabel);
    watch(QStringLiteral("/apis/argoproj.io/v1alpha1"), QStringLiteral("analysisruns"), true, &View::analysisRuns, {});
    // The OpenFeature Operator's flag definitions, which flagd reads.
    watch(QStringLiteral("/apis/core.openfeature.dev/v1beta1"), QStringLiteral("featureflags"), true,
          &View::featureFlags, release);
    // flagd files kept in ConfigMaps: only those labelled as a release are watched.
    watch(QStringLiteral("/api/v1"), QStringLiteral("configmaps"), true, &View::configMaps, release);
    // Every Flagger Canary is a release, like every Rollout.
    watch(QStringLiteral("/apis/flagger.app/v1beta1"), QStringLiteral("canaries"), true, &View::canaries, {});
}

void ClusterCache::setLiveBound(int liveBoundMs)
{
    m_options.liveBoundMs = liveBoundMs;
    m_options.heartbeatMs = std::max(250, liveBoundMs / 3);
    m_freshness.boundSeconds = m_options.liveBoundMs / 1000;
}

ClusterCache::~ClusterCache()
{
    qDeleteAll(m_collections); // the informers themselves are children, deleted after this
}

void ClusterCache::watch(const QString &groupVersionPath, const QString &resource, bool optional,
                         Kube::ObjectList Adapters::ClusterView::*field, const QString &labelSelector)
{
    const QString path = collectionPath(groupVersionPath, resource);
    auto *informer = new Informer(m_client, path, labelSelector, optional, this, m_clock);
    connect(informer, &Informer::changed, this, &ClusterCache::changed);
    connect(informer, &Informer::stateChanged, this, &ClusterCache::updateState);
    connect(informer, &Informer::reset, this, &ClusterCache::reset);
    m_collections.append(new Collection{informer, field, unscopedCollection(path, false)});
}

QString ClusterCache::collectionPath(const QString &groupVersionPath, const QString &resource) const
{
    if (m_namespace.isEmpty()) {
        return groupVersionPath + QLatin1Char('/') + resource;
    }
    return QStringLiteral("%1/namespaces/%2/%3").arg(groupVersionPath, Kube::pathSegment(m_namespace), resource);
}

void ClusterCache::start()
{
    for (const Collection *c : std::as_const(m_collections)) {
        c->informer->start();
    }
    scheduleHeartbeat();
}

bool ClusterCache::hasSynced() const
{
    for (const Collection *c : m_collections) {
        if (!c->informer->hasSynced()) {
            return false;
        }
    }
    return true;
}

Adapters::ClusterView ClusterCache::view() const
{
    Adapters::ClusterView view;
    QSet<QString> seen; // field/namespace/name: a kind served in two versions appears once
    for (const Collection *c : m_collections) {
        Kube::ObjectList &list = view.*c->field;
        const Kube::ObjectMap objects = c->informer->objects(); // shared, not copied
        list.reserve(list.size() + std::size_t(objects.size()));
        for (const auto &[name, object] : objects.asKeyValueRange()) {
            const QString key = QString::number(quintptr(&list)) + QLatin1Char('/') + name;
            if (!seen.contains(key)) {
                seen.insert(key);
                list.push_back(object);
            }
        }
    }
    return view;
}

bool ClusterCache::offer(const QString &objectPath, const Json &object)
{
    const QString collection = unscopedCollection(objectPath, true);
    for (const Collection *c : std::as_const(m_collections)) {
        if (c->unscopedPath == collection) {
            c->informer->offer(object);
            // Held now if it was newer, or if the informer already had this version or a newer one.
            const Kube::ObjectPtr held = c->informer->objects().value(Kube::objectNamespace(object) + QLatin1Char('/') +
                                                                      Kube::objectName(object));
            return held && !Kube::isNewerVersion(Kube::resourceVersion(object), Kube::resourceVersion(*held));
        }
    }
    return false;
}

qint64 ClusterCache::lastContactMs() const
{
    qint64 last = m_lastProbeMs;
    for (const Collection *c : m_collections) {
        last = std::max(last, c->informer->lastHeardMs());
    }
    return last;
}

void ClusterCache::heartbeat()
{
    const qint64 now = nowMs();
    const qint64 last = lastContactMs();
    if (!m_probing && last > 0 && now - last >= m_options.heartbeatMs) {
        // A quiet cluster sends nothing: ask it something cheap, so silence means "not answering".
        m_probing = true;
        Core::onFinished(m_client->get(QStringLiteral("/version"), m_options.heartbeatMs), this,
                         [this](const Core::Result<Json> &answer) {
                             m_probing = false;
                             if (answer.ok()) {
                                 m_lastProbeMs = nowMs();
                                 updateState();
                             }
                         });
    }
    updateState();
    scheduleHeartbeat();
}

void ClusterCache::scheduleHeartbeat()
{
    // Looked at five times per heartbeat period, so silence is noticed within a fifth of it.
    m_clock->callAfter(std::max(250, m_options.heartbeatMs / 5), this, [this] { heartbeat(); });
}

qint64 ClusterCache::nowMs() const
{
    return m_clock->nowMs();
}

void ClusterCache::updateState()
{
    ConnectionState state = ConnectionState::Live;
    QString detail;
    m_listingFailure.reset();
    for (const Collection *c : std::as_const(m_collections)) {
        const Informer *informer = c->informer;
        if (informer->state() == Informer::State::Retrying) {
            state = ConnectionState::Reconnecting;
            detail = informer->lastError();
            m_failureKind = informer->lastErrorKind();
            m_failureStatus = informer->lastErrorStatus();
            if (!informer->hasSynced()) {
                m_listingFailure = Core::makeError(m_failureKind, detail, m_failureStatus);
            }
        } else if (state == ConnectionState::Live && informer->state() == Informer::State::Listing) {
            state = ConnectionState::Connecting;
        }
    }
    const qint64 last = lastContactMs();
    const qint64 silentMs = last > 0 ? nowMs() - last : 0;
    if (state == ConnectionState::Live && silentMs > m_options.liveBoundMs) {
        state = ConnectionState::Stale;
        detail = QStringLiteral("the server has not answered for over %1 s").arg(m_options.liveBoundMs / 1000);
    }
    m_failureDetail = detail;

    Core::DataFreshness freshness;
    freshness.boundSeconds = m_options.liveBoundMs / 1000;
    freshness.synced = hasSynced();
    // A watch that just dropped (a 401 while a token refreshes, a proxy timeout) is being
    // repaired; the data stays within its bound until the silence or the trouble outlasts it.
    const qint64 now = nowMs();
    if (state == ConnectionState::Live) {
        m_troubleSinceMs = 0;
    } else if (m_troubleSinceMs == 0) {
        m_troubleSinceMs = now;
    }
    const bool troubledTooLong = m_troubleSinceMs > 0 && now - m_troubleSinceMs > m_options.liveBoundMs;
    freshness.live =
        freshness.synced && state != ConnectionState::Stale && !troubledTooLong && silentMs <= m_options.liveBoundMs;
    freshness.lastContact = last > 0 ? QDateTime::fromMSecsSinceEpoch(last, Qt::UTC) : QDateTime();
    freshness.reason = freshness.live ? QString() : detail.isEmpty() ? QStringLiteral("connecting") : detail;
    const bool freshnessFlipped = freshness.live != m_freshness.live || freshness.reason != m_freshness.reason ||
                                  freshness.synced != m_freshness.synced;
    m_freshness = freshness;
    // A Stale detail counts seconds: announce the state change, not every tick.
    const bool announce = state != m_state || detail != m_announcedDetail;
    m_state = state;
    m_announcedDetail = detail;
    if (announce) {
        Q_EMIT connectionChanged(state, detail);
    }
    if (freshnessFlipped) {
        Q_EMIT freshnessChanged(m_freshness);
    }
}

} // namespace Curtain::Engine
