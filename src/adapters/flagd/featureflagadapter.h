#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// A percentage rollout behind an OpenFeature flag, defined in the OpenFeature Operator's FeatureFlag
// resource (core.openfeature.dev/v1beta1) that flagd reads. The release is one flag whose targeting
// splits callers with flagd's `fractional` operation; two of the flag's variants are blue and green
// (curtain.dev/blue-variant, curtain.dev/green-variant; by default the variants named so), and their
// weights in the split are the traffic shares. A write is a JSON patch, conditional on the
// resourceVersion, that replaces that one `fractional` list: every other flag, the bucketing
// expression and the rest of the targeting stay byte for byte what they were.
class FeatureFlagAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::FeatureFlag; }
    QString objectKind() const override { return QStringLiteral("FeatureFlag"); }
    QString group() const override { return QStringLiteral("core.openfeature.dev"); }
    QString resource() const override { return QStringLiteral("featureflags"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
