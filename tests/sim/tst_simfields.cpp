// What curtain-sim makes of the fields of an object it is sent, as kube-apiserver does: fieldValidation
// (Strict refuses an unknown field, Warn names it and drops it, Ignore drops it), inside the spec of the
// kinds workloads are made of, with a patch's nulls and directives read as the patch's own; and the
// defaults kube fills in on Deployments, ReplicaSets and Pods.

#include "resourceapifixture.h"
#include "sim/nodes.h"
#include "sim/podaddresses.h"

#include <QTest>

#include <set>

using namespace Curtain::Sim;
using nlohmann::json;

class TestSimFields : public QObject, protected Curtain::Test::ResourceApiFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { setUp(); }
    void cleanup() { tearDown(); }

    // fieldValidation, as kube-apiserver reads it: Warn (the default) writes and names each unknown
    // field in a Warning header; Strict refuses and stores nothing; Ignore says nothing.
    void fieldValidation_warnsByDefaultAndStrictRefuses()
    {
        const std::string typo =
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"lables\":{}},\"dta\":{}}";
        httplib::Response res = createConfigMap(typo, {});
        QCOMPARE(res.status, 201);
        QCOMPARE(res.get_header_value_count("Warning"), std::size_t(2));
        QCOMPARE(res.get_header_value("Warning", 0) + "|" + res.get_header_value("Warning", 1),
                 std::string("299 - \"unknown field \\\"dta\\\"\"|299 - \"unknown field \\\"metadata.lables\\\"\""));
        // …and drops them, as kube's typed decoding does: what is read back can be written back strictly.
        const json stored = json::parse(serve("GET", "/api/v1/namespaces/demo/configmaps/a").body);
        QVERIFY2(!stored.contains("dta") && !stored["metadata"].contains("lables"), stored.dump().c_str());

        // A patch deleting such a field (kubectl apply's, once the typo is fixed) names no field.
        httplib::Request fix;
        fix.method = "PATCH";
        fix.path = "/api/v1/namespaces/demo/configmaps/a";
        fix.params = {{"fieldValidation", "Strict"}};
        fix.body = "{\"dta\":null,\"data\":{\"k\":\"v\"}}";
        fix.set_header("Content-Type", "application/merge-patch+json");
        httplib::Response fixed;
        m_api->patch(fix, fixed);
        QCOMPARE(fixed.status, 200);

        res = createConfigMap("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"},\"dta\":{}}",
                              {{"fieldValidation", "Strict"}});
        QCOMPARE(res.status, 400);
        QCOMPARE(status(res).value("message", ""),
                 std::string("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
                             "unknown field \"dta\""));
        QCOMPARE(serve("GET", "/api/v1/namespaces/demo/configmaps/b").status, 404);

        res = createConfigMap("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"dta\":{}}",
                              {{"fieldValidation", "Ignore"}});
        QCOMPARE(res.status, 201);
        QVERIFY(!res.has_header("Warning"));
        res = createConfigMap("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"d\"}}",
                              {{"fieldValidation", "strict"}});
        QCOMPARE(res.status, 422); // the request's options are invalid, in kube's words
        QCOMPARE(status(res).value("message", ""),
                 std::string("CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: "
                             "\"strict\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""));
        QCOMPARE(serve("GET", "/api/v1/namespaces/demo/configmaps/d").status, 404);
    }

    // Inside a workload's spec too, with kube's paths: a Deployment's `replica: 3` was stored as a
    // Deployment of one replica, and an `imagee` in a container passed unseen.
    void fieldValidation_looksInsideWorkloadSpecs()
    {
        const std::string deployment = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
            "spec":{"replica":3,"selector":{"matchLabels":{"app":"web"},"matchExpresions":[]},
                    "template":{"metadata":{"labels":{"app":"web"},"lables":{}},"spec":{"containers":[
                        {"name":"web","image":"web:v1","imagee":"web:v2","ports":[{"containerPort":80,"protocl":"TCP"}],
                         "livenessProbe":{"anything":{"goes":"here"}}}]}}}})";
        httplib::Response res =
            create("/apis/apps/v1/namespaces/demo/deployments", deployment, {{"fieldValidation", "Strict"}});
        QCOMPARE(res.status, 400);
        QCOMPARE(status(res).value("message", ""),
                 std::string("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                             "unknown field \"spec.replica\", unknown field \"spec.selector.matchExpresions\", "
                             "unknown field \"spec.template.metadata.lables\", unknown field "
                             "\"spec.template.spec.containers[0].imagee\", unknown field "
                             "\"spec.template.spec.containers[0].ports[0].protocl\""));
        QCOMPARE(serve("GET", "/apis/apps/v1/namespaces/demo/deployments/web").status, 404);

        res = create("/apis/apps/v1/namespaces/demo/deployments", deployment, {}); // Warn: written, without them
        QCOMPARE(res.status, 201);
        QCOMPARE(res.get_header_value_count("Warning"), std::size_t(5));
        const json stored = json::parse(serve("GET", "/apis/apps/v1/namespaces/demo/deployments/web").body);
        const json &container = stored["spec"]["template"]["spec"]["containers"][0];
        QVERIFY2(!stored["spec"].contains("replica") && !container.contains("imagee") &&
                     !container["ports"][0].contains("protocl") && container.value("image", "") == "web:v1" &&
                     container["livenessProbe"].contains("anything"), // not looked into: kept as written
                 stored.dump().c_str());

        // A strategic-merge patch, as kubectl apply sends it: its directives are no fields.
        httplib::Request req;
        req.method = "PATCH";
        req.path = "/api/v1/namespaces/demo/services/web";
        QCOMPARE(create("/api/v1/namespaces/demo/services",
                        R"({"metadata":{"name":"web"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}})", {})
                     .status,
                 201);
        req.params = {{"fieldValidation", "Strict"}};
        req.body = R"({"spec":{"$setElementOrder/ports":[{"port":80}],"ports":[{"port":80,"targetport":8080}]}})";
        req.set_header("Content-Type", "application/strategic-merge-patch+json");
        httplib::Response patched;
        m_api->patch(req, patched);
        QCOMPARE(patched.status, 400);
        QVERIFY2(status(patched).value("message", "").find("unknown field \"spec.ports[0].targetport\"") !=
                     std::string::npos,
                 patched.body.c_str());
    }

    // Only a patch deletes with null (a merge patch in its maps, not in its lists, which are values),
    // and only a strategic merge patch has $ directives: elsewhere they are fields, unknown ones
    // here, and were stored under Strict.
    void fieldValidation_nullsAndDollarKeys_areFieldsOutsidePatches()
    {
        const auto deployment = [](const std::string &extra) {
            return R"({"metadata":{"name":"web"},"spec":{)" + extra +
                   R"("selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
                   "spec":{"containers":[{"name":"web","image":"web:v1"}]}}}})";
        };
        const httplib::Params strict = {{"fieldValidation", "Strict"}};
        const std::string collection = "/apis/apps/v1/namespaces/demo/deployments";
        httplib::Response res = create(collection, deployment(R"("$replicas":3,)"), strict);
        QCOMPARE(res.status, 400);
        QVERIFY2(status(res).value("message", "").find(R"(unknown field "spec.$replicas")") != std::string::npos,
                 res.body.c_str());
        res = create(collection, deployment(R"("replica":null,)"), strict);
        QCOMPARE(res.status, 400);
        QVERIFY2(status(res).value("message", "").find(R"(unknown field "spec.replica")") != std::string::npos,
                 res.body.c_str());
        QCOMPARE(create(collection, deployment(""), strict).status, 201);

        httplib::Request req;
        req.method = "PATCH";
        req.path = collection + "/web";
        req.params = strict;
        req.set_header("Content-Type", "application/merge-patch+json");
        req.body = R"({"spec":{"replica":null,"template":{"spec":{"containers":[{"name":"web","image":"web:v2",
                      "imagee":null}]}}}})";
        httplib::Response patched;
        m_api->patch(req, patched);
        QCOMPARE(patched.status, 400); // the list's element is a value: its null is a field
        QVERIFY2(
            status(patched).value("message", "").find(R"(unknown field "spec.template.spec.containers[0].imagee")") !=
                    std::string::npos &&
                patched.body.find("spec.replica") == std::string::npos, // the map's deletes one
            patched.body.c_str());
    }

    // A pod a client creates: kube's pod strategy drops whatever status it was sent and makes it
    // Pending with its QoS class. The model's next tick registers the nodes, binds the pod to one
    // and starts it there with an address of that node's range, keeping the class.
    void createdPod_isPendingWithItsQosClass_thenRunsOnANode()
    {
        const std::string pods = "/api/v1/namespaces/demo/pods";
        const auto pod = [](const std::string &name, const json &resources) {
            const json container = {{"name", "c"}, {"image", "nginx"}, {"resources", resources}};
            return json({{"metadata", {{"name", name}}},
                         {"spec", {{"containers", json::array({container})}}},
                         {"status", {{"phase", "Running"}, {"podIP", "192.0.2.1"}}}})
                .dump();
        };
        const std::vector<std::pair<std::string, std::string>> classes = {
            {"best", "BestEffort"}, {"zero", "BestEffort"}, {"burst", "Burstable"}, {"sure", "Guaranteed"}};
        QCOMPARE(create(pods, pod("best", json::object()), {}).status, 201);
        QCOMPARE(create(pods, pod("zero", {{"requests", {{"cpu", "0"}}}}), {}).status, 201); // zero counts for nothing
        QCOMPARE(create(pods, pod("burst", {{"requests", {{"cpu", "100m"}}}}), {}).status, 201);
        // Requests default to the limits: the same for CPU and memory is Guaranteed.
        QCOMPARE(create(pods, pod("sure", {{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}), {}).status, 201);
        for (const auto &[name, qos] : classes) {
            const json stored = json::parse(serve("GET", pods + "/" + name).body);
            QCOMPARE(stored["status"].dump(), json({{"phase", "Pending"}, {"qosClass", qos}}).dump());
            QVERIFY(!stored["spec"].contains("nodeName"));
        }
        m_model->tick(std::chrono::steady_clock::now());
        std::set<std::string> addresses;
        for (const auto &[name, qos] : classes) {
            const json stored = json::parse(serve("GET", pods + "/" + name).body);
            const json &status = stored["status"];
            QCOMPARE(status.value("phase", ""), std::string("Running"));
            QCOMPARE(status.value("qosClass", ""), qos);
            const std::string node = stored["spec"].value("nodeName", "");
            const std::string address = status.value("podIP", "");
            QVERIFY2(Curtain::Sim::Nodes::number(node) > 0, node.c_str());
            QCOMPARE(Curtain::Sim::PodAddresses::nodeOfAddress(address), Curtain::Sim::Nodes::number(node));
            QCOMPARE(status.value("hostIP", ""), Curtain::Sim::Nodes::internalIp(Curtain::Sim::Nodes::number(node)));
            QCOMPARE(status["containerStatuses"][0].value("ready", false), true);
            addresses.insert(address);
            const json registered = json::parse(serve("GET", "/api/v1/nodes/" + node).body);
            QCOMPARE(registered["spec"].value("podCIDR", ""),
                     Curtain::Sim::PodAddresses::rangeOf(Curtain::Sim::Nodes::number(node)));
        }
        QCOMPARE(addresses.size(), classes.size());
    }

    // A Service deleted and made again between two ticks (`kubectl replace --force`): its slice is
    // the new Service's, owned by its uid. (The controller read freed memory here once.)
    void remadeService_getsSlicesOfItsOwn()
    {
        const std::string services = "/api/v1/namespaces/demo/services";
        const std::string slices = "/apis/discovery.k8s.io/v1/namespaces/demo/endpointslices";
        const std::string service = json({{"metadata", {{"name", "web"}}},
                                          {"spec", {{"selector", {{"app", "web"}}}, {"ports", {{{"port", 80}}}}}}})
                                        .dump();
        const auto owners = [&] {
            std::vector<std::string> uids;
            const json listed = json::parse(serve("GET", slices).body);
            for (const json &slice : listed["items"]) {
                uids.push_back(slice["metadata"]["ownerReferences"][0].value("uid", ""));
            }
            return uids;
        };
        QCOMPARE(create(services, service, {}).status, 201);
        m_model->tick(std::chrono::steady_clock::now());
        const std::string first = json::parse(serve("GET", services + "/web").body)["metadata"].value("uid", "");
        QCOMPARE(owners(), std::vector<std::string>{first});
        QCOMPARE(serve("DELETE", services + "/web").status, 200);
        QCOMPARE(create(services, service, {}).status, 201);
        m_model->tick(std::chrono::steady_clock::now());
        const std::string second = json::parse(serve("GET", services + "/web").body)["metadata"].value("uid", "");
        QVERIFY(second != first);
        QCOMPARE(owners(), std::vector<std::string>{second});
        QCOMPARE(serve("DELETE", services + "/web").status, 200);
        m_model->tick(std::chrono::steady_clock::now());
        QCOMPARE(owners(), std::vector<std::string>{});
    }

    // What kube-apiserver's defaulting fills in is stored as on a cluster: `kubectl describe` said
    // "StrategyType:" with nothing after it, and `get -o yaml` showed a spec no cluster stores. What
    // the writer set is kept.
    void workloads_getKubesDefaults_andKeepWhatWasSet()
    {
        const std::string collection = "/apis/apps/v1/namespaces/demo/deployments";
        QCOMPARE(create(collection, R"({"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},
            "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
                {"name":"a","image":"nginx","ports":[{"containerPort":80}],
                 "readinessProbe":{"httpGet":{"port":80},"periodSeconds":0}},
                {"name":"b","image":"nginx:1.25"},{"name":"c","image":"registry:5000/web"},
                {"name":"d","image":"web@sha256:0123"},{"name":"e","image":"web:latest"},
                {"name":"f","image":"web:latest@sha256:0123"},{"name":"g","image":"web:v1","imagePullPolicy":""}]}}}})",
                        {})
                     .status,
                 201);
        json stored = json::parse(serve("GET", collection + "/web").body);
        const json &spec = stored["spec"];
        QCOMPARE(spec.value("replicas", 0), 1);
        QCOMPARE(spec.value("revisionHistoryLimit", 0), 10);
        QCOMPARE(spec.value("progressDeadlineSeconds", 0), 600);
        QCOMPARE(spec["strategy"].dump(),
                 std::string(R"({"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"})"));
        const json &pod = spec["template"]["spec"];
        QCOMPARE(pod.value("restartPolicy", ""), std::string("Always"));
        QCOMPARE(pod.value("dnsPolicy", ""), std::string("ClusterFirst"));
        QCOMPARE(pod.value("schedulerName", ""), std::string("default-scheduler"));
        QCOMPARE(pod.value("terminationGracePeriodSeconds", 0), 30);
        QStringList pulls;
        for (const json &container : pod["containers"]) {
            pulls << QString::fromStdString(container.value("imagePullPolicy", ""));
        }
        QCOMPARE(pulls, QStringList({QStringLiteral("Always"), QStringLiteral("IfNotPresent"), QStringLiteral("Always"),
                                     QStringLiteral("IfNotPresent"), QStringLiteral("Always"), QStringLiteral("Always"),
                                     QStringLiteral("IfNotPresent")})); // "" is unset, as kube's Go reads it
        const json &first = pod["containers"][0];
        QCOMPARE(first["ports"][0].value("protocol", ""), std::string("TCP"));
        QCOMPARE(first.value("terminationMessagePath", ""), std::string("/dev/termination-log"));
        QCOMPARE(first["readinessProbe"].value("periodSeconds", 0), 10); // 0 is unset there too
        QCOMPARE(first["readinessProbe"]["httpGet"].value("scheme", ""), std::string("HTTP"));
        QCOMPARE(first["readinessProbe"]["httpGet"].value("path", ""), std::string("/"));

        // Set by the writer, kept; and an update is defaulted as a create is.
        httplib::Request req;
        req.method = "PATCH";
        req.path = collection + "/web";
        req.set_header("Content-Type", "application/merge-patch+json");
        req.body = R"({"spec":{"strategy":{"type":"Recreate","rollingUpdate":null},"revisionHistoryLimit":3,
                      "template":{"spec":{"dnsPolicy":"Default"}}}})";
        httplib::Response patched;
        m_api->patch(req, patched);
        QCOMPARE(patched.status, 200);
        stored = json::parse(serve("GET", collection + "/web").body);
        QCOMPARE(stored["spec"]["strategy"].dump(), std::string(R"({"type":"Recreate"})"));
        QCOMPARE(stored["spec"].value("revisionHistoryLimit", 0), 3);
        QCOMPARE(stored["spec"]["template"]["spec"].value("dnsPolicy", ""), std::string("Default"));
        QCOMPARE(stored["spec"]["template"]["spec"].value("restartPolicy", ""), std::string("Always"));

        // Back to a rolling update, then to Recreate as kubectl apply sends it: $retainKeys drops the
        // rolling update's settings; a merge patch that leaves them is kube's 422.
        req.body = R"({"spec":{"strategy":{"type":"RollingUpdate"}}})";
        m_api->patch(req, patched);
        QCOMPARE(patched.status, 200);
        req.body = R"({"spec":{"strategy":{"type":"Recreate"}}})";
        m_api->patch(req, patched);
        QCOMPARE(patched.status, 422);
        QVERIFY2(status(patched)
                         .value("message", "")
                         .find("spec.strategy.rollingUpdate: Forbidden: may not be "
                               "specified when strategy `type` is 'Recreate'") != std::string::npos,
                 patched.body.c_str());
        req.headers.erase("Content-Type");
        req.set_header("Content-Type", "application/strategic-merge-patch+json");
        req.body = R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})";
        m_api->patch(req, patched);
        QCOMPARE(patched.status, 200);
        stored = json::parse(serve("GET", collection + "/web").body);
        QCOMPARE(stored["spec"]["strategy"].dump(), std::string(R"({"type":"Recreate"})"));
    }

    // A top-level field whose name starts with "metadata." is that field, not one in metadata: Warn
    // drops it where it is. (It dropped metadata.name instead, and threw on a patch without metadata.)
    void fieldValidation_topLevelFieldNamedLikeMetadata_isDroppedWhereItIs()
    {
        httplib::Response res = createConfigMap(
            R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m"},"metadata.name":"x","data":{}})", {});
        QCOMPARE(res.status, 201);
        QCOMPARE(res.get_header_value("Warning"), std::string("299 - \"unknown field \\\"metadata.name\\\"\""));
        QCOMPARE(json::parse(res.body)["metadata"].value("name", ""), std::string("m"));

        httplib::Request req;
        req.method = "PATCH";
        req.path = "/api/v1/namespaces/demo/configmaps/m";
        req.body = R"({"metadata.":{"labels":{"a":"b"}},"data":{"k":"v"}})";
        req.set_header("Content-Type", "application/merge-patch+json");
        httplib::Response patched;
        m_api->patch(req, patched);
        QCOMPARE(patched.status, 200);
        const json stored = json::parse(serve("GET", "/api/v1/namespaces/demo/configmaps/m").body);
        QVERIFY2(stored["data"].value("k", "") == "v" && !stored.contains("metadata.") &&
                     !stored["metadata"].contains("labels"),
                 stored.dump().c_str());
    }
};

QTEST_GUILESS_MAIN(TestSimFields)
#include "tst_simfields.moc"
