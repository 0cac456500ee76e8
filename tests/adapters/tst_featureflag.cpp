// A rollout behind an OpenFeature flag: which flag of a FeatureFlag is the release, how its
// `fractional` weights read as traffic shares, what Curtain refuses to guess, and that a write
// replaces the one split and nothing else.

#include "adapters/flagd/featureflagadapter.h"

#include <QTest>

using namespace Curtain;
using Kube::Json;

namespace {

// A FeatureFlag with the release's flag `key` (blue "classic", green "personalized", 90/10 after a
// bucketing expression) and a flag that has nothing to do with it.
Json featureFlag(const std::string &key = "recommendations", const Json &annotations = Json::object())
{
    Json metadata = {
        {"name", "shop-flags"},
        {"namespace", "demo"},
        {"resourceVersion", "41"},
        {"labels", {{"curtain.dev/release", "recommendations"}}},
        {"annotations", {{"curtain.dev/blue-variant", "classic"}, {"curtain.dev/green-variant", "personalized"}}}};
    metadata["annotations"].update(annotations);
    return {{"apiVersion", "core.openfeature.dev/v1beta1"},
            {"kind", "FeatureFlag"},
            {"metadata", metadata},
            {"spec",
             {{"flagSpec",
               {{"flags",
                 {{key,
                   {{"state", "ENABLED"},
                    {"variants", {{"classic", "c"}, {"personalized", "p"}, {"off", "o"}}},
                    {"defaultVariant", "classic"},
                    {"targeting",
                     {{"if",
                       {{{"==", {{{"var", "tier"}}, "beta"}}},
                        {{"fractional",
                          {{{"cat", {{{"var", "$flagd.flagKey"}}, {{"var", "userId"}}}}},
                           {"classic", 90},
                           {"personalized", 10}}}},
                        "classic"}}}}}},
                  {"dark-mode",
                   {{"state", "ENABLED"}, {"variants", {{"on", true}, {"off", false}}}, {"defaultVariant", "off"}}}}},
                {"$evaluators", {{"beta", {{"in", {"@beta.example", {{"var", "email"}}}}}}}}}}}}};
}

const Json::json_pointer splitOf(const std::string &escapedKey)
{
    return Json::json_pointer("/spec/flagSpec/flags/" + escapedKey + "/targeting/if/1/fractional");
}

Core::ReleaseSnapshot read(const Json &flag)
{
    Adapters::ClusterView view;
    return Adapters::FeatureFlagAdapter().read(flag, view);
}

Core::Result<Adapters::RoutePatch> write(const Json &flag, int blue, int green)
{
    Adapters::ClusterView view;
    return Adapters::FeatureFlagAdapter().write(flag, view, {blue, green, Core::Color::Blue, std::nullopt, {}, {}, {}});
}

} // namespace

