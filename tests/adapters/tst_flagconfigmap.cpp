// A rollout behind a flagd file kept in a ConfigMap: which key holds the file, how its split reads
// as traffic shares, and that a write changes the two weights in the file's text and not one other
// byte — comments, quoting, indentation and the other keys stay as the person wrote them.

#include "adapters/flagd/flagconfigmapadapter.h"
#include "adapters/flagd/flagfile.h"

#include <QTest>

using namespace Curtain;
using Kube::Json;

namespace {

// As a person writes it: comments, flow lists, a quoted key, another flag after the release's.
const std::string yamlFile = "# flags of the banners service\n"
                             "flags:\n"
                             "  banners:\n"
                             "    state: ENABLED\n"
                             "    variants: {classic: c, seasonal: s}\n"
                             "    defaultVariant: classic\n"
                             "    targeting:\n"
                             "      fractional:\n"
                             "        - cat: [{var: $flagd.flagKey}, {var: userId}]   # sticky per user\n"
                             "        - [classic,  90]      # stable\n"
                             "        - - seasonal\n"
                             "          - 10\n"
                             "  'dark-mode':\n"
                             "    state: ENABLED\n"
                             "    variants: {'on': true, 'off': false}\n"
                             "    defaultVariant: 'off'\n";

const std::string jsonFile = "{\n\t\"flags\": {\n\t\t\"banners\": {\n\t\t\t\"state\": \"ENABLED\",\n"
                             "\t\t\t\"variants\": {\"classic\": \"c\", \"seasonal\": \"s\"},\n"
                             "\t\t\t\"defaultVariant\": \"classic\",\n"
                             "\t\t\t\"targeting\": {\"fractional\": [[\"classic\", 90], [\"seasonal\",10]]}\n"
                             "\t\t},\n\t\t\"dark-mode\": {\"state\": \"DISABLED\", \"variants\": {\"on\": true}, "
                             "\"defaultVariant\": \"on\"}\n\t}\n}\n";

Json configMap(const Json &data, const Json &annotations = Json::object())
{
    Json metadata = {
        {"name", "banners-flags"},
        {"namespace", "demo"},
        {"resourceVersion", "12"},
        {"labels", {{"curtain.dev/release", "banners"}}},
        {"annotations", {{"curtain.dev/blue-variant", "classic"}, {"curtain.dev/green-variant", "seasonal"}}}};
    metadata["annotations"].update(annotations);
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", metadata}, {"data", data}};
}

Core::ReleaseSnapshot read(const Json &object)
{
    return Adapters::FlagConfigMapAdapter().read(object, {});
}

Core::Result<Adapters::RoutePatch> write(const Json &object, int blue, int green)
{
    return Adapters::FlagConfigMapAdapter().write(object, {},
                                                  {blue, green, Core::Color::Blue, std::nullopt, {}, {}, {}});
}

// The ConfigMap as the API server holds it after the patch.
Json applied(const Json &object, const Adapters::RoutePatch &patch)
{
    return object.patch(Json::parse(patch.body.toStdString()));
}

std::string replaced(std::string text, const std::string &from, const std::string &to)
{
    const std::size_t at = text.find(from);
    Q_ASSERT(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

} // namespace

class TestFlagConfigMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void read_yamlAndJsonFiles_giveTheSplit_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("text");
        QTest::newRow("yaml") << "flags.yaml" << QString::fromStdString(yamlFile);
        QTest::newRow("json") << "flags.json" << QString::fromStdString(jsonFile);
        QTest::newRow("json, no extension") << "flags" << QString::fromStdString(jsonFile);
    }
    void read_yamlAndJsonFiles_giveTheSplit()
    {
        QFETCH(QString, key);
        QFETCH(QString, text);
        const Core::ReleaseSnapshot r = read(configMap({{key.toStdString(), text.toStdString()}}));
        QVERIFY2(r.problem.isEmpty(), qPrintable(r.problem));
        QCOMPARE(r.routeKind, Core::RouteKind::FlagConfigMap);
        QCOMPARE(r.name, QStringLiteral("banners"));
        QCOMPARE(r.blue.trafficPercent, 90);
        QCOMPARE(r.green.trafficPercent, 10);
        QCOMPARE(r.routeDetail, QStringLiteral("flag banners in %1: blue = classic, green = seasonal").arg(key));
        QCOMPARE(r.routePath, QStringLiteral("/api/v1/namespaces/demo/configmaps/banners-flags"));
    }

