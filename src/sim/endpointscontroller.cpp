#include "sim/endpointscontroller.h"

#include "sim/controllerevents.h"
#include "sim/endpointslices.h"
#include "sim/jsonread.h"

#include <algorithm>
#include <chrono>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

std::map<std::string, std::string> stringMap(const json &object, const char *pointer)
{
    std::map<std::string, std::string> map;
    const json *found = fieldAt(object, pointer);
    if (found && found->is_object()) {
        for (auto it = found->begin(); it != found->end(); ++it) {
            if (it->is_string()) {
                map[it.key()] = it->get<std::string>();
            }
        }
    }
    return map;
}

bool selects(const std::map<std::string, std::string> &selector, const std::map<std::string, std::string> &labels)
{
    return std::all_of(selector.begin(), selector.end(), [&labels](const auto &wanted) {
        const auto it = labels.find(wanted.first);
        return it != labels.end() && it->second == wanted.second;
    });
}

std::string pair(const std::string &key, const std::string &value)
{
    return key + "=" + value;
}

// Takes `name` out of the index entry `label`, and the entry with it once empty.
void unfile(std::map<std::string, std::set<std::string>> &index, const std::string &label, const std::string &name)
{
    const auto filed = index.find(label);
    if (filed != index.end() && filed->second.erase(name) && filed->second.empty()) {
        index.erase(filed);
    }
}

bool podReady(const json &pod)
{
    const json *conditions = fieldAt(pod, "/status/conditions");
    if (!conditions || !conditions->is_array()) {
        return false;
    }
    return std::any_of(conditions->begin(), conditions->end(), [](const json &condition) {
        return textAt(condition, "/type") == "Ready" && textAt(condition, "/status") == "True";
    });
}

} // namespace

void EndpointsController::reconcile()
{
    std::set<Namespaced> touched;
    if (!m_started || !follow(&touched)) {
        readAll(&touched);
        m_started = true;
    }
    for (const Namespaced &service : touched) {
        write(service);
    }
}

bool EndpointsController::follow(std::set<Namespaced> *touched)
{
    // Read up to a version taken first: what is written meanwhile is read again next time, and
    // reading an event twice leaves the same state.
    const std::uint64_t upTo = m_store.currentResourceVersion();
    if (upTo == m_seen) {
        return true; // nothing written since: no history to scan
    }
    const auto past = std::chrono::steady_clock::now(); // look, do not wait
    std::vector<StoredEvent> events;
    for (const char *kind : {"Service", "Pod", "Endpoints", "EndpointSlice"}) {
        if (m_store.waitForEvents(builtInType(kind), "", m_seen, past, &events) == ObjectStore::WaitResult::Expired) {
            return false;
        }
    }
    std::sort(events.begin(), events.end(),
              [](const StoredEvent &a, const StoredEvent &b) { return a.resourceVersion < b.resourceVersion; });
    for (const StoredEvent &event : events) {
        const bool deleted = event.type == "DELETED";
        if (event.resource->kind == "Service") {
            noteService(event.namespaceName, event.object, deleted, touched);
        } else if (event.resource->kind == "Endpoints" || event.resource->kind == "EndpointSlice") {
            // Its own writes come back here too; only one someone else changed or deleted is
            // written again (write() compares with what is stored).
            const bool slice = event.resource->kind == "EndpointSlice";
            const std::string name = textAt(event.object, "/metadata/name");
            const Namespaced key{event.namespaceName,
                                 slice ? textAt(event.object, "/metadata/labels/kubernetes.io~1service-name") : name};
            // A slice is ours by its name too (`<service>-<suffix>`): one whose label someone
            // changed or removed is written back.
            const Namespaced named{event.namespaceName, name.substr(0, name.rfind('-'))};
            if (m_managed.count(key) || (slice && m_slices.count(key))) {
                touched->insert(key);
            } else if (slice && name.find('-') != std::string::npos && m_slices.count(named)) {
                touched->insert(named);
            }
        } else {
            notePod(event.namespaceName, event.object, deleted, touched);
        }
    }
    m_seen = upTo;
    return true;
}

