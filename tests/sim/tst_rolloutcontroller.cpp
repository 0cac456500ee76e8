// The demo's Argo Rollouts controller skips a pass over a store no one has written since a pass that
// wrote nothing. What only the clock moves must still move: a timed pause ends, and a blue-green
// Rollout's old ReplicaSet is scaled down at its deadline, with nothing else written meanwhile.

#include "sim/clustermodel.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"
#include "sim/scenario.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <chrono>

using namespace Curtain::Sim;
using json = nlohmann::json;

class TestRolloutController : public QObject
{
    Q_OBJECT

    static json rollout(const std::string &image, const json &strategy)
    {
        const json labels = {{"app", "shop"}};
        return {{"apiVersion", "argoproj.io/v1alpha1"},
                {"kind", "Rollout"},
                {"metadata", {{"name", "shop"}, {"namespace", "demo"}}},
                {"spec",
                 {{"replicas", 2},
                  {"selector", {{"matchLabels", labels}}},
                  {"template",
                   {{"metadata", {{"labels", labels}}},
                    {"spec", {{"containers", json::array({{{"name", "shop"}, {"image", image}}})}}}}},
                  {"strategy", strategy}}}};
    }

    static json stored(ObjectStore &store, const char *kind, const std::string &name)
    {
        const auto found = store.get(builtInType(kind), "demo", name);
        return std::holds_alternative<json>(found) ? std::get<json>(found) : json();
    }

    // Ticks the model, 100 ms of its clock per round, until `done` holds or 15 s of real time pass:
    // the pauses below are on the wall clock, as Argo's are.
    template <typename Done>
    static bool tickUntil(ClusterModel &model, Done done)
    {
        auto now = std::chrono::steady_clock::now();
        QElapsedTimer waited;
        waited.start();
        while (!done()) {
            if (waited.elapsed() > 15'000) {
                return false;
            }
            model.tick(now += std::chrono::milliseconds(100));
            QTest::qWait(10); // the wall clock moves the pause; the model's moves the pods
        }
        return true;
    }

    // The image updated to shop:2, from a Rollout settled at shop:1.
    static bool updated(ObjectStore &store, ClusterModel &model, const json &strategy)
    {
        store.create(builtInType("Namespace"), {}, {{"metadata", {{"name", "demo"}}}});
        if (!std::holds_alternative<json>(store.create(builtInType("Rollout"), "demo", rollout("shop:1", strategy)))) {
            return false;
        }
        const bool healthy = tickUntil(model, [&] {
            return stored(store, "Rollout", "shop").value("/status/phase"_json_pointer, "") == "Healthy";
        });
        const json image = {
            {"spec",
             {{"template", {{"spec", {{"containers", json::array({{{"name", "shop"}, {"image", "shop:2"}}})}}}}}}}};
        return healthy &&
               std::holds_alternative<json>(store.patch(builtInType("Rollout"), "demo", "shop",
                                                        "application/merge-patch+json", image.dump(), false));
    }

private Q_SLOTS:
    void aTimedPause_endsWithNothingWrittenMeanwhile()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        const json steps = json::array({{{"setWeight", 50}}, {{"pause", {{"duration", "1s"}}}}, {{"setWeight", 100}}});
        QVERIFY(updated(store, model, {{"canary", {{"steps", steps}}}}));
        QVERIFY(tickUntil(model, [&] {
            return !stored(store, "Rollout", "shop")
                        .value("/status/pauseConditions"_json_pointer, json::array())
                        .empty();
        }));
        // Paused: the store goes quiet; only the clock can end the pause.
        QVERIFY2(tickUntil(model,
                           [&] {
                               const json status = stored(store, "Rollout", "shop")["status"];
                               return status.value("currentStepIndex", 0) == 3 &&
                                      status.value("phase", "") == "Healthy";
                           }),
                 stored(store, "Rollout", "shop")["status"].dump().c_str());
    }

    void aBlueGreenScaleDownDeadline_passesWithNothingWrittenMeanwhile()
    {
        ObjectStore store;
        ClusterModel model(store, Scenario{});
        const json strategy = {{"blueGreen", {{"activeService", "shop"}, {"scaleDownDelaySeconds", 6}}}};
        QVERIFY(updated(store, model, strategy));
        QVERIFY(tickUntil(model, [&] {
            return stored(store, "Rollout", "shop").value("/status/stableRS"_json_pointer, "") ==
                   stored(store, "Rollout", "shop").value("/status/currentPodHash"_json_pointer, "x");
        }));
        // Promoted. The old ReplicaSet keeps its pods for six seconds; the store goes quiet long before.
        const auto withPods = [&store] {
            int count = 0;
            for (const json &rs : store.all(builtInType("ReplicaSet"))) {
                count += rs.value("/spec/replicas"_json_pointer, 0) > 0 ? 1 : 0;
            }
            return count;
        };
        std::uint64_t version = 0;
        int quietRounds = 0;
        QVERIFY(tickUntil(model, [&] {
            quietRounds = store.currentResourceVersion() == version ? quietRounds + 1 : 0;
            version = store.currentResourceVersion();
            return quietRounds == 5;
        }));
        QCOMPARE(withPods(), 2); // the deadline is still ahead
        QVERIFY(tickUntil(model, [&] { return withPods() == 1; }));
    }
};

QTEST_GUILESS_MAIN(TestRolloutController)
#include "tst_rolloutcontroller.moc"