    // Only the two numbers change; the comment after 90 keeps its column because "70" is as wide.
    void write_yaml_changesTheTwoWeightsAndNothingElse()
    {
        const Json object = configMap({{"flags.yaml", yamlFile}, {"README", "not a flag file"}});
        const auto patch = write(object, 70, 30);
        QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
        QCOMPARE(patch.value().path, QStringLiteral("/api/v1/namespaces/demo/configmaps/banners-flags"));
        const Json after = applied(object, patch.value());
        const std::string expected = replaced(replaced(yamlFile, "[classic,  90]", "[classic,  70]"),
                                              "- seasonal\n          - 10", "- seasonal\n          - 30");
        QCOMPARE(QString::fromStdString(after["data"]["flags.yaml"].get<std::string>()),
                 QString::fromStdString(expected));
        QCOMPARE(QString::fromStdString(after["data"]["README"].get<std::string>()), QStringLiteral("not a flag file"));
        QCOMPARE(QString::fromStdString(after["metadata"]["annotations"].value("curtain.dev/stable-color", "")),
                 QStringLiteral("blue"));
        QCOMPARE(read(after).green.trafficPercent, 30);
    }

    // flagd adds up the buckets of a variant named twice. Found by the fuzzer: the weight was written
    // into each, so 95/5 read back as classic 190 against seasonal 5.
    void write_variantNamedTwice_readsBackAsAsked()
    {
        const std::string file = replaced(yamlFile, "        - [classic,  90]      # stable\n",
                                          "        - [classic,  45]      # stable\n        - [classic, 45]\n");
        const Json object = configMap({{"flags.yaml", file}});
        QCOMPARE(read(object).green.trafficPercent, 10);
        const auto patch = write(object, 95, 5);
        QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
        const Json after = applied(object, patch.value());
        const Core::ReleaseSnapshot back = read(after);
        QVERIFY2(back.problem.isEmpty(), qPrintable(back.problem));
        QCOMPARE(back.green.trafficPercent, 5);
        QCOMPARE(back.blue.trafficPercent, 95);
    }

    void write_json_keepsTabsAndSpacing()
    {
        const Json object = configMap({{"flags.json", jsonFile}});
        const auto patch = write(object, 5, 95);
        QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
        const std::string expected =
            replaced(jsonFile, "[[\"classic\", 90], [\"seasonal\",10]]", "[[\"classic\", 5], [\"seasonal\",95]]");
        QCOMPARE(QString::fromStdString(applied(object, patch.value())["data"]["flags.json"].get<std::string>()),
                 QString::fromStdString(expected));
    }

    // The patch tests the resourceVersion: a ConfigMap changed since it was read is not overwritten.
    void write_isConditional()
    {
        const auto patch = write(configMap({{"flags.yaml", yamlFile}}), 50, 50);
        QVERIFY(patch.ok());
        const Json operations = Json::parse(patch.value().body.toStdString());
        QCOMPARE(QString::fromStdString(operations[0].dump()),
                 QStringLiteral("{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"12\"}"));
        QCOMPARE(patch.value().type, Kube::PatchType::Json);
    }

    // A key with "/" or "~" is addressed as RFC 6901 says, not as a path.
    void write_keyWithSlash_isEscaped()
    {
        const Json object = configMap({{"flagd/flags.yaml", yamlFile}});
        const auto patch = write(object, 60, 40);
        QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
        QVERIFY(patch.value().body.contains("/data/flagd~1flags.yaml"));
        QCOMPARE(read(applied(object, patch.value())).green.trafficPercent, 40);
    }

