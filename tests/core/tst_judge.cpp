// The judge as a release engineer meets it: no data holds, a bad canary fails with a sentence that
// says how much worse, a good one passes, and a restarted console continues the same test.
// Traffic comes from the Canary Bench generator with fixed seeds, so every run is the same.

#include "core/judge.h"
#include "core/judgetext.h"
#include "traffic.h"

#include <QJsonObject>
#include <QTest>

using namespace Curtain;
using Core::Verdict;

namespace {

Core::JudgeSettings benchSettings()
{
    Core::JudgeSettings s;
    s.maxErrorRate = 0.01;
    s.maxP99Seconds = 0.5;
    return s;
}

struct Outcome
{
    Core::Judgement judgement;
    int seconds = 0;
};

// Runs traffic at `percent` to the candidate, asking the judge every 5 s, until it decides or time is up.
Outcome drive(Core::Judge &judge, Bench::Traffic &traffic, int percent, int maxSeconds, bool stopOnPass = true)
{
    Outcome out;
    for (int t = 1; t <= maxSeconds; ++t) {
        traffic.advance(percent);
        if (t % 5 == 0) {
            out.judgement =
                judge.observe({qint64(traffic.now() * 1000), traffic.stable().toArm(), traffic.canary().toArm()});
            out.seconds = t;
            if (out.judgement.verdict == Verdict::Fail || (stopOnPass && out.judgement.verdict == Verdict::Pass)) {
                break;
            }
        }
    }
    return out;
}

} // namespace

