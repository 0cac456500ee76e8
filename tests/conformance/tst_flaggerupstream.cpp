// Flagger's own objects (../shared/fixtures/flagger: upstream's CRD and example Canaries) against the
// demo cluster: the table and discovery entry it serves for canaries are the CRD's, its schema
// accepts every example, and its Flagger reads each one as Flagger would and starts initializing
// it. Skipped, by name, without the fixtures.

#include "sim/flaggercanary.h"
#include "sim/flaggercontroller.h"
#include "sim/jsonread.h"
#include "sim/objectstore.h"
#include "sim/tables.h"

#include <QDir>
#include <QTest>

#include "upstreamfiles.h"

using namespace Curtain;
using nlohmann::json;

namespace {

QString flagger(const QString &relative)
{
    return Test::upstreamFixtures() + QStringLiteral("/flagger/") + relative;
}

json canaryCrd()
{
    for (const json &document : Test::yamlObjects(flagger(QStringLiteral("crd.yaml")))) {
        if (Sim::textAt(document, "/metadata/name") == "canaries.flagger.app") {
            return document;
        }
    }
    return nullptr;
}

} // namespace

class TestFlaggerUpstream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (Test::upstreamFixtures().isEmpty()) {
            QSKIP(Test::upstreamFixturesMissing().constData());
        }
    }

    // kubectl prints what the server's Table says: Flagger's columns, in its order, at its priority.
    void printerColumns_areTheCrds()
    {
        const json crd = canaryCrd();
        QVERIFY2(!crd.is_null(), "crd.yaml has no canaries.flagger.app");
        const json columns = Sim::valueAt(crd, "/spec/versions/0/additionalPrinterColumns", json::array());
        const json table = Sim::tableOf(*Sim::findResourceTypeByKind("Canary"), {}, 1);
        const json definitions = table["columnDefinitions"];
        QCOMPARE(definitions.size(), columns.size() + 1); // Name, then exactly the CRD's: no Age
        QCOMPARE(definitions[0].value("name", ""), std::string("Name"));
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const json &ours = definitions[i + 1];
            QCOMPARE(ours.value("name", ""), columns[i].value("name", "?"));
            QCOMPARE(ours.value("type", ""), columns[i].value("type", "?"));
            QCOMPARE(ours.value("priority", -1), columns[i].value("priority", 0));
        }
    }

    void discovery_isTheCrds()
    {
        const json crd = canaryCrd();
        const json list = Sim::apiResourceListDocument("flagger.app", "v1beta1");
        QVERIFY(!list.is_null());
        bool canaries = false;
        bool status = false;
        for (const json &resource : list["resources"]) {
            if (resource.value("name", "") == Sim::textAt(crd, "/spec/names/plural")) {
                canaries = true;
                QCOMPARE(resource.value("kind", ""), Sim::textAt(crd, "/spec/names/kind"));
                QCOMPARE(resource.value("singularName", ""), Sim::textAt(crd, "/spec/names/singular"));
                QVERIFY(resource.value("categories", json()) == Sim::valueAt(crd, "/spec/names/categories", json()));
                QCOMPARE(resource.contains("shortNames"), Sim::fieldAt(crd, "/spec/names/shortNames") != nullptr);
                QCOMPARE(resource.value("namespaced", false), Sim::textAt(crd, "/spec/scope") == "Namespaced");
            }
            status = status || resource.value("name", "") == "canaries/status";
        }
        QVERIFY(canaries);
        QCOMPARE(status, Sim::fieldAt(crd, "/spec/versions/0/subresources/status") != nullptr);
    }

    void exampleCanaries_areAcceptedReadAndInitialized_data()
    {
        QTest::addColumn<QString>("file");
        const QDir examples(flagger(QStringLiteral("examples")));
        for (const QString &file : examples.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name)) {
            QTest::newRow(qPrintable(file)) << examples.filePath(file);
        }
    }
    void exampleCanaries_areAcceptedReadAndInitialized()
    {
        QFETCH(QString, file);
        const json canary = Test::yamlObject(file);
        QCOMPARE(Sim::textAt(canary, "/kind"), std::string("Canary"));
        const std::string ns = Sim::textAt(canary, "/metadata/namespace", "test");
        const std::string target = Sim::textAt(canary, "/spec/targetRef/name");
        Sim::ObjectStore store; // with the CRD's schema, as a cluster with Flagger installed
        store.create(*Sim::findResourceTypeByKind("Namespace"), {}, {{"metadata", {{"name", ns}}}});
        const json labels = {{"app", target}};
        store.create(*Sim::findResourceTypeByKind("Deployment"), ns,
                     {{"metadata", {{"name", target}}},
                      {"spec",
                       {{"replicas", 2},
                        {"selector", {{"matchLabels", labels}}},
                        {"template",
                         {{"metadata", {{"labels", labels}}},
                          {"spec", {{"containers", {{{"name", target}, {"image", "podinfo:6.0.0"}}}}}}}}}}});
        const auto stored = store.create(*Sim::findResourceTypeByKind("Canary"), ns, canary);
        const auto *refused = std::get_if<Sim::ApiStatus>(&stored);
        QVERIFY2(!refused, refused ? refused->message.c_str() : "");

        const auto read = Sim::readCanary(std::get<json>(stored));
        QVERIFY2(read, "Flagger's types cannot hold it");
        QCOMPARE(read->targetName, target);
        QVERIFY(read->interval() >= std::chrono::seconds(10));
        QVERIFY(read->stepWeight > 0 || !read->stepWeights.empty() || read->iterations > 0);

        Sim::FlaggerController controller(store);
        controller.reconcile(std::chrono::steady_clock::now(), std::chrono::system_clock::now());
        const auto after = store.get(*Sim::findResourceTypeByKind("Canary"), ns, Sim::textAt(canary, "/metadata/name"));
        QCOMPARE(Sim::textAt(std::get<json>(after), "/status/phase"), std::string("Initializing"));
        QVERIFY(std::holds_alternative<json>(
            store.get(*Sim::findResourceTypeByKind("Deployment"), ns, target + "-primary")));
    }
};

QTEST_GUILESS_MAIN(TestFlaggerUpstream)
#include "tst_flaggerupstream.moc"
