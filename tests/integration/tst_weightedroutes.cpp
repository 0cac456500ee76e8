// Every weighted route kind — Istio VirtualService, SMI TrafficSplit, ingress-nginx canary Ingress —
// against a real curtain-sim process: the slider's write lands on the object (read back with an
// independent client), the sim's audit log shows the exact content type and body it received, the
// simulated traffic follows the new weights, and Rollback puts everything back in one write.

#include "simengine.h"

#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include <sstream>

using namespace Curtain;
using nlohmann::json;

class TestWeightedRoutes : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Test::SimEngine m_sim;

    QString auditPath() const { return m_dir.filePath(QStringLiteral("audit.jsonl")); }

    // The writes the sim received for objects under `path`: what changes traffic. Permission reviews,
    // "who am I" and the Events that record each action are writes too, and are left out.
    std::vector<json> audit(const QString &path = QStringLiteral("/apis/")) const
    {
        std::vector<json> lines;
        // The sim may be appending the Event that records the last action as this reads.
        for (const json &entry : Test::finishedJsonLines(auditPath())) {
            const QString uri = QString::fromStdString(entry["requestURI"]);
            if (uri.startsWith(path) && !uri.contains(QLatin1String("selfsubject")) &&
                !uri.startsWith(QLatin1String("/apis/events.k8s.io/"))) {
                lines.push_back(entry);
            }
        }
        return lines;
    }

    Core::Result<Core::ActionOutcome> act(Core::ActionKind kind, const QString &release, int weight = 0)
    {
        return m_sim.act({kind, release, weight, {}});
    }

    Core::ReleaseSnapshot snapshot(const QString &name) { return m_sim.snapshot(name); }

    bool setFaults(const std::string &faults)
    {
        httplib::Client sim("127.0.0.1", m_sim.port());
        const auto reply = sim.Put("/curtain-sim/faults", faults, "application/json");
        return reply && reply->status == 200;
    }

    // The sim holds a write of this test's engine (delayed by a fault).
    bool holdsARequest() const
    {
        httplib::Client sim("127.0.0.1", m_sim.port());
        const auto reply = sim.Get("/curtain-sim/faults");
        return reply && reply->status == 200 && json::parse(reply->body, nullptr, false).value("heldRequests", 0) > 0;
    }

    // The candidate's (green's) share as the route object itself says, read without Curtain.
    int greenShareOnCluster(const QString &kind, const std::string &path) const
    {
        const json object = m_sim.api->get(path).value_or(json());
        if (kind == QLatin1String("VirtualService")) {
            const json route = object["spec"]["http"][0]["route"];
            return route[1].value("weight", 0) * 100 / (route[0].value("weight", 0) + route[1].value("weight", 0));
        }
        if (kind == QLatin1String("TrafficSplit")) {
            const json backends = object["spec"]["backends"];
            return backends[1].value("weight", 0) * 100 /
                   (backends[0].value("weight", 0) + backends[1].value("weight", 0));
        }
        const json annotations = object["metadata"]["annotations"];
        return std::stoi(annotations.value("nginx.ingress.kubernetes.io/canary-weight", "-1")) * 100 /
               std::stoi(annotations.value("nginx.ingress.kubernetes.io/canary-weight-total", "100"));
    }

    // Requests green has served so far, from its Service's Prometheus exposition.
    double greenRequests(const QString &release) const
    {
        httplib::Client client("127.0.0.1", m_sim.port());
        const auto reply =
            client.Get("/api/v1/namespaces/demo/services/" + release.toStdString() + "-green/proxy/metrics");
        double total = 0;
        if (reply && reply->status == 200) {
            std::istringstream lines(reply->body);
            for (std::string line; std::getline(lines, line);) {
                if (line.rfind("http_requests_total{", 0) == 0) {
                    total += std::stod(line.substr(line.rfind(' ') + 1));
                }
            }
        }
        return total;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_sim.start(&error, {QStringLiteral("--audit-log"), auditPath()}), qPrintable(error));
    }

    void cleanupTestCase() { m_sim.stop(); }

    void route_movesWithTheSliderAndRollsBackInOneWrite_data()
    {
        QTest::addColumn<QString>("release");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("contentType");
        QTest::addColumn<QString>("bodyMustContain");
        QTest::newRow("istio") << QStringLiteral("reviews") << QStringLiteral("VirtualService")
                               << QStringLiteral("/apis/networking.istio.io/v1/namespaces/demo/virtualservices/reviews")
                               << QStringLiteral("application/json-patch+json")
                               << QStringLiteral(R"({"op":"replace","path":"/spec/http/0/route/1/weight","value":30})");
        QTest::newRow("smi") << QStringLiteral("ratings") << QStringLiteral("TrafficSplit")
                             << QStringLiteral("/apis/split.smi-spec.io/v1alpha4/namespaces/demo/trafficsplits/ratings")
                             << QStringLiteral("application/merge-patch+json")
                             << QStringLiteral(R"("backends":[{"service":"ratings-blue","weight":70},)"
                                               R"({"service":"ratings-green","weight":30}])");
        QTest::newRow("nginx") << QStringLiteral("storefront") << QStringLiteral("Ingress")
                               << QStringLiteral(
                                      "/apis/networking.k8s.io/v1/namespaces/demo/ingresses/storefront-canary")
                               << QStringLiteral("application/merge-patch+json")
                               << QStringLiteral(R"("nginx.ingress.kubernetes.io/canary-weight":"30")");
    }

    void route_movesWithTheSliderAndRollsBackInOneWrite()
    {
        QFETCH(QString, release);
        QFETCH(QString, kind);
        QFETCH(QString, path);
        QFETCH(QString, contentType);
        QFETCH(QString, bodyMustContain);
        QCOMPARE(snapshot(release).routeKind == Core::RouteKind::ServiceSelector, false);
        QVERIFY(snapshot(release).capabilities.setWeight.enabled);
        QCOMPARE(greenShareOnCluster(kind, path.toStdString()), 0);
        const double servedBefore = greenRequests(release);

        const std::size_t writesBefore = audit(path).size();
        auto result = act(Core::ActionKind::SetWeight, release, 30);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result.value().after.green.trafficPercent, 30);
        QCOMPARE(greenShareOnCluster(kind, path.toStdString()), 30);

        // Exactly one write, of the expected type, to the route's own path.
        const std::vector<json> lines = audit(path);
        QCOMPARE(lines.size(), writesBefore + 1);
        const json &write = lines.back();
        QCOMPARE(QString::fromStdString(write["verb"]), QStringLiteral("PATCH"));
        QVERIFY2(QString::fromStdString(write["requestURI"]).startsWith(path + QLatin1Char('?')), write.dump().c_str());
        QCOMPARE(QString::fromStdString(write["contentType"]), contentType);
        QVERIFY2(QString::fromStdString(write["requestBody"]).contains(bodyMustContain), write.dump().c_str());
        QVERIFY2(QString::fromStdString(write["requestBody"]).contains(QStringLiteral("resourceVersion")),
                 "every write is conditional");
        QCOMPARE(write["responseCode"].get<int>(), 200);

        // The sim's traffic follows the route: green starts serving requests.
        QTRY_VERIFY_WITH_TIMEOUT(greenRequests(release) > servedBefore + 5, 10000);

        result = act(Core::ActionKind::Rollback, release);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(greenShareOnCluster(kind, path.toStdString()), 0);
        QCOMPARE(result.value().after.stable, Core::Color::Blue);
        QCOMPARE(audit(path).size(), writesBefore + 2);
    }

    void virtualService_servedAsV1beta1Too_isOneRelease()
    {
        // Istio serves the same objects in both versions; the engine watches both and shows one.
        const auto beta = m_sim.api->get("/apis/networking.istio.io/v1beta1/namespaces/demo/virtualservices/reviews");
        QVERIFY(beta.has_value());
        QCOMPARE(QString::fromStdString((*beta)["apiVersion"]), QStringLiteral("networking.istio.io/v1beta1"));
        int count = 0;
        const auto releases = Test::waitFor(m_sim.engine->whenSynced());
        for (const auto &r : releases.value()) {
            count += r.name == QLatin1String("reviews") ? 1 : 0;
        }
        QCOMPARE(count, 1);
    }

    void routeWhoseBackendsDoNotMatch_isAProblemAndNothingIsWritten()
    {
        // Someone points the canary Ingress at a Service that is not one of the release's colors.
        const std::string path = "/apis/networking.k8s.io/v1/namespaces/demo/ingresses/storefront-canary";
        QCOMPARE(m_sim.api->patch(path, "application/json-patch+json",
                                  R"([{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/name",)"
                                  R"("value":"storefront-preview"}])"),
                 200);
        QTRY_VERIFY(!snapshot(QStringLiteral("storefront")).problem.isEmpty());
        const Core::ReleaseSnapshot broken = snapshot(QStringLiteral("storefront"));
        QVERIFY2(broken.problem.contains(QStringLiteral("storefront-preview")), qPrintable(broken.problem));
        QVERIFY(!broken.capabilities.setWeight.enabled);
        QVERIFY(!broken.capabilities.rollback.enabled);

        const std::size_t writesBefore = audit().size();
        const auto refused = act(Core::ActionKind::SetWeight, QStringLiteral("storefront"), 10);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("storefront-preview")),
                 qPrintable(refused.error().message));
        QCOMPARE(audit().size(), writesBefore);

        QCOMPARE(m_sim.api->patch(path, "application/json-patch+json",
                                  R"([{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/name",)"
                                  R"("value":"storefront-green"}])"),
                 200);
        QTRY_VERIFY(snapshot(QStringLiteral("storefront")).problem.isEmpty());
    }

    void routeChangedSinceTheUserLooked_isRefusedAndChangesNothing()
    {
        // Someone else edited the VirtualService after the user looked at it: nothing is written.
        const std::string path = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/reviews";
        const json before = m_sim.api->get(path).value();
        const Core::ReleaseSnapshot seen = snapshot(QStringLiteral("reviews"));
        const auto stale =
            m_sim.act({Core::ActionKind::SetWeight, QStringLiteral("reviews"), 40, seen.routeResourceVersion});
        QVERIFY(stale.ok()); // the view is current: it goes through
        QCOMPARE(m_sim.api->patch(path, "application/merge-patch+json", R"({"metadata":{"labels":{"team":"x"}}})"),
                 200);
        const auto conflicted = m_sim.act(
            {Core::ActionKind::SetWeight, QStringLiteral("reviews"), 10, stale.value().after.routeResourceVersion});
        QVERIFY(!conflicted.ok());
        QCOMPARE(conflicted.error().kind, Core::ErrorKind::Conflict);
        QCOMPARE(greenShareOnCluster(QStringLiteral("VirtualService"), path), 40);
        QVERIFY(act(Core::ActionKind::Rollback, QStringLiteral("reviews")).ok());
        QVERIFY(m_sim.api->get(path).value()["spec"]["http"] == before["spec"]["http"]);
    }

    // The same, when the other edit lands while the write is on its way (the cache had not seen it
    // when the action checked the user's version): refused all the same. The engine once sent such
    // a write again over the new version, so the outcome hung on which came first.
    void routeChangedWhileTheWriteIsOnItsWay_isRefusedAndChangesNothing()
    {
        const std::string path = "/apis/networking.istio.io/v1/namespaces/demo/virtualservices/reviews";
        const json before = m_sim.api->get(path).value();
        const Core::ReleaseSnapshot seen = snapshot(QStringLiteral("reviews"));
        QVERIFY(setFaults(R"({"writeDelayMs":4000})"));
        const auto pending = m_sim.engine->perform(
            {Core::ActionKind::SetWeight, QStringLiteral("reviews"), 35, seen.routeResourceVersion});
        QTRY_VERIFY_WITH_TIMEOUT(holdsARequest(), 20000);
        QVERIFY(setFaults(R"({"writeDelayMs":0})"));
        QCOMPARE(m_sim.api->patch(path, "application/merge-patch+json", R"({"metadata":{"labels":{"team":"y"}}})"),
                 200);
        const auto conflicted = Test::waitFor(pending, 30'000);
        QVERIFY(!conflicted.ok());
        QVERIFY2(conflicted.error().kind == Core::ErrorKind::Conflict, qPrintable(conflicted.error().message));
        QVERIFY(m_sim.api->get(path).value()["spec"]["http"] == before["spec"]["http"]);
    }
};

QTEST_GUILESS_MAIN(TestWeightedRoutes)
#include "tst_weightedroutes.moc"
