#pragma once

#include "sim/flaggercanary.h"
#include "sim/objectstore.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>

namespace Curtain::Sim {

// The Kubernetes objects the sim's Flagger makes and moves for one Canary, as Flagger's Deployment
// controller and its kubernetes and Gateway API routers do: the primary Deployment <target>-primary
// (the target's pod template under the selector label's value + "-primary"), the Services <apex>
// and <apex>-primary (the primary's pods) and <apex>-canary (the target's), and the HTTPRoute <apex>
// whose two backendRefs carry the weights. Every object it creates is owned by the Canary. The
// primary takes the target's labels under app.kubernetes.io and curtain.dev, as Flagger run with
// -include-label-prefix=app.kubernetes.io,curtain.dev copies them.
class FlaggerObjects
{
public:
    // `label` is the selector label Flagger found on the target (app, name or app.kubernetes.io/name).
    FlaggerObjects(ObjectStore &store, const nlohmann::json &canaryObject, const FlaggerCanary &canary,
                   std::pair<std::string, std::string> label);

    // The label among app, name, app.kubernetes.io/name the Deployment selects its pods by, with its value.
    static std::optional<std::pair<std::string, std::string>> selectorLabel(const nlohmann::json &deployment);
    // Why Flagger would call the Deployment not ready yet (isDeploymentReady), or nullopt when it is.
    static std::optional<std::string> notReady(const nlohmann::json &deployment);
    // The hash Flagger keeps in lastAppliedSpec: of the Deployment's pod template.
    static std::string templateHash(const nlohmann::json &deployment);

    // The primary and canary Services (Initialize), or the apex one (Reconcile): created, or their
    // selector and ports put back.
    void reconcileServices(bool apex);
    // Creates the primary Deployment from `target` when there is none; false if it cannot.
    bool ensurePrimary(const nlohmann::json &target);
    // Copies the target's pod template, replicas and strategy to the primary (Promote).
    void promote(const nlohmann::json &target);
    void scale(const std::string &deployment, long long replicas);
    // The HTTPRoute created, or its spec (but not its weights) put back; the problem when it cannot.
    std::optional<std::string> reconcileRoute();
    // The weights of the primary and the canary backend; nullopt with `problem` when there is no route.
    std::optional<std::pair<long long, long long>> routes(std::string *problem) const;
    void setRoutes(long long primaryWeight, long long canaryWeight);

    std::optional<nlohmann::json> deployment(const std::string &name) const;

private:
    nlohmann::json ownerReferences() const;
    nlohmann::json primaryLabels(const nlohmann::json &labels) const;
    nlohmann::json routeSpec(long long primaryWeight, long long canaryWeight) const;

    ObjectStore &m_store;
    const nlohmann::json &m_object;
    const FlaggerCanary &m_canary;
    std::pair<std::string, std::string> m_label;
};

} // namespace Curtain::Sim
