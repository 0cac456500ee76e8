#include "adapters/routeadapter.h"

#include <QJsonDocument>

#include "adapters/argo/rolloutadapter.h"
#include "adapters/conventions.h"
#include "adapters/environmentreader.h"
#include "adapters/flagd/featureflagadapter.h"
#include "adapters/flagd/flagconfigmapadapter.h"
#include "adapters/flagger/canaryadapter.h"
#include "adapters/httprouteadapter.h"
#include "adapters/nginxcanaryadapter.h"
#include "adapters/serviceselectoradapter.h"
#include "adapters/trafficsplitadapter.h"
#include "adapters/virtualserviceadapter.h"

#include <algorithm>

namespace Curtain::Adapters {

const std::vector<std::unique_ptr<RouteAdapter>> &allAdapters()
{
    static const std::vector<std::unique_ptr<RouteAdapter>> adapters = [] {
        std::vector<std::unique_ptr<RouteAdapter>> list;
        list.push_back(std::make_unique<ServiceSelectorAdapter>());
        list.push_back(std::make_unique<HttpRouteAdapter>());
        list.push_back(std::make_unique<VirtualServiceAdapter>());
        list.push_back(std::make_unique<TrafficSplitAdapter>());
        list.push_back(std::make_unique<NginxCanaryAdapter>());
        list.push_back(std::make_unique<RolloutAdapter>());
        list.push_back(std::make_unique<FeatureFlagAdapter>());
        list.push_back(std::make_unique<FlagConfigMapAdapter>());
        list.push_back(std::make_unique<CanaryAdapter>());
        return list;
    }();
    return adapters;
}

const RouteAdapter *adapterFor(Core::RouteKind kind)
{
    for (const auto &adapter : allAdapters()) {
        if (adapter->kind() == kind) {
            return adapter.get();
        }
    }
    return nullptr;
}

void completeSnapshot(Core::ReleaseSnapshot &snapshot, const Kube::Reader &route, const ClusterView &view)
{
    const Kube::Reader metadata = route.field("metadata");
    const Kube::Reader annotations = metadata.field("annotations");
    auto annotation = [&annotations](const QString &key) { return annotations.field(key.toStdString()).string(); };
    snapshot.name = metadata.field("labels").field(Conventions::releaseLabel.toStdString()).string();
    snapshot.namespaceName = metadata.field("namespace").string();
    snapshot.routeName = metadata.field("name").string();
    snapshot.routeResourceVersion = metadata.field("resourceVersion").string();
    snapshot.routePath = adapterFor(snapshot.routeKind)->objectPath(*route.json());
    QString environmentProblem;
    snapshot.blue =
        readEnvironment(view, snapshot.namespaceName, snapshot.name, Core::Color::Blue, &environmentProblem);
    snapshot.green =
        readEnvironment(view, snapshot.namespaceName, snapshot.name, Core::Color::Green, &environmentProblem);
    snapshot.problem = environmentProblem;
    snapshot.previous = Core::parseColor(annotation(Conventions::previousAnnotation));
    snapshot.previousVersion = snapshot.previous ? annotation(Conventions::previousVersionAnnotation) : QString();
    snapshot.previousTemplate = snapshot.previous ? annotation(Conventions::previousTemplateAnnotation) : QString();
    snapshot.switchedAt = QDateTime::fromString(annotation(Conventions::switchedAtAnnotation), Qt::ISODate);
    snapshot.database = annotation(Conventions::databaseAnnotation);
    snapshot.migrationsDirectory = annotation(Conventions::migrationsAnnotation);
    snapshot.databaseUnavailable = annotation(Conventions::databaseUnavailableAnnotation);
    if (const QString schema = annotation(Conventions::databaseSchemaAnnotation); !schema.isEmpty()) {
        snapshot.databaseSchema = schema;
    }
    snapshot.observedAt = QDateTime::currentDateTimeUtc();
    // Plans live on the route whatever its kind.
    readPlanAnnotations(snapshot, annotations);
}

void readPlanAnnotations(Core::ReleaseSnapshot &snapshot, const Kube::Reader &annotations)
{
    auto annotation = [&annotations](const QString &key) { return annotations.field(key.toStdString()).string(); };
    snapshot.plan = annotation(Conventions::planAnnotation);
    if (const auto saved =
            Core::parsePlan(QJsonDocument::fromJson(snapshot.plan.toUtf8()).object(), Core::UnknownKeys::Ignored);
        saved.ok()) {
        snapshot.savedPlan = saved.value();
    }
    const QString progress = annotation(Conventions::planProgressAnnotation);
    if (const auto parsed = Core::PlanProgress::fromJson(QJsonDocument::fromJson(progress.toUtf8()).object());
        !progress.isEmpty() && parsed.ok()) {
        snapshot.planProgress = parsed.value();
        // A driver that stopped writing its heartbeat has gone: its plan no longer locks the release.
        if (parsed.value().drivenAt(QDateTime::currentDateTimeUtc())) {
            snapshot.planDriver =
                parsed.value().driver.isEmpty() ? QStringLiteral("another console") : parsed.value().driver;
        }
    }
}

namespace {

// Far deeper than any route or Rollout nests; past it the object is refused before anything copies it.
constexpr std::size_t maxNesting = 64;

// "HTTPRoute demo/catalog": how a problem names the object it is about.
QString describe(const RouteAdapter &adapter, const Kube::Json &route)
{
    return QStringLiteral("%1 %2/%3").arg(adapter.objectKind(), Kube::objectNamespace(route), Kube::objectName(route));
}

// Whether the patch body carries the route's resourceVersion where the API server checks it:
// metadata.resourceVersion of a merge patch, or a `test`/`replace` of /metadata/resourceVersion.
bool carriesResourceVersion(const RoutePatch &patch, const std::string &version)
{
    const Kube::Json body = Kube::Json::parse(patch.body.toStdString(), nullptr, false);
    const Kube::Reader reader(body);
    if (patch.type == Kube::PatchType::Json) {
        for (const Kube::Reader &op : reader.items()) {
            const std::string name = op.field("op").stdString();
            if ((name == "test" || name == "replace") && op.field("path").stdString() == "/metadata/resourceVersion" &&
                op.field("value").stdString() == version) {
                return reader.ok();
            }
        }
        return false;
    }
    return reader.field("metadata").field("resourceVersion").stdString() == version && reader.ok();
}

} // namespace

Core::ReleaseSnapshot RouteAdapter::read(const Kube::Json &route, const ClusterView &view) const
{
    Core::ReleaseSnapshot snapshot;
    snapshot.routeKind = kind();
    const Kube::Reader reader(route);
    QString failure;
    try {
        if (Kube::nestedDeeperThan(route, maxNesting)) {
            failure = QStringLiteral("nests objects deeper than %1 levels; Curtain does not read it").arg(maxNesting);
        } else {
            completeSnapshot(snapshot, reader, view);
            doRead(reader, view, snapshot);
            failure = reader.problem();
        }
    } catch (const std::exception &e) {
        // Only a defect gets here: the readers do not throw. The release is still listed, broken.
        failure = QStringLiteral("cannot be read (%1)").arg(QString::fromUtf8(e.what()));
    } catch (...) {
        failure = QStringLiteral("cannot be read");
    }
    if (!failure.isEmpty()) {
        snapshot.problem = describe(*this, route) + QStringLiteral(": ") + failure;
    }
    if (!snapshot.problem.isEmpty()) {
        // Listed under some name whatever failed, so the user sees which object to fix.
        snapshot.namespaceName = Kube::objectNamespace(route);
        snapshot.routeName = Kube::objectName(route);
        snapshot.routeResourceVersion = Kube::resourceVersion(route);
        if (snapshot.name.isEmpty()) {
            snapshot.name = Kube::label(route, Conventions::releaseLabel);
        }
        if (snapshot.name.isEmpty()) {
            snapshot.name = snapshot.routeName;
        }
    }
    return snapshot;
}

Core::Result<RoutePatch> RouteAdapter::write(const Kube::Json &route, const ClusterView &view,
                                             const Core::TargetState &target) const
{
    try {
        return checkedWrite(route, view, target);
    } catch (const std::exception &e) {
        return Core::makeError(Core::ErrorKind::Refused, QStringLiteral("%1 cannot be written (%2); nothing was sent")
                                                             .arg(describe(*this, route), QString::fromUtf8(e.what())));
    } catch (...) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("%1 cannot be written; nothing was sent").arg(describe(*this, route)));
    }
}