    void keySelection_data()
    {
        QTest::addColumn<QString>("data");
        QTest::addColumn<QString>("annotation");
        QTest::addColumn<QString>("problem");
        QTest::newRow("the annotation names it") << "{\"a.json\": \"{}\", \"b.yaml\": \"@@\"}"
                                                 << "b.yaml"
                                                 << "ConfigMap banners-flags, key b.yaml: not valid YAML or JSON";
        QTest::newRow("the annotation names a missing key")
            << "{\"a.json\": \"{}\"}"
            << "c.yaml"
            << "ConfigMap banners-flags has no data key c.yaml (named by "
               "curtain.dev/flag-file)";
        QTest::newRow("two files, no annotation")
            << "{\"a.json\": \"{}\", \"b.yaml\": \"{}\"}"
            << ""
            << "ConfigMap banners-flags holds 2 files; name the flagd file's key in the annotation "
               "curtain.dev/flag-file";
        QTest::newRow("no data") << "{}"
                                 << ""
                                 << "ConfigMap banners-flags has no data";
        QTest::newRow("not an object") << "{\"flags.json\": \"[1, 2]\"}"
                                       << ""
                                       << "ConfigMap banners-flags, key flags.json: is an array, not a flagd file";
        QTest::newRow("bad JSON") << "{\"flags.json\": \"{\\\"flags\\\": \"}"
                                  << ""
                                  << "ConfigMap banners-flags, key flags.json: not valid JSON: parse error at line 1";
        QTest::newRow("no split in the file")
            << "{\"flags.json\": \"{\\\"flags\\\": {\\\"x\\\": {\\\"state\\\": \\\"ENABLED\\\"}}}\"}"
            << ""
            << "ConfigMap banners-flags, key flags.json has no flag whose targeting splits callers";
    }
    void keySelection()
    {
        QFETCH(QString, data);
        QFETCH(QString, annotation);
        QFETCH(QString, problem);
        Json annotations = Json::object();
        if (!annotation.isEmpty()) {
            annotations["curtain.dev/flag-file"] = annotation.toStdString();
        }
        const Json object = configMap(Json::parse(data.toStdString()), annotations);
        const Core::ReleaseSnapshot r = read(object);
        QVERIFY2(r.problem.contains(problem), qPrintable(r.problem));
        QCOMPARE(r.name, QStringLiteral("banners")); // listed, broken, under its release
        QVERIFY(!write(object, 50, 50).ok());
    }

    // A type problem inside the file names the ConfigMap, the key and the field.
    void read_aWeightOfTheWrongType_isANamedProblem()
    {
        const Core::ReleaseSnapshot r =
            read(configMap({{"flags.yaml", replaced(yamlFile, "[classic,  90]", "[classic, \"90\"]")}}));
        QVERIFY2(r.problem.contains(QLatin1String("ConfigMap banners-flags, key flags.yaml: "
                                                  "flags.banners.targeting.fractional[1][1]")),
                 qPrintable(r.problem));
    }

