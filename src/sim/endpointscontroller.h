#pragma once

#include "sim/objectstore.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace Curtain::Sim {

// kube's endpoints controller: for every Service with a selector, an Endpoints object of the same
// name listing the pods the selector picks — ready ones under `addresses`, the others under
// `notReadyAddresses` — at each Service port's target port (a named one looked up in the pod's
// containers). It is what `kubectl get endpoints` and `kubectl describe service` show, and what a
// release engineer checks after a flip: which pods the Service sends to now. Endpoints of a Service
// that is deleted go with it; a selector-less Service's Endpoints are its owner's to write, as in
// kube, and so are those of a Service that loses its selector.
//
// It writes each such Service's EndpointSlices too (src/sim/endpointslices.h), from the same
// subsets, and deletes them with the Service or its selector.
//
// Follows the store's history of Pods and Services, so a tick with no change to either costs one
// look at the history; only the Services a change touches are looked at again.
class EndpointsController
{
public:
    explicit EndpointsController(ObjectStore &store) : m_store(store) {}

    // From the model's tick, after the pods are reconciled.
    void reconcile();

private:
    struct PodEntry
    {
        std::map<std::string, std::string> labels;
        std::string ip;
        std::string nodeName;
        std::string uid;
        bool ready = false;
        std::map<std::string, long long> namedPorts; // containerPort by port name
    };
    struct ServicePort
    {
        std::string name;
        std::string protocol;
        long long targetNumber = 0; // the target port when numeric
        std::string targetName;     // when it names a container port
    };
    struct ServiceEntry
    {
        std::map<std::string, std::string> selector; // never empty: selector-less Services are not kept
        std::map<std::string, std::string> labels;
        std::string uid; // the owner its EndpointSlices name
        std::vector<ServicePort> ports;
        bool publishNotReady = false;
        bool headless = false;
        bool deleting = false; // has a deletionTimestamp: no new EndpointSlice is made for it
    };
    using Namespaced = std::pair<std::string, std::string>; // namespace, name

    bool follow(std::set<Namespaced> *touched); // false: the history no longer reaches back; read all
    void readAll(std::set<Namespaced> *touched);
    void notePod(const std::string &ns, const nlohmann::json &pod, bool deleted, std::set<Namespaced> *touched);
    void noteService(const std::string &ns, const nlohmann::json &service, bool deleted, std::set<Namespaced> *touched);
    void touchSelecting(const std::string &ns, const std::map<std::string, std::string> &labels,
                        std::set<Namespaced> *touched) const;
    static nlohmann::json portsOf(const ServiceEntry &service, const PodEntry &pod);
    nlohmann::json subsetsFor(const std::string &ns, const ServiceEntry &service) const;
    void write(const Namespaced &service);
    void writeSlices(const Namespaced &key, const ServiceEntry &owner, const nlohmann::json &labels,
                     const nlohmann::json &subsets);
    void removeSlices(const Namespaced &key);

    ObjectStore &m_store;
    std::uint64_t m_seen = 0;
    bool m_started = false;
    std::map<std::string, std::map<std::string, PodEntry>> m_pods;         // by namespace, then name
    std::map<std::string, std::map<std::string, ServiceEntry>> m_services; // the same
    // Indexes by namespace and "key=value": the pods carrying each label, and the Services whose
    // selector's first label it is (thousands of Services and pods in one namespace stay cheap).
    std::map<std::string, std::map<std::string, std::set<std::string>>> m_podsByLabel;
    std::map<std::string, std::map<std::string, std::set<std::string>>> m_servicesByLabel;
    std::set<Namespaced> m_managed; // the Endpoints this controller writes
    struct WrittenSlices
    {
        std::string uid;       // of the Service they were written for
        std::size_t count = 0; // slices 0..count-1 of sliceName()
    };
    std::map<Namespaced, WrittenSlices> m_slices; // by Service
};

} // namespace Curtain::Sim
