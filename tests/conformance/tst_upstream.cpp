// Conformance with real upstream data (../shared/fixtures/kubernetes, or CURTAIN_UPSTREAM_FIXTURES):
// Status bodies, a captured chunked watch, a finished Deployment, discovery documents, Gateway API
// examples and hand-written request files. Skipped, by name, when the folder is absent.

#include "adapters/environmentreader.h"
#include "adapters/httprouteadapter.h"
#include "kube/apierror.h"
#include "kube/kubeconfig.h"
#include "kube/watchdecoder.h"
#include "sim/objectstore.h"
#include "sim/resourcetypes.h"

#include "testsupport.h"

#include <QDir>
#include <QTest>

#include "upstreamfiles.h"

using namespace Curtain;
using nlohmann::json;
using Test::HttpFile;
using Test::readHttpFile;
using Test::upstream;
using Test::yamlObject;

namespace {

// Undoes HTTP/1.1 chunked framing of a captured response body.
QByteArray dechunk(const QByteArray &raw)
{
    QByteArray body;
    qsizetype pos = raw.indexOf("\r\n\r\n") + 4;
    while (pos < raw.size()) {
        const qsizetype lineEnd = raw.indexOf("\r\n", pos);
        bool ok = false;
        const qsizetype size = raw.mid(pos, lineEnd - pos).toLongLong(&ok, 16);
        if (!ok || size == 0) {
            break;
        }
        body += raw.mid(lineEnd + 2, size);
        pos = lineEnd + 2 + size + 2;
    }
    return body;
}

std::string replaceAll(std::string text, const std::string &from, const std::string &to)
{
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

} // namespace

class TestUpstream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (Test::upstreamFixtures().isEmpty()) {
            QSKIP(Test::upstreamFixturesMissing().constData());
        }
    }

    void statusBodies_becomeErrorsWithTheServersMessage_data()
    {
        QTest::addColumn<QString>("file");
        const QDir dir(upstream(QStringLiteral("constructed/status")));
        if (dir.entryList({QStringLiteral("*.json")}).isEmpty()) {
            QFAIL(qPrintable(QStringLiteral("no Status bodies in %1: the fixtures are incomplete").arg(dir.path())));
        }
        for (const QString &name : dir.entryList({QStringLiteral("*.json")})) {
            QTest::newRow(qPrintable(name)) << dir.filePath(name);
        }
    }

    void statusBodies_becomeErrorsWithTheServersMessage()
    {
        QFETCH(QString, file);
        const QByteArray body = Test::readFile(file);
        const json status = json::parse(body.toStdString());
        const int code = status["code"];
        const Core::Error error = Kube::apiError(code, body, QStringLiteral("REQUEST"));
        QCOMPARE(error.httpStatus, code);
        QVERIFY2(error.message.contains(QString::fromStdString(status["message"])), qPrintable(error.message));
        const std::map<int, Core::ErrorKind> kinds{
            {401, Core::ErrorKind::Unauthorized}, {403, Core::ErrorKind::Forbidden},
            {404, Core::ErrorKind::NotFound},     {409, Core::ErrorKind::Conflict},
            {415, Core::ErrorKind::InvalidInput}, {422, Core::ErrorKind::InvalidInput}};
        if (kinds.count(code)) {
            QCOMPARE(error.kind, kinds.at(code));
        }
    }

    void plainTextTooManyRequests_getsClientGosWording()
    {
        const QByteArray raw = Test::readFile(upstream(QStringLiteral("constructed/status/429-apf-plain-text.http")));
        const QByteArray body = raw.mid(raw.indexOf("\n\n") + 2);
        const Core::Error error = Kube::apiError(429, body, QStringLiteral("LIST"));
        QVERIFY2(error.message.contains(QStringLiteral("too many requests")), qPrintable(error.message));
    }

    void capturedWatch_decodesInAnySlicing()
    {
        const QByteArray body = dechunk(
            Test::readFile(upstream(QStringLiteral("client-go-dynamic-golden/TestGoldenResponse/responses/events"))));
        QVERIFY(!body.isEmpty());
        for (int slice : {1, 3, 64, 100000}) {
            Kube::WatchDecoder decoder;
            QList<Kube::WatchEvent> events;
            for (qsizetype i = 0; i < body.size(); i += slice) {
                for (const auto &event : decoder.feed(body.mid(i, slice))) {
                    QVERIFY(event.ok());
                    events << event.value();
                }
            }
            QCOMPARE(events.size(), 2);
            QCOMPARE(events[0].type, Kube::WatchEventType::Added);
            QCOMPARE(Kube::objectName(events[0].object), QStringLiteral("foobar"));
            QCOMPARE(events[1].type, Kube::WatchEventType::Bookmark);
            QCOMPARE(Kube::annotation(events[1].object, QStringLiteral("k8s.io/initial-events-end")),
                     QStringLiteral("true"));
            QCOMPARE(Kube::resourceVersion(events[1].object), QStringLiteral("964"));
        }
    }

    void expiredWatchEvent_isAnErrorEventCarrying410()
    {
        Kube::WatchDecoder decoder;
        const auto events =
            decoder.feed(Test::readFile(upstream(QStringLiteral("constructed/status/watch-error-410-expired.ndjson"))));
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].value().type, Kube::WatchEventType::Error);
        QCOMPARE(Kube::intAt(events[0].value().object, "/code"), 410LL);
    }

    void finishedDeployment_isRolledOutLikeKubectlSays()
    {
        const json deployment = json::parse(
            Test::readFile(
                upstream(QStringLiteral("kubectl-edit-testdata/testcase-edit-subresource-status/0.response")))
                .toStdString());
        const auto [message, done] = Adapters::rolloutStatus(deployment);
        QVERIFY(done);
        QCOMPARE(message, QStringLiteral("successfully rolled out"));
    }

    void simDiscovery_matchesTheRealServersResourceEntries_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("resource");
        QTest::newRow("deployments") << QStringLiteral("kubernetes-discovery/apis__apps__v1.json")
                                     << QStringLiteral("apps") << QStringLiteral("deployments");
        QTest::newRow("services") << QStringLiteral("kubernetes-discovery/api__v1.json") << QString()
                                  << QStringLiteral("services");
        QTest::newRow("namespaces") << QStringLiteral("kubernetes-discovery/api__v1.json") << QString()
                                    << QStringLiteral("namespaces");
        QTest::newRow("httproutes") << QStringLiteral("constructed/discovery/apis__gateway.networking.k8s.io__v1.json")
                                    << QStringLiteral("gateway.networking.k8s.io") << QStringLiteral("httproutes");
    }

    void simDiscovery_matchesTheRealServersResourceEntries()
    {
        QFETCH(QString, file);
        QFETCH(QString, group);
        QFETCH(QString, resource);
        const json real = json::parse(Test::readFile(upstream(file)).toStdString());
        const json ours = Sim::apiResourceListDocument(group.toStdString(), "v1");
        QVERIFY(ours["groupVersion"] == real["groupVersion"]);
        auto find = [&](const json &list) {
            for (const json &r : list["resources"]) {
                if (r["name"] == resource.toStdString()) {
                    return r;
                }
            }
            return json();
        };
        const json a = find(real);
        const json b = find(ours);
        QVERIFY2(!b.is_null(), "the sim does not serve this resource");
        for (const char *field : {"name", "singularName", "namespaced", "kind"}) {
            QVERIFY2(a.value(field, json()) == b.value(field, json()), field);
        }
        QVERIFY(a.value("shortNames", json::array()) == b.value("shortNames", json::array()));
        for (const json &verb : b["verbs"]) {
            QVERIFY2(std::find(a["verbs"].begin(), a["verbs"].end(), verb) != a["verbs"].end(), verb.dump().c_str());
        }
    }

    void gatewayApiExample_readsAndWritesLikeTheReferenceRequest()
    {
        json route = yamlObject(upstream(QStringLiteral("gateway-api/traffic-split-2.yaml")));
        route["metadata"]["namespace"] = "shop";
        route["metadata"]["resourceVersion"] = "90211";
        route["metadata"]["labels"]["curtain.dev/release"] = "foo";
        Adapters::ClusterView view;
        view.httpRoutes.push_back(route);
        for (const auto &[name, color] : {std::pair{"foo-v1", "blue"}, std::pair{"foo-v2", "green"}}) {
            view.services.push_back({{"metadata",
                                      {{"name", name},
                                       {"namespace", "shop"},
                                       {"labels", {{"curtain.dev/release", "foo"}, {"curtain.dev/color", color}}}}}});
        }
        const Core::ReleaseSnapshot snapshot = Adapters::HttpRouteAdapter().read(route, view);
        QCOMPARE(snapshot.blue.trafficPercent, 90);
        QCOMPARE(snapshot.green.trafficPercent, 10);

        // Same guards and paths as the reference request, plus the role annotations.
        const HttpFile reference =
            readHttpFile(upstream(QStringLiteral("constructed/requests/04-httproute-weights.json-patch.http")));
        const auto patch =
            Adapters::HttpRouteAdapter().write(route, view, {90, 10, Core::Color::Blue, std::nullopt, {}, {}, {}});
        QVERIFY(patch.ok());
        QCOMPARE(patch.value().path.toStdString(), reference.path.substr(0, reference.path.find('?')));
        QCOMPARE(Kube::contentType(patch.value().type).toStdString(), reference.contentType);
        const json ours = json::parse(patch.value().body.toStdString());
        const json theirs = json::parse(reference.body);
        for (const json &op : theirs) {
            QVERIFY2(std::find(ours.begin(), ours.end(), op) != ours.end(), op.dump().c_str());
        }
    }

    void referenceRequests_areAcceptedByTheSim_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("kind");
        QTest::newRow("service merge") << QStringLiteral("01-bluegreen-service-selector.merge-patch.http")
                                       << QStringLiteral("Service");
        QTest::newRow("service strategic")
            << QStringLiteral("02-bluegreen-service-selector.strategic-merge-patch.http") << QStringLiteral("Service");
        QTest::newRow("service json") << QStringLiteral("03-bluegreen-service-selector.json-patch.http")
                                      << QStringLiteral("Service");
        QTest::newRow("httproute json") << QStringLiteral("04-httproute-weights.json-patch.http")
                                        << QStringLiteral("HTTPRoute");
        QTest::newRow("httproute merge") << QStringLiteral("05-httproute-weights.merge-patch.http")
                                         << QStringLiteral("HTTPRoute");
    }

    void referenceRequests_areAcceptedByTheSim()
    {
        QFETCH(QString, file);
        QFETCH(QString, kind);
        const HttpFile request = readHttpFile(upstream(QStringLiteral("constructed/requests/") + file));
        Sim::ObjectStore store;
        const Sim::ResourceType &type = *Sim::findResourceTypeByKind(kind.toStdString());
        json object =
            kind == QLatin1String("Service")
                ? json{{"metadata", {{"name", "app"}}}, {"spec", {{"selector", {{"app", "web"}, {"version", "blue"}}}}}}
                : yamlObject(upstream(QStringLiteral("gateway-api/traffic-split-2.yaml")));
        object["metadata"]["name"] = kind == QLatin1String("Service") ? "app" : "foo-route";
        if (kind == QLatin1String("HTTPRoute")) { // start from 50/50 so the request really changes something
            object["spec"]["rules"][0]["backendRefs"][0]["weight"] = 50;
            object["spec"]["rules"][0]["backendRefs"][1]["weight"] = 50;
        }
        const auto created = store.create(type, "shop", object);
        const std::string rv = std::get<json>(created)["metadata"]["resourceVersion"];
        const std::string name = object["metadata"]["name"];
        const std::string staleRv = kind == QLatin1String("Service") ? "48213" : "90211";

        // As written (a resourceVersion this cluster never had): a 409 exactly like the real one.
        const auto stale = store.patch(type, "shop", name, request.contentType, request.body, false);
        QVERIFY(std::holds_alternative<Sim::ApiStatus>(stale));
        QCOMPARE(std::get<Sim::ApiStatus>(stale).code, 409);
        const json expected409 =
            json::parse(Test::readFile(upstream(kind == QLatin1String("Service")
                                                    ? QStringLiteral("constructed/status/409-conflict-service.json")
                                                    : QStringLiteral("constructed/status/409-conflict-httproute.json")))
                            .toStdString());
        QVERIFY(std::get<Sim::ApiStatus>(stale).toJson()["message"] == expected409["message"]);

        // With the current version: applied.
        const auto applied =
            store.patch(type, "shop", name, request.contentType, replaceAll(request.body, staleRv, rv), false);
        if (const auto *status = std::get_if<Sim::ApiStatus>(&applied)) {
            QFAIL(status->message.c_str());
        }
        const json &result = std::get<json>(applied);
        if (kind == QLatin1String("Service")) {
            QVERIFY(result["spec"]["selector"] == json({{"app", "web"}, {"version", "green"}}));
        } else {
            QVERIFY(result["spec"]["rules"][0]["backendRefs"][1]["weight"] == 10);
        }
    }

    void constructedKubeconfig_resolvesEveryContext()
    {
        const auto config =
            Kube::Kubeconfig::load({upstream(QStringLiteral("constructed/kubeconfig-multi-auth.yaml"))});
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QCOMPARE(config.value().currentContext(), QStringLiteral("prod-exec"));
        const auto prod = config.value().endpoint();
        QVERIFY2(prod.ok(), qPrintable(prod.ok() ? QString() : prod.error().message));
        QCOMPARE(prod.value().namespaceName, QStringLiteral("shop"));
        QCOMPARE(prod.value().tlsServerName, QStringLiteral("kubernetes.default.svc"));
        QCOMPARE(prod.value().proxyUrl, QStringLiteral("socks5://127.0.0.1:1080"));
        QVERIFY(prod.value().exec.has_value());
        QCOMPARE(prod.value().exec->command, QStringLiteral("my-credential-helper"));
        QCOMPARE(prod.value().exec->interactiveMode, QStringLiteral("Never"));
        QVERIFY(prod.value().exec->provideClusterInfo);
        QVERIFY(prod.value().exec->clusterConfigJson.contains("prod-cluster-audience"));
        const auto lab = config.value().endpoint(QStringLiteral("lab-token"));
        QVERIFY(lab.ok());
        QVERIFY(lab.value().insecureSkipTlsVerify);
        QCOMPARE(lab.value().token, QStringLiteral("PLACEHOLDER_BEARER_TOKEN"));
    }
};

QTEST_GUILESS_MAIN(TestUpstream)
#include "tst_upstream.moc"