class TestJudge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noCandidateTraffic_holdsAndSaysWhy()
    {
        Core::Judge judge(benchSettings());
        judge.setArmNames(QStringLiteral("green"), QStringLiteral("blue"));
        Bench::Traffic traffic({}, 1);
        const Outcome out = drive(judge, traffic, 0, 600);
        QCOMPARE(out.judgement.verdict, Verdict::Hold);
        QVERIFY2(out.judgement.reason.contains(QStringLiteral("green has served no requests")),
                 qPrintable(out.judgement.reason));
    }

    void missingArm_holdsNeverPasses()
    {
        Core::Judge judge;
        Core::CanarySample sample;
        sample.stable = {1000, 1, {}, true}; // the candidate's series is absent from the source
        for (int i = 0; i < 50; ++i) {
            sample.timeMs += 5000;
            sample.stable.requests += 500;
            QCOMPARE(judge.observe(sample).verdict, Verdict::Hold);
        }
        QVERIFY(judge.current().reason.contains(QStringLiteral("No data for candidate")));
    }

    void fivePercentErrors_failsWithinAMinute_sayingHowMuchWorse()
    {
        Bench::TrafficParams params;
        params.canaryErrorRate = 0.05;
        Core::Judge judge(benchSettings());
        judge.setArmNames(QStringLiteral("green"), QStringLiteral("blue"));
        Bench::Traffic traffic(params, 7);
        const Outcome out = drive(judge, traffic, 10, 300);
        QCOMPARE(out.judgement.verdict, Verdict::Fail);
        QVERIFY2(out.seconds <= 60, qPrintable(QString::number(out.seconds)));
        const Core::MetricEvidence *errors = out.judgement.metric(Core::MetricKind::Errors);
        QVERIFY(errors && errors->verdict == Verdict::Fail);
        QVERIFY(errors->logEvidence >= errors->decisionLine);
        QVERIFY2(errors->ratioLow > 1.0, qPrintable(errors->detail)); // worse than stable, with confidence
        QVERIFY2(out.judgement.reason.startsWith(QStringLiteral("green failed")) &&
                     out.judgement.reason.contains(QStringLiteral("blue's")) &&
                     out.judgement.reason.contains(QStringLiteral("requests")),
                 qPrintable(out.judgement.reason));
    }

    // During warm-up the judge says what it waits for and until when, not "no requests yet" beside
    // thousands of them.
    void warmup_holdSaysWhenComparisonStarts()
    {
        Core::Judge judge(benchSettings());
        judge.setArmNames(QStringLiteral("green"), QStringLiteral("blue"));
        Bench::Traffic traffic({}, 7);
        const Outcome out = drive(judge, traffic, 25, 30); // inside the first minute of candidate traffic
        QCOMPARE(out.judgement.verdict, Verdict::Hold);
        const QString &reason = out.judgement.reason;
        QVERIFY2(reason.startsWith(QStringLiteral("Warming up: green has served ")), qPrintable(reason));
        QVERIFY2(!reason.contains(QStringLiteral("no requests")), qPrintable(reason));
        QVERIFY2(reason.contains(QStringLiteral("errors are tolerated up to 4× blue's rate")), qPrintable(reason));
        QVERIFY2(reason.contains(QStringLiteral("the counts start again at")), qPrintable(reason));
    }

    void slowerCandidate_failsOnLatencyAfterWarmup()
    {
        Bench::TrafficParams params;
        params.latencyFactor = 1.5;
        Core::Judge judge(benchSettings());
        Bench::Traffic traffic(params, 3);
        const Outcome out = drive(judge, traffic, 20, 900);
        QCOMPARE(out.judgement.verdict, Verdict::Fail);
        const Core::MetricEvidence *latency = out.judgement.metric(Core::MetricKind::Latency);
        QVERIFY(latency && latency->verdict == Verdict::Fail);
        QCOMPARE(latency->name, QStringLiteral("latency > 250 ms")); // DefBuckets edge above stable's 160 ms p99
        QVERIFY(out.seconds > 60);                                   // its first minute is warm-up
    }

    void identicalVersions_neverFail_andPassWithEvidence_data()
    {
        QTest::addColumn<quint64>("seed");
        for (quint64 seed = 100; seed < 110; ++seed) {
            QTest::addRow("seed %llu", static_cast<unsigned long long>(seed)) << seed;
        }
    }
    void identicalVersions_neverFail_andPassWithEvidence()
    {
        QFETCH(quint64, seed);
        Bench::TrafficParams params;
        params.rps = 1000;
        params.warmupSeconds = 60; // and cold for its first minute: still not a rollback
        Core::Judge judge(benchSettings());
        Bench::Traffic traffic(params, seed);
        const Outcome out = drive(judge, traffic, 25, 1800);
        QCOMPARE(out.judgement.verdict, Verdict::Pass);
        const Core::MetricEvidence *errors = out.judgement.metric(Core::MetricKind::Errors);
        QVERIFY(errors->logPassEvidence >= errors->passLine || errors->ratioHigh <= 2.0 ||
                out.judgement.metric(Core::MetricKind::ErrorBudget)->verdict == Verdict::Pass);
        QVERIFY(errors->candidateRequests > 0 && errors->stableRequests > 0);
    }

    void restoredState_continuesTheSameTest()
    {
        Bench::TrafficParams params;
        params.canaryErrorRate = 0.005;
        Core::Judge uninterrupted(benchSettings());
        Core::Judge first(benchSettings());
        Bench::Traffic a(params, 11);
        Bench::Traffic b(params, 11);
        drive(uninterrupted, a, 10, 60, false);
        drive(first, b, 10, 60, false);
        // The console restarts: the state goes through the route annotation's JSON and back.
        Core::Judge resumed(benchSettings());
        QVERIFY(resumed.restoreState(first.saveState()));
        const Outcome expected = drive(uninterrupted, a, 10, 900);
        const Outcome got = drive(resumed, b, 10, 900);
        QCOMPARE(got.judgement.verdict, expected.judgement.verdict);
        QCOMPARE(got.seconds, expected.seconds);
        QCOMPARE(got.judgement.metric(Core::MetricKind::Errors)->candidateEvents,
                 expected.judgement.metric(Core::MetricKind::Errors)->candidateEvents);
    }

    // Found by fuzz_planfile: the state comes from a route annotation anyone with write access can
    // edit, and a time no qint64 holds was converted regardless (undefined behaviour).
    void restoredState_withTimesNoIntegerHolds_isRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("first traffic far past") << QStringLiteral("firstCandidateTrafficMs") << QJsonValue(1.5e46);
        QTest::newRow("last sample far before") << QStringLiteral("lastSampleMs") << QJsonValue(-1e300);
        QTest::newRow("last sample as text") << QStringLiteral("lastSampleMs") << QJsonValue(QStringLiteral("soon"));
    }

    void restoredState_withTimesNoIntegerHolds_isRefused()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        Bench::TrafficParams params;
        Core::Judge first(benchSettings());
        Bench::Traffic traffic(params, 5);
        drive(first, traffic, 10, 120, false);
        QJsonObject state = first.saveState();
        QVERIFY(state.contains(field));
        QVERIFY(Core::Judge(benchSettings()).restoreState(state));
        state[field] = value;
        Core::Judge resumed(benchSettings());
        QVERIFY(!resumed.restoreState(state));
        QCOMPARE(resumed.saveState(), Core::Judge(benchSettings()).saveState()); // still a fresh judge
    }

    void badSettings_nameTheFieldAndTheRange()
    {
        QString error;
        Core::JudgeSettings::fromJson({{QStringLiteral("alpha"), 2.0}}, &error);
        QVERIFY2(error.startsWith(QStringLiteral("alpha must be a number between")), qPrintable(error));
        error.clear();
        const auto s = Core::JudgeSettings::fromJson({{QStringLiteral("maxErrorRate"), QJsonValue()}}, &error);
        QVERIFY(error.isEmpty());
        QVERIFY(!s.maxErrorRate); // null switches the backstop off
    }

    void numbers_readAsPeopleWriteThem()
    {
        QCOMPARE(Core::formatPercent(0.031), QStringLiteral("3.1 %"));
        QCOMPARE(Core::formatPercent(0.0021), QStringLiteral("0.21 %"));
        QCOMPARE(Core::formatCount(1204), QStringLiteral("1,204"));
        QCOMPARE(Core::formatRatio(15.2), QStringLiteral("×15"));
        QCOMPARE(Core::formatSeconds(0.25), QStringLiteral("250 ms"));
    }
};

QTEST_GUILESS_MAIN(TestJudge)
#include "tst_judge.moc"
