// Conformance of the weighted routes beyond Gateway API with upstream data: Istio's VirtualService
// examples, the SMI TrafficSplit spec and ingress-nginx's canary example are read as their authors
// meant them, the patches Curtain writes contain the reference requests
// (constructed/requests/06–08), the sim accepts those requests as a real server would, and its
// discovery matches the real servers' resource entries. Skipped, by name, without the fixtures.

#include "adapters/nginxcanaryadapter.h"
#include "adapters/trafficsplitadapter.h"
#include "adapters/virtualserviceadapter.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"

#include <QTest>

#include "upstreamfiles.h"

using namespace Curtain;
using nlohmann::json;
using Test::readHttpFile;
using Test::upstream;
using Test::yamlObject;

namespace {

json colorService(const std::string &name, const char *color, const std::string &release)
{
    return {{"metadata",
             {{"name", name},
              {"namespace", "shop"},
              {"labels", {{"curtain.dev/release", release}, {"curtain.dev/color", color}}}}}};
}

// Every operation of the reference JSON patch appears in ours (ours adds the role annotations).
void containsEveryOperation(const json &ours, const json &theirs)
{
    for (const json &op : theirs) {
        QVERIFY2(std::find(ours.begin(), ours.end(), op) != ours.end(), op.dump().c_str());
    }
}

void samePathAndType(const Adapters::RoutePatch &patch, const Test::HttpFile &reference)
{
    QCOMPARE(patch.path.toStdString(), reference.path.substr(0, reference.path.find('?')));
    QCOMPARE(Kube::contentType(patch.type).toStdString(), reference.contentType);
}

} // namespace

class TestMeshRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (Test::upstreamFixtures().isEmpty()) {
            QSKIP(Test::upstreamFixturesMissing().constData());
        }
    }

    void istioVirtualService_subsetsMappedToColors_readAndWrittenLikeTheReference()
    {
        json route = yamlObject(upstream(QStringLiteral("istio/virtualservice-weighted-subsets-25-75.yaml")));
        route["metadata"]["namespace"] = "shop";
        route["metadata"]["resourceVersion"] = "77120";
        route["metadata"]["labels"]["curtain.dev/release"] = "reviews";
        route["metadata"]["annotations"]["curtain.dev/blue-subset"] = "v1";
        route["metadata"]["annotations"]["curtain.dev/green-subset"] = "v2";
        const Adapters::ClusterView view;
        const Core::ReleaseSnapshot snapshot = Adapters::VirtualServiceAdapter().read(route, view);
        QVERIFY2(snapshot.problem.isEmpty(), qPrintable(snapshot.problem));
        QCOMPARE(snapshot.blue.trafficPercent, 75);
        QCOMPARE(snapshot.green.trafficPercent, 25);

        const Test::HttpFile reference =
            readHttpFile(upstream(QStringLiteral("constructed/requests/06-virtualservice-weights.json-patch.http")));
        const auto patch =
            Adapters::VirtualServiceAdapter().write(route, view, {75, 25, Core::Color::Blue, {}, {}, {}, {}});
        QVERIFY(patch.ok());
        samePathAndType(patch.value(), reference);
        containsEveryOperation(json::parse(patch.value().body.toStdString()), json::parse(reference.body));
    }

    void istioVirtualService_twoHosts_needTheirColorServices()
    {
        json route = yamlObject(upstream(QStringLiteral("istio/virtualservice-weighted-two-hosts.yaml")));
        route["metadata"]["namespace"] = "shop";
        route["metadata"]["labels"]["curtain.dev/release"] = "reviews";
        // Hosts that are not the release's color Services: a problem that names the fix.
        Core::ReleaseSnapshot snapshot = Adapters::VirtualServiceAdapter().read(route, Adapters::ClusterView());
        QVERIFY(snapshot.problem.contains(QStringLiteral("reviews-blue")));
        // The same hosts as Services labelled with their colors: 75 % on blue, 25 % on green.
        Adapters::ClusterView view;
        view.services.push_back(colorService("reviews", "blue", "reviews"));
        view.services.push_back(colorService("dev", "green", "reviews"));
        route["spec"]["http"][0]["route"][0]["destination"]["host"] = "dev.shop.svc.cluster.local";
        route["spec"]["http"][0]["route"][1]["destination"]["host"] = "reviews";
        snapshot = Adapters::VirtualServiceAdapter().read(route, view);
        QVERIFY2(snapshot.problem.isEmpty(), qPrintable(snapshot.problem));
        QCOMPARE(snapshot.green.trafficPercent, 25);
    }

    void smiTrafficSplit_readAndWrittenLikeTheReference()
    {
        json split = yamlObject(upstream(QStringLiteral("smi/spec-v1alpha4-canary-example.yaml")));
        split["apiVersion"] = "split.smi-spec.io/v1alpha4"; // the spec's examples leave it out
        split["metadata"]["namespace"] = "shop";
        split["metadata"]["resourceVersion"] = "5521";
        split["metadata"]["labels"]["curtain.dev/release"] = "website";
        Adapters::ClusterView view;
        view.services.push_back(colorService("website-v1", "blue", "website"));
        view.services.push_back(colorService("website-v2", "green", "website"));
        split["spec"]["backends"][0]["weight"] = 100;
        split["spec"]["backends"][1]["weight"] = 0;
        const Core::ReleaseSnapshot snapshot = Adapters::TrafficSplitAdapter().read(split, view);
        QVERIFY2(snapshot.problem.isEmpty(), qPrintable(snapshot.problem));
        QCOMPARE(snapshot.green.trafficPercent, 0);

        const Test::HttpFile reference =
            readHttpFile(upstream(QStringLiteral("constructed/requests/07-trafficsplit-weights.merge-patch.http")));
        const auto patch =
            Adapters::TrafficSplitAdapter().write(split, view, {90, 10, Core::Color::Blue, {}, {}, {}, {}});
        QVERIFY(patch.ok());
        samePathAndType(patch.value(), reference);
        const json ours = json::parse(patch.value().body.toStdString());
        const json theirs = json::parse(reference.body);
        QVERIFY2(ours["spec"] == theirs["spec"], ours.dump().c_str());
        QVERIFY(ours["metadata"]["resourceVersion"] == theirs["metadata"]["resourceVersion"]);
    }

    void nginxCanaryIngress_readAndWrittenLikeTheReference()
    {
        const std::vector<json> ingresses =
            Test::yamlObjects(upstream(QStringLiteral("ingress-nginx/ingress-canary-weight-50.yaml")));
        QVERIFY(!ingresses.empty());
        json canary = ingresses.front();
        canary["metadata"]["namespace"] = "shop";
        canary["metadata"]["resourceVersion"] = "31337";
        canary["metadata"]["labels"]["curtain.dev/release"] = "echo";
        Adapters::ClusterView view;
        view.services.push_back(colorService("production", "blue", "echo"));
        view.services.push_back(colorService("canary", "green", "echo"));
        const Core::ReleaseSnapshot snapshot = Adapters::NginxCanaryAdapter().read(canary, view);
        QVERIFY2(snapshot.problem.isEmpty(), qPrintable(snapshot.problem));
        QCOMPARE(snapshot.green.trafficPercent, 50);  // canary-weight "50" of the default total 100
        QCOMPARE(snapshot.stable, Core::Color::Blue); // the primary Ingress's color

        const Test::HttpFile reference =
            readHttpFile(upstream(QStringLiteral("constructed/requests/08-nginx-canary-weight.merge-patch.http")));
        const auto patch =
            Adapters::NginxCanaryAdapter().write(canary, view, {70, 30, Core::Color::Blue, {}, {}, {}, {}});
        QVERIFY(patch.ok());
        samePathAndType(patch.value(), reference);
        const json ours = json::parse(patch.value().body.toStdString());
        const json theirs = json::parse(reference.body);
        QVERIFY(ours["metadata"]["resourceVersion"] == theirs["metadata"]["resourceVersion"]);
        for (const auto &[key, value] : theirs["metadata"]["annotations"].items()) {
            QVERIFY2(ours["metadata"]["annotations"].value(key, json()) == value, key.c_str());
        }
    }

    void nginxCanaryIngress_unreadableWeight_isAProblem()
    {
        json canary =
            Test::yamlObjects(upstream(QStringLiteral("ingress-nginx/ingress-canary-weight-50.yaml"))).front();
        canary["metadata"]["namespace"] = "shop";
        canary["metadata"]["labels"]["curtain.dev/release"] = "echo";
        canary["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"] = "half";
        Adapters::ClusterView view;
        view.services.push_back(colorService("canary", "green", "echo"));
        const Core::ReleaseSnapshot snapshot = Adapters::NginxCanaryAdapter().read(canary, view);
        QVERIFY2(snapshot.problem.contains(QStringLiteral("\"half\"")), qPrintable(snapshot.problem));
    }

    void referenceRequests_areAppliedByTheSim_data()
    {
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("object");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("staleVersion");
        QTest::newRow("istio") << QStringLiteral("06-virtualservice-weights.json-patch.http")
                               << QStringLiteral("istio/virtualservice-weighted-subsets-25-75.yaml")
                               << QStringLiteral("VirtualService") << QStringLiteral("77120");
        QTest::newRow("smi") << QStringLiteral("07-trafficsplit-weights.merge-patch.http")
                             << QStringLiteral("smi/spec-v1alpha4-canary-example.yaml")
                             << QStringLiteral("TrafficSplit") << QStringLiteral("5521");
        QTest::newRow("nginx") << QStringLiteral("08-nginx-canary-weight.merge-patch.http")
                               << QStringLiteral("ingress-nginx/ingress-canary-weight-50.yaml")
                               << QStringLiteral("Ingress") << QStringLiteral("31337");
    }

    void referenceRequests_areAppliedByTheSim()
    {
        QFETCH(QString, request);
        QFETCH(QString, object);
        QFETCH(QString, kind);
        QFETCH(QString, staleVersion);
        const Test::HttpFile http = readHttpFile(upstream(QStringLiteral("constructed/requests/") + request));
        Sim::ObjectStore store;
        const Sim::ResourceType &type = *Sim::findResourceTypeByKind(kind.toStdString());
        json route = yamlObject(upstream(object));
        if (kind == QLatin1String("VirtualService")) { // start elsewhere so the request changes something
            route["spec"]["http"][0]["route"][0]["weight"] = 50;
            route["spec"]["http"][0]["route"][1]["weight"] = 50;
        }
        const auto created = store.create(type, "shop", route);
        QVERIFY(std::holds_alternative<json>(created));
        const std::string rv = std::get<json>(created)["metadata"]["resourceVersion"];
        const std::string name = route["metadata"]["name"];

        // A resourceVersion this store never had: refused with 409, nothing changes.
        const auto stale = store.patch(type, "shop", name, http.contentType, http.body, false);
        QVERIFY(std::holds_alternative<Sim::ApiStatus>(stale));
        QCOMPARE(std::get<Sim::ApiStatus>(stale).code, 409);

        std::string body = http.body;
        for (std::size_t at = body.find(staleVersion.toStdString()); at != std::string::npos;
             at = body.find(staleVersion.toStdString(), at + rv.size())) {
            body.replace(at, std::size_t(staleVersion.size()), rv);
        }
        const auto applied = store.patch(type, "shop", name, http.contentType, body, false);
        if (const auto *status = std::get_if<Sim::ApiStatus>(&applied)) {
            QFAIL(status->message.c_str());
        }
        const json &result = std::get<json>(applied);
        if (kind == QLatin1String("VirtualService")) {
            QVERIFY(result["spec"]["http"][0]["route"][0]["weight"] == 25);
            QVERIFY(result["spec"]["http"][0]["route"][1]["weight"] == 75);
        } else if (kind == QLatin1String("TrafficSplit")) {
            QVERIFY(result["spec"]["backends"][1]["weight"] == 10);
        } else {
            QVERIFY(result["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"] == "30");
        }
    }

    void simDiscovery_matchesTheRealServersResourceEntries_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("version");
        QTest::newRow("virtualservices") << QStringLiteral("apis__networking.istio.io__v1.json")
                                         << QStringLiteral("networking.istio.io") << QStringLiteral("v1");
        QTest::newRow("trafficsplits") << QStringLiteral("apis__split.smi-spec.io__v1alpha4.json")
                                       << QStringLiteral("split.smi-spec.io") << QStringLiteral("v1alpha4");
    }

    void simDiscovery_matchesTheRealServersResourceEntries()
    {
        QFETCH(QString, file);
        QFETCH(QString, group);
        QFETCH(QString, version);
        const json real =
            json::parse(Test::readFile(upstream(QStringLiteral("constructed/discovery/") + file)).toStdString());
        const json ours = Sim::apiResourceListDocument(group.toStdString(), version.toStdString());
        QVERIFY(ours["groupVersion"] == real["groupVersion"]);
        // Every entry (the resource and its /status subresource, where the real server has one).
        for (const json &entry : real["resources"]) {
            const auto match = std::find_if(ours["resources"].begin(), ours["resources"].end(),
                                            [&](const json &r) { return r["name"] == entry["name"]; });
            QVERIFY2(match != ours["resources"].end(), entry["name"].dump().c_str());
            for (const char *field : {"name", "singularName", "namespaced", "kind"}) {
                QVERIFY2(entry.value(field, json()) == match->value(field, json()), field);
            }
            QVERIFY(entry.value("shortNames", json::array()) == match->value("shortNames", json::array()));
        }
        QCOMPARE(ours["resources"].size(), real["resources"].size());
    }
};

QTEST_GUILESS_MAIN(TestMeshRoutes)
#include "tst_meshroutes.moc"
