// The demo's pods against the counts above them, as a cluster orders them: a pod turns ready before
// its Deployment's (or Argo ReplicaSet's) readyReplicas counts it. A client that reads the pods
// when the count changes (the console does) must find them ready, never "3 of 3" above a 0/1 pod.

#include "sim/clustermodel.h"
#include "sim/objectstore.h"
#include "sim/podaddresses.h"
#include "sim/resourcetypes.h"
#include "sim/scenario.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

using namespace Curtain::Sim;
using json = nlohmann::json;

class TestPodModel : public QObject
{
    Q_OBJECT

    static json workload(const std::string &kind, const std::string &name, int replicas)
    {
        const json labels = {{"app", name}};
        return {{"apiVersion", "apps/v1"},
                {"kind", kind},
                {"metadata", {{"name", name}, {"namespace", "demo"}}},
                {"spec",
                 {{"replicas", replicas},
                  {"selector", {{"matchLabels", labels}}},
                  {"template",
                   {{"metadata", {{"labels", labels}}},
                    {"spec", {{"containers", json::array({{{"name", name}, {"image", "web:1"}}})}}}}}}}};
    }

    // Ticks the model (in steps of 100 ms of its clock) until the workload counts `ready` pods.
    static bool tickUntilReady(ClusterModel &model, ObjectStore &store, const std::string &kind,
                               const std::string &name, int ready)
    {
        auto now = std::chrono::steady_clock::now();
        for (int step = 0; step < 600; ++step) {
            model.tick(now);
            now += std::chrono::milliseconds(100);
            const auto found = store.get(builtInType(kind), "demo", name);
            if (std::holds_alternative<json>(found) &&
                std::get<json>(found).value("/status/readyReplicas"_json_pointer, -1) == ready) {
                return true;
            }
        }
        return false;
    }