class TestFeatureFlag : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void read_weightsOfTheTwoVariantsAreTheShares()
    {
        const Core::ReleaseSnapshot r = read(featureFlag());
        QVERIFY2(r.problem.isEmpty(), qPrintable(r.problem));
        QCOMPARE(r.name, QStringLiteral("recommendations"));
        QCOMPARE(r.routeKind, Core::RouteKind::FeatureFlag);
        QCOMPARE(r.blue.trafficPercent, 90);
        QCOMPARE(r.green.trafficPercent, 10);
        QCOMPARE(r.stable, Core::Color::Blue);
    }

    void read_aBucketWithoutWeightWeighsOne_andAbsentMeansNone()
    {
        Json flag = featureFlag();
        flag[splitOf("recommendations")] = Json::array({Json::array({"classic"}), Json::array({"personalized", 3})});
        QCOMPARE(read(flag).green.trafficPercent, 75);
        flag[splitOf("recommendations")] = Json::array({Json::array({"classic", 7})});
        const Core::ReleaseSnapshot r = read(flag);
        QVERIFY2(r.problem.isEmpty(), qPrintable(r.problem));
        QCOMPARE(r.blue.trafficPercent, 100);
    }

    void read_whatCurtainWillNotGuess_data()
    {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("problem");
        QTest::newRow("disabled") << "/spec/flagSpec/flags/recommendations/state"
                                  << R"("DISABLED")"
                                  << "flag recommendations of FeatureFlag shop-flags is DISABLED";
        QTest::newRow("no such variant") << "/metadata/annotations/curtain.dev~1green-variant"
                                         << R"("new")"
                                         << "has no variant \"new\" for green; name the variants with "
                                            "curtain.dev/blue-variant and curtain.dev/green-variant";
        QTest::newRow("an expression as weight")
            << "/spec/flagSpec/flags/recommendations/targeting/if/1/fractional/2/1"
            << R"({"+": [5, 5]})"
            << "[2][1] is a JSONLogic expression; Curtain reads and writes whole-number weights only";
        QTest::newRow("a third variant") << "/spec/flagSpec/flags/recommendations/targeting/if/1/fractional/3"
                                         << R"(["off", 5])"
                                         << "gives weight 5 to variant \"off\", which is neither";
        QTest::newRow("no split") << "/spec/flagSpec/flags/recommendations/targeting"
                                  << R"({"if": [true, "classic"]})"
                                  << "FeatureFlag shop-flags has no flag whose targeting splits callers";
        QTest::newRow("named flag missing")
            << "/metadata/annotations/curtain.dev~1flag"
            << R"("checkout")"
            << "FeatureFlag shop-flags has no flag checkout (named by curtain.dev/flag)";
        QTest::newRow("two splitting flags")
            << "/spec/flagSpec/flags/dark-mode/targeting"
            << R"({"fractional": [["on", 1], ["off", 1]]})"
            << "several flags that split callers (dark-mode, recommendations); name the release's flag in the "
               "annotation curtain.dev/flag";
    }
    void read_whatCurtainWillNotGuess()
    {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, problem);
        Json flag = featureFlag();
        flag[Json::json_pointer(pointer.toStdString())] = Json::parse(value.toStdString());
        const Core::ReleaseSnapshot r = read(flag);
        QVERIFY2(r.problem.contains(problem), qPrintable(r.problem));
        QVERIFY(!write(flag, 50, 50).ok()); // and nothing is written while it stands
    }

    void read_theAnnotationPicksOneOfSeveralSplittingFlags()
    {
        Json flag = featureFlag("recommendations", {{"curtain.dev/flag", "recommendations"}});
        flag["spec"]["flagSpec"]["flags"]["dark-mode"]["targeting"] = {{"fractional", {{"on", 1}, {"off", 1}}}};
        const Core::ReleaseSnapshot r = read(flag);
        QVERIFY2(r.problem.isEmpty(), qPrintable(r.problem));
        QCOMPARE(r.green.trafficPercent, 10);
    }

    // A JSON patch: the resourceVersion is tested, the one list replaced, the roles recorded.
    // One Deployment per variant behind the release's one Service: both colors scrape that Service
    // and tell their requests apart by the variant label. A color's own Service wins when it has one.
    void read_withoutColorServices_bothScrapeTheReleaseServiceByVariant()
    {
        Adapters::ClusterView view;
        view.services.push_back({{"metadata", {{"name", "recommendations"}, {"namespace", "demo"}}}});
        Core::ReleaseSnapshot r = Adapters::FeatureFlagAdapter().read(featureFlag(), view);
        const QString path = QStringLiteral("/api/v1/namespaces/demo/services/recommendations/proxy/metrics");
        QCOMPARE(r.blue.metricsPath, path);
        QCOMPARE(r.blue.metricsVariant, QStringLiteral("classic"));
        QCOMPARE(r.green.metricsPath, path);
        QCOMPARE(r.green.metricsVariant, QStringLiteral("personalized"));

        // A view indexes its objects once: the next moment of the cluster is a new view.
        Adapters::ClusterView withColorService;
        withColorService.services = view.services;
        withColorService.services.push_back(
            {{"metadata",
              {{"name", "recommendations-green"},
               {"namespace", "demo"},
               {"labels", {{"curtain.dev/release", "recommendations"}, {"curtain.dev/color", "green"}}}}}});
        r = Adapters::FeatureFlagAdapter().read(featureFlag(), withColorService);
        QCOMPARE(r.green.metricsPath,
                 QStringLiteral("/api/v1/namespaces/demo/services/recommendations-green/proxy/metrics"));
        QVERIFY(r.green.metricsVariant.isEmpty());
        QCOMPARE(r.blue.metricsVariant, QStringLiteral("classic"));

        // Without any Service there is nothing to scrape, and nothing pretends otherwise.
        QVERIFY(read(featureFlag()).blue.metricsPath.isEmpty());
    }

    void write_replacesTheOneSplitAndNothingElse()
    {
        const Json flag = featureFlag("web/recommendations~2", {{"curtain.dev/flag", "web/recommendations~2"}});
        const auto patch = write(flag, 75, 25);
        QVERIFY2(patch.ok(), patch.ok() ? "" : qPrintable(patch.error().message));
        QCOMPARE(patch.value().type, Kube::PatchType::Json);
        QCOMPARE(patch.value().path,
                 QStringLiteral("/apis/core.openfeature.dev/v1beta1/namespaces/demo/featureflags/shop-flags"));
        const Json ops = Json::parse(patch.value().body.toStdString());
        QVERIFY(ops[0] == Json({{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", "41"}}));
        QCOMPARE(QString::fromStdString(ops[1]["path"].get<std::string>()),
                 QStringLiteral("/spec/flagSpec/flags/web~1recommendations~02/targeting/if/1/fractional"));
        Json applied = flag.patch(ops);
        QCOMPARE(QString::fromStdString(applied[splitOf("web~1recommendations~02")].dump()),
                 QStringLiteral(
                     R"([{"cat":[{"var":"$flagd.flagKey"},{"var":"userId"}]},["classic",75],["personalized",25]])"));
        QVERIFY(applied["metadata"]["annotations"]["curtain.dev/stable-color"] == "blue");
        applied[splitOf("web~1recommendations~02")] = flag[splitOf("web~1recommendations~02")];
        applied["metadata"]["annotations"].erase("curtain.dev/stable-color");
        QCOMPARE(QString::fromStdString(applied.dump()), QString::fromStdString(flag.dump()));
    }

    void write_addsAColorTheSplitDoesNotListYet()
    {
        Json flag = featureFlag();
        flag[splitOf("recommendations")] = Json::array({"userId-bucket", Json::array({"classic", 100})});
        const auto patch = write(flag, 95, 5);
        QVERIFY(patch.ok());
        const Json applied = flag.patch(Json::parse(patch.value().body.toStdString()));
        QCOMPARE(QString::fromStdString(applied[splitOf("recommendations")].dump()),
                 QStringLiteral(R"(["userId-bucket",["classic",95],["personalized",5]])"));
    }

    void write_aChangedFlagFailsTheTest()
    {
        Json flag = featureFlag();
        const auto patch = write(flag, 0, 100);
        QVERIFY(patch.ok());
        flag["metadata"]["resourceVersion"] = "42"; // someone wrote it meanwhile
        QVERIFY_THROWS_EXCEPTION(Json::exception, flag.patch(Json::parse(patch.value().body.toStdString())));
    }
};

QTEST_GUILESS_MAIN(TestFeatureFlag)
#include "tst_featureflag.moc"
