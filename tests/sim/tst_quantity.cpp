// Resource quantities as kube-apiserver stores them: what `kubectl get -o yaml` shows after an
// apply, and what a client that round-trips an object through typed structs sends back.

#include "sim/deploymentreplicasets.h"
#include "sim/objectstore.h"
#include "sim/quantity.h"

#include <QTest>

using namespace Curtain::Sim;
using nlohmann::json;

namespace {

const ResourceType &deployments()
{
    return *findResourceType("apps", "v1", "deployments");
}

json deploymentWith(const json &limits)
{
    json container = {{"name", "web"}, {"image", "web:v1"}};
    container["resources"]["limits"] = limits;
    json deployment = {{"metadata", {{"name", "web"}}}};
    deployment["spec"]["replicas"] = 1;
    deployment["spec"]["selector"]["matchLabels"]["app"] = "web";
    deployment["spec"]["template"]["metadata"]["labels"]["app"] = "web";
    deployment["spec"]["template"]["spec"]["containers"] = json::array({container});
    return deployment;
}

} // namespace

class TestQuantity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The forms kube-apiserver gives back, from the ones people write: rounded up to milli (its
    // defaulting of requests and limits), and kept as written where apimachinery keeps the text.
    void canonical_isWhatTheApiServerStores_data()
    {
        QTest::addColumn<QByteArray>("written"); // JSON: a string or a number
        QTest::addColumn<QString>("stored");
        const std::pair<const char *, const char *> rows[] = {
            {R"("1")", "1"},
            {"1", "1"},
            {"2.0", "2"},
            {"0.5", "500m"},
            {R"("1.5")", "1500m"},
            {R"("1000m")", "1"},
            {R"("100m")", "100m"},
            {R"("1000")", "1k"},
            {R"("1500")", "1500"},
            {R"("1000k")", "1M"},
            {R"("0.001k")", "1"},
            {R"(".5")", "500m"},
            {R"("5.")", "5."},
            {R"("+1")", "+1"},
            {R"("-1")", "-1"},
            {R"("-0")", "0"},
            {R"("007")", "7"},
            {R"("0.0000000001")", "1m"},
            {R"("1Gi")", "1Gi"},
            {R"("1024Mi")", "1Gi"},
            {R"("0.5Gi")", "512Mi"},
            {R"("1.5Gi")", "1536Mi"},
            {R"("1.5Ki")", "1536"},
            {R"("1100Ki")", "1100Ki"},
            {R"("0Gi")", "0"},
            {R"("0.5Ki")", "512"},
            {R"("1024")", "1024"},
            {R"("128974848")", "128974848"},
            {R"("129M")", "129M"},
            {R"("1e3")", "1e3"},
            {R"("1E3")", "1E3"},
            {R"("12e6")", "12e6"},
            {R"("1.5e3")", "1500"},
            {R"("1e-3")", "1e-3"},
            {R"("1e21")", "1e21"},
            {R"("1000000000000000000000")", "1e21"},
            {R"("2E")", "2E"},
            {R"("1.250")", "1.250"},
            {R"("1.0001")", "1001m"},
            {R"("100u")", "1m"},
            {R"("3n")", "1m"},
        };
        for (const auto &[written, stored] : rows) {
            QTest::newRow(written) << QByteArray(written) << QString::fromUtf8(stored);
        }
    }
    void canonical_isWhatTheApiServerStores()
    {
        QFETCH(QByteArray, written);
        QFETCH(QString, stored);
        const auto canonical = canonicalQuantity(json::parse(written.toStdString()));
        QVERIFY(canonical);
        QCOMPARE(QString::fromStdString(*canonical), stored);
    }

    void notAQuantity_isRefused_data()
    {
        QTest::addColumn<QByteArray>("written");
        for (const char *written : {R"("")", R"("abc")", R"("1.2.3")", R"("1K")", R"("1 Gi")", R"("Gi")", R"("1e")",
                                    R"("1e+")", R"("--1")", R"(".")", R"("1Gi5")", "true", "{}", "[1]"}) {
            QTest::newRow(written) << QByteArray(written);
        }
    }
    void notAQuantity_isRefused()
    {
        QFETCH(QByteArray, written);
        QVERIFY(!canonicalQuantity(json::parse(written.toStdString())));
    }

    // Stored in canonical form, so `kubectl get -o yaml` shows cpu: "1", as on a real cluster.
    void deployment_storesItsLimitsInCanonicalForm()
    {
        ObjectStore store;
        const auto created = store.create(deployments(), "shop", deploymentWith({{"cpu", 1}, {"memory", "0.5Gi"}}));
        QVERIFY(std::holds_alternative<json>(created));
        const json stored = std::get<json>(store.get(deployments(), "shop", "web"));
        const json limits = stored["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"];
        QCOMPARE(QString::fromStdString(limits.dump()), QStringLiteral(R"({"cpu":"1","memory":"512Mi"})"));
    }

    // A value that is not a quantity is kube's 400, in its words, and nothing is stored or changed.
    void badQuantity_isABadRequestAndChangesNothing()
    {
        ObjectStore store;
        const auto refused = store.create(deployments(), "shop", deploymentWith({{"cpu", "lots"}}));
        QVERIFY(std::holds_alternative<ApiStatus>(refused));
        QCOMPARE(std::get<ApiStatus>(refused).code, 400);
        QCOMPARE(std::get<ApiStatus>(refused).message,
                 std::string(R"(Deployment in version "v1" cannot be handled as a Deployment: quantities must match )"
                             R"(the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$')"));
        QVERIFY(std::holds_alternative<ApiStatus>(store.get(deployments(), "shop", "web")));

        QVERIFY(std::holds_alternative<json>(store.create(deployments(), "shop", deploymentWith({{"cpu", "2"}}))));
        const auto patched = store.patch(
            deployments(), "shop", "web", "application/json-patch+json",
            R"([{"op":"replace","path":"/spec/template/spec/containers/0/resources/limits/cpu","value":"1 cpu"}])",
            false);
        QCOMPARE(std::holds_alternative<ApiStatus>(patched) ? std::get<ApiStatus>(patched).code : 200, 400);
        const json stored = std::get<json>(store.get(deployments(), "shop", "web"));
        QVERIFY(stored["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "2");
    }

    void compare_ordersByValueAcrossSuffixes_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<int>("order");
        QTest::newRow("milli below one") << "500m"
                                         << "1" << -1;
        QTest::newRow("same value, two forms") << "1000m"
                                               << "1" << 0;
        QTest::newRow("binary above decimal") << "1Ki"
                                              << "1k" << 1;
        QTest::newRow("binary and bytes") << "1Gi"
                                          << "1073741824" << 0;
        QTest::newRow("exponent") << "1e3"
                                  << "999" << 1;
        QTest::newRow("negative below zero") << "-1m"
                                             << "0" << -1;
        QTest::newRow("negatives") << "-2"
                                   << "-1" << -1;
        QTest::newRow("far apart") << "1E"
                                   << "1n" << 1;
        QTest::newRow("zero, signed") << "-0"
                                      << "+0" << 0;
        QTest::newRow("rounded up to milli") << "1n"
                                             << "1m" << 0;
        QTest::newRow("past 19 digits") << "-99999999999999999999999"
                                        << "0" << -1;
        QTest::newRow("exponent past 100") << "3e200"
                                           << "1" << 1;
        QTest::newRow("tiny and negative") << "-1e-200"
                                           << "0" << -1;
        QTest::newRow("below what a long double holds") << "-1e-5000"
                                                        << "0" << -1;
    }

    void compare_ordersByValueAcrossSuffixes()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(int, order);
        QCOMPARE(compareQuantities(a.toStdString(), b.toStdString()), std::optional<int>(order));
        QCOMPARE(compareQuantities(b.toStdString(), a.toStdString()), std::optional<int>(-order));
        QCOMPARE(compareQuantities(a.toStdString(), "lots"), std::nullopt);
    }

    // Extended resources count whole units, judged after rounding up to milli as kube judges them
    // (0.9999 is 1000m: whole); past 64 bits from the digits, not a long double (which took
    // 1.00000000000000000001 for 1 and 1e-5000 for 0).
    void whole_asKubeRoundsIt_data()
    {
        QTest::addColumn<QString>("quantity");
        QTest::addColumn<bool>("whole");
        QTest::newRow("3") << "3" << true;
        QTest::newRow("3000m") << "3000m" << true;
        QTest::newRow("1Ki") << "1Ki" << true;
        QTest::newRow("1500m") << "1500m" << false;
        QTest::newRow("0.5") << "0.5" << false;
        QTest::newRow("0.9999, a milli below") << "0.9999" << true;
        QTest::newRow("20 decimals") << "1.00000000000000000001" << false;
        QTest::newRow("20 decimals, a milli below") << "1.99999999999999999999" << true;
        QTest::newRow("1e-5000") << "1e-5000" << false;
        QTest::newRow("23 digits") << "99999999999999999999999" << true;
        QTest::newRow("1e300") << "1e300" << true;
        QTest::newRow("exponent with leading zeros") << "1.5e0000000000" << false;
        QTest::newRow("negative exponent with leading zeros") << "10e-0000000001" << true;
        QTest::newRow("binary, 20 decimals") << "1.00000000000000000001Ki" << false;
        QTest::newRow("binary, 20 decimals, whole") << "1.00000000000000000000Ki" << true;
    }

    void whole_asKubeRoundsIt()
    {
        QFETCH(QString, quantity);
        QFETCH(bool, whole);
        QCOMPARE(isWholeQuantity(quantity.toStdString()), std::optional<bool>(whole));
        QCOMPARE(isWholeQuantity("half"), std::nullopt);
    }

    // kube's ValidateResourceRequirements: no quantity below zero, no request above its limit, and
    // what cannot be overcommitted (extended resources, huge pages) requested exactly at a limit that
    // is set, extended resources in whole units, huge pages beside cpu or memory; 422 in its words,
    // and nothing stored. (A negative request was stored, and a pod asked for -1 cpu.)
    void invalidRequestsAndLimits_areRefused_data()
    {
        QTest::addColumn<QString>("resources");
        QTest::addColumn<QString>("message");
        // A Pod's, when it differs from the template's: a Pod requests what it limits unless it says
        // otherwise (kube's SetDefaults_Pod), so a bad limit is a bad request too.
        QTest::addColumn<QString>("podMessage");
        QTest::newRow("negative limit")
            << R"({"limits":{"cpu":"-1"}})"
            << R"(spec.template.spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0)"
            << R"([spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0, )"
               R"(spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0])";
        QTest::newRow("negative request")
            << R"({"requests":{"memory":"-0.5Gi"}})"
            << R"(spec.template.spec.containers[0].resources.requests[memory]: Invalid value: "-512Mi": must be greater than or equal to 0)"
            << QString();
        QTest::newRow("request above limit")
            << R"({"limits":{"cpu":1},"requests":{"cpu":"1.5"}})"
            << R"(spec.template.spec.containers[0].resources.requests: Invalid value: "1500m": must be less than or equal to cpu limit of 1)"
            << QString();
        QTest::newRow("far above its limit")
            << R"({"limits":{"cpu":"1"},"requests":{"cpu":"3e200"}})"
            << R"(spec.template.spec.containers[0].resources.requests: Invalid value: "3e200": must be less than or equal to cpu limit of 1)"
            << QString();
        QTest::newRow("a GPU requested below its limit")
            << R"({"limits":{"nvidia.com/gpu":2},"requests":{"nvidia.com/gpu":1}})"
            << R"(spec.template.spec.containers[0].resources.requests: Invalid value: "1": must be equal to nvidia.com/gpu limit of 2)"
            << QString();
        QTest::newRow("a GPU requested without a limit")
            << R"({"requests":{"nvidia.com/gpu":"1"}})"
            << R"(spec.template.spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources)"
            << QString();
        QTest::newRow("half a GPU")
            << R"({"limits":{"nvidia.com/gpu":"0.5"}})"
            << R"(spec.template.spec.containers[0].resources.limits[nvidia.com/gpu]: Invalid value: "500m": must be an integer)"
            << R"([spec.containers[0].resources.limits[nvidia.com/gpu]: Invalid value: "500m": must be an integer, )"
               R"(spec.containers[0].resources.requests[nvidia.com/gpu]: Invalid value: "500m": must be an integer])";
        QTest::newRow("huge pages requested below their limit")
            << R"({"limits":{"hugepages-2Mi":"4Mi","memory":"1Gi"},"requests":{"hugepages-2Mi":"2Mi","memory":"1Gi"}})"
            << R"(spec.template.spec.containers[0].resources.requests: Invalid value: "2Mi": must be equal to hugepages-2Mi limit of 4Mi)"
            << QString();
        QTest::newRow("part of a huge page")
            << R"({"limits":{"hugepages-2Mi":"3Mi","memory":"1Gi"},"requests":{"hugepages-2Mi":"3Mi","memory":"1Gi"}})"
            << R"([spec.template.spec.containers[0].resources.limits[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi, )"
               R"(spec.template.spec.containers[0].resources.requests[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi])"
            << QString();
        QTest::newRow("part of a huge page, below its limit")
            << R"({"limits":{"hugepages-2Mi":"4Mi","memory":"1Gi"},"requests":{"hugepages-2Mi":"3Mi","memory":"1Gi"}})"
            << R"([spec.template.spec.containers[0].resources.requests: Invalid value: "3Mi": must be equal to hugepages-2Mi limit of 4Mi, )"
               R"(spec.template.spec.containers[0].resources.requests[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi])"
            << QString();
        QTest::newRow("a page size that is none")
            << R"({"limits":{"hugepages-bogus":"1","memory":"1Gi"},"requests":{"hugepages-bogus":"1","memory":"1Gi"}})"
            << R"([spec.template.spec.containers[0].resources.limits[hugepages-bogus]: Invalid value: "1": 1 is not positive integer multiple of hugepages-bogus, )"
               R"(spec.template.spec.containers[0].resources.requests[hugepages-bogus]: Invalid value: "1": 1 is not positive integer multiple of hugepages-bogus])"
            << QString();
        QTest::newRow("huge pages alone")
            << R"({"limits":{"hugepages-2Mi":"4Mi"}})"
            << R"(spec.template.spec.containers[0].resources: Forbidden: HugePages require cpu or memory)" << QString();
        QTest::newRow("a resource no container has")
            << R"({"limits":{"gpu":"1"}})"
            << R"([spec.template.spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified, )"
               R"(spec.template.spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers])"
            << R"([spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified, )"
               R"(spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers, )"
               R"(spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified, )"
               R"(spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers])";
    }

    void invalidRequestsAndLimits_areRefused()
    {
        QFETCH(QString, resources);
        QFETCH(QString, message);
        QFETCH(QString, podMessage);
        json deployment = deploymentWith(json::object());
        deployment["spec"]["template"]["spec"]["containers"][0]["resources"] = json::parse(resources.toStdString());
        ObjectStore store;
        const auto refused = store.create(deployments(), "shop", deployment);
        QVERIFY(std::holds_alternative<ApiStatus>(refused));
        QCOMPARE(std::get<ApiStatus>(refused).code, 422);
        QCOMPARE(QString::fromStdString(std::get<ApiStatus>(refused).message),
                 QStringLiteral("Deployment.apps \"web\" is invalid: ") + message);
        QVERIFY(std::holds_alternative<ApiStatus>(store.get(deployments(), "shop", "web")));

        // At or below the limit, and zero, are fine; a Pod is checked as its template is.
        deployment["spec"]["template"]["spec"]["containers"][0]["resources"] =
            json::parse(R"({"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1000m","memory":"0"}})");
        QVERIFY(std::holds_alternative<json>(store.create(deployments(), "shop", deployment)));
        // A GPU and huge pages at their limits, beside memory; an extended resource with a limit alone.
        json other = deployment;
        other["metadata"]["name"] = "gpu";
        other["spec"]["template"]["spec"]["containers"][0]["resources"] = json::parse(
            R"({"limits":{"nvidia.com/gpu":"1","hugepages-2Mi":"4Mi","memory":"1Gi","example.com/dongle":3},)"
            R"("requests":{"nvidia.com/gpu":1,"hugepages-2Mi":"4Mi","memory":"512Mi"}})");
        const auto accepted = store.create(deployments(), "shop", other);
        QVERIFY2(std::holds_alternative<json>(accepted),
                 std::holds_alternative<ApiStatus>(accepted) ? std::get<ApiStatus>(accepted).message.c_str() : "");
        json pod = {{"metadata", {{"name", "web-1"}}}, {"spec", deployment["spec"]["template"]["spec"]}};
        pod["spec"]["containers"][0]["resources"] = json::parse(resources.toStdString());
        const auto refusedPod = store.create(*findResourceType("", "v1", "pods"), "shop", pod);
        QVERIFY(std::holds_alternative<ApiStatus>(refusedPod));
        QCOMPARE(std::get<ApiStatus>(refusedPod).code, 422);
        QCOMPARE(QString::fromStdString(std::get<ApiStatus>(refusedPod).message),
                 QStringLiteral("Pod \"web-1\" is invalid: ") +
                     (podMessage.isEmpty()
                          ? QString(message).replace(QStringLiteral("spec.template.spec."), QStringLiteral("spec."))
                          : podMessage));

        // An init container's, too.
        deployment["spec"]["template"]["spec"]["initContainers"] = json::array(
            {{{"name", "migrate"}, {"image", "web:v1"}, {"resources", json::parse(resources.toStdString())}}});
        deployment["metadata"]["name"] = "web-init";
        const auto refusedInit = store.create(deployments(), "shop", deployment);
        QVERIFY(std::holds_alternative<ApiStatus>(refusedInit));
        QVERIFY2(std::get<ApiStatus>(refusedInit).message.find("spec.template.spec.initContainers[0].resources") !=
                     std::string::npos,
                 std::get<ApiStatus>(refusedInit).message.c_str());
    }

    // `kubectl rollout undo` decodes the old template into typed structs and sends it back with
    // cpu: "1" where the file said cpu: 1; the template is the same one, so its ReplicaSet is reused
    // (it used to hash differently and make a third ReplicaSet for the same pods).
    void templateSentBackAsStrings_isTheSameTemplate()
    {
        ObjectStore store;
        QVERIFY(std::holds_alternative<json>(store.create(deployments(), "shop", deploymentWith({{"cpu", 1}}))));
        const std::string before =
            DeploymentReplicaSets::replicaSetName(std::get<json>(store.get(deployments(), "shop", "web")));
        const auto patched = store.patch(deployments(), "shop", "web", "application/merge-patch+json",
                                         R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:v1",)"
                                         R"("resources":{"limits":{"cpu":"1000m"}}}]}}}})",
                                         false);
        QVERIFY(std::holds_alternative<json>(patched));
        QCOMPARE(DeploymentReplicaSets::replicaSetName(std::get<json>(patched)), before);
    }
};

QTEST_GUILESS_MAIN(TestQuantity)
#include "tst_quantity.moc"