void EndpointsController::readAll(std::set<Namespaced> *touched)
{
    m_seen = m_store.currentResourceVersion();
    m_pods.clear();
    m_services.clear();
    m_podsByLabel.clear();
    m_servicesByLabel.clear();
    // The filters read each object under the store's lock and keep no copy.
    m_store.select(builtInType("Service"), [&](const json &service) {
        noteService(textAt(service, "/metadata/namespace"), service, false, touched);
        return false;
    });
    m_store.select(builtInType("Pod"), [&](const json &pod) {
        notePod(textAt(pod, "/metadata/namespace"), pod, false, nullptr); // every Service is touched already
        return false;
    });
    touched->insert(m_managed.begin(), m_managed.end()); // Services that went while the history was out of reach
}

void EndpointsController::notePod(const std::string &ns, const json &pod, bool deleted, std::set<Namespaced> *touched)
{
    const std::string name = textAt(pod, "/metadata/name");
    auto &pods = m_pods[ns];
    auto &byLabel = m_podsByLabel[ns];
    if (const auto before = pods.find(name); before != pods.end()) {
        touchSelecting(ns, before->second.labels, touched); // the Services that picked it as it was
        for (const auto &[key, value] : before->second.labels) {
            unfile(byLabel, pair(key, value), name);
        }
        pods.erase(before);
    }
    // A pod being deleted or done (Succeeded, Failed) serves nothing: kube leaves it out.
    const std::string phase = textAt(pod, "/status/phase");
    if (deleted || fieldAt(pod, "/metadata/deletionTimestamp") || phase == "Succeeded" || phase == "Failed") {
        return;
    }
    PodEntry entry;
    entry.labels = stringMap(pod, "/metadata/labels");
    entry.ip = textAt(pod, "/status/podIP");
    entry.nodeName = textAt(pod, "/spec/nodeName");
    entry.uid = textAt(pod, "/metadata/uid");
    entry.ready = podReady(pod);
    const json *containers = fieldAt(pod, "/spec/containers");
    for (std::size_t i = 0; containers && containers->is_array() && i < containers->size(); ++i) {
        const json *ports = fieldAt((*containers)[i], "/ports");
        for (std::size_t p = 0; ports && ports->is_array() && p < ports->size(); ++p) {
            const std::string portName = textAt((*ports)[p], "/name");
            const long long number = integerAt((*ports)[p], "/containerPort", 0);
            if (!portName.empty() && number > 0) {
                entry.namedPorts.emplace(portName, number);
            }
        }
    }
    touchSelecting(ns, entry.labels, touched); // and those that pick it now
    for (const auto &[key, value] : entry.labels) {
        byLabel[pair(key, value)].insert(name);
    }
    pods[name] = std::move(entry);
}

void EndpointsController::noteService(const std::string &ns, const json &service, bool deleted,
                                      std::set<Namespaced> *touched)
{
    const std::string name = textAt(service, "/metadata/name");
    touched->insert({ns, name});
    auto &services = m_services[ns];
    if (const auto before = services.find(name); before != services.end()) {
        const auto &[key, value] = *before->second.selector.begin();
        unfile(m_servicesByLabel[ns], pair(key, value), name);
        services.erase(before);
    }
    ServiceEntry entry;
    entry.selector = stringMap(service, "/spec/selector");
    if (deleted || entry.selector.empty() || textAt(service, "/spec/type") == "ExternalName") {
        return;
    }
    entry.labels = stringMap(service, "/metadata/labels");
    entry.uid = textAt(service, "/metadata/uid");
    entry.publishNotReady = valueAt(service, "/spec/publishNotReadyAddresses", false) == true;
    entry.headless = textAt(service, "/spec/clusterIP") == "None";
    entry.deleting = fieldAt(service, "/metadata/deletionTimestamp") != nullptr;
    const json *ports = fieldAt(service, "/spec/ports");
    for (std::size_t i = 0; ports && ports->is_array() && i < ports->size(); ++i) {
        const json &port = (*ports)[i];
        ServicePort entryPort;
        entryPort.name = textAt(port, "/name");
        entryPort.protocol = textAt(port, "/protocol", "TCP");
        const json target = valueAt(port, "/targetPort", valueAt(port, "/port", json()));
        if (target.is_number_integer()) {
            entryPort.targetNumber = target.get<long long>();
        } else if (target.is_string()) {
            entryPort.targetName = target.get<std::string>();
        }
        entry.ports.push_back(std::move(entryPort));
    }
    const auto &[key, value] = *entry.selector.begin();
    m_servicesByLabel[ns][pair(key, value)].insert(name);
    services[name] = std::move(entry);
}

