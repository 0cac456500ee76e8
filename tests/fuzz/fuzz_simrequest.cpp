// Requests to curtain-sim's Kubernetes API, in process and without sockets: each input is one or more
// requests, separated by a line "###", written as
//   PATCH /apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog
//   Content-Type: application/merge-patch+json
//
//   {"spec": …}
// (an HTTP/1.1 request as captured is one too) and served by the handlers the server routes to
// (ResourceApi) against a fresh store holding the demo scenario's objects that the input names.
// Every answer must be a Kubernetes object or a Status in JSON. The server's boundary would turn an
// exception into a 500 where kube-apiserver answers 4xx, so here an exception is a finding.
// The controllers are not run on what the requests wrote: that doubled the cost of every input.

#include "sim/clustermodel.h"
#include "sim/connectionguard.h"
#include "sim/faults.h"
#include "sim/objectstore.h"
#include "sim/resourceapi.h"
#include "sim/scenario.h"

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace Curtain;
using nlohmann::json;

namespace {

const Sim::Scenario &demoScenario()
{
    static const Sim::Scenario scenario = std::get<Sim::Scenario>(Sim::parseScenario(Sim::builtinScenarioText()));
    return scenario;
}

// One demo object as fillStore needs it, looked up once per process rather than once per input.
struct DemoObject
{
    const Sim::ResourceType *type;
    std::string namespaceName;
    std::string name;
    json object;
};

const std::vector<DemoObject> &demoObjects()
{
    static const std::vector<DemoObject> objects = [] {
        std::vector<DemoObject> found;
        for (const json &object : demoScenario().objects) {
            const Sim::ResourceType *type = Sim::findResourceTypeByKind(object.value("kind", ""));
            if (type) {
                const json &metadata = object["metadata"];
                found.push_back({type, type->namespaced ? metadata.value("namespace", "default") : "",
                                 metadata.value("name", ""), object});
            }
        }
        return found;
    }();
    return objects;
}

// Only the objects the input names (the Namespace "demo" too, when it does): creating the whole demo
// for every input would make each ten times slower, and a request reaches only what it names. Each
// set of named objects is created (and validated) once; an input gets a copy of that store.
const Sim::ObjectStore &preparedStore(std::string_view input)
{
    static std::map<std::vector<bool>, std::unique_ptr<const Sim::ObjectStore>> prepared;
    std::vector<bool> named;
    for (const DemoObject &demo : demoObjects()) {
        named.push_back(input.find(demo.name) != std::string_view::npos);
    }
    auto found = prepared.find(named);
    if (found == prepared.end()) {
        // 1,024 sets ran the same 20,000 inputs 12 % faster than 256 (RSS 280 MB, far below
        // -rss_limit_mb); a set seen again after the clear is prepared again.
        if (prepared.size() >= 1024) {
            prepared.clear();
        }
        // A history of one event: only watches read it, and this harness serves none; copying and
        // freeing an ADDED event per object for every input cost 18 % of the time.
        auto filled = std::make_unique<Sim::ObjectStore>(1);
        for (std::size_t i = 0; i < named.size(); ++i) {
            if (named[i]) {
                const DemoObject &demo = demoObjects()[i];
                filled->create(*demo.type, demo.namespaceName, demo.object);
            }
        }
        found = prepared.emplace(std::move(named), std::move(filled)).first;
    }
    return *found->second;
}

std::string_view nextLine(std::string_view &text)
{
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return line;
}

// "METHOD PATH?QUERY", headers, an empty line, the body: a request as cpp-httplib hands it over.
httplib::Request parseRequest(std::string_view text)
{
    httplib::Request req;
    const std::string_view requestLine = nextLine(text);
    const std::size_t space = requestLine.find(' ');
    req.method = std::string(requestLine.substr(0, space));
    // An HTTP/1.1 request line ends in its version: captured requests are seeds as they are.
    const std::string_view rest = space == std::string_view::npos ? std::string_view() : requestLine.substr(space + 1);
    const std::string target(rest.substr(0, rest.find(' ')));
    const std::size_t question = target.find('?');
    req.path = target.substr(0, question);
    if (question != std::string::npos) {
        std::string_view query = std::string_view(target).substr(question + 1);
        while (!query.empty()) {
            const std::string_view pair = query.substr(0, query.find('&'));
            query = pair.size() < query.size() ? query.substr(pair.size() + 1) : std::string_view();
            const std::size_t eq = pair.find('=');
            req.params.emplace(pair.substr(0, eq), eq == std::string_view::npos ? "" : pair.substr(eq + 1));
        }
    }
    for (std::string_view line = nextLine(text); !line.empty(); line = nextLine(text)) {
        const std::size_t colon = line.find(':');
        const std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        req.headers.emplace(line.substr(0, colon), value.substr(std::min(value.find_first_not_of(' '), value.size())));
    }
    req.body = std::string(text);
    req.set_header("Content-Length", std::to_string(req.body.size()));
    return req;
}

void serve(Sim::ResourceApi &api, const httplib::Request &req)
{
    httplib::Response res;
    if (req.method == "GET") {
        if (req.has_param("watch")) {
            return; // a watch waits for events: it is the watch server's, not this harness's
        }
        api.get(req, res);
    } else if (req.method == "PATCH") {
        api.patch(req, res);
    } else if (req.method == "PUT") {
        api.update(req, res);
    } else if (req.method == "POST") {
        api.create(req, res);
    } else if (req.method == "DELETE") {
        api.remove(req, res);
    } else {
        return;
    }
    // Whatever the request, the client gets JSON: the object, or a Status saying why not. (A handler
    // that leaves the status unset answers 200: cpp-httplib sets it for a routed request.)
    const int status = res.status == -1 ? 200 : res.status;
    if (status < 200 || status > 599) {
        __builtin_trap();
    }
    if (res.get_header_value("Content-Type").rfind("application/json", 0) == 0) { // with a charset or not
        const json body = json::parse(res.body, nullptr, false);
        if (body.is_discarded() || (status >= 400 && body.value("kind", "") != "Status")) {
            __builtin_trap();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static Sim::ConnectionGuard guard(Sim::ConnectionGuard::Limits{});
    static Sim::Faults faults;
    std::string_view input(reinterpret_cast<const char *>(data), size);
    Sim::ObjectStore store(preparedStore(input));
    // The model keeps a copy of its scenario; it needs the behaviours and traffic, not the objects.
    static const Sim::Scenario behaviour = [] {
        Sim::Scenario scenario = demoScenario();
        scenario.objects.clear();
        return scenario;
    }();
    Sim::ClusterModel model(store, behaviour);
    Sim::ResourceApi api(store, model, faults, guard, nullptr);

    constexpr std::string_view separator = "\n###\n";
    while (!input.empty()) {
        const std::size_t end = input.find(separator);
        serve(api, parseRequest(input.substr(0, end)));
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + separator.size());
    }
    return 0;
}
