// Plans as users write them: every mistake is refused whole, naming the step and the fix.

#include "core/plan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Curtain::Core;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

class TestPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badPlans_areRefusedNamingTheStep_data()
    {
        QTest::addColumn<QString>("plan");
        QTest::addColumn<QString>("message");
        QTest::newRow("no steps") << R"({"steps": []})"
                                  << "the plan has no steps";
        QTest::newRow("no steps key") << R"({})"
                                      << "the plan has no steps";
        QTest::newRow("weight too high") << R"({"steps": [{"setWeight": 5}, {"setWeight": 130}]})"
                                         << "step 2 (setWeight): weight 130 is not a whole number between 0 and 100";
        QTest::newRow("negative weight") << R"({"steps": [{"setWeight": -1}]})"
                                         << "step 1 (setWeight): weight -1";
        QTest::newRow("unknown step") << R"({"steps": [{"setWeight": 5}, {"wait": 10}]})"
                                      << "step 2: unknown step \"wait\"";
        QTest::newRow("bad duration") << R"({"steps": [{"pause": {"duration": "soon"}}]})"
                                      << "step 1 (pause): duration soon is not a duration";
        // Found by fuzz_planfile: converting these to int was undefined behaviour (a negative or zero wait).
        QTest::newRow("duration past an int") << R"({"steps": [{"pause": {"duration": 1e10}}]})"
                                              << "step 1 (pause): duration 10000000000 is not a duration";
        QTest::newRow("hours past an int") << R"({"steps": [{"pause": {"duration": "99999999h"}}]})"
                                           << "step 1 (pause): duration 99999999h is not a duration";
        QTest::newRow("timeout past an int") << R"({"steps": [{"analysis": {"timeout": 1e300}}]})"
                                             << "step 1 (analysis): timeout 1e+300 is not a positive duration";
        QTest::newRow("two keys") << R"({"steps": [{"setWeight": 5, "pause": {}}]})"
                                  << "step 1 must have exactly one of setWeight, pause or analysis";
        QTest::newRow("bad judge") << R"({"steps": [{"setWeight": 5}], "judge": {"alpha": 0.9}})"
                                   << "judge: alpha must be a number between";
        QTest::newRow("bad source") << R"({"steps": [{"setWeight": 5}], "metrics": {"source": "graphite"}})"
                                    << "metrics.source \"graphite\" is neither";
        // A misspelt key ran the plan without the limit its author wrote.
        QTest::newRow("misspelt judge key")
            << R"({"steps": [{"setWeight": 5}], "judge": {"maxErorRate": 0.5}})"
            << "judge: unknown key \"maxErorRate\" (did you mean maxErrorRate?); judge takes";
        QTest::newRow("unknown top-level key") << R"({"steps": [{"setWeight": 5}], "jugde": {}})"
                                               << "the plan: unknown key \"jugde\" (did you mean judge?)";
        QTest::newRow("unknown pause key") << R"({"steps": [{"pause": {"duraton": "5m"}}]})"
                                           << "step 1 (pause): unknown key \"duraton\" (did you mean duration?)";
        QTest::newRow("pause not a mapping") << R"({"steps": [{"pause": "15m"}]})"
                                             << "step 1 (pause): write pause: {duration: 15m}";
        QTest::newRow("judge not a mapping") << R"({"steps": [{"setWeight": 5}], "judge": [1]})"
                                             << "judge must be a mapping of settings";
        // The nearest key, not the last one within two edits (maxErrorRatio is two away).
        QTest::newRow("nearest suggestion") << R"({"steps": [{"setWeight": 5}], "judge": {"maxErrorRat": 2}})"
                                            << "judge: unknown key \"maxErrorRat\" (did you mean maxErrorRate?)";
        QTest::newRow("unknown metrics key") << R"({"steps": [{"setWeight": 5}], "metrics": {"query": "x"}})"
                                             << "metrics: unknown key \"query\"; metrics takes source, requests";
    }
    void badPlans_areRefusedNamingTheStep()
    {
        QFETCH(QString, plan);
        QFETCH(QString, message);
        const auto parsed = parsePlan(json(plan.toUtf8().constData()));
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().kind, ErrorKind::InvalidInput);
        QVERIFY2(parsed.error().message.startsWith(message), qPrintable(parsed.error().message));
    }

    // YAML reads .nan as a number, which passed every range check: a weight of NaN was converted to
    // int (undefined), and alpha NaN made the judge's every comparison false, so it never failed.
    void notANumber_isRefused()
    {
        const QJsonObject weight{
            {QStringLiteral("steps"), QJsonArray{QJsonObject{{QStringLiteral("setWeight"), qQNaN()}}}}};
        const auto byWeight = parsePlan(weight);
        QVERIFY(!byWeight.ok());
        QVERIFY2(byWeight.error().message.startsWith(QStringLiteral("step 1 (setWeight): weight nan is not")),
                 qPrintable(byWeight.error().message));
        QJsonObject judged = json(R"({"steps": [{"setWeight": 5}]})");
        judged[QStringLiteral("judge")] = QJsonObject{{QStringLiteral("alpha"), qQNaN()}};
        const auto byJudge = parsePlan(judged);
        QVERIFY(!byJudge.ok());
        QVERIFY2(byJudge.error().message.startsWith(QStringLiteral("judge: alpha must be a number between")),
                 qPrintable(byJudge.error().message));
    }

    void headlessRun_refusesAPauseOnlyAHumanCanEnd()
    {
        const auto plan = parsePlan(json(R"({"steps": [{"setWeight": 5}, {"pause": {}}, {"analysis": {}}]})"));
        QVERIFY(plan.ok());
        const auto headless = checkHeadless(plan.value());
        QVERIFY(!headless.ok());
        QVERIFY2(headless.error().message.startsWith(QStringLiteral("step 2 (pause) waits for a human")),
                 qPrintable(headless.error().message));
    }

    void durations_asWritten()
    {
        QCOMPARE(parseDuration(QStringLiteral("15m")), std::optional<int>(900));
        QCOMPARE(parseDuration(QStringLiteral("1h30m")), std::optional<int>(5400));
        QCOMPARE(parseDuration(QStringLiteral("90")), std::optional<int>(90));
        QCOMPARE(parseDuration(QStringLiteral("ten")), std::nullopt);
        QCOMPARE(parseDuration(QStringLiteral("596523h")), std::optional<int>(596523 * 3600));
        QCOMPARE(parseDuration(QStringLiteral("596524h")), std::nullopt); // past 2^31 seconds
        QCOMPARE(parseDuration(QStringLiteral("99999999999999999999h")), std::nullopt);
        QCOMPARE(parseDuration(QStringLiteral("2147483648")), std::nullopt);
    }

    void classicRecipe_isFivePercentThenChecksThenTwentyFive()
    {
        const Plan plan = classicPlan();
        QStringList described;
        for (const PlanStep &s : plan.steps) {
            described << s.describe();
        }
        QCOMPARE(described.join(QStringLiteral(" → ")),
                 QStringLiteral("set weight 5 % → pause 15 min → analysis (up to 1 h) → set weight 25 % → pause 15 "
                                "min → analysis (up to 1 h)"));
        QCOMPARE(plan.judge.maxErrorRate, std::optional<double>(0.001));
        QCOMPARE(plan.judge.maxP99Seconds, std::optional<double>(0.2));
    }

    void progress_survivesTheRouteAnnotation()
    {
        PlanProgress p;
        p.plan = classicPlan();
        p.step = 2;
        p.state = PlanState::Running;
        p.startedAt = QDateTime::fromString(QStringLiteral("2026-11-26T10:00:00.000Z"), Qt::ISODateWithMs);
        p.stepStartedAt = p.startedAt.addSecs(900);
        p.driver = QStringLiteral("curtain@laptop/42");
        const auto back = PlanProgress::fromJson(QJsonDocument::fromJson(QJsonDocument(p.toJson()).toJson()).object());
        QVERIFY(back.ok());
        QCOMPARE(back.value().step, 2);
        QCOMPARE(back.value().stepStartedAt, p.stepStartedAt);
        QCOMPARE(back.value().plan.steps.size(), p.plan.steps.size());
        QCOMPARE(back.value().driver, p.driver);
    }
};

QTEST_GUILESS_MAIN(TestPlan)
#include "tst_plan.moc"
