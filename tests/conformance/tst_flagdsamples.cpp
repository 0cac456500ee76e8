// flagd's own sample definitions (../shared/fixtures/flagd, JSON and YAML) inside a FeatureFlag:
// Curtain reads them without tripping over any of flagd's operators, names what it will not drive
// (the four-way headerColor split: red and yellow are neither color), and a write to a rollout flag added beside them
// leaves every sample flag and evaluator exactly as flagd's authors wrote it.

#include "adapters/flagd/featureflagadapter.h"
#include "adapters/flagd/flagconfigmapadapter.h"
#include "kube/yamldocuments.h"

#include "testsupport.h"

#include <QTest>

using namespace Curtain;
using Kube::Json;

namespace {

const Json::json_pointer rolloutSplit("/spec/flagSpec/flags/rollout/targeting/fractional");

// The samples as a FeatureFlag's flagSpec, plus a blue/green rollout flag when `withRollout`.
Json featureFlag(const Json &definitions, const std::string &flag, bool withRollout)
{
    Json spec = definitions;
    spec.erase("$schema"); // the flagd file's own key; the operator's flagSpec has no such field
    if (withRollout) {
        spec["flags"]["rollout"] = {
            {"state", "ENABLED"},
            {"variants", {{"blue", "v1"}, {"green", "v2"}}},
            {"defaultVariant", "blue"},
            {"targeting", {{"fractional", Json::array({Json::array({"blue", 80}), Json::array({"green", 20})})}}}};
    }
    return {{"apiVersion", "core.openfeature.dev/v1beta1"},
            {"kind", "FeatureFlag"},
            {"metadata",
             {{"name", "samples"},
              {"namespace", "demo"},
              {"resourceVersion", "7"},
              {"labels", {{"curtain.dev/release", "samples"}}},
              {"annotations", {{"curtain.dev/flag", flag}}}}},
            {"spec", {{"flagSpec", spec}}}};
}

// A sample file's text with a blue/green rollout flag written into it, as its own author would: the
// first flag of `flags`, in the file's own syntax.
QByteArray withRolloutFlag(const QByteArray &file, bool yaml)
{
    QByteArray text = file;
    if (yaml) {
        const qsizetype at = text.indexOf("\nflags:\n") + qsizetype(sizeof("\nflags:\n")) - 1;
        return text.insert(at, "  rollout:\n    state: ENABLED\n    variants: {blue: v1, green: v2}\n"
                               "    defaultVariant: blue\n    targeting:\n      fractional:\n"
                               "        - [blue, 80]\n        - [green, 20]\n");
    }
    const qsizetype at = text.indexOf("\"flags\": {") + qsizetype(sizeof("\"flags\": {")) - 1;
    return text.insert(at, "\n    \"rollout\": {\"state\": \"ENABLED\", \"variants\": {\"blue\": \"v1\", \"green\": "
                           "\"v2\"}, \"defaultVariant\": \"blue\", \"targeting\": {\"fractional\": [[\"blue\", 80], "
                           "[\"green\", 20]]}},");
}

Json configMap(const std::string &key, const QByteArray &text, const std::string &flag)
{
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata",
             {{"name", "samples"},
              {"namespace", "demo"},
              {"resourceVersion", "7"},
              {"labels", {{"curtain.dev/release", "samples"}}},
              {"annotations", {{"curtain.dev/flag", flag}}}}},
            {"data", {{key, text.toStdString()}}}};
}

} // namespace

class TestFlagdSamples : public QObject
{
    Q_OBJECT

    QList<QPair<QString, Json>> m_samples;     // file name, definitions
    QList<QPair<QString, QByteArray>> m_texts; // file name, the file as flagd's authors wrote it

private Q_SLOTS:
    void initTestCase()
    {
        if (Test::upstreamFixtures().isEmpty()) {
            QSKIP(Test::upstreamFixturesMissing().constData());
        }
        for (const QString &name :
             {QStringLiteral("example_flags.flagd.json"), QStringLiteral("example_flags.flagd.yaml")}) {
            const QString path = Test::upstreamFixtures() + QStringLiteral("/flagd/") + name;
            const auto documents = Kube::parseYamlDocuments(Test::readFile(path), path); // JSON is YAML too
            QVERIFY2(documents.ok(), documents.ok() ? "" : qPrintable(documents.error().message));
            QCOMPARE(documents.value().size(), std::size_t(1));
            QVERIFY2(documents.value()[0]["flags"].size() >= 8, qPrintable(name));
            m_samples.append({name, documents.value()[0]});
            m_texts.append({name, Test::readFile(path)});
        }
    }

