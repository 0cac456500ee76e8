// The demo cluster's Flagger, driven directly on a synthetic clock: what Flagger's scheduler does to
// a Canary, its primary, its Services and its HTTPRoute, interval by interval (see FlaggerController).

#include "flaggertestbed.h"

#include "sim/jsonread.h"

#include <QTest>

#include <memory>

using namespace Curtain;
using nlohmann::json;
using Sim::integerAt;
using Sim::textAt;
using Sim::valueAt;

namespace {

// The Events so far, one per line, for a failure message.
QByteArray eventLog(const Test::FlaggerTestbed &bed)
{
    std::string text;
    for (const std::string &message : bed.messages()) {
        text += "\n  " + message;
    }
    return QByteArray::fromStdString("events:" + text);
}

json promoted(const json &status)
{
    const json conditions = valueAt(status, "/conditions", json::array());
    return conditions.is_array() && conditions.size() == 1 ? conditions[0] : json();
}

} // namespace

class TestFlaggerController : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::FlaggerTestbed> m_bed;

private Q_SLOTS:
    void init() { m_bed = std::make_unique<Test::FlaggerTestbed>(); }
    void cleanup() { m_bed.reset(); }

    // Flagger's kubernetes router and Gateway API router: the primary, three Services and the route,
    // the target scaled to 0 once the primary is ready.
    void initialization_createsPrimaryServicesAndRoute()
    {
        const json labels = {{"metadata", {{"labels", {{"curtain.dev/release", "podinfo"}, {"team", "web"}}}}}};
        QVERIFY(std::holds_alternative<json>(m_bed->store.patch(*Sim::findResourceTypeByKind("Deployment"), "test",
                                                                "podinfo", "application/merge-patch+json",
                                                                labels.dump(), false)));
        m_bed->create(Test::FlaggerTestbed::canary());
        m_bed->step(); // a new Canary runs at once; the primary it makes is not ready yet
        QCOMPARE(m_bed->phase(), std::string("Initializing"));
        const json primary = m_bed->object("Deployment", "podinfo-primary");
        QCOMPARE(textAt(primary, "/spec/selector/matchLabels/app"), std::string("podinfo-primary"));
        QCOMPARE(textAt(primary, "/spec/template/metadata/labels/app"), std::string("podinfo-primary"));
        QCOMPARE(integerAt(primary, "/spec/replicas", 0), 2LL);
        QCOMPARE(m_bed->image("podinfo-primary"), std::string("podinfo:6.0.0"));
        QCOMPARE(textAt(primary, "/metadata/ownerReferences/0/kind"), std::string("Canary"));
        // Only the labels under Flagger's -include-label-prefix (app.kubernetes.io, curtain.dev here).
        const json primaryLabels = valueAt(primary, "/metadata/labels", json());
        QVERIFY2(primaryLabels == json({{"app", "podinfo-primary"}, {"curtain.dev/release", "podinfo"}}),
                 primaryLabels.dump().c_str());
        QVERIFY(m_bed->object("HTTPRoute", "podinfo").is_null()); // not before the primary is ready
        QVERIFY(m_bed->hasEvent("podinfo-primary.test not ready: waiting for rollout to finish: observed deployment "
                                "generation less than desired generation"));
        QCOMPARE(m_bed->replicas("podinfo"), 2LL);

        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Initialized"));
        QCOMPARE(m_bed->replicas("podinfo"), 0LL);
        for (const auto &[service, pods] : {std::pair<std::string, std::string>{"podinfo", "podinfo-primary"},
                                            {"podinfo-primary", "podinfo-primary"},
                                            {"podinfo-canary", "podinfo"}}) {
            const json selector = valueAt(m_bed->object("Service", service), "/spec/selector", json());
            QVERIFY2(selector == json({{"app", pods}}), (service + ": " + selector.dump()).c_str());
            QCOMPARE(integerAt(m_bed->object("Service", service), "/spec/ports/0/port", 0), 9898LL);
        }
        const json route = m_bed->object("HTTPRoute", "podinfo");
        QCOMPARE(textAt(route, "/apiVersion"), std::string("gateway.networking.k8s.io/v1"));
        QCOMPARE(textAt(route, "/spec/parentRefs/0/name"), std::string("gateway"));
        QCOMPARE(textAt(route, "/spec/rules/0/backendRefs/0/name"), std::string("podinfo-primary"));
        QCOMPARE(textAt(route, "/spec/rules/0/backendRefs/1/name"), std::string("podinfo-canary"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));

        const json status = m_bed->status();
        QCOMPARE(integerAt(status, "/canaryWeight", -1), 0LL);
        QCOMPARE(integerAt(status, "/failedChecks", -1), 0LL);
        QCOMPARE(integerAt(status, "/iterations", -1), 0LL);
        QVERIFY(!textAt(status, "/lastAppliedSpec").empty());
        QCOMPARE(textAt(status, "/lastPromotedSpec"), textAt(status, "/lastAppliedSpec"));
        QCOMPARE(textAt(status, "/lastTransitionTime"), std::string("2026-05-28T20:27:00Z"));
        QCOMPARE(textAt(promoted(status), "/type"), std::string("Promoted"));
        QCOMPARE(textAt(promoted(status), "/status"), std::string("True"));
        QCOMPARE(textAt(promoted(status), "/reason"), std::string("Initialized"));
        QCOMPARE(textAt(promoted(status), "/message"), std::string("Deployment initialization completed."));
        QVERIFY2(m_bed->hasEvent("Initialization done! podinfo.test"), eventLog(*m_bed));
    }

    // stepWeight 10 to maxWeight 50, then the confirm-promotion gate, then the promotion.
    void newRevision_stepsToMaxWeight_waitsForTheGate_thenPromotes()
    {
        m_bed->create(Test::FlaggerTestbed::canary());
        QVERIFY(m_bed->stepUntil("Initialized"));
        m_bed->setImage("podinfo:6.1.0");
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Progressing"));
        QCOMPARE(m_bed->replicas("podinfo"), 2LL); // scaled up to the primary's replicas
        QCOMPARE(textAt(promoted(m_bed->status()), "/status"), std::string("Unknown"));
        QVERIFY2(m_bed->hasEvent("New revision detected! Scaling up podinfo.test"), eventLog(*m_bed));
        for (long long weight = 10; weight <= 50; weight += 10) {
            m_bed->step();
            QCOMPARE(m_bed->weights(), std::make_pair(100 - weight, weight));
            QCOMPARE(integerAt(m_bed->status(), "/canaryWeight", -1), weight);
            QVERIFY2(m_bed->hasEvent("Advance podinfo.test canary weight " + std::to_string(weight)), eventLog(*m_bed));
        }
        QVERIFY(m_bed->hasEvent("Starting canary analysis for podinfo.test"));
        for (int i = 0; i < 3; ++i) {
            m_bed->step();
            QCOMPARE(m_bed->phase(), std::string("WaitingPromotion"));
            QCOMPARE(m_bed->weights(), std::make_pair(50LL, 50LL)); // the route keeps the last step
            QCOMPARE(m_bed->image("podinfo-primary"), std::string("podinfo:6.0.0"));
        }
        QCOMPARE(textAt(promoted(m_bed->status()), "/message"), std::string("Waiting for approval."));
        QVERIFY2(m_bed->hasEvent("Halt podinfo.test advancement waiting for promotion approval confirm-promotion"),
                 eventLog(*m_bed));

        QCOMPARE(m_bed->gate("/gate/open"), 202);
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Promoting"));
        QCOMPARE(m_bed->image("podinfo-primary"), std::string("podinfo:6.1.0"));
        QVERIFY(m_bed->hasEvent("Confirm-promotion check confirm-promotion passed"));
        QVERIFY(m_bed->hasEvent("Copying podinfo.test template spec to podinfo-primary.test"));
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Finalising"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QVERIFY(m_bed->hasEvent("Routing all traffic to primary"));
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Succeeded"));
        QCOMPARE(m_bed->replicas("podinfo"), 0LL);
        QCOMPARE(textAt(m_bed->status(), "/lastPromotedSpec"), textAt(m_bed->status(), "/lastAppliedSpec"));
        QCOMPARE(textAt(promoted(m_bed->status()), "/status"), std::string("True"));
        QCOMPARE(textAt(promoted(m_bed->status()), "/reason"), std::string("Succeeded"));
        QVERIFY2(m_bed->hasEvent("Promotion completed! Scaling down podinfo.test"), eventLog(*m_bed));
        m_bed->step(3); // and stays there
        QCOMPARE(m_bed->phase(), std::string("Succeeded"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
    }

    void confirmRollout_waitsWithoutFailingUntilTheGateOpens()
    {
        json canary = Test::FlaggerTestbed::canary();
        // json::array: a braced list of one json is a copy under clang and an array under gcc.
        canary["spec"]["analysis"]["webhooks"] =
            json::array({Test::FlaggerTestbed::webhook("confirm-rollout", "/gate/check")});
        m_bed->create(canary);
        QVERIFY(m_bed->stepUntil("Initialized"));
        m_bed->setImage("podinfo:6.1.0");
        m_bed->step(3);
        QCOMPARE(m_bed->phase(), std::string("Waiting"));
        QCOMPARE(integerAt(m_bed->status(), "/failedChecks", -1), 0LL);
        QCOMPARE(m_bed->replicas("podinfo"), 0LL); // not scaled up before the approval
        QCOMPARE(textAt(promoted(m_bed->status()), "/status"), std::string("Unknown"));
        QCOMPARE(textAt(promoted(m_bed->status()), "/message"), std::string("Waiting for approval."));
        QVERIFY2(m_bed->hasEvent("Halt podinfo.test advancement waiting for approval confirm-rollout"),
                 eventLog(*m_bed));

        QCOMPARE(m_bed->gate("/gate/open"), 202);
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Progressing"));
        QCOMPARE(m_bed->replicas("podinfo"), 2LL);
        QVERIFY(m_bed->hasEvent("Confirm-rollout check confirm-rollout passed"));
        QVERIFY(m_bed->hasEvent("New revision detected! Scaling up podinfo.test"));
    }

    // A rollback gate opened mid-analysis fails the canary at the next interval.
    void rollbackGate_failsTheCanaryAndRoutesAllTrafficBack()
    {
        m_bed->create(Test::FlaggerTestbed::canary());
        QVERIFY2(m_bed->progressTo(20), eventLog(*m_bed));
        m_bed->step();
        QVERIFY2(m_bed->hasEvent("Rollback hook rollback not signaling a rollback"), eventLog(*m_bed));
        QCOMPARE(m_bed->gate("/rollback/open"), 202);
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Failed"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QCOMPARE(m_bed->replicas("podinfo"), 0LL);
        QCOMPARE(m_bed->image("podinfo-primary"), std::string("podinfo:6.0.0"));
        QCOMPARE(integerAt(m_bed->status(), "/canaryWeight", -1), 0LL);
        QCOMPARE(textAt(promoted(m_bed->status()), "/status"), std::string("False"));
        QCOMPARE(textAt(promoted(m_bed->status()), "/message"),
                 std::string("Canary analysis failed, Deployment scaled to zero."));
        QVERIFY(textAt(m_bed->status(), "/lastAppliedSpec") != textAt(m_bed->status(), "/lastPromotedSpec"));
        const auto all = m_bed->messages();
        const auto invoked = std::find(all.begin(), all.end(), "Rolling back podinfo.test manual webhook invoked");
        QVERIFY2(invoked != all.end() &&
                     std::find(invoked, all.end(), "Canary failed! Scaling down podinfo.test") != all.end(),
                 eventLog(*m_bed));
        QVERIFY(m_bed->hasEvent("Rollback check rollback passed"));
        m_bed->step(3); // a failed revision is not tried again
        QCOMPARE(m_bed->phase(), std::string("Failed"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
    }

    // Someone (Curtain, kubectl) raises status.failedChecks to the threshold: Flagger rolls back
    // while Progressing or WaitingPromotion (fluxcd/flagger#1467).
    void failedChecksRaisedToTheThreshold_rollsBack_data()
    {
        QTest::addColumn<bool>("atPromotionGate");
        QTest::newRow("Progressing") << false;
        QTest::newRow("WaitingPromotion") << true;
    }
    void failedChecksRaisedToTheThreshold_rollsBack()
    {
        QFETCH(bool, atPromotionGate);
        m_bed->create(Test::FlaggerTestbed::canary());
        QVERIFY2(m_bed->progressTo(atPromotionGate ? 50 : 20), eventLog(*m_bed));
        if (atPromotionGate) {
            QVERIFY(m_bed->stepUntil("WaitingPromotion"));
        }
        QVERIFY(m_bed->patchCanary({{"status", {{"failedChecks", 5}}}}, true));
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Failed"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QCOMPARE(m_bed->replicas("podinfo"), 0LL);
        QCOMPARE(integerAt(m_bed->status(), "/failedChecks", -1), 0LL); // Flagger's SyncStatus resets it
        const auto all = m_bed->messages();
        const auto reached =
            std::find(all.begin(), all.end(), "Rolling back podinfo.test failed checks threshold reached 5");
        QVERIFY2(reached != all.end() && std::next(reached) != all.end() &&
                     *std::next(reached) == "Canary failed! Scaling down podinfo.test",
                 eventLog(*m_bed));
    }

    void suspend_freezesTheWeights()
    {
        m_bed->create(Test::FlaggerTestbed::canary());
        QVERIFY2(m_bed->progressTo(20), eventLog(*m_bed));
        QVERIFY(m_bed->patchCanary({{"spec", {{"suspend", true}}}}));
        m_bed->step(4);
        QCOMPARE(m_bed->phase(), std::string("Progressing"));
        QCOMPARE(m_bed->weights(), std::make_pair(80LL, 20LL));
        QCOMPARE(integerAt(m_bed->status(), "/canaryWeight", -1), 20LL);
        QVERIFY2(m_bed->hasEvent("skipping canary run as object is suspended"), eventLog(*m_bed));
        QVERIFY(m_bed->patchCanary({{"spec", {{"suspend", false}}}}));
        m_bed->step();
        QCOMPARE(m_bed->weights(), std::make_pair(70LL, 30LL));
    }

    void skipAnalysis_promotesANewRevisionAtOnce()
    {
        json canary = Test::FlaggerTestbed::canary();
        canary["spec"]["skipAnalysis"] = true;
        m_bed->create(canary);
        QVERIFY(m_bed->stepUntil("Initialized"));
        m_bed->setImage("podinfo:6.1.0");
        m_bed->step(2); // the new revision is detected, then promoted
        QCOMPARE(m_bed->phase(), std::string("Succeeded"));
        QCOMPARE(m_bed->image("podinfo-primary"), std::string("podinfo:6.1.0"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QCOMPARE(m_bed->replicas("podinfo"), 0LL);
        QVERIFY2(m_bed->hasEvent("Promotion completed! Canary analysis was skipped for podinfo.test"),
                 eventLog(*m_bed));
        for (const std::string &message : m_bed->messages()) {
            QVERIFY2(message.rfind("Advance", 0) != 0, eventLog(*m_bed));
        }
    }

    // analysis.iterations without steps: the canary is analysed at weight 0, then takes all the
    // traffic for one more interval, then is promoted.
    void blueGreen_countsIterationsAtWeight0_thenSwitches()
    {
        json canary = Test::FlaggerTestbed::canary();
        json &analysis = canary["spec"]["analysis"];
        analysis.erase("stepWeight");
        analysis.erase("maxWeight");
        analysis["iterations"] = 3;
        analysis["webhooks"] = json::array();
        m_bed->create(canary);
        QVERIFY(m_bed->stepUntil("Initialized"));
        m_bed->setImage("podinfo:6.1.0");
        m_bed->step(); // Progressing
        for (int iteration = 1; iteration <= 3; ++iteration) {
            m_bed->step();
            QCOMPARE(integerAt(m_bed->status(), "/iterations", -1), iteration);
            QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
            QVERIFY2(m_bed->hasEvent("Advance podinfo.test canary iteration " + std::to_string(iteration) + "/3"),
                     eventLog(*m_bed));
        }
        m_bed->step();
        QCOMPARE(m_bed->weights(), std::make_pair(0LL, 100LL));
        QVERIFY(m_bed->hasEvent("Routing all traffic to canary"));
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Promoting"));
        QCOMPARE(m_bed->image("podinfo-primary"), std::string("podinfo:6.1.0"));
        QVERIFY(m_bed->stepUntil("Succeeded", 3));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QCOMPARE(m_bed->replicas("podinfo"), 0LL);
    }

    // stepWeights instead of stepWeight: the listed weights, then the promotion gate.
    void stepWeights_followTheList()
    {
        json canary = Test::FlaggerTestbed::canary();
        canary["spec"]["analysis"].erase("stepWeight");
        canary["spec"]["analysis"]["stepWeights"] = {1, 5, 25, 60};
        m_bed->create(canary);
        QVERIFY2(m_bed->progressTo(1), eventLog(*m_bed));
        for (const long long weight : {5LL, 25LL, 60LL}) {
            m_bed->step();
            QCOMPARE(m_bed->weights(), std::make_pair(100 - weight, weight));
        }
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("WaitingPromotion"));
    }

    // Another revision during the analysis starts it over from weight 0.
    void anotherRevision_restartsTheAnalysis()
    {
        m_bed->create(Test::FlaggerTestbed::canary());
        QVERIFY2(m_bed->progressTo(30), eventLog(*m_bed));
        m_bed->setImage("podinfo:6.2.0");
        m_bed->step();
        QCOMPARE(m_bed->phase(), std::string("Progressing"));
        QCOMPARE(m_bed->weights(), std::make_pair(100LL, 0LL));
        QCOMPARE(integerAt(m_bed->status(), "/canaryWeight", -1), 0LL);
        QVERIFY2(m_bed->hasEvent("New revision detected! Restarting analysis for podinfo.test"), eventLog(*m_bed));
        m_bed->step(2);
        QCOMPARE(m_bed->weights(), std::make_pair(80LL, 20LL));
    }
};

QTEST_GUILESS_MAIN(TestFlaggerController)
#include "tst_flaggercontroller.moc"
