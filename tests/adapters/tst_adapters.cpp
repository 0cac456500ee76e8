// Reading releases from cluster objects and writing actions back as patches the API server accepts.

#include "adapters/environmentreader.h"
#include "adapters/httprouteadapter.h"
#include "adapters/routeadapter.h"
#include "adapters/serviceselectoradapter.h"

#include "testsupport.h"

#include <QTest>

using namespace Curtain;
using Kube::Json;

class TestAdapters : public QObject
{
    Q_OBJECT

    Adapters::ClusterView m_view;

    const Json &object(const char *kind, const char *name) const
    {
        const auto &list = QByteArrayView(kind) == "HTTPRoute" ? m_view.httpRoutes
                           : QByteArrayView(kind) == "Service" ? m_view.services
                                                               : m_view.deployments;
        for (const Json &o : list) {
            if (o["metadata"]["name"] == name) {
                return o;
            }
        }
        qFatal("fixture has no %s %s", kind, name);
    }

    Core::ReleaseSnapshot find(const QString &name) const
    {
        for (const auto &r : Adapters::discoverReleases(m_view)) {
            if (r.name == name) {
                return r;
            }
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QByteArray text = Test::readFile(Test::projectFixture(QStringLiteral("shop-releases.json")));
        QVERIFY2(!text.isEmpty(), "tests/fixtures/shop-releases.json is missing");
        const Json list = Json::parse(text.toStdString());
        for (const Json &item : list["items"]) {
            const std::string kind = item["kind"];
            (kind == "Deployment" ? m_view.deployments
             : kind == "Service"  ? m_view.services
                                  : m_view.httpRoutes)
                .push_back(item);
        }
    }

    void discover_findsBothReleasesAndOnlyThem()
    {
        const auto releases = Adapters::discoverReleases(m_view);
        QCOMPARE(releases.size(), 2);
        QCOMPARE(releases[0].name, QStringLiteral("search"));
        QCOMPARE(releases[1].name, QStringLiteral("web"));
    }

    void serviceSelector_readsServingColorAndPrevious()
    {
        const Core::ReleaseSnapshot web = find(QStringLiteral("web"));
        QCOMPARE(web.routeKind, Core::RouteKind::ServiceSelector);
        QCOMPARE(web.stable, Core::Color::Green);
        QCOMPARE(web.green.trafficPercent, 100);
        QCOMPARE(web.blue.trafficPercent, 0);
        QVERIFY(web.previous == Core::Color::Blue);
        QCOMPARE(web.green.version, QStringLiteral("v3.2.0"));
        QCOMPARE(web.blue.metricsPath, QStringLiteral("/api/v1/namespaces/shop/services/web-blue/proxy/metrics"));
        QVERIFY(web.capabilities.rollback.enabled);
        QVERIFY(!web.capabilities.setWeight.enabled);
    }

    void httpRoute_readsWeightsAsPercentagesAndDerivesStable()
    {
        const Core::ReleaseSnapshot search = find(QStringLiteral("search"));
        QCOMPARE(search.routeKind, Core::RouteKind::HttpRoute);
        QCOMPARE(search.blue.trafficPercent, 90);
        QCOMPARE(search.green.trafficPercent, 10);
        QCOMPARE(search.stable, Core::Color::Blue); // no annotation: the heavier side
        QCOMPARE(search.green.readyReplicas, 0);
        QCOMPARE(search.health(), QStringLiteral("degraded"));
        QCOMPARE(search.routeResourceVersion, QStringLiteral("57"));
    }

    void rolloutStatus_wordsItLikeKubectl()
    {
        const auto [message, done] = Adapters::rolloutStatus(object("Deployment", "search-green"));
        QCOMPARE(message, QStringLiteral("0 of 3 updated replicas are available"));
        QVERIFY(!done);
        Json pending = object("Deployment", "web-blue");
        pending["metadata"]["generation"] = 2;
        QCOMPARE(Adapters::rolloutStatus(pending).first,
                 QStringLiteral("Waiting for deployment spec update to be observed..."));
    }

    void servicePatch_isAMergePatchGuardedByResourceVersion()
    {
        const auto patch = Adapters::ServiceSelectorAdapter().write(
            object("Service", "web"), m_view, {100, 0, Core::Color::Blue, std::nullopt, {}, {}, {}});
        QVERIFY(patch.ok());
        QCOMPARE(patch.value().type, Kube::PatchType::Merge);
        QCOMPARE(patch.value().path, QStringLiteral("/api/v1/namespaces/shop/services/web"));
        const Json body = Json::parse(patch.value().body.toStdString());
        QVERIFY(body["metadata"]["resourceVersion"] == "41");
        QVERIFY(body["spec"]["selector"]["curtain.dev/color"] == "blue");
        QVERIFY(body["metadata"]["annotations"]["curtain.dev/previous-color"].is_null()); // deletes the key
        Json applied = object("Service", "web");
        applied.merge_patch(body);
        QVERIFY(applied["spec"]["selector"]["app"] == "web"); // other selector keys survive
        QVERIFY(!applied["metadata"]["annotations"].contains("curtain.dev/previous-color"));
    }

    // What a promote replaced is written beside the previous color, so that a promote run again
    // can tell a retry from a new version; a write without it removes the key.
    void servicePatch_remembersTheVersionItReplaced()
    {
        const Adapters::ServiceSelectorAdapter adapter;
        const auto promote =
            adapter.write(object("Service", "web"), m_view,
                          {0, 100, Core::Color::Green, Core::Color::Blue, {}, QStringLiteral("v1"), {}});
        QVERIFY(promote.ok());
        Json promoted = object("Service", "web");
        promoted.merge_patch(Json::parse(promote.value().body.toStdString()));
        QVERIFY(promoted["metadata"]["annotations"]["curtain.dev/previous-version"] == "v1");
        const Core::ReleaseSnapshot read = adapter.read(promoted, m_view);
        QCOMPARE(read.previous, std::optional(Core::Color::Blue));
        QCOMPARE(read.previousVersion, QStringLiteral("v1"));

        const auto back = adapter.write(promoted, m_view, {100, 0, Core::Color::Blue, std::nullopt, {}, {}, {}});
        QVERIFY(back.ok());
        promoted.merge_patch(Json::parse(back.value().body.toStdString()));
        QVERIFY(!promoted["metadata"]["annotations"].contains("curtain.dev/previous-version"));
        QVERIFY(adapter.read(promoted, m_view).previousVersion.isEmpty());
    }

    void servicePatch_refusesASplit()
    {
        const auto patch = Adapters::ServiceSelectorAdapter().write(
            object("Service", "web"), m_view, {50, 50, Core::Color::Blue, std::nullopt, {}, {}, {}});
        QVERIFY(!patch.ok());
    }

    void httpRoutePatch_testsEveryBackendAndKeepsTheRestOfTheRule()
    {
        const Json &route = object("HTTPRoute", "search");
        const auto patch =
            Adapters::HttpRouteAdapter().write(route, m_view, {75, 25, Core::Color::Blue, std::nullopt, {}, {}, {}});
        QVERIFY(patch.ok());
        QCOMPARE(patch.value().type, Kube::PatchType::Json);
        const Json ops = Json::parse(patch.value().body.toStdString());
        int tests = 0;
        for (const Json &op : ops) {
            tests += op["op"] == "test";
        }
        QCOMPARE(tests, 3); // two refs in rule 0, one in rule 1
        QVERIFY(ops[3] == Json({{"op", "replace"}, {"path", "/metadata/resourceVersion"}, {"value", "57"}}));
        const Json applied = route.patch(ops);
        QVERIFY(applied["spec"]["rules"][0]["backendRefs"][0]["weight"] == 75);
        QVERIFY(applied["spec"]["rules"][0]["backendRefs"][1]["weight"] == 25);
        QVERIFY(applied["spec"]["rules"][1]["backendRefs"][0]["weight"] == 75); // `add` where the weight was defaulted
        QVERIFY(applied["spec"]["rules"][0]["timeouts"]["request"] == "10s");
        QVERIFY(applied["metadata"]["annotations"]["curtain.dev/stable-color"] == "blue");
    }

    void httpRoutePatch_failsItsTestWhenABackendMoved()
    {
        Json moved = object("HTTPRoute", "search");
        const auto patch = Adapters::HttpRouteAdapter().write(
            moved, m_view, {0, 100, Core::Color::Green, Core::Color::Blue, {}, {}, {}});
        QVERIFY(patch.ok());
        std::swap(moved["spec"]["rules"][0]["backendRefs"][0], moved["spec"]["rules"][0]["backendRefs"][1]);
        QVERIFY_THROWS_EXCEPTION(Json::exception, moved.patch(Json::parse(patch.value().body.toStdString())));
    }

    void httpRoutePatch_neverWritesAllZero()
    {
        const auto patch = Adapters::HttpRouteAdapter().write(object("HTTPRoute", "search"), m_view,
                                                              {0, 0, Core::Color::Blue, std::nullopt, {}, {}, {}});
        QVERIFY(!patch.ok());
    }
};

QTEST_GUILESS_MAIN(TestAdapters)
#include "tst_adapters.moc"