    // The two files are one definition (the YAML without the schema link), so what holds for one
    // holds for the other.
    void jsonAndYamlSamples_areTheSameDefinition()
    {
        Json json = m_samples[0].second;
        Json yaml = m_samples[1].second;
        json.erase("$schema");
        yaml.erase("$schema");
        QCOMPARE(QString::fromStdString(yaml.dump()), QString::fromStdString(json.dump()));
    }

    // headerColor splits four ways (25 % each): Curtain names why it will not drive it.
    void fourWaySplit_isANamedProblem()
    {
        for (const auto &[name, definitions] : std::as_const(m_samples)) {
            const Core::ReleaseSnapshot r =
                Adapters::FeatureFlagAdapter().read(featureFlag(definitions, "headerColor", false), {});
            QVERIFY2(r.problem.contains(QLatin1String("gives weight 25 to variant \"red\", which is neither blue")),
                     qPrintable(r.problem));
        }
    }

    void everyOtherSampleFlag_hasNoSplitToDrive()
    {
        for (const auto &[name, definitions] : std::as_const(m_samples)) {
            for (const auto &[key, flag] : definitions["flags"].items()) {
                if (key == "headerColor") {
                    continue;
                }
                const Core::ReleaseSnapshot r =
                    Adapters::FeatureFlagAdapter().read(featureFlag(definitions, key, false), {});
                QVERIFY2(r.problem.contains(QLatin1String("has no fractional split")) ||
                             r.problem.contains(QLatin1String("is DISABLED")),
                         qPrintable(QStringLiteral("%1 %2: %3").arg(name, QString::fromStdString(key), r.problem)));
            }
        }
    }

    // Written back, every sample flag and $evaluators is byte for byte what it was.
    void writeBeside_theSamples_losesNothing()
    {
        for (const auto &[name, definitions] : std::as_const(m_samples)) {
            const Json flag = featureFlag(definitions, "rollout", true);
            const Core::ReleaseSnapshot r = Adapters::FeatureFlagAdapter().read(flag, {});
            QVERIFY2(r.problem.isEmpty(), qPrintable(r.problem));
            QCOMPARE(r.green.trafficPercent, 20);
            const auto patch = Adapters::FeatureFlagAdapter().write(
                flag, {}, {30, 70, Core::Color::Green, Core::Color::Blue, {}, {}, {}});
            QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
            Json applied = flag.patch(Json::parse(patch.value().body.toStdString()));
            QCOMPARE(QString::fromStdString(applied[rolloutSplit].dump()),
                     QStringLiteral(R"([["blue",30],["green",70]])"));
            applied["spec"]["flagSpec"]["flags"].erase("rollout");
            Json original = definitions;
            original.erase("$schema");
            QCOMPARE(QString::fromStdString(applied["spec"]["flagSpec"].dump()),
                     QString::fromStdString(original.dump()));
        }
    }

    // The same files kept in a ConfigMap as flagd reads them: the four-way split is named, and a
    // write to the rollout flag changes its two numbers and not one other byte of either file.
    void inAConfigMap_theFilesAreReadAndWrittenInPlace()
    {
        for (const auto &[name, text] : std::as_const(m_texts)) {
            const bool yaml = name.endsWith(QLatin1String(".yaml"));
            const Adapters::FlagConfigMapAdapter adapter;
            const Core::ReleaseSnapshot four = adapter.read(configMap(name.toStdString(), text, "headerColor"), {});
            QVERIFY2(four.problem.contains(QLatin1String("gives weight 25 to variant \"red\"")),
                     qPrintable(four.problem));

            const QByteArray file = withRolloutFlag(text, yaml);
            const Json object = configMap(name.toStdString(), file, "rollout");
            const Core::ReleaseSnapshot r = adapter.read(object, {});
            QVERIFY2(r.problem.isEmpty(), qPrintable(name + QStringLiteral(": ") + r.problem));
            QCOMPARE(r.green.trafficPercent, 20);
            const auto patch = adapter.write(object, {}, {30, 70, Core::Color::Green, Core::Color::Blue, {}, {}, {}});
            QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
            const Json applied = object.patch(Json::parse(patch.value().body.toStdString()));
            QByteArray expected = file;
            expected.replace(yaml ? "[blue, 80]" : "[\"blue\", 80]", yaml ? "[blue, 30]" : "[\"blue\", 30]");
            expected.replace(yaml ? "[green, 20]" : "[\"green\", 20]", yaml ? "[green, 70]" : "[\"green\", 70]");
            QCOMPARE(QByteArray::fromStdString(applied["data"][name.toStdString()].get<std::string>()), expected);
        }
    }
};

QTEST_GUILESS_MAIN(TestFlagdSamples)
#include "tst_flagdsamples.moc"
