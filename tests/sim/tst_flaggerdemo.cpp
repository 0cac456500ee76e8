// The demo's Flagger release (addFlaggerRelease) inside the real workload and traffic model, on a
// synthetic clock: its Canary is analysed on the requests the model sends through Flagger's
// HTTPRoute, reaches the promotion gate, and is promoted once the gate opens.

#include "sim/clustermodel.h"
#include "sim/flaggerscenario.h"
#include "sim/jsonread.h"

#include <QTest>

#include <functional>
#include <memory>

using namespace Curtain::Sim;
using nlohmann::json;
using namespace std::chrono_literals;

class TestFlaggerDemo : public QObject
{
    Q_OBJECT

    Scenario m_scenario;
    std::unique_ptr<ObjectStore> m_store;
    std::unique_ptr<ClusterModel> m_model;
    std::chrono::steady_clock::time_point m_now{std::chrono::hours(1)};

    json object(const char *kind, const std::string &name) const
    {
        const auto found = m_store->get(*findResourceTypeByKind(kind), "demo", name);
        return std::holds_alternative<json>(found) ? std::get<json>(found) : json();
    }
    std::string phase() const { return textAt(object("Canary", "podinfo"), "/status/phase"); }
    std::string image(const std::string &deployment) const
    {
        return textAt(object("Deployment", deployment), "/spec/template/spec/containers/0/image");
    }
    long long weight(int backend) const
    {
        const json route = object("HTTPRoute", "podinfo");
        const std::string pointer = "/spec/rules/0/backendRefs/" + std::to_string(backend) + "/weight";
        return integerAt(route, pointer.c_str(), -1);
    }
    // The model's ticks, 100 ms of its clock each (as DemoCluster ticks), until `done` or `limit`.
    bool tickUntil(const std::function<bool()> &done, std::chrono::seconds limit)
    {
        for (const auto end = m_now + limit; !done() && m_now < end;) {
            m_now += 100ms;
            m_model->tick(m_now);
        }
        return done();
    }

private Q_SLOTS:
    void init()
    {
        m_scenario = Scenario{};
        m_scenario.objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "demo"}}}});
        addFlaggerRelease(m_scenario, "demo");
        m_store = std::make_unique<ObjectStore>();
        for (const json &item : m_scenario.objects) {
            const ResourceType &type = *findResourceTypeByKind(textAt(item, "/kind"));
            const auto created = m_store->create(type, type.namespaced ? "demo" : "", item);
            const auto *error = std::get_if<ApiStatus>(&created);
            QVERIFY2(!error, error ? error->message.c_str() : "");
        }
        m_model = std::make_unique<ClusterModel>(*m_store, m_scenario);
    }
    void cleanup()
    {
        m_model.reset();
        m_store.reset();
    }

    void demoRelease_isTheDocumentedObjects()
    {
        const json canary = object("Canary", "podinfo");
        QCOMPARE(textAt(canary, "/metadata/labels/curtain.dev~1release"), std::string("podinfo"));
        QCOMPARE(textAt(canary, "/spec/targetRef/name"), std::string("podinfo"));
        QCOMPARE(integerAt(canary, "/spec/analysis/stepWeight", 0), 10LL);
        QCOMPARE(integerAt(canary, "/spec/analysis/maxWeight", 0), 50LL);
        QCOMPARE(integerAt(canary, "/spec/analysis/threshold", 0), 5LL);
        QCOMPARE(textAt(canary, "/spec/analysis/webhooks/0/url"),
                 std::string("http://flagger-loadtester.demo/gate/check"));
        QCOMPARE(textAt(canary, "/spec/analysis/webhooks/1/url"),
                 std::string("http://flagger-loadtester.demo/rollback/check"));
        QCOMPARE(image("podinfo"), std::string("registry.demo.local/podinfo:6.0.0"));
        QCOMPARE(textAt(object("Deployment", "podinfo"), "/metadata/labels/curtain.dev~1release"),
                 std::string("podinfo"));
        QVERIFY(!object("Deployment", "flagger-loadtester").is_null());
        const json loadtester = object("Service", "flagger-loadtester");
        QCOMPARE(textAt(loadtester, "/spec/ports/0/name"), std::string("http"));
        QCOMPARE(integerAt(loadtester, "/spec/ports/0/port", 0), 80LL);
    }

    // From the start of the demo: initialized, updated to 6.1.0 by the demo's script, analysed up to
    // 50 % on its own traffic without a failed check, held at the gate, promoted once it opens.
    void demoRelease_reachesTheGateOnItsOwnTraffic_andIsPromotedWhenItOpens()
    {
        QVERIFY2(tickUntil([&] { return phase() == "WaitingPromotion"; }, 150s), phase().c_str());
        QCOMPARE(image("podinfo"), std::string("registry.demo.local/podinfo:6.1.0"));
        QVERIFY(textAt(object("Canary", "podinfo"), "/metadata/annotations/sim.curtain.dev~1then-set-image").empty());
        QCOMPARE(image("podinfo-primary"), std::string("registry.demo.local/podinfo:6.0.0"));
        QCOMPARE(textAt(object("Deployment", "podinfo-primary"), "/metadata/labels/curtain.dev~1release"),
                 std::string("podinfo"));
        QCOMPARE(weight(0), 50LL);
        QCOMPARE(weight(1), 50LL);
        std::string events;
        for (const json &event : m_store->list(*findResourceType("", "v1", "events"), "demo", nullptr).items) {
            events += "\n  " + textAt(event, "/message");
        }
        QVERIFY2(integerAt(object("Canary", "podinfo"), "/status/failedChecks", -1) == 0, events.c_str());
        tickUntil([] { return false; }, 30s); // the metrics keep passing while it waits
        QCOMPARE(phase(), std::string("WaitingPromotion"));

        const auto opened = m_model->loadtesterGates().serve("demo/flagger-loadtester", "/gate/open",
                                                             R"({"name":"podinfo","namespace":"demo"})");
        QCOMPARE(opened.status, 202);
        QVERIFY2(tickUntil([&] { return phase() == "Succeeded"; }, 60s), phase().c_str());
        QCOMPARE(image("podinfo-primary"), std::string("registry.demo.local/podinfo:6.1.0"));
        QCOMPARE(weight(0), 100LL);
        QCOMPARE(weight(1), 0LL);
        QCOMPARE(integerAt(object("Deployment", "podinfo"), "/spec/replicas", -1), 0LL);
    }
};

QTEST_GUILESS_MAIN(TestFlaggerDemo)
#include "tst_flaggerdemo.moc"
