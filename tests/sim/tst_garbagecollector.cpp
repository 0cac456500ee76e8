// Foreground deletion as kube's API server and garbage collector do it: the owner stays, marked,
// until what it owns is gone, dependents of dependents first; a cycle of owners ends, and a
// cluster-scoped owner's dependents are found in every namespace.

#include "sim/garbagecollector.h"
#include "sim/objectstore.h"

#include <QTest>

using namespace Curtain::Sim;
using nlohmann::json;

namespace {

const ResourceType &configMaps()
{
    return builtInType("ConfigMap");
}

std::string uidOf(const Outcome<json> &outcome)
{
    return std::get<json>(outcome)["metadata"]["uid"];
}

json ownedBy(const std::string &name, const std::string &kind, const std::string &owner, const std::string &uid,
             bool blocks)
{
    return {
        {"metadata",
         {{"name", name},
          {"ownerReferences",
           {{{"apiVersion", "v1"}, {"kind", kind}, {"name", owner}, {"uid", uid}, {"blockOwnerDeletion", blocks}}}}}}};
}

RemoveOptions inTheForeground()
{
    RemoveOptions options;
    options.foreground = true;
    return options;
}

std::vector<std::string> finalizersOf(const ObjectStore &store, const std::string &name)
{
    const json object = std::get<json>(store.get(configMaps(), "shop", name));
    return object["metadata"].value("finalizers", std::vector<std::string>{});
}

} // namespace

class TestGarbageCollector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // owner ← child ← grandchild (each blocking), and a loose dependent that does not block: the
    // owner goes last, the child after the grandchild, the loose one at the first pass.
    void foregroundDelete_removesDependentsOfDependentsFirst()
    {
        ObjectStore store;
        const std::string owner = uidOf(store.create(configMaps(), "shop", {{"metadata", {{"name", "owner"}}}}));
        const std::string child =
            uidOf(store.create(configMaps(), "shop", ownedBy("child", "ConfigMap", "owner", owner, true)));
        QCOMPARE(store.create(configMaps(), "shop", ownedBy("grandchild", "ConfigMap", "child", child, true)).index(),
                 0u);
        QCOMPARE(store.create(configMaps(), "shop", ownedBy("loose", "ConfigMap", "owner", owner, false)).index(), 0u);

        const Outcome<json> dryRun = [&] {
            RemoveOptions options = inTheForeground();
            options.dryRun = true;
            return store.remove(configMaps(), "shop", "owner", options);
        }();
        QCOMPARE(std::get<json>(dryRun)["metadata"]["finalizers"], json({foregroundFinalizer}));
        QVERIFY(finalizersOf(store, "owner").empty()); // a dry run marks nothing

        const Outcome<json> deleted = store.remove(configMaps(), "shop", "owner", inTheForeground());
        QVERIFY(std::get<json>(deleted)["metadata"].contains("deletionTimestamp"));
        QCOMPARE(finalizersOf(store, "owner"), std::vector<std::string>{foregroundFinalizer});

        std::vector<std::string> goneInOrder;
        for (int pass = 0; pass < 10 && store.contains(configMaps(), "shop", "owner"); ++pass) {
            collectForegroundDeletions(store);
            for (const char *name : {"loose", "grandchild", "child", "owner"}) {
                if (!store.contains(configMaps(), "shop", name) &&
                    std::find(goneInOrder.begin(), goneInOrder.end(), name) == goneInOrder.end()) {
                    goneInOrder.push_back(name);
                }
            }
        }
        QCOMPARE(goneInOrder, (std::vector<std::string>{"loose", "grandchild", "child", "owner"}));
    }

    // A dependent its own finalizer holds holds its owner too, until it is let go.
    void foregroundDelete_waitsForADependentsFinalizer()
    {
        ObjectStore store;
        const std::string owner = uidOf(store.create(configMaps(), "shop", {{"metadata", {{"name", "owner"}}}}));
        json held = ownedBy("held", "ConfigMap", "owner", owner, true);
        held["metadata"]["finalizers"] = {"example.com/hold"};
        QCOMPARE(store.create(configMaps(), "shop", held).index(), 0u);
        QCOMPARE(store.remove(configMaps(), "shop", "owner", inTheForeground()).index(), 0u);
        for (int pass = 0; pass < 5; ++pass) {
            collectForegroundDeletions(store);
        }
        QVERIFY(store.contains(configMaps(), "shop", "owner"));
        QCOMPARE(finalizersOf(store, "held"), std::vector<std::string>{"example.com/hold"});
        QCOMPARE(store
                     .patch(configMaps(), "shop", "held", "application/merge-patch+json",
                            R"({"metadata":{"finalizers":null}})", false)
                     .index(),
                 0u);
        for (int pass = 0; pass < 5 && store.contains(configMaps(), "shop", "owner"); ++pass) {
            collectForegroundDeletions(store);
        }
        QVERIFY(!store.contains(configMaps(), "shop", "held"));
        QVERIFY(!store.contains(configMaps(), "shop", "owner"));
    }

    // Two objects that own each other, blocking: kube's collector unblocks the cycle, and both go.
    void foregroundDelete_ofACycleOfOwners_ends()
    {
        ObjectStore store;
        const std::string a = uidOf(store.create(configMaps(), "shop", {{"metadata", {{"name", "a"}}}}));
        const std::string b = uidOf(store.create(configMaps(), "shop", ownedBy("b", "ConfigMap", "a", a, true)));
        QCOMPARE(store
                     .patch(configMaps(), "shop", "a", "application/merge-patch+json",
                            ownedBy("a", "ConfigMap", "b", b, true).dump(), false)
                     .index(),
                 0u);
        QCOMPARE(store.remove(configMaps(), "shop", "a", inTheForeground()).index(), 0u);
        for (int pass = 0;
             pass < 10 && (store.contains(configMaps(), "shop", "a") || store.contains(configMaps(), "shop", "b"));
             ++pass) {
            collectForegroundDeletions(store);
        }
        QVERIFY(!store.contains(configMaps(), "shop", "a"));
        QVERIFY(!store.contains(configMaps(), "shop", "b"));
    }

    // A cluster-scoped owner (a Node) finds what it owns in any namespace.
    void foregroundDelete_ofAClusterScopedOwner_findsDependentsInEveryNamespace()
    {
        ObjectStore store;
        const ResourceType &nodes = builtInType("Node");
        const std::string node = uidOf(store.create(nodes, {}, {{"metadata", {{"name", "n1"}}}}));
        QCOMPARE(store.create(configMaps(), "shop", ownedBy("mine", "Node", "n1", node, true)).index(), 0u);
        QCOMPARE(store.remove(nodes, {}, "n1", inTheForeground()).index(), 0u);
        QVERIFY(store.contains(nodes, {}, "n1"));
        for (int pass = 0; pass < 5 && store.contains(nodes, {}, "n1"); ++pass) {
            collectForegroundDeletions(store);
        }
        QVERIFY(!store.contains(configMaps(), "shop", "mine"));
        QVERIFY(!store.contains(nodes, {}, "n1"));
    }
};

QTEST_GUILESS_MAIN(TestGarbageCollector)
#include "tst_garbagecollector.moc"