void EndpointsController::touchSelecting(const std::string &ns, const std::map<std::string, std::string> &labels,
                                         std::set<Namespaced> *touched) const
{
    const auto services = m_services.find(ns);
    const auto byLabel = m_servicesByLabel.find(ns);
    if (!touched || services == m_services.end() || byLabel == m_servicesByLabel.end()) {
        return;
    }
    for (const auto &[key, value] : labels) { // a Service that selects these labels is filed under one of them
        const auto filed = byLabel->second.find(pair(key, value));
        if (filed == byLabel->second.end()) {
            continue;
        }
        for (const std::string &name : filed->second) {
            if (selects(services->second.at(name).selector, labels)) {
                touched->insert({ns, name});
            }
        }
    }
}

// The Service's ports at `pod`: each target port resolved (a named one through the pod's containers),
// the ones the pod lacks left out.
json EndpointsController::portsOf(const ServiceEntry &service, const PodEntry &pod)
{
    json ports = json::array();
    for (const ServicePort &port : service.ports) {
        long long number = port.targetNumber;
        if (!port.targetName.empty()) {
            const auto named = pod.namedPorts.find(port.targetName);
            number = named == pod.namedPorts.end() ? 0 : named->second;
        }
        if (number <= 0) {
            continue;
        }
        json entry = {{"port", number}, {"protocol", port.protocol}};
        if (!port.name.empty()) {
            entry["name"] = port.name;
        }
        ports.push_back(std::move(entry));
    }
    return ports;
}

// kube's subsets: the pods grouped by the ports they resolve to, addresses sorted by IP, a pod with
// no IP yet left out (as is one a named target port is missing from).
json EndpointsController::subsetsFor(const std::string &ns, const ServiceEntry &service) const
{
    json subsets = json::array();
    const auto pods = m_pods.find(ns);
    if (pods == m_pods.end()) {
        return subsets;
    }
    // The candidates: the pods carrying the selector's rarest label.
    const auto byLabel = m_podsByLabel.find(ns);
    if (byLabel == m_podsByLabel.end()) {
        return subsets;
    }
    const std::set<std::string> *candidates = nullptr;
    for (const auto &[key, value] : service.selector) {
        const auto filed = byLabel->second.find(pair(key, value));
        if (filed == byLabel->second.end()) {
            return subsets; // no pod carries this label
        }
        if (!candidates || filed->second.size() < candidates->size()) {
            candidates = &filed->second;
        }
    }
    std::map<json, std::pair<std::vector<json>, std::vector<json>>> byPorts; // ports → ready, not ready
    for (const std::string &podName : *candidates) {
        const PodEntry &pod = pods->second.at(podName);
        if (pod.ip.empty() || !selects(service.selector, pod.labels)) {
            continue;
        }
        // Each port on its own: a pod without the port a named target asks for serves the others.
        // A Service without ports lists its pods' bare addresses only when headless.
        const json ports = portsOf(service, pod);
        if (ports.empty() && (!service.ports.empty() || !service.headless)) {
            continue;
        }
        json address = {{"ip", pod.ip},
                        {"targetRef", {{"kind", "Pod"}, {"namespace", ns}, {"name", podName}, {"uid", pod.uid}}}};
        if (!pod.nodeName.empty()) {
            address["nodeName"] = pod.nodeName;
        }
        auto &group = byPorts[ports];
        (pod.ready || service.publishNotReady ? group.first : group.second).push_back(std::move(address));
    }
    const auto byIp = [](const json &a, const json &b) { return textAt(a, "/ip") < textAt(b, "/ip"); };
    for (auto &[ports, addresses] : byPorts) {
        json subset = json::object();
        std::sort(addresses.first.begin(), addresses.first.end(), byIp);
        std::sort(addresses.second.begin(), addresses.second.end(), byIp);
        if (!addresses.first.empty()) {
            subset["addresses"] = addresses.first;
        }
        if (!addresses.second.empty()) {
            subset["notReadyAddresses"] = addresses.second;
        }
        if (!ports.empty()) {
            subset["ports"] = ports;
        }
        subsets.push_back(std::move(subset));
    }
    return subsets;
}

