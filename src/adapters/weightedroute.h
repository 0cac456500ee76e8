#pragma once

#include "adapters/clusterview.h"
#include "core/action.h"
#include "core/release.h"
#include "kube/json.h"

#include <array>
#include <optional>
#include <string>

// What the weighted-route adapters (HTTPRoute, VirtualService, TrafficSplit, NGINX canary) share:
// finding which backend is which color, turning two raw weights into percentages, and writing the
// role annotations in the same request as the weights.
namespace Curtain::Adapters::Weighted {

// A backend names a Service; the Service's curtain.dev/color label says which environment it is.
// Without the Service at hand, the <release>-blue / <release>-green naming convention decides.
// Istio hosts may be fully qualified (name.namespace.svc.cluster.local).
std::optional<Core::Color> colorOfService(const QString &name, const QString &namespaceName, const ClusterView &view);

// Fills both environments' traffic share and the roles from raw weights (-1 = that color has no
// backend), or sets snapshot.problem saying what the route lacks.
void applyWeights(Core::ReleaseSnapshot &snapshot, const Kube::Reader &route, long long blue, long long green,
                  const QString &what);

// The largest weight a backend may carry: Gateway API's bound, and far inside int32 for the meshes.
inline constexpr long long maxWeight = 1000000;

// The route objects labelled curtain.dev/release (and, if given, with `annotation` set to "true").
std::vector<const Kube::Json *> labelledRoutes(const Kube::ObjectList &objects, const QString &annotation = {});

// A JSON pointer to metadata.annotations[key], escaped as RFC 6901 wants ("/" → "~1").
std::string annotationPointer(const QString &key);

// JSON patch operations that record the target's roles on the route (stable, previous).
// The replaced color's version and pod template, as annotation key and value (empty: remove it):
// written beside curtain.dev/previous-color by every route kind that keeps roles.
std::array<std::pair<QString, QString>, 2> replacedRecord(const Core::TargetState &target);
void appendRoleOperations(Kube::Json &operations, const Kube::Json &route, const Core::TargetState &target);

// The same for a merge patch: the annotations object (null deletes a key).
Kube::Json roleAnnotations(const Kube::Json &route, const Core::TargetState &target);

// Splits `total` between the colors as the target's percentages do, keeping the sum exact.
std::pair<long long, long long> scaledWeights(const Core::TargetState &target, long long total);

} // namespace Curtain::Adapters::Weighted
