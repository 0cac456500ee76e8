// The engine against a real curtain-sim process: every action really changes the route on the
// cluster (read back with an independent HTTP client), bad input changes nothing, and no write ever
// leaves both weights at 0, not even for one event.

#include "engine/releaseengine.h"
#include "engine/session.h"
#include "kube/kubeclient.h"
#include "net/networkthread.h"

#include "futurewait.h"
#include "simengine.h"

#include <QSignalSpy>
#include <QTest>

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace Curtain;

namespace {

// Records every HTTPRoute event the sim sends while it runs, like any other watcher would.
class RouteWatch
{
public:
    explicit RouteWatch(int port) : m_client("127.0.0.1", port)
    {
        m_thread = std::thread([this] {
            m_client.Get("/apis/gateway.networking.k8s.io/v1/namespaces/demo/"
                         "httproutes?watch=true&fieldSelector=metadata.name%3Dcatalog",
                         [this](const char *data, size_t length) {
                             const std::lock_guard<std::mutex> lock(m_mutex);
                             m_body.append(data, length);
                             return !m_stop.load();
                         });
        });
    }
    ~RouteWatch() { stop(); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable()) {
            m_client.stop();
            m_thread.join();
        }
    }
    std::vector<nlohmann::json> events() const
    {
        std::vector<nlohmann::json> out;
        std::stringstream lines;
        {
            // The watch thread appends while the test reads.
            const std::lock_guard<std::mutex> lock(m_mutex);
            lines.str(m_body);
        }
        std::string line;
        while (std::getline(lines, line)) {
            auto event = nlohmann::json::parse(line, nullptr, false);
            if (!line.empty() && !event.is_discarded()) { // a line still arriving is read next time
                out.push_back(std::move(event));
            }
        }
        return out;
    }

private:
    httplib::Client m_client;
    mutable std::mutex m_mutex;
    std::string m_body; // guarded by m_mutex
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::SimEngine> m_cluster; // a fresh sim and engine for every test function
    std::unique_ptr<Test::ApiReader> m_api;

    Core::Result<Core::ActionOutcome> act(Core::ActionKind kind, const QString &release, int weight = 0,
                                          const QString &rv = {})
    {
        return m_cluster->act({kind, release, weight, rv});
    }
    Core::ReleaseSnapshot snapshot(const QString &name) { return m_cluster->snapshot(name); }
    // Another client moves catalog's canary to 10 % behind this console's back.
    void someoneElseMovesCatalogTo10()
    {
        QCOMPARE(m_api->patch("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog",
                              "application/json-patch+json",
                              R"([{"op":"replace","path":"/spec/rules/0/backendRefs/0/weight","value":90},)"
                              R"({"op":"replace","path":"/spec/rules/0/backendRefs/1/weight","value":10}])"),
                 200);
    }

private Q_SLOTS:
    void init()
    {
        m_cluster = std::make_unique<Test::SimEngine>();
        QString error;
        QVERIFY2(m_cluster->start(&error), qPrintable(error));
        m_api = std::make_unique<Test::ApiReader>(m_cluster->port());
    }
    void cleanup()
    {
        m_api.reset();
        m_cluster.reset();
    }

    void discover_showsBothDemoReleasesWithVersions()
    {
        const Core::ReleaseSnapshot catalog = snapshot(QStringLiteral("catalog"));
        QCOMPARE(catalog.routeKind, Core::RouteKind::HttpRoute);
        QCOMPARE(catalog.blue.version, QStringLiteral("v2.3.0"));
        QCOMPARE(catalog.green.version, QStringLiteral("v2.4.0"));
        QCOMPARE(catalog.blue.trafficPercent, 100);
        const Core::ReleaseSnapshot checkout = snapshot(QStringLiteral("checkout"));
        QCOMPARE(checkout.routeKind, Core::RouteKind::ServiceSelector);
        QCOMPARE(checkout.blue.version, QStringLiteral("v1.4.2"));
        QCOMPARE(checkout.green.readyReplicas, 3);
    }

    void canary_setWeightPromoteRollback_changeTheRouteOnTheCluster()
    {
        RouteWatch watch(m_cluster->port());
        auto result = act(Core::ActionKind::SetWeight, QStringLiteral("catalog"), 25);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(75LL, 25LL));
        QCOMPARE(result.value().after.green.trafficPercent, 25);

