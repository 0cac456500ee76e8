// The demo cluster's storage must behave like the API server: versions, conflicts, patch types,
// validation and watch history.

#include "sim/namespacecontroller.h"
#include "sim/objectstore.h"
#include "sim/patching.h"
#include "sim/scenario.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace Curtain::Sim;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const ResourceType &services()
{
    return *findResourceType("", "v1", "services");
}

const ResourceType &routes()
{
    return *findResourceType("gateway.networking.k8s.io", "v1", "httproutes");
}

json serviceObject()
{
    return {{"metadata", {{"name", "app"}, {"labels", {{"tier", "web"}}}}},
            {"spec",
             {{"selector", {{"app", "web"}, {"version", "blue"}}}, {"ports", {{{"port", 80}, {"protocol", "TCP"}}}}}}};
}

std::string rvOf(const Outcome<json> &outcome)
{
    return std::get<json>(outcome)["metadata"]["resourceVersion"];
}

int codeOf(const Outcome<json> &outcome)
{
    return std::holds_alternative<ApiStatus>(outcome) ? std::get<ApiStatus>(outcome).code : 200;
}

// A ConfigMap that a cleanup controller and an auditor hold on to until they are done with it.
json heldConfigMap(const std::string &name)
{
    return {{"metadata", {{"name", name}, {"finalizers", {"example.com/cleanup", "example.com/audit"}}}},
            {"data", {{"k", "v"}}}};
}

Outcome<json> setFinalizers(ObjectStore &store, const std::string &ns, const std::string &name, const json &finalizers)
{
    return store.patch(builtInType("ConfigMap"), ns, name, "application/merge-patch+json",
                       json{{"metadata", {{"finalizers", finalizers}}}}.dump(), false);
}

// A watch of the shop's Services from `since`, waiting on a thread of its own (20 s at most).
class WaitingWatch
{
public:
    WaitingWatch(const ObjectStore &store, std::uint64_t since)
        : m_thread([this, &store, since] {
              m_started = true;
              m_result =
                  store.waitForEvents(services(), "shop", since, std::chrono::steady_clock::now() + 20s, &m_seen);
          })
    {}
    bool started() const { return m_started; }
    // What the watch returned, once it has.
    ObjectStore::WaitResult result()
    {
        m_thread.join();
        return m_result;
    }
    const std::vector<StoredEvent> &seen() const { return m_seen; }

private:
    std::atomic<bool> m_started = false;
    std::vector<StoredEvent> m_seen;
    ObjectStore::WaitResult m_result = ObjectStore::WaitResult::TimedOut;
    std::jthread m_thread; // last: it starts once the members it writes exist
};

// Services app-0, app-1… in a round of the controllers (one wake-up at its end); how many were made.
int createdInOneRound(ObjectStore &store, int count)
{
    const ObjectStore::WakeOnceAfter round(store);
    int created = 0;
    for (int i = 0; i < count; ++i) {
        json service = serviceObject();
        service["metadata"]["name"] = "app-" + std::to_string(i);
        created += codeOf(store.create(services(), "shop", service)) == 200 ? 1 : 0;
    }
    return created;
}

} // namespace

class TestObjectStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void patch_withCurrentVersion_appliesAndBumpsTheVersion()
    {
        ObjectStore store;
        const std::string rv = rvOf(store.create(services(), "shop", serviceObject()));
        const auto patched = store.patch(
            services(), "shop", "app", "application/merge-patch+json; charset=utf-8",
            R"({"metadata":{"resourceVersion":")" + rv + R"("},"spec":{"selector":{"version":"green"}}})", false);
        QCOMPARE(codeOf(patched), 200);
        QVERIFY(std::get<json>(patched)["spec"]["selector"]["version"] == "green");
        QVERIFY(std::get<json>(patched)["spec"]["selector"]["app"] == "web");
        QVERIFY(rvOf(patched) != rv);
    }

    void inspect_readsTheStoredObject_andSaysWhenThereIsNone()
    {
        ObjectStore store;
        store.create(services(), "shop", serviceObject());
        std::string version;
        QVERIFY(store.inspect(services(), "shop", "app",
                              [&](const json &object) { version = object["spec"]["selector"].value("version", ""); }));
        QCOMPARE(version, std::string("blue"));
        bool looked = false;
        QVERIFY(!store.inspect(services(), "shop", "missing", [&](const json &) { looked = true; }));
        QVERIFY(!looked);
    }

    void patch_withStaleVersion_is409AndChangesNothing()
    {
        ObjectStore store;
        const std::string rv = rvOf(store.create(services(), "shop", serviceObject()));
        store.patch(services(), "shop", "app", "application/merge-patch+json", R"({"metadata":{"labels":{"x":"1"}}})",
                    false);
        const auto stale = store.patch(
            services(), "shop", "app", "application/merge-patch+json",
            R"({"metadata":{"resourceVersion":")" + rv + R"("},"spec":{"selector":{"version":"green"}}})", false);
        QCOMPARE(codeOf(stale), 409);
        QCOMPARE(std::get<ApiStatus>(stale).reason, "Conflict");
        QVERIFY(std::get<ApiStatus>(stale).message.find("the object has been modified") != std::string::npos);
        QVERIFY(std::get<json>(store.get(services(), "shop", "app"))["spec"]["selector"]["version"] == "blue");
    }

    void patch_failedJsonPatchTest_is422()
    {
        ObjectStore store;
        store.create(services(), "shop", serviceObject());
        const auto result = store.patch(
            services(), "shop", "app", "application/json-patch+json",
            R"([{"op":"test","path":"/spec/selector/version","value":"green"},{"op":"replace","path":"/spec/selector/version","value":"blue"}])",
            false);
        QCOMPARE(codeOf(result), 422);
    }

    void patch_strategicOnCustomResource_is415()
    {
        ObjectStore store;
        store.create(routes(), "shop", {{"metadata", {{"name", "r"}}}, {"spec", {{"rules", json::array()}}}});
        const auto result = store.patch(routes(), "shop", "r", "application/strategic-merge-patch+json", "{}", false);
        QCOMPARE(codeOf(result), 415);
        QVERIFY(std::get<ApiStatus>(result).message.find("application/merge-patch+json") != std::string::npos);
    }

    void patch_strategicMerge_mergesPortsByKeyAndHonoursDirectives()
    {
        const json merged = strategicMerge(serviceObject(), json::parse(R"({
            "spec": {"selector": {"$patch": "replace", "app": "web2"},
                     "$setElementOrder/ports": [{"port": 80}, {"port": 443}],
                     "ports": [{"port": 443, "protocol": "TCP"}, {"port": 80, "name": "http"}]}})"));
        QVERIFY(merged["spec"]["selector"] == json({{"app", "web2"}}));
        QCOMPARE(merged["spec"]["ports"].size(), std::size_t(2));
        QVERIFY(merged["spec"]["ports"][0]["name"] == "http");
        QVERIFY(merged["spec"]["ports"][0]["protocol"] == "TCP");
    }

    void patch_invalidWeight_is422NamingTheField()
    {
        ObjectStore store;
        store.create(routes(), "shop",
                     {{"metadata", {{"name", "r"}}},
                      {"spec", {{"rules", {{{"backendRefs", {{{"name", "a"}, {"weight", 1}}}}}}}}}});
        const auto result =
            store.patch(routes(), "shop", "r", "application/json-patch+json",
                        R"([{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":-3}])", false);
        QCOMPARE(codeOf(result), 422);
        QVERIFY(std::get<ApiStatus>(result).message.find("spec.rules[0].backendRefs[0].weight") != std::string::npos);
    }

    // ConfigMaps as kube-apiserver keeps them: data holds strings, and an immutable one keeps its data.
    void configMap_dataIsStrings_andImmutableKeepsIt()
    {
        ObjectStore store;
        const ResourceType &configMaps = *findResourceType("", "v1", "configmaps");
        QCOMPARE(codeOf(store.create(configMaps, "shop", {{"metadata", {{"name", "bad"}}}, {"data", {{"n", 5}}}})),
                 422);
        const json flags = {{"metadata", {{"name", "flags"}}}, {"data", {{"flags.yaml", "flags: {}"}}}};
        const std::string rv = rvOf(store.create(configMaps, "shop", flags));
        const auto changed = store.patch(configMaps, "shop", "flags", "application/merge-patch+json",
                                         R"({"data":{"flags.yaml":"flags: {a: 1}"},"immutable":true})", false);
        QCOMPARE(codeOf(changed), 200);
        const auto refused = store.patch(configMaps, "shop", "flags", "application/merge-patch+json",
                                         R"({"data":{"flags.yaml":"flags: {a: 2}"}})", false);
        QCOMPARE(codeOf(refused), 422);
        QVERIFY2(std::get<ApiStatus>(refused).message.find("data: Forbidden: field is immutable") != std::string::npos,
                 std::get<ApiStatus>(refused).message.c_str());
        QVERIFY(rvOf(changed) != rv);
    }

    // Two releases of one name would share their Deployments: the scenario names the clash instead.
    void scenario_twoReleasesOfOneName_isAnError()
    {
        const std::string environments = ", environments: {blue: {version: v1}, green: {version: v2}}}\n";
        const auto parsed = parseScenario("releases:\n  - {name: shop, route: service" + environments +
                                          "  - {name: shop, route: flagfile" + environments);
        QVERIFY(std::holds_alternative<std::string>(parsed));
        QCOMPARE(
            QString::fromStdString(std::get<std::string>(parsed)),
            QStringLiteral("scenario: release shop: the scenario names two releases shop; give each its own name"));
    }

    // A test may run the sim's Flagger faster than Flagger's 10 s floor, but not at 0 or above it.
    void scenario_flaggerMinimumInterval_isBounded()
    {
        const std::string releases = "releases:\n  - {name: shop, route: service, environments: {blue: {version: v1}, "
                                     "green: {version: v2}}}\n";
        const auto fast = parseScenario("flaggerMinimumIntervalSeconds: 1\n" + releases);
        QVERIFY(std::holds_alternative<Scenario>(fast));
        QCOMPARE(std::get<Scenario>(fast).flaggerMinimumInterval.count(), 1000);
        QCOMPARE(std::get<Scenario>(parseScenario(releases)).flaggerMinimumInterval.count(), 10000);
        const auto zero = parseScenario("flaggerMinimumIntervalSeconds: 0\n" + releases);
        QVERIFY(std::holds_alternative<std::string>(zero));
        QVERIFY2(std::get<std::string>(zero).find("between 1 and 10") != std::string::npos,
                 std::get<std::string>(zero).c_str());
    }

    void patch_thatChangesNothing_keepsTheVersion()
    {
        ObjectStore store;
        const std::string rv = rvOf(store.create(services(), "shop", serviceObject()));
        const auto result = store.patch(services(), "shop", "app", "application/merge-patch+json",
                                        R"({"spec":{"selector":{"version":"blue"}}})", false);
        QCOMPARE(rvOf(result), rv);
    }

    void watch_resumesAfterAVersionAndExpiresOldOnes()
    {
        ObjectStore store(3);
        const std::string first = rvOf(store.create(services(), "shop", serviceObject()));
        for (int i = 0; i < 5; ++i) {
            store.patch(services(), "shop", "app", "application/merge-patch+json",
                        R"({"metadata":{"labels":{"n":")" + std::to_string(i) + R"("}}})", false);
        }
        std::vector<StoredEvent> events;
        const auto deadline = std::chrono::steady_clock::now();
        QCOMPARE(store.waitForEvents(services(), "shop", std::stoull(first), deadline, &events),
                 ObjectStore::WaitResult::Expired);
        const std::uint64_t recent = store.currentResourceVersion() - 2;
        QCOMPARE(store.waitForEvents(services(), "shop", recent, deadline, &events), ObjectStore::WaitResult::Events);
        QCOMPARE(events.size(), 2u);
        QVERIFY(events.back().object["metadata"]["labels"]["n"] == "4");
    }

    // A controller round wakes the watches once, when it is done: a watch waiting then gets every
    // write of the round, in order, and is not left waiting. A client's write made meanwhile from
    // another thread wakes it at once.
    void watch_getsARoundsWritesTogether_andAClientsWriteAtOnce()
    {
        ObjectStore store;
        WaitingWatch watch(store, store.currentResourceVersion());
        QTRY_VERIFY(watch.started());
        QCOMPARE(createdInOneRound(store, 3), 3);
        QCOMPARE(watch.result(), ObjectStore::WaitResult::Events);
        QCOMPARE(watch.seen().size(), 3u);
        for (std::size_t i = 0; i < watch.seen().size(); ++i) {
            QCOMPARE(watch.seen()[i].object["metadata"]["name"].get<std::string>(), "app-" + std::to_string(i));
        }

        WaitingWatch second(store, store.currentResourceVersion());
        QTRY_VERIFY(second.started());
        const ObjectStore::WakeOnceAfter longRound(store); // held until the end of this test
        std::jthread client([&] {
            json service = serviceObject();
            service["metadata"]["name"] = "from-a-client";
            store.create(services(), "shop", service);
        });
        client.join();
        QCOMPARE(second.result(), ObjectStore::WaitResult::Events); // while the round is still held
        QCOMPARE(second.seen().size(), 1u);
        QCOMPARE(second.seen()[0].object["metadata"]["name"].get<std::string>(), std::string("from-a-client"));
    }

    // A round that writes more than the history keeps, while a watch sleeps, ends that watch with
    // 410 Expired when it wakes, as kube-apiserver does, not with the events that are left (a gap
    // its client could not see).
    void watch_sleepingThroughARoundLongerThanTheHistory_expires()
    {
        ObjectStore store(3);
        WaitingWatch watch(store, store.currentResourceVersion());
        QTRY_VERIFY(watch.started());
        QCOMPARE(createdInOneRound(store, 5), 5);
        QCOMPARE(watch.result(), ObjectStore::WaitResult::Expired);
        QVERIFY(watch.seen().empty());
    }

    void copy_holdsTheSameStateAndGoesItsOwnWay()
    {
        ObjectStore prepared;
        const std::string rv = rvOf(prepared.create(services(), "shop", serviceObject()));
        ObjectStore copy(prepared);
        QCOMPARE(rvOf(copy.get(services(), "shop", "app")), rv);
        QCOMPARE(copy.currentResourceVersion(), prepared.currentResourceVersion());
        std::vector<StoredEvent> events; // a watch from before the object sees it in the copy too
        QCOMPARE(copy.waitForEvents(services(), "shop", std::stoull(rv) - 1, std::chrono::steady_clock::now(), &events),
                 ObjectStore::WaitResult::Events);
        QCOMPARE(events.size(), 1u);

        const auto patched = copy.patch(services(), "shop", "app", "application/merge-patch+json",
                                        R"({"spec":{"selector":{"version":"green"}}})", false);
        QCOMPARE(codeOf(patched), 200);
        QVERIFY(std::get<json>(prepared.get(services(), "shop", "app"))["spec"]["selector"]["version"] == "blue");
        QCOMPARE(rvOf(prepared.get(services(), "shop", "app")), rv);
        QVERIFY(copy.currentResourceVersion() > prepared.currentResourceVersion());
    }

    void history_isBoundedInBytesToo()
    {
        ObjectStore store(5000, 1 << 20); // room for thousands of events, but only one MiB of them
        const std::string first = rvOf(store.create(services(), "shop", serviceObject()));
        for (int i = 0; i < 8; ++i) { // each version carries a new 200 kB annotation
            const json patch = {{"metadata", {{"annotations", {{"note", std::string(200 * 1024, char('a' + i))}}}}}};
            QCOMPARE(
                codeOf(store.patch(services(), "shop", "app", "application/merge-patch+json", patch.dump(), false)),
                200);
        }
        std::vector<StoredEvent> events;
        const auto deadline = std::chrono::steady_clock::now();
        QCOMPARE(store.waitForEvents(services(), "shop", std::stoull(first), deadline, &events),
                 ObjectStore::WaitResult::Expired);
        // The most recent changes are still there to resume from.
        QCOMPARE(store.waitForEvents(services(), "shop", store.currentResourceVersion() - 2, deadline, &events),
                 ObjectStore::WaitResult::Events);
        QCOMPARE(events.size(), 2u);
    }

    void patch_growingAnObjectPast3MiB_is413()
    {
        ObjectStore store;
        store.create(services(), "shop", serviceObject());
        const json big = {{"spec", {{"note", std::string(2 << 20, 'x')}}}};
        QCOMPARE(codeOf(store.patch(services(), "shop", "app", "application/merge-patch+json", big.dump(), false)),
                 200);
        const json bigger = {{"spec", {{"more", std::string(2 << 20, 'y')}}}};
        const auto refused =
            store.patch(services(), "shop", "app", "application/merge-patch+json", bigger.dump(), false);
        QCOMPARE(codeOf(refused), 413);
        QCOMPARE(std::get<ApiStatus>(refused).reason, std::string("RequestEntityTooLarge"));
        QVERIFY(!std::get<json>(store.get(services(), "shop", "app"))["spec"].contains("more"));
    }

    void jsonPatch_copyingMoreThan3MiB_is413BeforeItGrowsTheObject()
    {
        ObjectStore store;
        store.create(services(), "shop", serviceObject());
        json ops = json::array({{{"op", "add"}, {"path", "/spec/blob"}, {"value", std::string(1 << 20, 'x')}}});
        for (int i = 0; i < 5; ++i) { // each copy adds another MiB: thousands would add gigabytes
            ops.push_back({{"op", "copy"}, {"from", "/spec/blob"}, {"path", "/spec/copy" + std::to_string(i)}});
        }
        const auto refused = store.patch(services(), "shop", "app", "application/json-patch+json", ops.dump(), false);
        QCOMPARE(codeOf(refused), 413);
        QVERIFY2(std::get<ApiStatus>(refused).message.find("accumulated size increase of copy") != std::string::npos,
                 std::get<ApiStatus>(refused).message.c_str());
    }

    // kube keeps an object its finalizers still name: a DELETE marks it, an update may only take
    // finalizers off, and taking the last one off ends it, DELETED to watchers.
    void delete_withFinalizers_waitsUntilTheLastOneIsTakenOff()
    {
        ObjectStore store;
        const ResourceType &configMaps = builtInType("ConfigMap");
        QCOMPARE(codeOf(store.create(configMaps, "shop", heldConfigMap("held"))), 200);
        const std::uint64_t before = store.currentResourceVersion();
        const Outcome<json> deleted = store.remove(configMaps, "shop", "held");
        QCOMPARE(codeOf(deleted), 200);
        QVERIFY(std::get<json>(deleted)["metadata"].contains("deletionTimestamp"));
        QCOMPARE(std::get<json>(deleted)["metadata"]["deletionGracePeriodSeconds"], 0);
        QVERIFY(store.contains(configMaps, "shop", "held"));
        QCOMPARE(rvOf(store.remove(configMaps, "shop", "held")), rvOf(deleted)); // a second DELETE: no change

        const Outcome<json> added =
            setFinalizers(store, "shop", "held", {"example.com/cleanup", "example.com/audit", "example.com/late"});
        QCOMPARE(codeOf(added), 422);
        QVERIFY2(std::get<ApiStatus>(added).message.find(
                     "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, "
                     "found new finalizers []string{\"example.com/late\"}") != std::string::npos,
                 std::get<ApiStatus>(added).message.c_str());
        QCOMPARE(codeOf(setFinalizers(store, "shop", "held", {"example.com/audit"})), 200);
        QVERIFY(store.contains(configMaps, "shop", "held"));
        QCOMPARE(codeOf(setFinalizers(store, "shop", "held", nullptr)), 200);
        QVERIFY(!store.contains(configMaps, "shop", "held"));

        std::vector<StoredEvent> events;
        store.waitForEvents(configMaps, "shop", before, std::chrono::steady_clock::now(), &events);
        std::vector<std::string> types;
        for (const StoredEvent &event : events) {
            types.push_back(event.type);
        }
        QCOMPARE(types, std::vector<std::string>({"MODIFIED", "MODIFIED", "DELETED"})); // marked, one off, gone
        // As etcd's delete event: the last stored object (the emptying update is never stored).
        QCOMPARE(events.back().object["metadata"]["finalizers"], json({"example.com/audit"}));
        // Finalizers are names: anything else is refused, naming the item.
        json numbered = heldConfigMap("numbered");
        numbered["metadata"]["finalizers"] = {"example.com/cleanup", 7};
        const Outcome<json> refused = store.create(configMaps, "shop", numbered);
        QCOMPARE(codeOf(refused), 422);
        QVERIFY2(
            std::get<ApiStatus>(refused).message.find(
                R"(metadata.finalizers[1]: Invalid value: "number": metadata.finalizers[1] in body must be of type string)") !=
                std::string::npos,
            std::get<ApiStatus>(refused).message.c_str());
        // Without finalizers a DELETE still ends an object at once.
        QCOMPARE(codeOf(store.create(configMaps, "shop", {{"metadata", {{"name", "free"}}}})), 200);
        QCOMPARE(codeOf(store.remove(configMaps, "shop", "free")), 200);
        QVERIFY(!store.contains(configMaps, "shop", "free"));
    }

    // The namespace controller empties a deleted namespace, and the namespace stays Terminating for
    // as long as finalizers hold some of it.
    void namespaceDeletion_waitsForWhatFinalizersHold()
    {
        ObjectStore store;
        const ResourceType &namespaces = builtInType("Namespace");
        const ResourceType &configMaps = builtInType("ConfigMap");
        QCOMPARE(codeOf(store.create(namespaces, {}, {{"metadata", {{"name", "team"}}}})), 200);
        QCOMPARE(codeOf(store.create(configMaps, "team", heldConfigMap("held"))), 200);
        QCOMPARE(codeOf(store.create(configMaps, "team", {{"metadata", {{"name", "free"}}}})), 200);
        QCOMPARE(codeOf(store.remove(namespaces, {}, "team")), 200);
        NamespaceController controller(store);
        QVERIFY(controller.reconcile().empty());
        QVERIFY(store.contains(namespaces, {}, "team"));
        QVERIFY(!store.contains(configMaps, "team", "free"));
        QVERIFY(store.contains(configMaps, "team", "held"));
        QCOMPARE(codeOf(setFinalizers(store, "team", "held", nullptr)), 200); // in a terminating namespace too
        QCOMPARE(controller.reconcile(), std::vector<std::string>({"team"}));
        QVERIFY(!store.contains(namespaces, {}, "team"));
    }

    // A Terminating namespace has no metadata.finalizers, and an update to it (a label, its status)
    // must not end it: only its controller does, once it is empty.
    void terminatingNamespace_survivesAnUpdate()
    {
        ObjectStore store;
        const ResourceType &namespaces = builtInType("Namespace");
        QCOMPARE(codeOf(store.create(namespaces, {}, {{"metadata", {{"name", "team"}}}})), 200);
        QCOMPARE(codeOf(store.create(builtInType("ConfigMap"), "team", heldConfigMap("held"))), 200);
        QCOMPARE(codeOf(store.remove(namespaces, {}, "team")), 200);
        QCOMPARE(codeOf(store.patch(namespaces, {}, "team", "application/merge-patch+json",
                                    R"({"metadata":{"labels":{"owner":"payments"}}})", false)),
                 200);
        QVERIFY(store.contains(namespaces, {}, "team"));
        QVERIFY(store.contains(builtInType("ConfigMap"), "team", "held"));
    }

    // --cascade=orphan on an object its finalizers hold: its dependents lose the reference at once,
    // as kube's garbage collector does, and stay when it finally goes.
    void orphanDelete_ofAHeldOwner_orphansAtOnce()
    {
        ObjectStore store;
        const ResourceType &configMaps = builtInType("ConfigMap");
        const std::string uid =
            std::get<json>(store.create(configMaps, "shop", heldConfigMap("owner")))["metadata"]["uid"];
        json dependent = {
            {"metadata",
             {{"name", "dependent"},
              {"ownerReferences", {{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "owner"}, {"uid", uid}}}}}}};
        QCOMPARE(codeOf(store.create(configMaps, "shop", dependent)), 200);
        RemoveOptions orphan;
        orphan.orphanDependents = true;
        QCOMPARE(codeOf(store.remove(configMaps, "shop", "owner", orphan)), 200);
        QVERIFY(store.contains(configMaps, "shop", "owner"));
        QVERIFY(!std::get<json>(store.get(configMaps, "shop", "dependent"))["metadata"].contains("ownerReferences"));
    }

    void labelSelector_supportsTheKubernetesSyntax_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<bool>("matches");
        QTest::newRow("equals") << QStringLiteral("app=web") << true;
        QTest::newRow("double equals") << QStringLiteral("app==web") << true;
        QTest::newRow("not equals") << QStringLiteral("app!=web") << false;
        QTest::newRow("exists") << QStringLiteral("curtain.dev/release") << true;
        QTest::newRow("not exists") << QStringLiteral("!curtain.dev/release") << false;
        QTest::newRow("in") << QStringLiteral("tier in (web, api)") << true;
        QTest::newRow("notin") << QStringLiteral("tier notin (web)") << false;
        QTest::newRow("all of them") << QStringLiteral("app=web,tier in (web),!legacy") << true;
    }

    void labelSelector_supportsTheKubernetesSyntax()
    {
        QFETCH(QString, selector);
        QFETCH(bool, matches);
        std::string error;
        const auto parsed = LabelSelector::parse(selector.toStdString(), &error);
        QVERIFY2(parsed.has_value(), error.c_str());
        QCOMPARE(parsed->matches({{"app", "web"}, {"tier", "web"}, {"curtain.dev/release", "web"}}), matches);
    }
};

QTEST_GUILESS_MAIN(TestObjectStore)
#include "tst_objectstore.moc"