Core::Result<RoutePatch> RouteAdapter::checkedWrite(const Kube::Json &route, const ClusterView &view,
                                                    const Core::TargetState &target) const
{
    const QString what = describe(*this, route);
    if (target.blueWeight + target.greenWeight == 0) {
        return Core::makeError(Core::ErrorKind::Refused, QStringLiteral("refusing to set every weight to 0"));
    }
    if (const Core::ReleaseSnapshot before = read(route, view); !before.problem.isEmpty()) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("refusing to write %1: %2").arg(what, before.problem));
    }
    const std::string version = Kube::resourceVersion(route).toStdString();
    if (version.empty()) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("refusing to write %1: it has no metadata.resourceVersion, and every "
                                              "write must be conditional on one")
                                   .arg(what));
    }
    Core::Result<RoutePatch> patch = doWrite(Kube::Reader(route), view, target);
    if (!patch.ok()) {
        return patch;
    }
    if (!carriesResourceVersion(patch.value(), version)) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("refusing to write %1: the patch is not conditional on resourceVersion "
                                              "%2")
                                   .arg(what, QString::fromStdString(version)));
    }
    // Make before break: judge the route as it will be once the patch applies. Our own body, applied
    // to the route it was made from; should either throw anyway, write() is the boundary that catches.
    const Kube::Json body = Kube::Json::parse(patch.value().body.toStdString()); // check-json-readers: allow
    Kube::Json after = route;
    if (patch.value().type == Kube::PatchType::Json) {
        after = route.patch(body); // check-json-readers: allow
    } else {
        after.merge_patch(body);
    }
    const Core::ReleaseSnapshot result = read(after, view);
    if (!result.problem.isEmpty() || result.blue.trafficPercent + result.green.trafficPercent != 100) {
        return Core::makeError(
            Core::ErrorKind::Refused,
            QStringLiteral("refusing to write %1: the route would not serve traffic afterwards (%2)")
                .arg(what, result.problem.isEmpty() ? QStringLiteral("no weight above 0") : result.problem));
    }
    return patch;
}

Core::ReleaseSnapshots discoverReleases(const ClusterView &view)
{
    Core::ReleaseSnapshots releases;
    for (const auto &adapter : allAdapters()) {
        // read() turns any object into a snapshot, so one malformed route never hides the others.
        for (const Kube::Json *route : adapter->routes(view)) {
            Core::ReleaseSnapshot snapshot = adapter->read(*route, view);
            snapshot.capabilities = Core::computeCapabilities(snapshot);
            releases.append(std::move(snapshot));
        }
    }
    std::sort(releases.begin(), releases.end(), [](const auto &a, const auto &b) {
        return std::tie(a.namespaceName, a.name) < std::tie(b.namespaceName, b.name);
    });
    return releases;
}

} // namespace Curtain::Adapters
