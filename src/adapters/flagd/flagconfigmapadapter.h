#pragma once

#include "adapters/routeadapter.h"

namespace Curtain::Adapters {

// A flag rollout whose flagd file lives in a ConfigMap (JSON or YAML, in one data key, mounted where
// flagd reads it). The ConfigMap labelled curtain.dev/release is the route; its annotations say which
// flag and which variants, as on a FeatureFlag (flagd/flagsplit.h), and curtain.dev/flag-file which
// data key, when it holds more than one flagd file. A write rewrites that key's text in place: only
// the two colors' weights change, every other byte of the file and every other key stay as they were,
// and the patch is conditional on the resourceVersion.
class FlagConfigMapAdapter final : public RouteAdapter
{
public:
    Core::RouteKind kind() const override { return Core::RouteKind::FlagConfigMap; }
    QString objectKind() const override { return QStringLiteral("ConfigMap"); }
    QString group() const override { return {}; }
    QString resource() const override { return QStringLiteral("configmaps"); }
    std::vector<const Kube::Json *> routes(const ClusterView &view) const override;
    QString objectPath(const Kube::Json &route) const override;

private:
    void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const override;
    Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                     const Core::TargetState &target) const override;
};

} // namespace Curtain::Adapters