    // What cannot be done by changing numbers in place is refused, with the fix, and nothing is sent.
    void write_whatCannotBeEditedInPlace_isRefused_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("problem");
        QTest::newRow("a bucket without weight") << "[classic,  90]"
                                                 << "[classic]"
                                                 << "write both colors' buckets as [\"variant\", weight]";
        QTest::newRow("green has no bucket") << "        - - seasonal\n          - 10\n"
                                             << ""
                                             << "write both colors' buckets as [\"variant\", weight]";
        QTest::newRow("a weight through an alias") << "[classic,  90]"
                                                   << "[classic, *w]"
                                                   << "is not written where it is used (a YAML alias or merge key";
    }
    void write_whatCannotBeEditedInPlace_isRefused()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, problem);
        std::string file = replaced(yamlFile, from.toStdString(), to.toStdString());
        if (to.contains(QLatin1String("*w"))) {
            file = replaced(file, "defaultVariant: classic", "defaultVariant: classic\n    weight: &w 90");
        }
        const auto patch = write(configMap({{"flags.yaml", file}}), 70, 30);
        QVERIFY(!patch.ok());
        QVERIFY2(patch.error().message.contains(problem), qPrintable(patch.error().message));
    }

    // A byte-order mark before the file is kept, and the weights are still found where they stand.
    void write_afterAByteOrderMark_editsInPlace()
    {
        const std::string file = "\xEF\xBB\xBF" + yamlFile;
        const Json object = configMap({{"flags.yaml", file}});
        const auto patch = write(object, 70, 30);
        QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
        const std::string expected = replaced(replaced(file, "[classic,  90]", "[classic,  70]"),
                                              "- seasonal\n          - 10", "- seasonal\n          - 30");
        QCOMPARE(QString::fromStdString(applied(object, patch.value())["data"]["flags.yaml"].get<std::string>()),
                 QString::fromStdString(expected));
    }

    // JSON written by Python's json.dumps escapes an emoji as two UTF-16 surrogates; the weights
    // after it are still edited in place, and the emoji stays as it was written.
    void write_jsonWithSurrogateEscapes_editsInPlace()
    {
        const std::string file = replaced(jsonFile, "\"c\"", "\"\\ud83c\\udf84 c\"");
        const Json object = configMap({{"flags.json", file}});
        QVERIFY(read(object).problem.isEmpty());
        const auto patch = write(object, 5, 95);
        QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
        const std::string expected =
            replaced(file, "[[\"classic\", 90], [\"seasonal\",10]]", "[[\"classic\", 5], [\"seasonal\",95]]");
        QCOMPARE(QString::fromStdString(applied(object, patch.value())["data"]["flags.json"].get<std::string>()),
                 QString::fromStdString(expected));
    }

    // A file that repeats a long text through aliases is refused before it is copied: 700 uses of
    // 100 KB would be 70 MB from a file of 103 KB.
    void read_aliasesRepeatingLongText_areANamedProblem()
    {
        std::string file = "long: &text " + std::string(100'000, 'x') + "\nrepeats: [";
        for (int i = 0; i < 700; ++i) {
            file += i == 0 ? "*text" : ", *text";
        }
        file += "]\n" + yamlFile;
        const Core::ReleaseSnapshot r = read(configMap({{"flags.yaml", file}}));
        QVERIFY2(r.problem.contains(QLatin1String("expands to more than 64 MiB of text")), qPrintable(r.problem));
    }

    void write_immutableConfigMap_isRefused()
    {
        Json object = configMap({{"flags.yaml", yamlFile}});
        object["immutable"] = true;
        const auto patch = write(object, 70, 30);
        QVERIFY(!patch.ok());
        QVERIFY2(patch.error().message.contains(QLatin1String("ConfigMap banners-flags is immutable")),
                 qPrintable(patch.error().message));
    }

    // The in-place edit checks itself: a number written another way (YAML's 0x5A is 90) is not
    // rewritten as if it were the text "90".
    void editInPlace_numberWrittenOtherwise_isRefused()
    {
        const QByteArray text = "flags: {x: {weights: [0x5A, 10]}}\n";
        Json intended = {{"flags", {{"x", {{"weights", {70, 10}}}}}}};
        const auto edited = Adapters::Flagd::editInPlace(text, Adapters::Flagd::FileFormat::Yaml, intended, "/flags",
                                                         QStringLiteral("f"));
        QVERIFY(!edited.ok());
        QVERIFY2(edited.error().message.contains(QLatin1String("is not written as 90")),
                 qPrintable(edited.error().message));
    }
};

QTEST_GUILESS_MAIN(TestFlagConfigMap)
#include "tst_flagconfigmap.moc"