    // Namespace demo with the Deployment web, 2 replicas, rolled out.
    static bool settledWeb(ObjectStore &store, ClusterModel &model)
    {
        store.create(builtInType("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
        return std::holds_alternative<json>(
                   store.create(builtInType("Deployment"), "demo", workload("Deployment", "web", 2))) &&
               tickUntilReady(model, store, "Deployment", "web", 2);
    }

    // settledWeb, then the Deployment as stored and its pods' names.
    static bool settledWebPods(ObjectStore &store, ClusterModel &model, json *web, std::vector<std::string> *pods)
    {
        if (!settledWeb(store, model)) {
            return false;
        }
        *web = std::get<json>(store.get(builtInType("Deployment"), "demo", "web"));
        for (const json &pod : store.all(builtInType("Pod"))) {
            pods->push_back(pod.value("/metadata/name"_json_pointer, std::string()));
        }
        return true;
    }

private Q_SLOTS:
    // Every pod its own address, from its node's range, as a CNI hands them out; one freed by a pod
    // that went is given again. (They came from a hash of the pod's name: 566 of 8,057 pods shared
    // one at 2,000 releases, and Endpoints listed one address for two pods.)
    void podAddresses_areDistinctAndFromTheirNodesRange()
    {
        PodAddresses addresses;
        std::set<std::string> seen;
        for (int i = 0; i < 20'000; ++i) {
            const int node = i % PodAddresses::nodes + 1;
            const std::string address = addresses.take("demo/pod-" + std::to_string(i), node);
            QVERIFY2(seen.insert(address).second, address.c_str());
            const auto third = std::stoi(address.substr(6, address.find('.', 6) - 6));
            QVERIFY2(third / 64 == node - 1, address.c_str()); // 10.42.0.0/18, 10.42.64.0/18, 10.42.128.0/18
        }
        QCOMPARE(addresses.take("demo/pod-7", 2), addresses.take("demo/pod-7", 2)); // held: the same
        const std::string freed = addresses.take("demo/pod-0", 1);
        addresses.release("demo/pod-0");
        // The range goes round before it gives a freed address again: node 1 has 16,381.
        std::string again;
        for (int i = 0; i < 16'381 && again != freed; ++i) {
            again = addresses.take("demo/new-" + std::to_string(i), 1);
        }
        QCOMPARE(again, freed);

        // A full node's pods go to the next node; with every range full, a pod has no address.
        PodAddresses full;
        std::string last;
        for (int i = 0; i < 16'381 + 1; ++i) {
            last = full.take("demo/fill-" + std::to_string(i), 1);
        }
        QVERIFY2(last.rfind("10.42.64.", 0) == 0, last.c_str());
        QCOMPARE(PodAddresses::nodeOfAddress(last), 2); // the pod's node is the one whose address it has
        for (int i = 0; i < 2 * 16'381 - 1; ++i) {
            full.take("demo/more-" + std::to_string(i), 1);
        }
        QCOMPARE(full.take("demo/none", 1), std::string());

        // Starting over from the pods there are keeps only usable addresses of the ranges: a network
        // address or one outside them that a client's pod carries holds nothing.
        PodAddresses rebuilt;
        rebuilt.rebuild({{"demo/net", "10.42.0.0"}, {"demo/far", "192.168.1.7"}, {"demo/kept", "10.42.0.2"}});
        QCOMPARE(rebuilt.take("demo/kept", 1), std::string("10.42.0.2"));
        QCOMPARE(rebuilt.take("demo/new", 1), std::string("10.42.0.3"));
    }

    // The model's own pods: at a few thousand, each has an address no other pod has.
    void modelsPods_haveDistinctAddresses()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        store.create(builtInType("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
        for (int i = 0; i < 30; ++i) {
            QVERIFY(std::holds_alternative<json>(store.create(
                builtInType("Deployment"), "demo", workload("Deployment", "web-" + std::to_string(i), 100))));
        }
        auto now = std::chrono::steady_clock::now();
        for (int step = 0; step < 100 && store.all(builtInType("Pod")).size() < 3000; ++step) {
            model.tick(now += std::chrono::milliseconds(100));
        }
        const std::vector<json> pods = store.all(builtInType("Pod"));
        QCOMPARE(pods.size(), std::size_t(3000));
        std::set<std::string> addresses;
        for (const json &pod : pods) {
            addresses.insert(pod.value("/status/podIP"_json_pointer, std::string()));
        }
        QCOMPARE(addresses.size(), pods.size());
    }

    // A deleted pod's log goes with it (a demo running for days replaced pods at every rollout, and
    // kept each one's lines); the other pod's stays.
    void podLog_goesWithItsPod()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        json web;
        std::vector<std::string> pods;
        QVERIFY(settledWebPods(store, model, &web, &pods));
        QCOMPARE(pods.size(), std::size_t(2));
        model.pods().logRequests(web, 10, 0, {});
        const auto lines = [&](const std::string &pod) { return model.pods().log("demo", pod, {}).lines.size(); };
        QVERIFY(lines(pods[0]) > 0 && lines(pods[1]) > 0);
        const std::size_t kept = lines(pods[1]);
        QVERIFY(std::holds_alternative<json>(store.remove(builtInType("Pod"), "demo", pods[0])));
        model.tick(std::chrono::steady_clock::now());
        QCOMPARE(lines(pods[0]), std::size_t(0));
        QCOMPARE(lines(pods[1]), kept);
    }

    // A Deployment its finalizers keep after a DELETE is left as it is, as kube's controller leaves
    // one being deleted: a scale makes no pods, a new template no ReplicaSet; its pods keep serving.
    void deploymentBeingDeleted_isLeftAsItIs()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        QVERIFY(settledWeb(store, model));
        const auto patchWeb = [&store](const std::string &patch) {
            return std::holds_alternative<json>(
                store.patch(builtInType("Deployment"), "demo", "web", "application/merge-patch+json", patch, false));
        };
        QVERIFY(patchWeb(R"({"metadata":{"finalizers":["example.com/hold"]}})"));
        QVERIFY(std::holds_alternative<json>(store.remove(builtInType("Deployment"), "demo", "web")));
        QVERIFY(
            patchWeb(R"({"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","image":"web:2"}]}}}})"));
        auto now = std::chrono::steady_clock::now();
        for (int step = 0; step < 30; ++step) {
            model.tick(now += std::chrono::milliseconds(100));
        }
        QCOMPARE(store.all(builtInType("Pod")).size(), std::size_t(2));
        QCOMPARE(store.all(builtInType("ReplicaSet")).size(), std::size_t(1));
        QVERIFY(patchWeb(R"({"metadata":{"finalizers":null}})")); // gone, and its ReplicaSet and pods after it
        model.tick(now += std::chrono::milliseconds(100));
        model.tick(now += std::chrono::milliseconds(100));
        QVERIFY(store.all(builtInType("ReplicaSet")).empty());
        QVERIFY(store.all(builtInType("Pod")).empty());
    }

    // Access-log lines as `kubectl logs` asks for them: the last few, those since a time, with
    // kubelet's timestamps, and after a restart the run before it (--previous) apart from the new one.
    void podLog_answersTailSinceTimestampsAndPrevious()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        json web;
        std::vector<std::string> pods;
        QVERIFY(settledWebPods(store, model, &web, &pods));
        QCOMPARE(pods.size(), std::size_t(2));
        const auto before = std::chrono::system_clock::now();
        model.pods().logRequests(web, 10, 2, std::vector<double>(10, 0.025));
        const auto lines = [&](const std::string &pod, PodModel::LogRequest request) {
            return model.pods().log("demo", pod, request).lines;
        };
        const std::size_t first = lines(pods[0], {}).size();
        QCOMPARE(first + lines(pods[1], {}).size(), std::size_t(10)); // the two pods served them
        QVERIFY(first > 0);
        QVERIFY2(lines(pods[0], {}).back().find("\"GET /items/") != std::string::npos,
                 lines(pods[0], {}).back().c_str());

        PodModel::LogRequest tail;
        tail.tail = 1;
        QCOMPARE(lines(pods[0], tail).size(), std::size_t(1));
        PodModel::LogRequest since;
        since.since = before + std::chrono::hours(1); // none that late
        QCOMPARE(lines(pods[0], since).size(), std::size_t(0));
        since.since = before - std::chrono::seconds(1);
        QCOMPARE(lines(pods[0], since).size(), first);
        // A second round a moment later: `since` between the two keeps the second's lines only, and
        // `since` exactly at a line's time keeps that line.
        const auto between = std::chrono::system_clock::now();
        while (std::chrono::system_clock::now() <= between) {
        } // the clock's next tick: the two rounds' times differ
        const auto secondRound = std::chrono::system_clock::now();
        model.pods().logRequests(web, 10, 0, {});
        const std::size_t both = lines(pods[0], {}).size() + lines(pods[1], {}).size();
        QCOMPARE(both, std::size_t(20));
        since.since = between;
        QCOMPARE(lines(pods[0], since).size() + lines(pods[1], since).size(), std::size_t(10));
        since.since = secondRound - std::chrono::microseconds(1);
        QCOMPARE(lines(pods[0], since).size() + lines(pods[1], since).size(), std::size_t(10));
        PodModel::LogRequest stamped;
        stamped.timestamps = true;
        const std::string line = lines(pods[0], stamped).front();
        // 2026-12-07T10:25:14.653828121Z, then the line as it is without timestamps
        QVERIFY2(line.size() > 31 && line[10] == 'T' && line[29] == 'Z' && line[30] == ' ', line.c_str());
        QCOMPARE(line.substr(31), lines(pods[0], {}).front());

        const std::size_t beforeRestart = lines(pods[0], {}).size();
        model.pods().restartContainers("demo", pods[0]);
        QCOMPARE(lines(pods[0], {}).size(), std::size_t(0)); // the new run has written nothing yet
        PodModel::LogRequest previous;
        previous.previous = true;
        QCOMPARE(lines(pods[0], previous).size(), beforeRestart);
        const std::size_t otherPod = lines(pods[1], {}).size();
        model.pods().logRequests(web, 10, 0, {});
        // The ten new lines: the first pod's in its new run, none added to the run before.
        QCOMPARE(lines(pods[0], {}).size() + lines(pods[1], {}).size() - otherPod, std::size_t(10));
        QCOMPARE(lines(pods[0], previous).size(), beforeRestart);
    }

