// The demo cluster's controllers held while a console starts: its API serves the scenario at once,
// rolled out, and the ReplicaSets and pods its first round makes come when the console resumes it,
// or after the longest hold it was given if nobody does.

#include "sim/democluster.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"

#include <QTest>

using namespace Curtain::Sim;
using nlohmann::json;

namespace {

std::size_t count(DemoCluster &demo, const char *kind)
{
    return demo.store().all(builtInType(kind)).size();
}

// What a client reads of catalog-blue: its replicas ready, as the scenario describes it.
long long readyReplicas(DemoCluster &demo)
{
    const auto found = demo.store().get(builtInType("Deployment"), "demo", "catalog-blue");
    const json *deployment = std::get_if<json>(&found);
    return deployment ? deployment->value("status", json::object()).value("readyReplicas", -1LL) : -1;
}

} // namespace

class TestDemoCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void held_servesTheScenarioAndMakesPodsWhenResumed()
    {
        std::string error;
        const auto demo = startBuiltinDemo(&error, std::chrono::hours(1)); // only resuming ends it here
        QVERIFY2(demo, error.c_str());
        // The Deployments are there, rolled out; their first controller round has not run.
        QVERIFY(count(*demo, "Deployment") > 0);
        QCOMPARE(readyReplicas(*demo), 4LL);
        QCOMPARE(count(*demo, "Pod"), std::size_t(0));
        QCOMPARE(count(*demo, "ReplicaSet"), std::size_t(0));

        demo->resumeControllers();
        QTRY_VERIFY_WITH_TIMEOUT(count(*demo, "Pod") >= 4, 10'000);
        QVERIFY(count(*demo, "ReplicaSet") > 0);
    }

    void heldAndNeverResumed_startsAfterItsLongestHold()
    {
        std::string error;
        const auto demo = startBuiltinDemo(&error, std::chrono::milliseconds(300));
        QVERIFY2(demo, error.c_str());
        QTRY_VERIFY_WITH_TIMEOUT(count(*demo, "Pod") >= 4, 10'000);
    }

    void notHeld_makesItsPodsAtOnce()
    {
        std::string error;
        const auto demo = startBuiltinDemo(&error);
        QVERIFY2(demo, error.c_str());
        QTRY_VERIFY_WITH_TIMEOUT(count(*demo, "Pod") >= 4, 10'000);
        demo->resumeControllers(); // nothing held: nothing happens
        QCOMPARE(readyReplicas(*demo), 4LL);
    }

    void stoppedWhileHeld_endsAtOnce()
    {
        std::string error;
        auto demo = startBuiltinDemo(&error, std::chrono::hours(1));
        QVERIFY2(demo, error.c_str());
        // The ticker waits on the hold: stop() wakes it, or this would outlast the test's timeout.
        demo->stop();
        QCOMPARE(count(*demo, "Pod"), std::size_t(0)); // stopped before its first round
    }
};

QTEST_GUILESS_MAIN(TestDemoCluster)
#include "tst_democluster.moc"
