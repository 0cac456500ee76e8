// Requests served in process by the handlers curtain-sim routes them to (ResourceApi), without a
// socket: inputs found by tests/fuzz/fuzz_simrequest, each answered as kube-apiserver answers it.

#include "resourceapifixture.h"

#include "sim/openapidocs.h"

#include <QTest>

using namespace Curtain::Sim;
using nlohmann::json;

class TestResourceApi : public QObject, protected Curtain::Test::ResourceApiFixture
{
    Q_OBJECT

    // demo/web, a Deployment of one replica, stored as a client's create would leave it.
    bool createWeb()
    {
        const json web = {{"apiVersion", "apps/v1"},
                          {"kind", "Deployment"},
                          {"metadata", {{"name", "web"}, {"namespace", "demo"}}},
                          {"spec",
                           {{"replicas", 1},
                            {"selector", {{"matchLabels", {{"app", "web"}}}}},
                            {"template",
                             {{"metadata", {{"labels", {{"app", "web"}}}}},
                              {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "web:1"}}})}}}}}}}};
        return std::holds_alternative<json>(m_store->create(*findResourceTypeByKind("Deployment"), "demo", web));
    }

private Q_SLOTS:
    void init() { setUp(); }
    void cleanup() { tearDown(); }

    // A name is whatever the URL decoded to; the answer is still JSON, with the bytes that are not
    // UTF-8 replaced as Go's encoder replaces them (it was a 500 "invalid UTF-8 byte" instead).
    void get_nameThatIsNotUtf8_is404NamingIt()
    {
        const httplib::Response res = serve("GET", "/api/v1/namespaces/demo/services/a\xff"
                                                   "b");
        QCOMPARE(res.status, 404);
        const json body = status(res);
        QVERIFY2(!body.is_null(), res.body.c_str());
        QCOMPARE(body.value("message", ""), std::string("services \"a\xef\xbf\xbd"
                                                        "b\" not found"));
    }

    // A deleted namespace stays, Terminating, until the namespace controller has emptied it, and
    // refuses new content meanwhile (kube's NamespaceLifecycle); then it and all it held are gone.
    void deletedNamespace_refusesNewContent_untilItIsEmptiedAndGone()
    {
        QCOMPARE(createConfigMap(R"({"metadata":{"name":"kept"}})", {}).status, 201);
        const httplib::Response deleted = serve("DELETE", "/api/v1/namespaces/demo");
        QCOMPARE(deleted.status, 200);
        const json terminating = json::parse(deleted.body, nullptr, false);
        QCOMPARE(terminating.value("status", json::object()).value("phase", ""), std::string("Terminating"));
        QCOMPARE(serve("GET", "/api/v1/namespaces/demo").status, 200);
        QCOMPARE(serve("DELETE", "/api/v1/namespaces/demo").status, 200); // again: nothing more to do

        const httplib::Response late = createConfigMap(R"({"metadata":{"name":"late"}})", {});
        QCOMPARE(late.status, 403);
        QCOMPARE(status(late).value("message", ""),
                 std::string("configmaps \"late\" is forbidden: unable to create new content in namespace demo "
                             "because it is being terminated"));
        QCOMPARE(serve("GET", "/api/v1/namespaces/demo/configmaps/kept").status, 200);

        m_model->tick(std::chrono::steady_clock::now());
        QCOMPARE(serve("GET", "/api/v1/namespaces/demo/configmaps/kept").status, 404);
        QCOMPARE(serve("GET", "/api/v1/namespaces/demo").status, 404);
        QCOMPARE(createConfigMap(R"({"metadata":{"name":"later"}})", {}).status, 404);
    }

    // deletionTimestamp is the server's: a client that writes one deletes nothing (it had the
    // namespace controller empty `default`, which no DELETE may touch), and a Namespace whose spec is
    // no NamespaceSpec is the decoder's 400, not a 500.
    void namespaceDeletion_isTheServersAlone()
    {
        httplib::Request req;
        req.method = "PATCH";
        req.path = "/api/v1/namespaces/demo";
        req.body = R"({"metadata":{"deletionTimestamp":"2020-01-01T00:00:00Z"},"spec":{"finalizers":[]}})";
        req.set_header("Content-Type", "application/merge-patch+json");
        httplib::Response patched;
        m_api->patch(req, patched);
        QCOMPARE(patched.status, 200);
        const json stored = json::parse(serve("GET", "/api/v1/namespaces/demo").body);
        QVERIFY2(!stored["metadata"].contains("deletionTimestamp") &&
                     stored["spec"]["finalizers"] == json::array({"kubernetes"}),
                 stored.dump().c_str());
        QCOMPARE(create("/api/v1/namespaces",
                        R"({"metadata":{"name":"doomed","deletionTimestamp":"2020-01-01T00:00:00Z"}})", {})
                     .status,
                 201);
        QCOMPARE(createConfigMap(R"({"metadata":{"name":"kept"}})", {}).status, 201);
        m_model->tick(std::chrono::steady_clock::now());
        QCOMPARE(serve("GET", "/api/v1/namespaces/doomed").status, 200);
        QCOMPARE(serve("GET", "/api/v1/namespaces/demo/configmaps/kept").status, 200);

        const httplib::Response notASpec = create("/api/v1/namespaces", R"({"metadata":{"name":"x"},"spec":"x"})", {});
        QCOMPARE(notASpec.status, 400);
        QCOMPARE(serve("GET", "/api/v1/namespaces/x").status, 404);
    }

    // kube-apiserver lists every problem of an object, each a cause kubectl prints on a line of its
    // own; the sim reported only the first, so fixing a manifest took one apply per mistake.
    void invalidObject_namesEveryProblem()
    {
        const json deployment = json::parse(R"({"metadata":{"name":"web","labels":{"team":"a b"}},
            "spec":{"replicas":-1,"selector":{"matchLabels":{"app":"web"}},
                    "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web",
                        "resources":{"limits":{"nvidia.com/gpu":2},"requests":{"nvidia.com/gpu":1}}}]}}}})");
        const auto refused = m_store->create(*findResourceTypeByKind("Deployment"), "demo", deployment);
        QVERIFY(std::holds_alternative<ApiStatus>(refused));
        const ApiStatus &invalid = std::get<ApiStatus>(refused);
        QCOMPARE(invalid.code, 422);
        QStringList causes;
        for (const json &cause : invalid.details.value("causes", json::array())) {
            causes << QString::fromStdString(cause.value("field", "") + " " + cause.value("reason", ""));
        }
        QCOMPARE(causes, QStringList({QStringLiteral("metadata.labels FieldValueInvalid"),
                                      QStringLiteral("spec.replicas FieldValueInvalid"),
                                      QStringLiteral("spec.template.spec.containers[0].image FieldValueRequired"),
                                      QStringLiteral("spec.template.spec.containers[0].resources.requests "
                                                     "FieldValueInvalid")}));
        const QString message = QString::fromStdString(invalid.message);
        QVERIFY2(message.startsWith(QStringLiteral(R"(Deployment.apps "web" is invalid: [metadata.labels: )")),
                 qPrintable(message));
        QVERIFY2(message.endsWith(QStringLiteral(", spec.replicas: Invalid value: -1: must be greater than or equal to "
                                                 "0, spec.template.spec.containers[0].image: Required value, "
                                                 "spec.template.spec.containers[0].resources.requests: Invalid value: "
                                                 R"("1": must be equal to nvidia.com/gpu limit of 2])")),
                 qPrintable(message));
        QVERIFY(std::holds_alternative<ApiStatus>(m_store->get(*findResourceTypeByKind("Deployment"), "demo", "web")));

        // A body of many wrong values gets a Status of bounded size: the first thousand problems.
        json route = {{"metadata", {{"name", "many"}}}, {"spec", {{"hostnames", json::array()}}}};
        for (int i = 0; i < 5000; ++i) {
            route["spec"]["hostnames"].push_back(i);
        }
        const auto many = m_store->create(*findResourceTypeByKind("HTTPRoute"), "demo", route);
        QVERIFY(std::holds_alternative<ApiStatus>(many));
        QCOMPARE(std::get<ApiStatus>(many).details["causes"].size(), std::size_t(1000));
        QCOMPARE(std::get<ApiStatus>(many).details["causes"][999].value("field", ""),
                 std::string("spec.hostnames[999]"));
    }

    // An update is refused with the object's own problems and what it may not change, together (it
    // used to name only the immutable field); a repeated problem is one line of the message and a
    // cause each, as kube's aggregate and causes count them.
    void invalidUpdate_namesEveryProblem()
    {
        const ResourceType &deployments = *findResourceTypeByKind("Deployment");
        const json deployment = json::parse(R"({"metadata":{"name":"web"},
            "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
                    "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"w"}]}}}})");
        QVERIFY(std::holds_alternative<json>(m_store->create(deployments, "demo", deployment)));
        const auto refused =
            m_store->patch(deployments, "demo", "web", "application/merge-patch+json",
                           R"({"spec":{"replicas":-1,"selector":{"matchLabels":{"app":"web","tier":"x"}}}})", false);
        QVERIFY(std::holds_alternative<ApiStatus>(refused));
        QStringList fields;
        for (const json &cause : std::get<ApiStatus>(refused).details["causes"]) {
            fields << QString::fromStdString(cause.value("field", ""));
        }
        // The new selector also no longer matches the template's labels: kube names that too.
        QCOMPARE(fields, QStringList({QStringLiteral("spec.replicas"), QStringLiteral("spec.template.metadata.labels"),
                                      QStringLiteral("spec.selector")}));

        // The uid comes with the metadata's problems, an immutable ConfigMap's data and a Service's
        // cluster IP before the object's other problems: kube-apiserver's order.
        const auto uidToo = m_store->patch(deployments, "demo", "web", "application/merge-patch+json",
                                           R"({"metadata":{"uid":"other"},"spec":{"replicas":-1}})", false);
        QVERIFY(std::holds_alternative<ApiStatus>(uidToo));
        QCOMPARE(causeFields(std::get<ApiStatus>(uidToo)),
                 QStringList({QStringLiteral("metadata.uid"), QStringLiteral("spec.replicas")}));
        const ResourceType &configMaps = *findResourceTypeByKind("ConfigMap");
        QVERIFY(std::holds_alternative<json>(m_store->create(
            configMaps, "demo", json::parse(R"({"metadata":{"name":"c"},"data":{"k":"v"},"immutable":true})"))));
        const auto frozen = m_store->patch(configMaps, "demo", "c", "application/merge-patch+json",
                                           R"({"metadata":{"labels":{"team":"a b"}},"data":{"k":"w"}})", false);
        QVERIFY(std::holds_alternative<ApiStatus>(frozen));
        QCOMPARE(causeFields(std::get<ApiStatus>(frozen)),
                 QStringList({QStringLiteral("metadata.labels"), QStringLiteral("data")}));
        const ResourceType &services = *findResourceTypeByKind("Service");
        QVERIFY(std::holds_alternative<json>(m_store->create(
            services, "demo",
            json::parse(R"({"metadata":{"name":"s"},"spec":{"clusterIP":"10.96.0.9","ports":[{"port":80}]}})"))));
        const auto moved = m_store->patch(services, "demo", "s", "application/merge-patch+json",
                                          R"({"spec":{"clusterIP":"10.96.0.10","ports":[{"port":0}]}})", false);
        QVERIFY(std::holds_alternative<ApiStatus>(moved));
        QCOMPARE(causeFields(std::get<ApiStatus>(moved)),
                 QStringList({QStringLiteral("spec.clusterIP"), QStringLiteral("spec.ports[0].port")}));

        const ResourceType &pods = *findResourceTypeByKind("Pod");
        const json pod = json::parse(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i",
            "resources":{"requests":{"nvidia.com/gpu":"1","amd.com/gpu":"1"}}}]}})");
        const auto twice = m_store->create(pods, "demo", pod);
        QVERIFY(std::holds_alternative<ApiStatus>(twice));
        QCOMPARE(std::get<ApiStatus>(twice).details["causes"].size(), std::size_t(2));
        QCOMPARE(std::get<ApiStatus>(twice).message,
                 std::string("Pod \"p\" is invalid: spec.containers[0].resources.limits: Required value: Limit must be "
                             "set for non overcommitable resources"));
        QCOMPARE(std::get<ApiStatus>(twice).details["causes"][0].value("reason", ""),
                 std::string("FieldValueRequired"));
    }

    // kube defaults a Pod's requests to its limits (SetDefaults_Pod): `kubectl get pod -o yaml` shows them.
    void pod_requestsWhatItLimits()
    {
        const json pod = json::parse(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i",
            "resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}}}]}})");
        const auto created = m_store->create(*findResourceTypeByKind("Pod"), "demo", pod);
        QVERIFY(std::holds_alternative<json>(created));
        const json requests = std::get<json>(created)["spec"]["containers"][0]["resources"]["requests"];
        QCOMPARE(requests.dump(), std::string(R"({"cpu":"500m","memory":"1Gi"})"));
    }

    // A PATCH answers as kube-apiserver does, in its order: options first (422), then a missing
    // object (404, even when the patch names an unknown field), then the fields (400).
    void patch_checksOptionsThenTheObjectThenItsFields()
    {
        const auto patchConfigMap = [this](const std::string &name, const std::string &directive) {
            httplib::Request req;
            req.method = "PATCH";
            req.path = "/api/v1/namespaces/demo/configmaps/" + name;
            req.params = {{"fieldValidation", directive}};
            req.body = "{\"dta\":{}}";
            req.set_header("Content-Type", "application/merge-patch+json");
            httplib::Response res;
            m_api->patch(req, res);
            return res;
        };
        httplib::Response res = patchConfigMap("missing", "Bogus");
        QCOMPARE(res.status, 422);
        QVERIFY2(status(res).value("message", "").rfind("PatchOptions.meta.k8s.io", 0) == 0, res.body.c_str());
        res = patchConfigMap("missing", "Strict");
        QCOMPARE(res.status, 404);
        QCOMPARE(status(res).value("message", ""), std::string("configmaps \"missing\" not found"));
        QCOMPARE(createConfigMap("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"there\"}}", {})
                     .status,
                 201);
        res = patchConfigMap("there", "Strict");
        QCOMPARE(res.status, 400);
        QVERIFY2(status(res).value("message", "").find("unknown field \"dta\"") != std::string::npos, res.body.c_str());
    }

    // A JSON patch names paths; the fields it adds are checked on its result, as kube decodes it:
    // Strict refuses `kubectl patch --type json` adding /dta, Warn names the field and drops it.
    void jsonPatch_isCheckedOnWhatItWrites()
    {
        QCOMPARE(
            createConfigMap("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"j\"}}", {}).status,
            201);
        const auto jsonPatch = [this](const std::string &directive) {
            httplib::Request req;
            req.method = "PATCH";
            req.path = "/api/v1/namespaces/demo/configmaps/j";
            req.params = {{"fieldValidation", directive}};
            req.body =
                R"([{"op":"add","path":"/dta","value":{"k":"v"}},{"op":"add","path":"/data","value":{"k":"v"}}])";
            req.set_header("Content-Type", "application/json-patch+json");
            httplib::Response res;
            m_api->patch(req, res);
            return res;
        };
        httplib::Response res = jsonPatch("Strict");
        QCOMPARE(res.status, 400);
        QVERIFY2(status(res).value("message", "").find("strict decoding error: unknown field \"dta\"") !=
                     std::string::npos,
                 res.body.c_str());
        QVERIFY(!json::parse(serve("GET", "/api/v1/namespaces/demo/configmaps/j").body).contains("data"));
        res = jsonPatch("Warn");
        QCOMPARE(res.status, 200);
        QCOMPARE(res.get_header_value("Warning"), std::string("299 - \"unknown field \\\"dta\\\"\""));
        const json stored = json::parse(serve("GET", "/api/v1/namespaces/demo/configmaps/j").body);
        QVERIFY2(!stored.contains("dta") && stored.value("data", json()) == json({{"k", "v"}}), stored.dump().c_str());
    }

    // An events.k8s.io/v1 Event is checked in the shape it was written in: its fields (note,
    // regarding, …) were once checked after conversion to the core shape, which knows none of them.
    void jsonPatchOnAnEventsV1Event_checksItsOwnFields()
    {
        httplib::Request made;
        made.method = "POST";
        made.path = "/apis/events.k8s.io/v1/namespaces/demo/events";
        made.body =
            R"({"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e1"},)"
            R"("eventTime":"2026-12-05T10:00:00.000000Z","reportingController":"me","reportingInstance":"me-1",)"
            R"("action":"Act","reason":"Tested","type":"Normal","note":"first"})";
        made.set_header("Content-Type", "application/json");
        httplib::Response created;
        m_api->create(made, created);
        QCOMPARE(created.status, 201);
        httplib::Request req;
        req.method = "PATCH";
        req.path = "/apis/events.k8s.io/v1/namespaces/demo/events/e1";
        req.params = {{"fieldValidation", "Strict"}};
        req.body = R"([{"op":"replace","path":"/note","value":"second"}])";
        req.set_header("Content-Type", "application/json-patch+json");
        httplib::Response res;
        m_api->patch(req, res);
        QVERIFY2(res.status == 200, res.body.c_str());
        QCOMPARE(json::parse(res.body).value("note", ""), std::string("second"));
    }

    // What kubectl reads to decide that the server checks fields: every group-version in the root,
    // and in each document the PATCH of every kind, marked with its kind and taking fieldValidation.
    void openApiV3_listsEveryKindsPatchWithFieldValidation()
    {
        const json root = openApiV3Root();
        for (const ResourceType &type : resourceTypes()) {
            const std::string path = type.group.empty() ? "api/" + type.version : "apis/" + type.groupVersion();
            const std::string url = root.value("/paths"_json_pointer, json::object())
                                        .value(path, json::object())
                                        .value("serverRelativeURL", "");
            QVERIFY2(url.rfind("/openapi/v3/" + path + "?hash=", 0) == 0, path.c_str());
            if (type.kind.rfind("SelfSubject", 0) == 0) {
                continue; // created, never patched
            }
            const json document = openApiV3Document(path);
            bool found = false;
            for (const auto &[route, operations] : document.at("paths").items()) {
                const json patch = operations.value("patch", json());
                const json expected = {{"group", type.group}, {"version", type.version}, {"kind", type.kind}};
                if (patch.is_null() || route.find("/status") != std::string::npos ||
                    patch.value("x-kubernetes-group-version-kind", json()) != expected) {
                    continue;
                }
                found = true;
                bool validation = false;
                for (const json &parameter : patch.at("parameters")) {
                    validation = validation || (parameter.value("name", "") == "fieldValidation" &&
                                                parameter.value("in", "") == "query");
                }
                QVERIFY2(validation, route.c_str());
            }
            QVERIFY2(found, type.kind.c_str());
        }
        QVERIFY(openApiV3Document("apis/nowhere.example/v1").is_null());
    }

    // A pod's log options as kube-apiserver checks them: a query it cannot read is 400, options that
    // fail their checks are 422 naming each, and a huge or out-of-range time is refused or clamped,
    // never wrapped round the clock (which aborted the sanitized sim).
    void podLog_optionsAreCheckedAsKubeChecksThem()
    {
        const json pod = {{"apiVersion", "v1"},
                          {"kind", "Pod"},
                          {"metadata", {{"name", "probe"}}},
                          {"spec", {{"containers", json::array({{{"name", "app"}, {"image", "catalog:1"}}})}}}};
        QCOMPARE(create("/api/v1/namespaces/demo/pods", pod.dump(), {}).status, 201);
        const auto logOf = [this](const httplib::Params &params) {
            httplib::Request req;
            req.method = "GET";
            req.path = "/api/v1/namespaces/demo/pods/probe/log";
            req.params = params;
            httplib::Response res;
            m_api->get(req, res);
            return res;
        };
        const auto message = [](const httplib::Response &res) { return status(res).value("message", std::string()); };

        httplib::Response res = logOf({{"sinceSeconds", "0"}, {"tailLines", "-1"}});
        QCOMPARE(res.status, 422);
        QCOMPARE(message(res),
                 std::string("PodLogOptions \"probe\" is invalid: [tailLines: Invalid value: -1: must be "
                             "greater than or equal to 0, sinceSeconds: Invalid value: 0: must be greater "
                             "than 0]"));
        res = logOf({{"sinceSeconds", "5"}, {"sinceTime", "2026-12-07T10:11:12Z"}});
        QCOMPARE(res.status, 422);
        QVERIFY2(message(res).find("at most one of `sinceTime` or `sinceSeconds`") != std::string::npos,
                 res.body.c_str());
        for (const char *time : {"9999-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-07T10:11:12+99:00",
                                 "2026-12-07T1:11:12Z", "2026-12-07T10:11:12", "-999-01-01T00:00:00Z"}) {
            res = logOf({{"sinceTime", time}});
            QVERIFY2(res.status == 400 && message(res).find("as RFC 3339") != std::string::npos, time);
        }
        QCOMPARE(logOf({{"sinceTime", "2026-12-07T10:11:12.25+01:00"}}).status, 200);
        QCOMPARE(logOf({{"sinceSeconds", "9223372036854775807"}}).status, 200);
        res = logOf({{"previous", "true"}});
        QCOMPARE(res.status, 400);
        QCOMPARE(message(res), std::string("previous terminated container \"app\" in pod \"probe\" not found"));
    }

    // `kubectl logs -f` follows one run of the container, as kubelet's stream does: a restart (kubelet,
    // after failed probes) sends what that run wrote since the last read, then ends the stream. (It
    // went on into the new run, and lost the lines written just before the restart.)
    void podLogFollow_endsWithTheContainersRun()
    {
        QVERIFY(createWeb());
        std::string pod;
        auto now = std::chrono::steady_clock::now();
        for (int round = 0; round < 100 && pod.empty(); ++round, now += std::chrono::milliseconds(100)) {
            m_model->tick(now);
            for (const json &found : m_store->all(*findResourceTypeByKind("Pod"))) {
                pod = found.value("/metadata/name"_json_pointer, std::string());
            }
        }
        QVERIFY(!pod.empty());
        const json workload = std::get<json>(m_store->get(*findResourceTypeByKind("Deployment"), "demo", "web"));
        PodModel &pods = m_model->pods();
        pods.logRequests(workload, 4, 0, {});

        httplib::Request req;
        req.method = "GET";
        req.path = "/api/v1/namespaces/demo/pods/" + pod + "/log";
        req.params = {{"follow", "true"}};
        httplib::Response res;
        m_api->get(req, res);
        QVERIFY(res.content_provider_);
        std::string received;
        bool ended = false;
        httplib::DataSink sink;
        sink.write = [&received](const char *data, std::size_t size) {
            received.append(data, size);
            return true;
        };
        sink.is_writable = [] { return true; };
        sink.done = [&ended] { ended = true; };
        QVERIFY(res.content_provider_(0, 0, sink));
        QCOMPARE(std::count(received.begin(), received.end(), '\n'), 4);

        pods.logRequests(workload, 3, 0, {}); // not read before the restart
        pods.restartContainers("demo", pod);
        pods.logRequests(workload, 5, 1, {});             // the new run's
        for (int call = 0; call < 20 && !ended; ++call) { // each call waits at most a second for lines
            QVERIFY(res.content_provider_(0, 0, sink));
        }
        QVERIFY2(ended, received.c_str());
        PodModel::LogRequest previous;
        previous.previous = true;
        std::string run;
        for (const std::string &line : pods.log("demo", pod, previous).lines) {
            run += line + "\n";
        }
        QCOMPARE(std::count(run.begin(), run.end(), '\n'), 7);
        QCOMPARE(received, run); // all of the run followed, and nothing of the next
    }

    // /scale is decoded as an autoscaling/v1 Scale under the request's fieldValidation, as kube decodes
    // it: Strict refuses a field a Scale does not have (the write changes nothing), Warn (kubectl
    // patch's default) names it in a Warning and writes what it knows, and an unknown directive is 422.
    void scale_writesAreCheckedAgainstTheScaleKind()
    {
        QVERIFY(createWeb());
        const std::string path = "/apis/apps/v1/namespaces/demo/deployments/web/scale";
        const auto write = [&](const std::string &method, const std::string &directive, const std::string &body) {
            httplib::Request req;
            req.method = method;
            req.path = path;
            req.params = {{"fieldValidation", directive}};
            req.body = body;
            req.set_header("Content-Type", method == "PATCH"       ? "application/merge-patch+json"
                                           : method == "JSONPATCH" ? "application/json-patch+json"
                                                                   : "application/json");
            req.method = method == "JSONPATCH" ? "PATCH" : method;
            httplib::Response res;
            req.method == "PATCH" ? m_api->patch(req, res) : m_api->update(req, res);
            return res;
        };
        const auto replicas = [&] {
            return json::parse(serve("GET", path).body).value("/spec/replicas"_json_pointer, -1);
        };

        httplib::Response res = write("PATCH", "Strict", R"({"spec":{"replicaz":3}})");
        QCOMPARE(res.status, 400);
        QCOMPARE(status(res).value("message", ""),
                 std::string("Scale in version \"v1\" cannot be handled as a Scale: strict decoding error: unknown "
                             "field \"spec.replicaz\""));
        res = write("PUT", "Strict",
                    R"({"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"demo"},)"
                    R"("spec":{"replicas":4},"sepc":{}})");
        QCOMPARE(res.status, 400);
        QVERIFY2(status(res).value("message", "").find("unknown field \"sepc\"") != std::string::npos,
                 res.body.c_str());
        res = write("JSONPATCH", "Strict", R"([{"op":"add","path":"/spec/replicaz","value":2}])");
        QCOMPARE(res.status, 400);
        QVERIFY2(status(res).value("message", "").find("unknown field \"spec.replicaz\"") != std::string::npos,
                 res.body.c_str());
        QCOMPARE(replicas(), 1);

        res = write("PATCH", "Warn", R"({"spec":{"replicas":3,"replicaz":3}})");
        QCOMPARE(res.status, 200);
        QCOMPARE(res.get_header_value("Warning"), std::string("299 - \"unknown field \\\"spec.replicaz\\\"\""));
        QCOMPARE(replicas(), 3);
        res = write("PATCH", "Bogus", R"({"spec":{"replicas":5}})");
        QCOMPARE(res.status, 422);
        QCOMPARE(status(res).value("details", json::object()).value("kind", ""), std::string("PatchOptions"));
        QCOMPARE(replicas(), 3);
    }
};

QTEST_GUILESS_MAIN(TestResourceApi)
#include "tst_resourceapi.moc"