    void readyPods_comeBeforeTheCountThatIncludesThem_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("Deployment") << QStringLiteral("Deployment");
        QTest::newRow("Argo's ReplicaSet") << QStringLiteral("ReplicaSet");
    }

    void readyPods_comeBeforeTheCountThatIncludesThem()
    {
        QFETCH(QString, kind);
        const std::string type = kind.toStdString();
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        store.create(builtInType("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
        const std::uint64_t since =
            store.list(builtInType("Namespace"), {}, [](const json &) { return true; }).resourceVersion;
        QVERIFY(std::holds_alternative<json>(store.create(builtInType(type), "demo", workload(type, "web", 1))));
        QVERIFY(tickUntilReady(model, store, type, "web", 1));
        const auto scaled = store.patch(builtInType(type), "demo", "web", "application/merge-patch+json",
                                        R"({"spec":{"replicas":3}})", false);
        QVERIFY(std::holds_alternative<json>(scaled));
        QVERIFY(tickUntilReady(model, store, type, "web", 3));

        // Replays every event in resourceVersion order: whenever the workload's count changes, the
        // pods as a watcher knows them at that moment must include as many ready ones.
        std::vector<StoredEvent> events;
        store.waitForEvents(builtInType(type), "demo", since, std::chrono::steady_clock::now(), &events);
        std::vector<StoredEvent> podEvents;
        store.waitForEvents(builtInType("Pod"), "demo", since, std::chrono::steady_clock::now(), &podEvents);
        events.insert(events.end(), podEvents.begin(), podEvents.end());
        std::sort(events.begin(), events.end(),
                  [](const StoredEvent &a, const StoredEvent &b) { return a.resourceVersion < b.resourceVersion; });
        std::map<std::string, bool> podReady;
        int countsChecked = 0;
        for (const StoredEvent &event : events) {
            const std::string name = event.object.value("/metadata/name"_json_pointer, std::string());
            if (event.resource == &builtInType("Pod")) {
                if (event.type == "DELETED") {
                    podReady.erase(name);
                } else {
                    podReady[name] = event.object.value("/status/containerStatuses/0/ready"_json_pointer, false);
                }
                continue;
            }
            const int counted = event.object.value("/status/readyReplicas"_json_pointer, 0);
            int ready = 0;
            for (const auto &[pod, isReady] : podReady) {
                ready += isReady ? 1 : 0;
            }
            QVERIFY2(ready >= counted, qPrintable(QStringLiteral("%1 counts %2 ready at resourceVersion %3; the pods "
                                                                 "a watcher saw by then: %4 ready")
                                                      .arg(kind)
                                                      .arg(counted)
                                                      .arg(event.resourceVersion)
                                                      .arg(ready)));
            ++countsChecked;
        }
        QVERIFY2(countsChecked >= 3, "the workload's count went 0, 1, 2, 3"); // the check above ran
        QCOMPARE(int(podReady.size()), 3);
    }

    void deletedPodMidScale_comesBackUnderANewNameNotReady_data()
    {
        readyPods_comeBeforeTheCountThatIncludesThem_data();
    }

    // A pod deleted while its workload still scales up is made again as a ReplicaSet would make it:
    // under a new name, not ready, and the workload counts one ready pod fewer until it starts.
    void deletedPodMidScale_comesBackUnderANewNameNotReady()
    {
        QFETCH(QString, kind);
        const std::string type = kind.toStdString();
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        store.create(builtInType("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
        QVERIFY(std::holds_alternative<json>(store.create(builtInType(type), "demo", workload(type, "web", 1))));
        QVERIFY(tickUntilReady(model, store, type, "web", 1));
        QVERIFY(std::holds_alternative<json>(store.patch(
            builtInType(type), "demo", "web", "application/merge-patch+json", "{\"spec\":{\"replicas\":3}}", false)));
        QVERIFY(tickUntilReady(model, store, type, "web", 2));
        const auto podsNow = [&store] {
            std::map<std::string, bool> pods; // name: ready
            for (const json &pod : store.all(builtInType("Pod"))) {
                pods[pod.value("/metadata/name"_json_pointer, std::string())] =
                    pod.value("/status/containerStatuses/0/ready"_json_pointer, false);
            }
            return pods;
        };
        const std::map<std::string, bool> before = podsNow();
        QCOMPARE(int(before.size()), 3);
        const auto deleted = std::find_if(before.begin(), before.end(), [](const auto &pod) { return pod.second; });
        QVERIFY(deleted != before.end());
        QVERIFY(std::holds_alternative<json>(store.remove(builtInType("Pod"), "demo", deleted->first)));

        model.tick(std::chrono::steady_clock::now() + std::chrono::hours(1)); // long past any step's pacing
        const std::map<std::string, bool> after = podsNow();
        QCOMPARE(int(after.size()), 3);
        QVERIFY2(after.count(deleted->first) == 0, deleted->first.c_str());
        int made = 0;
        for (const auto &[name, ready] : after) {
            if (before.count(name) == 0) {
                ++made;
                QVERIFY2(!ready, name.c_str());
            }
        }
        QCOMPARE(made, 1);
        const auto stored = store.get(builtInType(type), "demo", "web");
        QCOMPARE(std::get<json>(stored).value("/status/readyReplicas"_json_pointer, -1), 1);
    }

    // What any client may store: ownerReferences of the wrong types on a Deployment and a ReplicaSet.
    // The controllers read past them; the sim's tick goes on, and other Deployments still roll out.
    void oddOwnerReferences_stopNothing()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        store.create(builtInType("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
        const json odd = json::parse(R"([{"kind": 1, "controller": "true", "name": 5}, "x", null])");
        json deployment = workload("Deployment", "odd", 1);
        deployment["metadata"]["ownerReferences"] = odd;
        QVERIFY(std::holds_alternative<json>(store.create(builtInType("Deployment"), "demo", deployment)));
        json replicaSet = workload("ReplicaSet", "odd-rs", 1);
        replicaSet["metadata"]["ownerReferences"] = odd;
        store.create(builtInType("ReplicaSet"), "demo", replicaSet); // refused or stored: either way, no crash
        QVERIFY(std::holds_alternative<json>(
            store.create(builtInType("Deployment"), "demo", workload("Deployment", "web", 2))));
        QVERIFY(tickUntilReady(model, store, "Deployment", "web", 2));
    }

    // A Deployment deleted and made again under the same name does not own the ReplicaSets of the
    // one before (kubectl reads history by the owner's uid): they and their pods go.
    void deploymentMadeAgain_startsItsHistoryAnew()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        QVERIFY(settledWeb(store, model));
        const auto replicaSets = [&store] { return store.all(builtInType("ReplicaSet")); };
        QCOMPARE(int(replicaSets().size()), 1);
        const std::string before = replicaSets().front().value("/metadata/ownerReferences/0/uid"_json_pointer, "");
        QVERIFY(std::holds_alternative<json>(store.remove(builtInType("Deployment"), "demo", "web")));
        json again = workload("Deployment", "web", 2);
        again["spec"]["template"]["spec"]["containers"][0]["image"] = "web:2";
        QVERIFY(std::holds_alternative<json>(store.create(builtInType("Deployment"), "demo", again)));
        QVERIFY(tickUntilReady(model, store, "Deployment", "web", 2));
        const auto after = replicaSets();
        QCOMPARE(int(after.size()), 1);
        QVERIFY(after.front().value("/metadata/ownerReferences/0/uid"_json_pointer, "") != before);
        QCOMPARE(after.front().value("/metadata/annotations/deployment.kubernetes.io~1revision"_json_pointer, ""),
                 std::string("1"));
        int pods = 0;
        for (const json &pod : store.all(builtInType("Pod"))) {
            pods += pod.value("/metadata/ownerReferences/0/name"_json_pointer, "") ==
                            after.front().value("/metadata/name"_json_pointer, "")
                        ? 1
                        : 0;
        }
        QCOMPARE(pods, int(store.all(builtInType("Pod")).size())); // none left of the one before
    }

    // A new template rolls out pod by pod: the old pods keep serving until new ones replace them, and
    // each ReplicaSet counts the pods that carry its hash (`kubectl get rs` during a rollout used to
    // show the old one with ready pods while every pod already carried the new hash). With `again`,
    // a third template arrives mid-rollout: the two old ones drain, the oldest first.
    void rollingOut_eachReplicaSetCountsItsOwnPods_data()
    {
        QTest::addColumn<QString>("midway"); // the image set when two of four pods are replaced
        QTest::newRow("one new template") << QString();
        QTest::newRow("another one mid-rollout") << QStringLiteral("web:3");
        QTest::newRow("back to the first mid-rollout") << QStringLiteral("web:1"); // kubectl rollout undo
    }
    void rollingOut_eachReplicaSetCountsItsOwnPods()
    {
        QFETCH(QString, midway);
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        store.create(builtInType("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
        QVERIFY(std::holds_alternative<json>(
            store.create(builtInType("Deployment"), "demo", workload("Deployment", "web", 4))));
        QVERIFY(tickUntilReady(model, store, "Deployment", "web", 4));
        const auto setImage = [&store](const std::string &image) {
            return std::holds_alternative<json>(store.patch(
                builtInType("Deployment"), "demo", "web", "application/merge-patch+json",
                R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":")" + image + R"("}]}}}})", false));
        };
        QVERIFY(setImage("web:2"));

        bool sideBySide = false; // old and new pods both serving at some point
        std::size_t mostHashes = 0;
        std::string finalImage = "web:2";
        std::map<std::string, std::string> uids;   // every pod seen: a name is never given to another pod
        std::vector<std::string> servingAtTheTurn; // the first template's pods when it is rolled back to
        auto now = std::chrono::steady_clock::now();
        for (int step = 0; step < 600; ++step) {
            model.tick(now);
            now += std::chrono::milliseconds(100);
            std::map<std::string, std::pair<int, int>> podsByHash; // hash: pods, ready pods
            std::set<std::string> suffixes; // kube's random part: never the same for an old and a new pod
            for (const json &pod : store.all(builtInType("Pod"))) {
                const std::string name = pod.value("/metadata/name"_json_pointer, "");
                QVERIFY2(suffixes.insert(name.substr(name.rfind('-') + 1)).second, name.c_str());
                const std::string uid = pod.value("/metadata/uid"_json_pointer, "");
                QVERIFY2(uids.emplace(name, uid).first->second == uid, name.c_str());
                auto &[pods, ready] = podsByHash[pod.value("/metadata/labels/pod-template-hash"_json_pointer, "")];
                ++pods;
                ready += pod.value("/status/containerStatuses/0/ready"_json_pointer, false) ? 1 : 0;
            }
            int total = 0;
            for (const auto &[hash, counts] : podsByHash) {
                total += counts.first;
            }
            QCOMPARE(total, 4); // one old pod goes for each new one
            sideBySide = sideBySide || podsByHash.size() >= 2;
            mostHashes = std::max(mostHashes, podsByHash.size());
            for (const json &rs : store.all(builtInType("ReplicaSet"))) {
                const auto found = podsByHash.find(rs.value("/metadata/labels/pod-template-hash"_json_pointer, ""));
                const auto counts = found == podsByHash.end() ? std::make_pair(0, 0) : found->second;
                const std::string name = rs.value("/metadata/name"_json_pointer, "");
                QVERIFY2(rs.value("/status/replicas"_json_pointer, -1) == counts.first, name.c_str());
                QVERIFY2(rs.value("/status/readyReplicas"_json_pointer, -1) == counts.second, name.c_str());
            }
            const json web = std::get<json>(store.get(builtInType("Deployment"), "demo", "web"));
            const long long updated = web.value("/status/updatedReplicas"_json_pointer, 0);
            if (!midway.isEmpty() && finalImage == "web:2" && updated == 2) {
                for (const json &pod : store.all(builtInType("Pod"))) {
                    if (pod.value("/spec/containers/0/image"_json_pointer, "") == "web:1") {
                        servingAtTheTurn.push_back(pod.value("/metadata/name"_json_pointer, ""));
                    }
                }
                finalImage = midway.toStdString();
                QVERIFY(setImage(finalImage)); // two of four replaced: both templates serve side by side
                continue;
            }
            if (updated == 4 && web.value("/status/readyReplicas"_json_pointer, 0) == 4 && podsByHash.size() == 1 &&
                web.value("/status/observedGeneration"_json_pointer, 0) ==
                    web.value("/metadata/generation"_json_pointer, 1)) {
                break;
            }
        }
        QVERIFY(sideBySide);
        QCOMPARE(mostHashes, std::size_t(midway == QLatin1String("web:3") ? 3 : 2)); // web:3 came beside both
        for (const json &pod : store.all(builtInType("Pod"))) {
            QCOMPARE(pod.value("/spec/containers/0/image"_json_pointer, ""), finalImage);
        }
        // Rolled back to: the pods of the first template that were still serving serve on (kube's
        // ReplicaSet adopts them), rather than being made again.
        for (const std::string &pod :
             midway == QLatin1String("web:1") ? servingAtTheTurn : std::vector<std::string>()) {
            QVERIFY2(std::holds_alternative<json>(store.get(builtInType("Pod"), "demo", pod)), pod.c_str());
        }
        QVERIFY(midway != QLatin1String("web:1") || servingAtTheTurn.size() == 2);
    }

    // The garbage collector after the watch history was compacted past its last look (a burst of
    // writes between two ticks, as when thousands of objects are made at once): every Deployment it
    // knows is looked at, and a deleted one's ReplicaSets and pods still go, the others' stay.
    void deletedDeployment_isCollectedAfterACompactedHistory()
    {
        ObjectStore store(40); // a short history: 40 events
        ClusterModel model(store, Scenario{});
        QVERIFY(settledWeb(store, model));
        QVERIFY(std::holds_alternative<json>(
            store.create(builtInType("Deployment"), "demo", workload("Deployment", "api", 1))));
        QVERIFY(tickUntilReady(model, store, "Deployment", "api", 1));
        QVERIFY(std::holds_alternative<json>(store.remove(builtInType("Deployment"), "demo", "web")));
        for (int i = 0; i < 60; ++i) { // more writes than the history keeps, before the next tick
            store.create(builtInType("ConfigMap"), "demo", {{"metadata", {{"name", "filler-" + std::to_string(i)}}}});
        }
        QVERIFY(!store.deletedSince(builtInType("Deployment"), 1).has_value()); // compacted indeed
        model.tick(std::chrono::steady_clock::now() + std::chrono::hours(1));
        const auto owners = [&store](const ResourceType &type) {
            std::vector<std::string> names;
            for (const json &object : store.all(type)) {
                names.push_back(object.value("/metadata/ownerReferences/0/name"_json_pointer, ""));
            }
            return names;
        };
        const auto replicaSets = owners(builtInType("ReplicaSet"));
        QCOMPARE(int(replicaSets.size()), 1);
        QCOMPARE(replicaSets.front(), std::string("api"));
        const auto pods = owners(builtInType("Pod"));
        QCOMPARE(int(pods.size()), 1);
        QVERIFY2(pods.front().rfind("api-", 0) == 0, pods.front().c_str());
    }

    // `kubectl delete rs` of a Deployment's current ReplicaSet: the controller makes it again.
    void deletedReplicaSet_isMadeAgain()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        QVERIFY(settledWeb(store, model));
        const auto replicaSets = store.all(builtInType("ReplicaSet"));
        QCOMPARE(int(replicaSets.size()), 1);
        const std::string name = replicaSets.front().value("/metadata/name"_json_pointer, "");
        QVERIFY(std::holds_alternative<json>(store.remove(builtInType("ReplicaSet"), "demo", name)));
        model.tick(std::chrono::steady_clock::now() + std::chrono::hours(1));
        const auto made = store.get(builtInType("ReplicaSet"), "demo", name);
        QVERIFY2(std::holds_alternative<json>(made), name.c_str());
        const auto web = store.get(builtInType("Deployment"), "demo", "web");
        QCOMPARE(std::get<json>(made).value("/metadata/ownerReferences/0/uid"_json_pointer, ""),
                 std::get<json>(web).value("/metadata/uid"_json_pointer, "x"));
        QCOMPARE(std::get<json>(made).value("/spec/replicas"_json_pointer, 0), 2);
    }
};

QTEST_GUILESS_MAIN(TestPodModel)
#include "tst_podmodel.moc"