        // Green has 2 pods and blue 4: a promote would send it everything at once, so it is refused
        // and changes nothing, as a flip is — then done as one step that grows green first.
        result = act(Core::ActionKind::Promote, QStringLiteral("catalog"));
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(QStringLiteral("scale green to 4 first")),
                 qPrintable(result.error().message));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(75LL, 25LL));
        // A Rollback while green grows ends the wait: the promote it interrupted never follows.
        const auto interrupted =
            m_cluster->engine->flipWhenReady(QStringLiteral("catalog"), {}, 30'000, Core::ActionKind::Promote);
        QVERIFY(act(Core::ActionKind::Rollback, QStringLiteral("catalog")).ok());
        const auto ended = Test::waitFor(interrupted, 40'000);
        QVERIFY(!ended.ok());
        QVERIFY2(ended.error().message.contains(QStringLiteral("was not promoted: its traffic moved while the promote "
                                                               "waited (now blue 100 %, green 0 %); the promote sent "
                                                               "no traffic, and green keeps the scale it asked for")),
                 qPrintable(ended.error().message));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        result = Test::waitFor(
            m_cluster->engine->flipWhenReady(QStringLiteral("catalog"), {}, 30'000, Core::ActionKind::Promote), 40'000);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(0LL, 100LL));
        QCOMPARE(result.value().after.stable, Core::Color::Green);
        QCOMPARE(result.value().after.green.readyReplicas, 4);

        result = act(Core::ActionKind::Rollback, QStringLiteral("catalog"));
        QVERIFY(result.ok());
        QCOMPARE(m_api->catalogWeights(), std::make_pair(100LL, 0LL));
        QCOMPARE(result.value().after.stable, Core::Color::Blue);
        QVERIFY(result.value().summary.contains(QStringLiteral("blue 0 % → 100 %")));

        // Make before break: every state the cluster went through still served traffic.
        QTRY_VERIFY(watch.events().size() >= 3);
        watch.stop();
        for (const auto &event : watch.events()) {
            const auto &refs = event["object"]["spec"]["rules"][0]["backendRefs"];
            QVERIFY2(refs[0].value("weight", 1) + refs[1].value("weight", 1) > 0, event.dump().c_str());
        }
    }

    void blueGreen_flipAndRollback_moveTheSelector()
    {
        auto result = act(Core::ActionKind::Flip, QStringLiteral("checkout"));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(m_api->checkoutColor(), std::string("green"));
        QVERIFY(result.value().after.previous == Core::Color::Blue);
        result = act(Core::ActionKind::Rollback, QStringLiteral("checkout"));
        QVERIFY(result.ok());
        QCOMPARE(m_api->checkoutColor(), std::string("blue"));
    }

    void badInput_isRefusedAndChangesNothing_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("release");
        QTest::addColumn<int>("weight");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("weight 130") << int(Core::ActionKind::SetWeight) << QStringLiteral("catalog") << 130
                                    << QStringLiteral("0–100");
        QTest::newRow("unknown release") << int(Core::ActionKind::Promote) << QStringLiteral("billing") << 0
                                         << QStringLiteral("known releases: catalog, checkout");
        QTest::newRow("weight on a selector")
            << int(Core::ActionKind::SetWeight) << QStringLiteral("checkout") << 30 << QStringLiteral("flip");
        // Nothing recorded to go back to: Curtain cannot tell "rolled back already" from "moved by
        // someone else", so it refuses rather than report success.
        QTest::newRow("nothing to roll back") << int(Core::ActionKind::Rollback) << QStringLiteral("checkout") << 0
                                              << QStringLiteral("nothing to roll back");
    }

    void badInput_isRefusedAndChangesNothing()
    {
        QFETCH(int, kind);
        QFETCH(QString, release);
        QFETCH(int, weight);
        QFETCH(QString, mentions);
        const std::string routeVersion =
            m_api->resourceVersion("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog");
        const std::string serviceVersion = m_api->resourceVersion("/api/v1/namespaces/demo/services/checkout");
        const auto result = act(Core::ActionKind(kind), release, weight);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(mentions), qPrintable(result.error().message));
        QCOMPARE(m_api->resourceVersion("/apis/gateway.networking.k8s.io/v1/namespaces/demo/httproutes/catalog"),
                 routeVersion);
        QCOMPARE(m_api->resourceVersion("/api/v1/namespaces/demo/services/checkout"), serviceVersion);
    }

    void staleView_isAConflictThatSaysWhatChanged()
    {
        const QString seen = snapshot(QStringLiteral("catalog")).routeResourceVersion;
        someoneElseMovesCatalogTo10();
        QTRY_VERIFY(snapshot(QStringLiteral("catalog")).routeResourceVersion != seen);
        const auto result = act(Core::ActionKind::SetWeight, QStringLiteral("catalog"), 50, seen);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, Core::ErrorKind::Conflict);
        QVERIFY2(result.error().message.contains(QStringLiteral("green 10 %")), qPrintable(result.error().message));
        QCOMPARE(m_api->catalogWeights(), std::make_pair(90LL, 10LL));
        QVERIFY(act(Core::ActionKind::Rollback, QStringLiteral("catalog")).ok());
    }

    // A plan's write that meets a conflict is tried again on the plan's next tick: it is no
    // "refused … changed by someone else" in the history (it was the plan's own progress write).
    // A person's refused write is.
    void planConflict_isNoHistory_butAPersonsIs()
    {
        const QString seen = snapshot(QStringLiteral("catalog")).routeResourceVersion;
        someoneElseMovesCatalogTo10();
        QTRY_VERIFY(snapshot(QStringLiteral("catalog")).routeResourceVersion != seen);
        const auto refusedEvents = [this] {
            const auto events = m_api->get("/apis/events.k8s.io/v1/namespaces/demo/events");
            int count = 0;
            for (const nlohmann::json &event :
                 events ? events->value("items", nlohmann::json::array()) : nlohmann::json::array()) {
                count += event.value("reason", "") == "ActionRefused" ? 1 : 0;
            }
            return count;
        };
        const auto byPlan = m_cluster->act({Core::ActionKind::SetWeight, QStringLiteral("catalog"), 50, seen, true});
        QVERIFY(!byPlan.ok());
        QCOMPARE(byPlan.error().kind, Core::ErrorKind::Conflict);
        const auto planAudited = m_cluster->engine->auditSettled();
        QTRY_VERIFY_WITH_TIMEOUT(planAudited.isFinished(), 10000);
        QCOMPARE(refusedEvents(), 0);

        const auto byPerson = act(Core::ActionKind::SetWeight, QStringLiteral("catalog"), 50, seen);
        QCOMPARE(byPerson.error().kind, Core::ErrorKind::Conflict);
        const auto personAudited = m_cluster->engine->auditSettled();
        QTRY_VERIFY_WITH_TIMEOUT(personAudited.isFinished(), 10000);
        QCOMPARE(refusedEvents(), 1);
        QCOMPARE(m_api->catalogWeights(), std::make_pair(90LL, 10LL));
    }

    void serverConflict_isAConflictErrorInTheServersWords()
    {
        // The write path the engine uses when its view is stale at the server: a 409, never a retry.
        Net::NetworkThread network;
        Kube::KubeClient client(network.http(), {QStringLiteral("sim"), m_cluster->url()});
        const QByteArray body =
            R"({"metadata":{"resourceVersion":"1"},"spec":{"selector":{"curtain.dev/color":"green"}}})";
        const auto result = Test::waitFor(
            client.patch(QStringLiteral("/api/v1/namespaces/demo/services/checkout"), Kube::PatchType::Merge, body));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, Core::ErrorKind::Conflict);
        QCOMPARE(result.error().httpStatus, 409);
        QVERIFY2(result.error().message.contains(QStringLiteral("the object has been modified")),
                 qPrintable(result.error().message));
        QCOMPARE(m_api->checkoutColor(), std::string("blue"));
    }

    void unreachableCluster_failsTheSyncWithAnActionableMessage()
    {
        const Engine::SessionPtr session =
            Engine::Session::openEndpoint({QStringLiteral("gone"), QStringLiteral("http://127.0.0.1:1")});
        Engine::ReleaseEngine *engine = session->engine();
        engine->start();
        const auto synced = Test::waitFor(engine->whenSynced());
        QVERIFY(!synced.ok());
        QCOMPARE(synced.error().kind, Core::ErrorKind::Unreachable);
        QVERIFY2(synced.error().message.contains(QStringLiteral("cannot reach http://127.0.0.1:1")),
                 qPrintable(synced.error().message));
    }

    void truncatedReply_isReportedNotParsed()
    {
        httplib::Server broken;
        broken.Get(".*", [](const httplib::Request &, httplib::Response &res) {
            res.set_content(R"({"kind":"DeploymentList","items":[{"metadata":)", "application/json");
        });
        const int port = broken.bind_to_any_port("127.0.0.1");
        std::thread serving([&] { broken.listen_after_bind(); });
        const Engine::SessionPtr session =
            Engine::Session::openEndpoint({QStringLiteral("broken"), QStringLiteral("http://127.0.0.1:%1").arg(port)});
        Engine::ReleaseEngine *engine = session->engine();
        engine->start();
        const auto synced = Test::waitFor(engine->whenSynced());
        broken.stop();
        serving.join();
        QVERIFY(!synced.ok());
        QVERIFY2(synced.error().message.contains(QStringLiteral("not a JSON object")),
                 qPrintable(synced.error().message));
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
