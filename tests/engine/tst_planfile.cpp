// Plans as people write them: the README's own YAML reads, the plan editor's text (YAML with
// durations as 15m) reads back as the same plan, and a plan keeps its name.

#include "core/plan.h"
#include "engine/planfile.h"

#include <QFile>
#include <QTest>

using namespace Curtain;

class TestPlanFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readmesExample_isAPlan()
    {
        QFile readme(QStringLiteral(QT_TESTCASE_SOURCEDIR "/../README.md"));
        QVERIFY2(readme.open(QIODevice::ReadOnly), qPrintable(readme.fileName()));
        const QByteArray text = readme.readAll();
        const qsizetype start = text.indexOf("```yaml\n# plan.yaml");
        QVERIFY2(start >= 0, "the README shows no plan.yaml");
        const qsizetype body = text.indexOf('\n', start) + 1;
        const QByteArray yaml = text.mid(body, text.indexOf("```", body) - body);
        const auto plan = Engine::parsePlanText(yaml, QStringLiteral("README.md"));
        QVERIFY2(plan.ok(), qPrintable(plan.ok() ? QString() : plan.error().message));
        QCOMPARE(plan.value().steps.size(), 6);
        QCOMPARE(plan.value().steps.at(1).durationSeconds, std::optional<int>(15 * 60));
    }

    void editorText_readsBackAsTheSamePlan()
    {
        for (Core::Plan plan : {Core::classicPlan(), Core::Plan{}}) {
            if (plan.steps.isEmpty()) { // a team's own: unnamed, a pause until resumed, other budgets
                plan.steps = {{Core::StepKind::SetWeight, 1, std::nullopt, 3600},
                              {Core::StepKind::Pause, 0, std::nullopt, 3600},
                              {Core::StepKind::Analysis, 0, std::nullopt, 90}};
                plan.judge.maxP99Seconds = std::nullopt;
                plan.judge.maxErrorRate = 0.005;
            }
            const QByteArray yaml = Engine::planYaml(plan);
            const auto back = Engine::parsePlanText(yaml, QStringLiteral("the editor"));
            QVERIFY2(
                back.ok(),
                qPrintable(back.ok() ? QString() : back.error().message + QLatin1Char('\n') + QString::fromUtf8(yaml)));
            QCOMPARE(back.value().toJson(), plan.toJson());
        }
        const QByteArray classic = Engine::planYaml(Core::classicPlan());
        QVERIFY2(classic.contains("name: Classic"), classic.constData());
        QVERIFY2(classic.contains("- pause: {duration: 15m}"), classic.constData());
        QVERIFY2(classic.contains("- setWeight: 5"), classic.constData());
        QVERIFY2(!classic.contains("900"), classic.constData()); // durations as people write them
    }

    void aNameThatIsNotText_isRefused()
    {
        const auto plan = Engine::parsePlanText("name: [1]\nsteps: [{setWeight: 5}]\n", QStringLiteral("plan.yaml"));
        QVERIFY(!plan.ok());
        QVERIFY2(plan.error().message.contains(QStringLiteral("\"name\" must be text")),
                 qPrintable(plan.error().message));
    }
};

QTEST_GUILESS_MAIN(TestPlanFile)
#include "tst_planfile.moc"
