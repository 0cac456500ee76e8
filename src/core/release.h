#pragma once

#include "core/canary.h"
#include "core/databasestate.h"
#include "core/plan.h"
#include "core/result.h"
#include "core/rollout.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <compare>
#include <optional>

namespace Curtain::Core {

// Colors are identity and never move; roles (stable, candidate) move between them.
enum class Color { Blue, Green };

QString colorName(Color color);
std::optional<Color> parseColor(const QString &name);
constexpr Color otherColor(Color color)
{
    return color == Color::Blue ? Color::Green : Color::Blue;
}

enum class RouteKind {
    ServiceSelector, // all-or-nothing: the Service's selector names one color
    HttpRoute,       // Gateway API HTTPRoute backendRef weights
    VirtualService,  // Istio VirtualService route destination weights
    TrafficSplit,    // SMI TrafficSplit backend weights
    NginxCanary,     // ingress-nginx canary Ingress: canary-weight annotations
    ArgoRollout,     // Argo Rollouts owns the weights; Curtain drives the controller
    HAProxyServers,  // an HAProxy backend's blue-* and green-* servers: their weights (runtime API)
    HAProxyMap,      // an HAProxy map entry switching between a blue and a green backend
    FeatureFlag,     // an OpenFeature flagd flag: the weights of its `fractional` split between two variants
    FlaggerCanary,   // a Flagger Canary: Flagger owns the weights; Curtain opens its gates
    FlagConfigMap,   // a flagd file in a ConfigMap: the same split as FeatureFlag, edited in the file's text
};

QString routeKindName(RouteKind kind);
// The kind of the route object: Service, HTTPRoute, VirtualService, TrafficSplit, Ingress, Rollout
// (Kubernetes), backend or map (HAProxy).
QString routeObjectKind(RouteKind kind);
// Routes whose weights Curtain writes itself (the slider moves them).
constexpr bool isWeighted(RouteKind kind)
{
    return kind == RouteKind::HttpRoute || kind == RouteKind::VirtualService || kind == RouteKind::TrafficSplit ||
           kind == RouteKind::NginxCanary || kind == RouteKind::HAProxyServers || kind == RouteKind::FeatureFlag ||
           kind == RouteKind::FlagConfigMap;
}

enum class Strategy { BlueGreen, Canary };
QString strategyName(Strategy strategy);

// The tag of a container image reference ("registry:5000/app:v2" → "v2"), or the whole reference
// when it has none: what the console shows as an environment's version.
QString imageTag(const QString &image);

// One deployable copy of the service at one version.
struct Environment
{
    Color color = Color::Blue;
    bool present = false; // false when the cluster has no Deployment for this color
    QString deployment;
    QString version;
    int desiredReplicas = 0;
    int readyReplicas = 0;
    int trafficPercent = 0;
    QString rolloutMessage; // kubectl rollout status wording, e.g. "2 of 3 updated replicas are available"
    bool rolloutComplete = false;
    QString metricsPath; // API path that serves this environment's Prometheus exposition, if any
    // The database schema version its pods use (curtain.dev/schema-version, else the search_path in
    // PGOPTIONS); empty when it declares none.
    QString schemaVersion;
    // What one pod requests (the sum over its containers' resources.requests): cores and bytes, 0
    // when none is declared. Times the replicas, what this color costs while it waits idle.
    double podCpuRequest = 0;
    double podMemoryRequest = 0;
    // A fingerprint of the Deployment's pod template: changes with every rollout (a new image, even
    // under the same tag, a new env), not with scaling. Empty when there is no template to read.
    QString templateHash = {};
    // When set, only the samples labelled variant="<this>" at metricsPath are this environment's:
    // a flag rollout whose one Deployment serves both variants labels its metrics so.
    QString metricsVariant = {};
    // metadata.deletionTimestamp is set: the Deployment is going away, kept only while finalizers
    // (a controller's, a GitOps tool's, a foreground deletion's) hold it. No move goes towards it;
    // rolloutMessage says since when and who holds it.
    bool deleting = false;
};

// Why an action is or is not possible right now; the UI shows the reason on a disabled control.
struct Capability
{
    bool enabled = false;
    QString reason;
    // Off because the release is where this action would take it already (paused, aborted, all
    // traffic on stable): asked for anyway, it changes nothing and succeeds, as a retried step should.
    bool already = false;
};

struct Capabilities
{
    Capability setWeight;
    Capability promote;
    Capability flip;
    Capability rollback;
    // The controller's own controls, for Argo Rollouts (disabled with a reason elsewhere).
    Capability promoteFull;
    Capability abort;
    Capability retry;
    Capability pause;
    Capability resume;
    Capability restart;
    Capability undo;
    Capability closeGates; // Flagger: the loadtester gates the Canary names
    // Resizing a color (and the flip that waits for it): off while stale, driven by a plan, or
    // without permission to patch the route, like every write but Rollback.
    Capability scale;
};

// Who a release is. Names repeat across namespaces (a `checkout` in `shop` and one in `shop-eu`), so
// every lookup, map and message to the engine uses the key; only what is displayed may drop the namespace.
struct ReleaseKey
{
    QString namespaceName;
    QString name;

