#include "sim/tables.h"

#include "sim/jsonread.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <ctime>
#include <iomanip>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

namespace Curtain::Sim {

using nlohmann::json;

namespace {

// kubectl's short duration since an RFC 3339 timestamp ("45s", "12m", "5h", "3d").
std::string since(const std::string &timestamp)
{
    std::tm tm{};
    std::istringstream in(timestamp);
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (timestamp.empty() || in.fail()) {
        return "<unknown>";
    }
    const long seconds = long(std::difftime(std::time(nullptr), timegm(&tm)));
    if (seconds < 120) {
        return std::to_string(std::max(0L, seconds)) + "s";
    }
    if (seconds < 7200) {
        return std::to_string(seconds / 60) + "m";
    }
    if (seconds < 172800) {
        return std::to_string(seconds / 3600) + "h";
    }
    return std::to_string(seconds / 86400) + "d";
}

std::string age(const json &object)
{
    return since(textAt(object, "/metadata/creationTimestamp"));
}

json column(const std::string &name, const std::string &type, const std::string &description, int priority = 0)
{
    json c = {{"name", name}, {"type", type}, {"format", ""}, {"description", description}, {"priority", priority}};
    if (name == "Name") {
        c["format"] = "name";
    }
    return c;
}

std::string ports(const json &service)
{
    std::string text;
    const json list = valueAt(service, "/spec/ports", json::array());
    for (const json &port : list) {
        if (!text.empty()) {
            text += ',';
        }
        text += std::to_string(integerAt(port, "/port", 0)) + "/" + textAt(port, "/protocol", "TCP");
    }
    return text.empty() ? "<none>" : text;
}

// Flagger's CRD printer columns (name, type, priority, JSON path), in its order.
struct PrinterColumn
{
    const char *name;
    const char *type;
    int priority;
    const char *path;
};
const PrinterColumn canaryColumns[] = {
    {"Status", "string", 0, "/status/phase"},
    {"Weight", "string", 0, "/status/canaryWeight"},
    {"Suspended", "boolean", 1, "/spec/suspend"},
    {"FailedChecks", "string", 1, "/status/failedChecks"},
    {"Interval", "string", 1, "/spec/analysis/interval"},
    {"Mirror", "boolean", 1, "/spec/analysis/mirror"},
    {"StepWeight", "string", 1, "/spec/analysis/stepWeight"},
    {"StepWeights", "string", 1, "/spec/analysis/stepWeights"},
    {"MaxWeight", "string", 1, "/spec/analysis/maxWeight"},
    {"LastTransitionTime", "string", 0, "/status/lastTransitionTime"},
};

// A custom resource's cell as kube-apiserver's CRD table convertor makes it: a string column prints
// what the JSON path finds (a list as JSON), a boolean column takes only a boolean; a missing value is null.
json printerCell(const json &object, const PrinterColumn &column)
{
    const json *value = fieldAt(object, column.path);
    if (!value || value->is_null()) {
        return nullptr;
    }
    if (std::string(column.type) == "boolean") {
        return value->is_boolean() ? *value : json();
    }
    return value->is_string() ? *value : json(value->dump());
}

} // namespace

bool wantsTable(const std::string &accept)
{
    return accept.find("as=Table") != std::string::npos;
}

namespace {

// kube-apiserver's Ingress printer: the rules' hosts ("*" for a rule without one), and the load
// balancer's addresses.
std::string ingressHosts(const json &object)
{
    std::string hosts;
    const json rules = valueAt(object, "/spec/rules", json::array());
    for (const json &rule : rules.is_array() ? rules : json::array()) {
        hosts += (hosts.empty() ? "" : ",") + textAt(rule, "/host", "*");
    }
    return hosts.empty() ? "*" : hosts;
}

std::string ingressAddress(const json &object)
{
    std::string address;
    const json points = valueAt(object, "/status/loadBalancer/ingress", json::array());
    for (const json &point : points.is_array() ? points : json::array()) {
        const std::string one = textAt(point, "/ip", textAt(point, "/hostname", ""));
        if (!one.empty()) {
            address += (address.empty() ? "" : ",") + one;
        }
    }
    return address;
}

// A workload's pod template as kube-apiserver prints it with -o wide: container names, their
// images, and the selector's labels (set-based terms as kubectl writes them).
std::string joined(const json &containers, const char *field)
{
    std::string text;
    for (const json &container : containers.is_array() ? containers : json::array()) {
        text += (text.empty() ? "" : ",") + textAt(container, (std::string("/") + field).c_str());
    }
    return text;
}

void addTemplateColumns(json &columns)
{
    columns.push_back(column("Containers", "string", "Names of each container in the template.", 1));
    columns.push_back(column("Images", "string", "Images referenced by each container in the template.", 1));
    columns.push_back(column("Selector", "string", "Label selector for pods.", 1));
}

void addTemplateCells(json &cells, const json &workload)
{
    const json containers = valueAt(workload, "/spec/template/spec/containers", json::array());
    cells.push_back(joined(containers, "name"));
    cells.push_back(joined(containers, "image"));
    const std::string selector = formatLabelSelector(workload);
    cells.push_back(selector.empty() ? "<none>" : selector);
}

// kube-apiserver's Event printer: no Name first and no Age, but when it was last seen, its type,
// reason and object ("kind/name", the kind in lower case), and its message; the rest with -o wide.
// Read from either form the one storage serves (core v1 or events.k8s.io/v1).
json eventColumns()
{
    return json::array({column("Last Seen", "string", "The time at which the most recent occurrence was recorded."),
                        column("Type", "string", "Type of this event (Normal, Warning)."),
                        column("Reason", "string", "The reason the object's state changed."),
                        column("Object", "string", "The object that this event is about."),
                        column("Subobject", "string", "The part of the object this event is about.", 1),
                        column("Source", "string", "The component reporting this event.", 1),
                        column("Message", "string", "A human-readable description of the status of this operation."),
                        column("First Seen", "string", "The time at which the event was first recorded.", 1),
                        column("Count", "string", "The number of times this event has occurred.", 1),
                        column("Name", "string", "Name must be unique within a namespace.", 1)});
}

json eventCells(const json &event)
{
    const json *involved = fieldAt(event, "/involvedObject");
    const json regarding = involved ? *involved : valueAt(event, "/regarding", json::object());
    std::string kind = textAt(regarding, "/kind");
    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const std::string created = textAt(event, "/metadata/creationTimestamp");
    const std::string first = textAt(event, "/firstTimestamp", textAt(event, "/deprecatedFirstTimestamp", ""));
    const std::string last = textAt(event, "/lastTimestamp",
                                    textAt(event, "/deprecatedLastTimestamp",
                                           textAt(event, "/series/lastObservedTime",
                                                  textAt(event, "/eventTime", first.empty() ? created : first))));
    std::string source = textAt(event, "/source/component", textAt(event, "/reportingController", ""));
    if (const std::string host = textAt(event, "/source/host"); !host.empty()) {
        source += ", " + host;
    }
    const long long count = integerAt(event, "/count", integerAt(event, "/series/count", 1));
    return json::array({since(last), textAt(event, "/type"), textAt(event, "/reason"),
                        kind + "/" + textAt(regarding, "/name"), textAt(regarding, "/fieldPath"), source,
                        textAt(event, "/message", textAt(event, "/note", "")), since(first.empty() ? last : first),
                        std::to_string(count), textAt(event, "/metadata/name")});
}

// kube's Endpoints column: IP:port for each ready address at each port (a bare IP where a subset
// has no ports), the first three, then how many more.
std::string endpointsCell(const json &endpoints)
{
    const json subsets = valueAt(endpoints, "/subsets", json::array());
    if (!subsets.is_array() || subsets.empty()) {
        return "<none>";
    }
    constexpr std::size_t shown = 3;
    std::vector<std::string> list;
    std::size_t count = 0;
    for (const json &subset : subsets) {
        const json addresses = valueAt(subset, "/addresses", json::array());
        const json ports = valueAt(subset, "/ports", json::array());
        if (!addresses.is_array() || !ports.is_array()) {
            continue;
        }
        const std::size_t rounds = ports.empty() ? 1 : ports.size();
        for (std::size_t p = 0; p < rounds; ++p) {
            count += addresses.size();
            for (const json &address : addresses) {
                if (list.size() == shown) {
                    break;
                }
                list.push_back(ports.empty()
                                   ? textAt(address, "/ip")
                                   : textAt(address, "/ip") + ":" + std::to_string(integerAt(ports[p], "/port", 0)));
            }
        }
    }
    std::string cell;
    for (const std::string &entry : list) {
        cell += (cell.empty() ? "" : ",") + entry;
    }
    return count > shown ? cell + " + " + std::to_string(count - shown) + " more..." : cell;
}

// kube-apiserver's EndpointSlice printer: a list's first three, then how many more; "<unset>" for none.
std::string firstThree(const std::vector<std::string> &items)
{
    if (items.empty()) {
        return "<unset>";
    }
    std::string cell;
    for (std::size_t i = 0; i < items.size() && i < 3; ++i) {
        cell += (i == 0 ? "" : ",") + items[i];
    }
    return items.size() > 3 ? cell + " + " + std::to_string(items.size() - 3) + " more..." : cell;
}

void addEndpointSliceCells(json &cells, const json &slice)
{
    std::vector<std::string> ports;
    std::vector<std::string> addresses;
    for (const json &port : valueAt(slice, "/ports", json::array())) {
        const json *number = fieldAt(port, "/port");
        ports.push_back(number && number->is_number_integer() ? number->dump() : "<unset>");
    }
    for (const json &endpoint : valueAt(slice, "/endpoints", json::array())) {
        for (const json &address : valueAt(endpoint, "/addresses", json::array())) {
            addresses.push_back(address.is_string() ? address.get<std::string>() : address.dump());
        }
    }
    cells.push_back(textAt(slice, "/addressType"));
    cells.push_back(firstThree(ports));
    cells.push_back(firstThree(addresses));
}

// kube-apiserver's Node printer: Status, Roles, (Age,) Version; addresses and what the node runs with -o wide.
void addNodeColumns(json &columns)
{
    columns.push_back(column("Status", "string", "The status of the node"));
    columns.push_back(column("Roles", "string", "The roles of the node"));
    columns.push_back(column("Version", "string", "Kubelet Version reported by the node."));
    columns.push_back(column("Internal-IP", "string", "List of internal IPs.", 1));
    columns.push_back(column("External-IP", "string", "List of external IPs.", 1));
    columns.push_back(column("OS-Image", "string", "OS image reported by the node.", 1));
    columns.push_back(column("Kernel-Version", "string", "Kernel version reported by the node.", 1));
    columns.push_back(column("Container-Runtime", "string", "Container runtime reported by the node.", 1));
}

void addNodeCells(json &cells, const json &node)
{
    std::string status = "Unknown";
    std::string roles;
    std::map<std::string, std::string> addresses; // type → first address of that type
    for (const json &condition : valueAt(node, "/status/conditions", json::array())) {
        if (textAt(condition, "/type") == "Ready") {
            status = textAt(condition, "/status") == "True" ? "Ready" : "NotReady";
        }
    }
    if (valueAt(node, "/spec/unschedulable", false) == true) {
        status += ",SchedulingDisabled";
    }
    const json labels = valueAt(node, "/metadata/labels", json::object());
    for (auto it = labels.begin(); labels.is_object() && it != labels.end(); ++it) {
        constexpr std::string_view role = "node-role.kubernetes.io/";
        if (it.key().rfind(role, 0) == 0 && it.key().size() > role.size()) {
            roles += (roles.empty() ? "" : ",") + it.key().substr(role.size());
        }
    }
    for (const json &address : valueAt(node, "/status/addresses", json::array())) {
        addresses.emplace(textAt(address, "/type"), textAt(address, "/address"));
    }
    const auto address = [&addresses](const char *type) {
        const auto it = addresses.find(type);
        return it == addresses.end() || it->second.empty() ? std::string("<none>") : it->second;
    };
    cells.push_back(status);
    cells.push_back(roles.empty() ? "<none>" : roles);
    cells.push_back(textAt(node, "/status/nodeInfo/kubeletVersion"));
    cells.push_back(address("InternalIP"));
    cells.push_back(address("ExternalIP"));
    cells.push_back(textAt(node, "/status/nodeInfo/osImage", "<unknown>"));
    cells.push_back(textAt(node, "/status/nodeInfo/kernelVersion", "<unknown>"));
    cells.push_back(textAt(node, "/status/nodeInfo/containerRuntimeVersion", "<unknown>"));
}

// Where Age goes among `type`'s columns: before the ones only -o wide shows, as kube-apiserver puts
// it; none for an Event (Last Seen says it) or a CRD that declares no Age column (Flagger's).
std::optional<std::size_t> agePosition(const ResourceType &type, std::size_t columns)
{
    if (type.kind == "Canary" || type.kind == "Event") {
        return std::nullopt;
    }
    if (type.kind == "Pod" || type.kind == "Deployment" || type.kind == "ReplicaSet") {
        return 4; // after Name and three
    }
    if (type.kind == "Node") {
        return 3; // after Name, Status and Roles
    }
    return columns;
}

// The columns kubectl prints for `type` (Name first; Age is put in by tableOf).
json columnsOf(const ResourceType &type)
{
    if (type.kind == "Event") {
        return eventColumns();
    }
    json columns = json::array({column("Name", "string", "Name must be unique within a namespace.")});
    if (type.kind == "Deployment") {
        columns.push_back(column("Ready", "string", "Number of the pod with ready state"));
        columns.push_back(column(
            "Up-to-date", "string",
            "Total number of non-terminated pods targeted by this deployment that have the desired template spec."));
        columns.push_back(column("Available", "string", "Total number of available pods targeted by this deployment."));
        addTemplateColumns(columns);
    } else if (type.kind == "Service") {
        columns.push_back(column("Type", "string", "type determines how the Service is exposed."));
        columns.push_back(column("Cluster-IP", "string", "clusterIP is the IP address of the service."));
        columns.push_back(column("External-IP", "string", "externalIPs is a list of IP addresses."));
        columns.push_back(column("Port(s)", "string", "The list of ports that are exposed by this service."));
        columns.push_back(column("Selector", "string",
                                 "Route service traffic to pods with label keys and values matching this selector.",
                                 1));
    } else if (type.kind == "Rollout" || type.kind == "ReplicaSet") {
        // As Argo's CRD declares its printer columns, and as kube-apiserver prints ReplicaSets.
        columns.push_back(column("Desired", "integer", "Number of desired pods"));
        columns.push_back(column("Current", "integer", "Total number of non-terminated pods"));
        columns.push_back(
            column(type.kind == "Rollout" ? "Up-to-date" : "Ready", "integer",
                   type.kind == "Rollout" ? "Total number of pods with the desired template" : "Number of pods ready"));
        if (type.kind == "Rollout") {
            columns.push_back(column("Available", "integer", "Total number of available pods"));
        } else {
            addTemplateColumns(columns);
        }
    } else if (type.kind == "HTTPRoute") {
        columns.push_back(column("Hostnames", "string", "Hostnames the route matches."));
    } else if (type.kind == "Ingress") {
        columns.push_back(column("Class", "string", "The name of the IngressClass resource."));
        columns.push_back(column("Hosts", "string", "Hosts that incoming requests are matched against."));
        columns.push_back(column("Address", "string", "Address is a list containing ingress points."));
        columns.push_back(column("Ports", "string", "Ports of TLS configurations that open."));
    } else if (type.kind == "Endpoints") {
        columns.push_back(column("Endpoints", "string", "The set of all endpoints is the union of all subsets."));
    } else if (type.kind == "ConfigMap") {
        columns.push_back(column("Data", "string", "Data contains the configuration data."));
    } else if (type.kind == "Namespace") {
        columns.push_back(column("Status", "string", "The status of the namespace"));
    } else if (type.kind == "Node") {
        addNodeColumns(columns);
    } else if (type.kind == "EndpointSlice") {
        columns.push_back(column("AddressType", "string",
                                 "addressType specifies the type of address carried by this EndpointSlice."));
        columns.push_back(column("Ports", "string",
                                 "ports specifies the list of network ports exposed by each endpoint in this slice."));
        columns.push_back(column("Endpoints", "string", "endpoints is a list of unique endpoints in this slice."));
    } else if (type.kind == "Pod") {
        columns.push_back(
            column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."));
        columns.push_back(column("Status", "string", "The aggregate status of the containers in this pod."));
        columns.push_back(
            column("Restarts", "string", "The number of times the containers in this pod have been restarted."));
        columns.push_back(column("IP", "string", "IP address allocated to the pod.", 1));
        columns.push_back(column("Node", "string", "Name of the node this pod is running on.", 1));
        columns.push_back(column("Nominated Node", "string", "Name of the node this pod is nominated to run on.", 1));
        columns.push_back(column("Readiness Gates", "string", "The readiness gates of this pod.", 1));
    } else if (type.kind == "Canary") {
        for (const PrinterColumn &printer : canaryColumns) {
            columns.push_back(column(printer.name, printer.type, "", printer.priority));
        }
    }
    return columns;
}

// One row's cells, in columnsOf's order.
json cellsOf(const ResourceType &type, const json &object)
{
    if (type.kind == "Event") {
        return eventCells(object);
    }
    json cells = json::array({textAt(object, "/metadata/name")});
    if (type.kind == "Deployment") {
        cells.push_back(std::to_string(integerAt(object, "/status/readyReplicas", 0)) + "/" +
                        std::to_string(integerAt(object, "/spec/replicas", 1)));
        cells.push_back(integerAt(object, "/status/updatedReplicas", 0));
        cells.push_back(integerAt(object, "/status/availableReplicas", 0));
        addTemplateCells(cells, object);
    } else if (type.kind == "Service") {
        std::string selector;
        const json selectorMap = valueAt(object, "/spec/selector", json::object());
        for (auto it = selectorMap.begin(); selectorMap.is_object() && it != selectorMap.end(); ++it) {
            selector += (selector.empty() ? "" : ",") + it.key() + "=" +
                        (it->is_string() ? it->get<std::string>() : it->dump());
        }
        cells.push_back(textAt(object, "/spec/type", "ClusterIP"));
        cells.push_back(textAt(object, "/spec/clusterIP", "None"));
        cells.push_back("<none>");
        cells.push_back(ports(object));
        cells.push_back(selector.empty() ? "<none>" : selector);
    } else if (type.kind == "Rollout" || type.kind == "ReplicaSet") {
        cells.push_back(integerAt(object, "/spec/replicas", 1));
        cells.push_back(integerAt(object, "/status/replicas", 0));
        cells.push_back(
            integerAt(object, type.kind == "Rollout" ? "/status/updatedReplicas" : "/status/readyReplicas", 0));
        if (type.kind == "Rollout") {
            cells.push_back(integerAt(object, "/status/availableReplicas", 0));
        } else {
            addTemplateCells(cells, object);
        }
    } else if (type.kind == "HTTPRoute") {
        std::string hosts;
        const json hostnames = valueAt(object, "/spec/hostnames", json::array());
        for (const json &host : hostnames) {
            if (!hosts.empty()) {
                hosts += ',';
            }
            hosts += host.is_string() ? host.get<std::string>() : host.dump();
        }
        cells.push_back(hosts);
    } else if (type.kind == "Ingress") {
        cells.push_back(textAt(object, "/spec/ingressClassName", "<none>"));
        cells.push_back(ingressHosts(object));
        cells.push_back(ingressAddress(object));
        cells.push_back(valueAt(object, "/spec/tls", json::array()).empty() ? "80" : "80, 443");
    } else if (type.kind == "Endpoints") {
        cells.push_back(endpointsCell(object));
    } else if (type.kind == "ConfigMap") {
        // kube-apiserver counts the keys of data and binaryData together.
        std::size_t keys = 0;
        for (const char *field : {"/data", "/binaryData"}) {
            const json map = valueAt(object, field, json::object());
            keys += map.is_object() ? map.size() : 0;
        }
        cells.push_back(static_cast<long long>(keys));
    } else if (type.kind == "Namespace") {
        cells.push_back(textAt(object, "/status/phase", "Active"));
    } else if (type.kind == "Node") {
        addNodeCells(cells, object);
    } else if (type.kind == "EndpointSlice") {
        addEndpointSliceCells(cells, object);
    } else if (type.kind == "Pod") {
        long long ready = 0;
        long long restarts = 0;
        const json statuses = valueAt(object, "/status/containerStatuses", json::array());
        for (const json &container : statuses) {
            ready += valueAt(container, "/ready", false) == true ? 1 : 0;
            restarts += integerAt(container, "/restartCount", 0);
        }
        cells.push_back(std::to_string(ready) + "/" + std::to_string(statuses.is_array() ? statuses.size() : 0));
        cells.push_back(textAt(object, "/status/phase", "Pending"));
        cells.push_back(std::to_string(restarts));
        cells.push_back(textAt(object, "/status/podIP", "<none>"));
        cells.push_back(textAt(object, "/spec/nodeName", "<none>"));
        cells.push_back(textAt(object, "/status/nominatedNodeName", "<none>"));
        cells.push_back("<none>");
    } else if (type.kind == "Canary") {
        for (const PrinterColumn &printer : canaryColumns) {
            cells.push_back(printerCell(object, printer));
        }
    }
    return cells;
}

} // namespace

std::string formatLabelSelector(const json &workload)
{
    // kube sorts a selector's requirements by key, and the values of each.
    std::vector<std::pair<std::string, std::string>> requirements; // key, as written
    const json labels = valueAt(workload, "/spec/selector/matchLabels", json::object());
    for (auto it = labels.begin(); labels.is_object() && it != labels.end(); ++it) {
        requirements.emplace_back(it.key(), it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump()));
    }
    const json terms = valueAt(workload, "/spec/selector/matchExpressions", json::array());
    for (const json &term : terms.is_array() ? terms : json::array()) {
        const std::string op = textAt(term, "/operator");
        std::vector<std::string> sorted;
        for (const json &value : valueAt(term, "/values", json::array())) {
            sorted.push_back(value.is_string() ? value.get<std::string>() : value.dump());
        }
        std::sort(sorted.begin(), sorted.end());
        std::string values;
        for (const std::string &value : sorted) {
            values += (values.empty() ? "" : ",") + value;
        }
        const std::string key = textAt(term, "/key");
        requirements.emplace_back(key, op == "In"             ? key + " in (" + values + ")"
                                       : op == "NotIn"        ? key + " notin (" + values + ")"
                                       : op == "Exists"       ? key
                                       : op == "DoesNotExist" ? "!" + key
                                                              : key + " " + op);
    }
    std::stable_sort(requirements.begin(), requirements.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::string text;
    for (const auto &requirement : requirements) {
        text += (text.empty() ? "" : ",") + requirement.second;
    }
    return text;
}

json tableOf(const ResourceType &type, const std::vector<json> &objects, std::uint64_t resourceVersion,
             bool wholeObjects)
{
    json columns = columnsOf(type);
    const auto ageAt = agePosition(type, columns.size());
    if (ageAt) {
        columns.insert(columns.begin() + std::ptrdiff_t(*ageAt),
                       column("Age", "string",
                              "CreationTimestamp is a timestamp representing the server time when this object was "
                              "created."));
    }
    json rows = json::array();
    for (const json &object : objects) {
        // Objects of schemaless kinds can hold anything: every cell reads without throwing.
        json cells = cellsOf(type, object);
        if (ageAt) {
            cells.insert(cells.begin() + std::ptrdiff_t(*ageAt), age(object));
        }
        json row = {{"cells", cells}};
        if (wholeObjects) {
            row["object"] = object;
        } else {
            row["object"] = {{"kind", "PartialObjectMetadata"},
                             {"apiVersion", "meta.k8s.io/v1"},
                             {"metadata", object.value("metadata", json::object())}};
        }
        rows.push_back(std::move(row));
    }
    return {{"kind", "Table"},
            {"apiVersion", "meta.k8s.io/v1"},
            {"metadata", {{"resourceVersion", std::to_string(resourceVersion)}}},
            {"columnDefinitions", columns},
            {"rows", rows}};
}

} // namespace Curtain::Sim