void EndpointsController::write(const Namespaced &key)
{
    const auto &[ns, name] = key;
    const ResourceType &type = builtInType("Endpoints");
    const auto services = m_services.find(ns);
    if (services == m_services.end() || !services->second.count(name)) {
        // As kube: the Endpoints of a Service that went go with it, whoever wrote them; those of a
        // Service that lost its selector (or became an ExternalName) are left to its owner.
        m_managed.erase(key);
        if (!m_store.contains(builtInType("Service"), ns, name)) {
            m_store.remove(type, ns, name);
        }
        removeSlices(key);
        return;
    }
    const ServiceEntry &service = services->second.at(name);
    const json subsets = subsetsFor(ns, service);
    json labels = json::object();
    for (const auto &[label, value] : service.labels) {
        labels[label] = value;
    }
    if (service.headless) {
        labels["service.kubernetes.io/headless"] = "";
    }
    m_managed.insert(key);
    writeSlices(key, service, labels, subsets);
    const auto stored = m_store.get(type, ns, name);
    if (const json *current = std::get_if<json>(&stored)) {
        if (valueAt(*current, "/subsets", json::array()) == subsets &&
            valueAt(*current, "/metadata/labels", json::object()) == labels) {
            return;
        }
    }
    const std::string changed = utcNow(9);
    const bool updated = m_store.updateStatus(type, ns, name, [&](json &endpoints) {
        endpoints["metadata"]["labels"] = labels;
        endpoints["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] = changed;
        if (subsets.empty()) {
            endpoints.erase("subsets");
        } else {
            endpoints["subsets"] = subsets;
        }
    });
    if (!updated && m_store.contains(builtInType("Namespace"), "", ns)) { // none into a deleted namespace
        json endpoints = {{"metadata",
                           {{"name", name},
                            {"namespace", ns},
                            {"labels", labels},
                            {"annotations", {{"endpoints.kubernetes.io/last-change-trigger-time", changed}}}}}};
        if (!subsets.empty()) {
            endpoints["subsets"] = subsets;
        }
        m_store.create(type, ns, std::move(endpoints));
    }
}

// As kube's EndpointSlice controller: a Service being deleted (in the foreground, or held by a
// finalizer) keeps its slices up to date but gets no new one, so that the garbage collector can
// delete them before it.
void EndpointsController::writeSlices(const Namespaced &key, const ServiceEntry &owner, const json &labels,
                                      const json &subsets)
{
    const std::string &uid = owner.uid;
    const ResourceType &type = builtInType("EndpointSlice");
    std::size_t before = 0; // slices written for this Service last time
    if (const auto known = m_slices.find(key); known != m_slices.end()) {
        if (known->second.uid != uid) {
            removeSlices(key); // a Service made again under the name: its slices are new ones
        } else {
            before = known->second.count;
        }
    }
    const EndpointSlices::Service service{key.first, key.second, uid};
    const std::vector<json> slices = EndpointSlices::fromSubsets(service, labels, subsets);
    for (const json &slice : slices) {
        const std::string name = textAt(slice, "/metadata/name");
        const auto stored = m_store.get(type, key.first, name);
        if (const json *current = std::get_if<json>(&stored); current && EndpointSlices::sameSlice(*current, slice)) {
            continue;
        }
        const bool updated = m_store.updateStatus(type, key.first, name, [&slice](json &object) {
            for (const char *field : {"addressType", "endpoints", "ports"}) {
                if (slice.contains(field)) {
                    object[field] = slice[field];
                } else {
                    object.erase(field);
                }
            }
            object["metadata"]["labels"] = slice["metadata"]["labels"];
            object["metadata"]["ownerReferences"] = slice["metadata"]["ownerReferences"];
        });
        if (!updated && !owner.deleting && m_store.contains(builtInType("Namespace"), "", key.first)) {
            m_store.create(type, key.first, slice);
        }
    }
    for (std::size_t i = slices.size(); i < before; ++i) {
        m_store.remove(type, key.first, EndpointSlices::sliceName(service, i));
    }
    m_slices[key] = {uid, slices.size()};
}

void EndpointsController::removeSlices(const Namespaced &key)
{
    const auto written = m_slices.find(key);
    if (written == m_slices.end()) {
        return;
    }
    for (std::size_t i = 0; i < written->second.count; ++i) {
        m_store.remove(builtInType("EndpointSlice"), key.first,
                       EndpointSlices::sliceName({key.first, key.second, written->second.uid}, i));
    }
    m_slices.erase(written);
}

} // namespace Curtain::Sim