    bool isEmpty() const { return name.isEmpty(); }
    // "namespace/name" (just the name while the namespace is unknown): the form the engine and
    // curtainctl accept.
    QString toString() const;
    // Reads "namespace/name", or a bare name (namespaceName stays empty: any namespace may match).
    static ReleaseKey fromString(const QString &text);
    // True when `other` names this release: equal keys, or a bare-name key with the same name.
    bool matches(const ReleaseKey &other) const;

    friend bool operator==(const ReleaseKey &a, const ReleaseKey &b) = default;
    friend std::strong_ordering operator<=>(const ReleaseKey &a, const ReleaseKey &b)
    {
        if (const int ns = QString::compare(a.namespaceName, b.namespaceName); ns != 0) {
            return ns <=> 0;
        }
        return QString::compare(a.name, b.name) <=> 0;
    }
};

size_t qHash(const ReleaseKey &key, size_t seed = 0) noexcept;
size_t qHash(Color color, size_t seed = 0) noexcept;

// An immutable description of one release at one moment: the only thing the UI reads.
struct ReleaseSnapshot
{
    QString name;
    QString namespaceName;
    RouteKind routeKind = RouteKind::ServiceSelector;
    QString routeName;
    QString routeResourceVersion;
    QString routePath; // the route object's API path, for writes that are not actions (plans)
    // What the route kind adds to the route's name, e.g. "flag recommendations: blue = classic, green = personalized".
    QString routeDetail;
    Environment blue;
    Environment green;
    Color stable = Color::Blue;
    std::optional<Color> previous; // the color that served before the last flip or promote
    QString previousVersion;       // the version it served then (curtain.dev/previous-version); empty: unknown
    QString previousTemplate;      // its pod template then (curtain.dev/previous-template, a templateHash)
    QDateTime
        switchedAt;  // since when the serving color has had all traffic (curtain.dev/switched-at); invalid: unknown
    QString problem; // set when the route cannot be read as a release (and actions are off)
    QString plan;    // the release's saved plan as written on the route (JSON), if any
    std::optional<Plan> savedPlan;                     // the same, parsed; nullopt when absent or not a valid plan
    std::optional<PlanProgress> planProgress;          // where a plan is, as its driver last wrote it on the route
    QString planDriver;                                // who drives a running plan; empty when none runs
    std::optional<RolloutStatus> rollout;              // Argo Rollouts only: the status as its kubectl plugin shows it
    std::optional<CanaryStatus> canary;                // Flagger canaries only: the status as Flagger writes it
    QString database;                                  // curtain.dev/database on the route: the schema gate's database
    QString databaseSchema = QStringLiteral("public"); // curtain.dev/database-schema: its tables' schema
    std::optional<DatabaseState> databaseState;        // the engine's last reading of it
    QString migrationsDirectory; // curtain.dev/migrations: where its migration files are (Expand starts there)
    QString databaseUnavailable; // curtain.dev/database-unavailable: why there is no database to read (the demo's)
    Capabilities capabilities;
    QDateTime observedAt;

    ReleaseKey key() const { return {namespaceName, name}; }
    Strategy strategy() const
    {
        if (rollout) {
            return rollout->strategy == QLatin1String("BlueGreen") ? Strategy::BlueGreen : Strategy::Canary;
        }
        if (canary) {
            return canary->blueGreen() ? Strategy::BlueGreen : Strategy::Canary;
        }
        return routeKind == RouteKind::ServiceSelector || routeKind == RouteKind::HAProxyMap ? Strategy::BlueGreen
                                                                                             : Strategy::Canary;
    }
    Color candidate() const { return otherColor(stable); }
    const Environment &environment(Color color) const { return color == Color::Blue ? blue : green; }
    Environment &environment(Color color) { return color == Color::Blue ? blue : green; }
    int candidateWeight() const { return environment(candidate()).trafficPercent; }
    QString health() const;
};

using ReleaseSnapshots = QList<ReleaseSnapshot>;

// How urgently a health (ReleaseSnapshot::health, or "unreachable") needs a person: 0 is the most
// urgent. Fleet views in the console and curtainctl sort by it.
int attentionRank(const QString &health);

// Why no release answers to `name`: the releases there are, or that there are none — in
// `namespaceName` when the view is one namespace (empty: every namespace the user may see).
Error noReleaseNamed(const QString &name, const QStringList &known, const QString &namespaceName);

} // namespace Curtain::Core

Q_DECLARE_METATYPE(Curtain::Core::ReleaseKey)
Q_DECLARE_METATYPE(Curtain::Core::ReleaseSnapshot)
Q_DECLARE_METATYPE(Curtain::Core::ReleaseSnapshots)
