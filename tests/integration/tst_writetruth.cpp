// A write's report is the truth, as a script sees it from curtainctl against a real curtain-sim
// with injected faults: a write whose answer is lost is confirmed by reading it back; a write that
// lands after the client gave up is "sent, not confirmed" (exit 5) with what the cluster shows —
// and it does land; transient 5xx while syncing and writing do not fail an action; an Argo
// controller that never reacts is not a success.

#include "ctlrunner.h"
#include "testsupport.h"

#include <QProcess>
#include <QTest>

#include <httplib.h>

#include <memory>

using namespace Curtain;

class TestWriteTruth : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::SimProcess> m_sim;
    std::unique_ptr<Test::ApiReader> m_api;

    void startSim(const QStringList &arguments = {})
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error, arguments), qPrintable(error));
        m_api = std::make_unique<Test::ApiReader>(m_sim->port());
    }

    void setFaults(const std::string &faults)
    {
        httplib::Client sim("127.0.0.1", m_sim->port());
        const auto reply = sim.Put("/curtain-sim/faults", faults, "application/json");
        QVERIFY(reply && reply->status == 200);
    }

    // The sim has a request of this test's curtainctl in its hands (delayed by a fault).
    bool holdsARequest() const
    {
        httplib::Client sim("127.0.0.1", m_sim->port());
        const auto reply = sim.Get("/curtain-sim/faults");
        return reply && reply->status == 200 &&
               nlohmann::json::parse(reply->body, nullptr, false).value("heldRequests", 0) > 0;
    }

    // Starts `curtainctl ARGUMENTS…` against a new sim that holds writes for 4 s, and returns once
    // the sim holds this one's; later writes (the test's own) go through at once.
    bool startHeldWrite(QProcess &run, const QStringList &arguments)
    {
        startSim();
        setFaults(R"({"writeDelayMs":4000})");
        Test::startCurtainctl(run, QStringList{QStringLiteral("--server"), m_sim->url()} + arguments);
        const bool held = QTest::qWaitFor([this] { return holdsARequest(); }, 20000);
        setFaults(R"({"writeDelayMs":0})");
        return held;
    }

    Test::CtlRun ctl(const QStringList &arguments)
    {
        return Test::runCurtainctl(QStringList{QStringLiteral("--server"), m_sim->url()} + arguments, 90'000);
    }

private Q_SLOTS:
    void cleanup()
    {
        m_api.reset();
        m_sim.reset();
    }

    void lostReply_isConfirmedByReadingBack()
    {
        startSim();
        setFaults(R"({"writeReplyDelayMs":8000})"); // applied at once, answered after the client gave up
        const Test::CtlRun run = ctl({QStringLiteral("--request-timeout"), QStringLiteral("3s"),
                                      QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("30")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains(QStringLiteral("confirmed by reading it back")), qPrintable(run.out));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(70LL, 30LL));
    }

    // Another client makes the very change while this write is on its way: the write is refused
    // (409) and wrote nothing. Once it said "confirmed by reading it back: the reply was lost",
    // exit 0, and recorded someone else's change as its own (an "applied" TrafficShifted Event).
    void sameChangeByAnotherClient_isAlreadyThereNotApplied()
    {
        QProcess run;
        QVERIFY(startHeldWrite(run, {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("10")}));
        QCOMPARE(m_api->patch("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog",
                              "application/json-patch+json",
                              R"([{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":90},)"
                              R"({"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":10}])"),
                 200);
        QVERIFY(run.waitForFinished(60'000));
        const QString out = QString::fromUtf8(run.readAllStandardOutput());
        QVERIFY2(run.exitCode() == 0, qPrintable(out + QString::fromUtf8(run.readAllStandardError())));
        QVERIFY2(out.contains(QStringLiteral("catalog: already there — someone else changed it to blue 90 %, green "
                                             "10 % just before this set-weight, which wrote nothing")),
                 qPrintable(out));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(90LL, 10LL));
        const auto events = m_api->get("/apis/events.k8s.io/v1/namespaces/demo/events");
        QVERIFY(events);
        QStringList reasons;
        for (const nlohmann::json &event : events->value("items", nlohmann::json::array())) {
            reasons << QString::fromStdString(event.value("reason", ""));
        }
        QVERIFY2(!reasons.contains(QStringLiteral("TrafficShifted")), qPrintable(reasons.join(u' ')));
        QVERIFY2(reasons.contains(QStringLiteral("NothingToChange")), qPrintable(reasons.join(u' ')));
    }

    // Another writer changes only the route's annotations while this write is on its way (a plan
    // driver's heartbeat does every 5 s): the write is refused as stale, and is written again over
    // the new version, since the routing it was planned from is unchanged. It failed with "changed
    // by someone else", and a rollback by hand failed so while a plan drove the release.
    void annotationsChangedMidWrite_theWriteIsSentAgain()
    {
        QProcess run;
        QVERIFY(startHeldWrite(run, {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("30")}));
        QCOMPARE(m_api->patch("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog",
                              "application/merge-patch+json",
                              R"({"metadata":{"annotations":{"example.com/heartbeat":"1"}}})"),
                 200);
        QVERIFY(run.waitForFinished(60'000));
        const QString out = QString::fromUtf8(run.readAllStandardOutput());
        QVERIFY2(run.exitCode() == 0, qPrintable(out + QString::fromUtf8(run.readAllStandardError())));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(70LL, 30LL));
    }

    // This write is stored, and another client changes the route while its answer is on the way
    // back. It once exited 1, "the cluster accepted the set-weight but catalog reads back as …",
    // a "server error", though the write had moved traffic (exit 1 means nothing was changed).
    void appliedThenChangedBySomeoneElse_isNotConfirmedNotFailed()
    {
        startSim();
        setFaults(R"({"writeReplyDelayMs":8000})"); // stored at once, answered 8 s later
        QProcess run;
        Test::startCurtainctl(run, {QStringLiteral("--server"), m_sim->url(), QStringLiteral("set-weight"),
                                    QStringLiteral("catalog"), QStringLiteral("5")});
        QTRY_VERIFY_WITH_TIMEOUT(holdsARequest(), 20000);
        QTRY_COMPARE(m_api->catalogWeights(), std::make_pair(95LL, 5LL)); // this write is in
        // Another client moves it: stored at once too, its own answer held as long (hence the patience).
        httplib::Client other("127.0.0.1", m_sim->port());
        other.set_read_timeout(30, 0);
        const auto moved = other.Patch("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog",
                                       R"([{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":50},)"
                                       R"({"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":50}])",
                                       "application/json-patch+json");
        QVERIFY(moved && moved->status == 200);
        QVERIFY(run.waitForFinished(60'000));
        const QString err = QString::fromUtf8(run.readAllStandardError());
        QVERIFY2(run.exitCode() == 5, qPrintable(QString::number(run.exitCode()) + QLatin1Char(' ') + err));
        QVERIFY2(err.contains(QStringLiteral("the set-weight was applied (resourceVersion ")) &&
                     err.contains(QStringLiteral("then someone else changed catalog: the cluster now shows blue 50 "
                                                 "%, green 50 %")),
                 qPrintable(err));
    }

    void lateWrite_isSentNotConfirmed_andSaysWhatTheClusterShows()
    {
        startSim();
        const auto [blue, green] = m_api->catalogWeights();
        // Stored only after the client's 3 s and its five read-backs (from 3 s to 5.75 s).
        setFaults(R"({"writeDelayMs":10000})");
        const Test::CtlRun run = ctl({QStringLiteral("--request-timeout"), QStringLiteral("3s"),
                                      QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("30")});
        QCOMPARE(run.exitCode, 5);
        QVERIFY2(run.err.contains(QStringLiteral("was sent but not confirmed")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("the cluster now shows blue %1 %, green %2 %").arg(blue).arg(green)),
                 qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("curtainctl status catalog")), qPrintable(run.err));
        // …and it was right not to say "nothing changed": the write lands.
        QTRY_VERIFY_WITH_TIMEOUT(m_api->catalogWeights() == std::make_pair(70LL, 30LL), 20000);
    }

    void transientServerErrors_doNotFailAnAction()
    {
        // One request in four fails — lists, watches, access reviews and the write alike: with a 500,
        // which may come after the write is stored (read back), and with a 503, refused (sent again).
        startSim();
        for (const auto &[status, weight] : {std::pair{500, 20}, std::pair{503, 40}}) {
            setFaults(nlohmann::json{{"errorRate", 0.25}, {"errorStatus", status}}.dump());
            const Test::CtlRun run =
                ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QString::number(weight)});
            QVERIFY2(run.exitCode == 0, qPrintable(run.err));
            // The test's own reads meet the injected errors too: read until one is answered with the
            // weight. QTRY_* evaluates its expression once more after the loop, and that read could meet
            // a 500 of its own: what was seen is kept.
            const auto expected = std::make_pair(100LL - weight, (long long)weight);
            std::pair<long long, long long> seen{-1, -1};
            auto reached = [&] {
                if (seen != expected) {
                    seen = m_api->catalogWeights();
                }
                return seen == expected;
            };
            QTRY_VERIFY2_WITH_TIMEOUT(reached(),
                                      qPrintable(QStringLiteral("weights %1/%2 after `set-weight %3` printed: %4 %5")
                                                     .arg(seen.first)
                                                     .arg(seen.second)
                                                     .arg(weight)
                                                     .arg(run.out, run.err)),
                                      60000);
        }
    }

    void overloadedServer_exitsWith3()
    {
        startSim({QStringLiteral("--faults"), QStringLiteral(R"({"errorRate":1.0,"errorStatus":503})")});
        // Retried for 3 s (--sync-timeout; 20 s by default), then the server's trouble, not the command's.
        const Test::CtlRun run =
            ctl({QStringLiteral("--sync-timeout"), QStringLiteral("3s"), QStringLiteral("releases")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(QStringLiteral("still failing after 3 s of retries")), qPrintable(run.err));
    }

    // A server that asks to come back in 30 s: the client's own retries (five, after Retry-After)
    // would take minutes before the informers hear of it. --sync-timeout is the user's bound.
    void retryAfterLongerThanTheDeadline_endsAtTheDeadline()
    {
        startSim({QStringLiteral("--faults"),
                  QStringLiteral(R"({"errorRate":1.0,"errorStatus":503,"retryAfterSeconds":30})")});
        const Test::CtlRun run = Test::runCurtainctl(
            {QStringLiteral("--server"), m_sim->url(), QStringLiteral("--sync-timeout"), QStringLiteral("2s"),
             QStringLiteral("releases")},
            25'000); // the deadline, with room for a loaded machine; a minute and more before the fix
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(QStringLiteral("(HTTP 503) (retried after Retry-After) (still failing after 2 s")),
                 qPrintable(run.err));
    }

    void controllerThatNeverReacts_exitsWith5()
    {
        startSim();
        QTRY_VERIFY_WITH_TIMEOUT(
            ctl({QStringLiteral("status"), QStringLiteral("payments")}).out.contains(QStringLiteral("Paused")), 20000);
        setFaults(R"({"argoControllerDown":true})");
        // 10 s by default; a pipeline that knows its controller may choose its own bound.
        const Test::CtlRun run = ctl({QStringLiteral("--reaction-timeout"), QStringLiteral("2s"),
                                      QStringLiteral("pause"), QStringLiteral("payments")});
        QCOMPARE(run.exitCode, 5); // the write was accepted, nothing happened: not a success
        QVERIFY2(run.out.contains(QStringLiteral("no reaction after 2 s")), qPrintable(run.out));
        // A script reading JSON sees the same: not ok, not confirmed.
        const Test::CtlRun json =
            ctl({QStringLiteral("-o"), QStringLiteral("json"), QStringLiteral("--reaction-timeout"),
                 QStringLiteral("1s"), QStringLiteral("resume"), QStringLiteral("payments")});
        QCOMPARE(json.exitCode, 5);
        const auto parsed = nlohmann::json::parse(json.out.toStdString(), nullptr, false);
        QVERIFY2(parsed.is_object() && parsed.value("ok", true) == false && parsed.value("confirmed", true) == false &&
                     parsed.value("namespace", "") == "demo",
                 qPrintable(json.out));
    }
};

QTEST_GUILESS_MAIN(TestWriteTruth)
#include "tst_writetruth.moc"
