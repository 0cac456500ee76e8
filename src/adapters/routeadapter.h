#pragma once

#include "adapters/clusterview.h"
#include "core/action.h"
#include "core/release.h"
#include "core/result.h"
#include "kube/kubeclient.h"

#include <memory>
#include <vector>

namespace Curtain::Adapters {

// One conditional write: the request that moves a route to a TargetState.
struct RoutePatch
{
    QString path;
    Kube::PatchType type = Kube::PatchType::Merge;
    QByteArray body;
};

// Knows one kind of route: which objects are releases, how to read a snapshot from them and how
// to write a TargetState back in a single request guarded by the object's resourceVersion.
// read() and write() are the one boundary every route object crosses: whatever the object holds,
// read() returns a snapshot (a malformed one carries a `problem` naming the field) and write()
// returns a patch that is conditional and leaves some weight above 0, or an error; neither throws.
class RouteAdapter
{
public:
    virtual ~RouteAdapter() = default;

    virtual Core::RouteKind kind() const = 0;
    // The kind of the route object as the API names it ("HTTPRoute"), for problems.
    virtual QString objectKind() const = 0;
    // The API group and plural resource of the route objects, for permission checks.
    virtual QString group() const = 0;
    virtual QString resource() const = 0;
    // The route objects in the view that this adapter owns.
    virtual std::vector<const Kube::Json *> routes(const ClusterView &view) const = 0;
    // The API path of one route object (its apiVersion decides, where a kind is served in several).
    virtual QString objectPath(const Kube::Json &route) const = 0;

    Core::ReleaseSnapshot read(const Kube::Json &route, const ClusterView &view) const;
    Core::Result<RoutePatch> write(const Kube::Json &route, const ClusterView &view,
                                   const Core::TargetState &target) const;

private:
    // Fills the snapshot (its common fields already read) from the route. Type problems go to
    // `route` (read() names them), route-level ones straight into snapshot.problem.
    virtual void doRead(const Kube::Reader &route, const ClusterView &view, Core::ReleaseSnapshot &snapshot) const = 0;
    // The patch for a route read() found no problem with and a target with some weight above 0.
    virtual Core::Result<RoutePatch> doWrite(const Kube::Reader &route, const ClusterView &view,
                                             const Core::TargetState &target) const = 0;
    Core::Result<RoutePatch> checkedWrite(const Kube::Json &route, const ClusterView &view,
                                          const Core::TargetState &target) const;
};

const std::vector<std::unique_ptr<RouteAdapter>> &allAdapters();
const RouteAdapter *adapterFor(Core::RouteKind kind);

// Every release in the view, sorted by namespace and name, with capabilities filled in.
Core::ReleaseSnapshots discoverReleases(const ClusterView &view);

// Fills what every adapter shares: identity, environments, roles and plans from annotations.
void completeSnapshot(Core::ReleaseSnapshot &snapshot, const Kube::Reader &route, const ClusterView &view);
// The plan a route object keeps in its annotations (curtain.dev/plan, curtain.dev/plan-progress):
// the saved plan, where it is, and who drives it while its heartbeat is recent. An HAProxy fleet's
// releases keep theirs on an object of the same shape in a file.
void readPlanAnnotations(Core::ReleaseSnapshot &snapshot, const Kube::Reader &annotations);

} // namespace Curtain::Adapters
