#include "adapters/flagd/featureflagadapter.h"

#include "adapters/flagd/flagsplit.h"
#include "adapters/weightedroute.h"
#include "kube/apinames.h"

namespace Curtain::Adapters {

using Kube::Json;

namespace {

Flagd::FlagSet flagSetOf(const Kube::Reader &route)
{
    return {route.field("spec").field("flagSpec").field("flags"), route.field("metadata").field("annotations"),
            QStringLiteral("FeatureFlag %1").arg(route.field("metadata").field("name").string()),
            "/spec/flagSpec/flags"};
}

} // namespace

std::vector<const Json *> FeatureFlagAdapter::routes(const ClusterView &view) const
{
    return Weighted::labelledRoutes(view.featureFlags);
}

QString FeatureFlagAdapter::objectPath(const Json &route) const
{
    return QStringLiteral("/apis/core.openfeature.dev/v1beta1/namespaces/%1/featureflags/%2")
        .arg(Kube::pathSegment(Kube::objectNamespace(route)), Kube::pathSegment(Kube::objectName(route)));
}

void FeatureFlagAdapter::doRead(const Kube::Reader &route, const ClusterView &view,
                                Core::ReleaseSnapshot &snapshot) const
{
    const Core::Result<Flagd::Split> located = Flagd::locateSplit(flagSetOf(route));
    if (!located.ok()) {
        snapshot.problem = located.error().message;
        return;
    }
    const Flagd::Split &split = located.value();
    snapshot.routeDetail =
        QStringLiteral("flag %1: blue = %2, green = %3")
            .arg(split.flagKey, QString::fromStdString(split.blueVariant), QString::fromStdString(split.greenVariant));
    const auto weights = Flagd::readWeights(split);
    if (!weights.ok()) {
        snapshot.problem = weights.error().message;
        return;
    }
    Weighted::applyWeights(snapshot, route, weights.value().first, weights.value().second, split.what);
    Flagd::useVariantMetrics(snapshot, view, split);
}

Core::Result<RoutePatch> FeatureFlagAdapter::doWrite(const Kube::Reader &reader, const ClusterView &,
                                                     const Core::TargetState &target) const
{
    const Json &route = *reader.json();
    const Core::Result<Flagd::Split> located = Flagd::locateSplit(flagSetOf(reader));
    if (!located.ok()) {
        return located.error();
    }
    const Flagd::Split &split = located.value();
    Json operations = Json::array();
    operations.push_back(
        {{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", Kube::resourceVersion(route).toStdString()}});
    operations.push_back({{"op", "replace"}, {"path", split.pointer}, {"value", Flagd::targetList(split, target)}});
    Weighted::appendRoleOperations(operations, route, target);
    return RoutePatch{objectPath(route), Kube::PatchType::Json, QByteArray::fromStdString(operations.dump())};
}

} // namespace Curtain::Adapters
