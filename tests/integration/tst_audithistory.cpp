// Who did what: every action curtainctl takes is an Event on the route that kubectl shows, with the
// user the cluster names, and a line in the hash-chained journal; `curtainctl history` merges the
// journal with the Events of every other console and controller, and says when the journal was
// edited. Real processes: curtain-sim, curtainctl and kubectl.

#include "ctlrunner.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>
#include <nlohmann/json.hpp>

using namespace Curtain;

class TestAuditHistory : public QObject
{
    Q_OBJECT

    QString m_kubectl;
    QTemporaryDir m_home; // kubectl's cache and the programs' state directory (the journal)
    std::unique_ptr<Test::SimProcess> m_sim;

    QString journalPath() const { return m_home.filePath(QStringLiteral("state/curtain/journal.jsonl")); }

    Test::CtlRun ctl(const QStringList &arguments)
    {
        return Test::runCurtainctl(QStringList{QStringLiteral("--server"), m_sim->url()} + arguments);
    }

    QString kubectl(const QStringList &arguments)
    {
        return Test::runKubectl(m_kubectl, m_sim->url(), m_home.path(), arguments);
    }

    QJsonObject historyOf(const QString &release, QString *err = nullptr)
    {
        const Test::CtlRun run =
            ctl({QStringLiteral("history"), release, QStringLiteral("-o"), QStringLiteral("json")});
        if (err) {
            *err = run.err;
        }
        return QJsonDocument::fromJson(run.out.toUtf8()).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_kubectl = Test::findProgram(QStringLiteral("kubectl"));
        if (m_kubectl.isEmpty()) {
            QFAIL("kubectl is not installed: install the Debian package kubernetes-client (./scripts/setup does)");
        }
        QVERIFY(m_home.isValid());
        qputenv("XDG_STATE_HOME", m_home.filePath(QStringLiteral("state")).toUtf8());
        qunsetenv("CURTAIN_JOURNAL");
    }

    // Each function on a cluster and a journal of its own.
    void init()
    {
        QFile::remove(journalPath());
        QFile::remove(journalPath() + QStringLiteral(".head"));
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error), qPrintable(error));
    }

    void cleanup() { m_sim.reset(); }

    void curtainctlAction_isAnEventKubectlShows()
    {
        const Test::CtlRun run = ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("20")});
        QCOMPARE(run.exitCode, 0);
        const QString events =
            kubectl({QStringLiteral("events"), QStringLiteral("--for"), QStringLiteral("httproute/catalog"),
                     QStringLiteral("-n"), QStringLiteral("demo")});
        QVERIFY2(events.contains(QLatin1String("TrafficShifted")), qPrintable(events));
        QVERIFY2(events.contains(QStringLiteral("green 0 % → 20 %")), qPrintable(events));
        QVERIFY2(events.contains(QLatin1String("HTTPRoute/catalog")), qPrintable(events));

        // The same Event through events.k8s.io/v1: who, from where, about what.
        const QJsonObject list =
            QJsonDocument::fromJson(
                kubectl({QStringLiteral("get"), QStringLiteral("events.v1.events.k8s.io"), QStringLiteral("-n"),
                         QStringLiteral("demo"), QStringLiteral("--field-selector"),
                         QStringLiteral("regarding.name=catalog"), QStringLiteral("-o"), QStringLiteral("json")})
                    .toUtf8())
                .object();
        const QJsonArray items = list.value(QLatin1String("items")).toArray();
        QCOMPARE(items.size(), 1);
        const QJsonObject event = items.first().toObject();
        QCOMPARE(event.value(QLatin1String("reportingController")).toString(), QStringLiteral("curtain.dev/console"));
        QCOMPARE(event.value(QLatin1String("action")).toString(), QStringLiteral("SetWeight"));
        QCOMPARE(event.value(QLatin1String("regarding")).toObject().value(QLatin1String("kind")).toString(),
                 QStringLiteral("HTTPRoute"));
        QCOMPARE(event.value(QLatin1String("related")).toObject().value(QLatin1String("name")).toString(),
                 QStringLiteral("catalog-green"));
        const QJsonObject annotations =
            event.value(QLatin1String("metadata")).toObject().value(QLatin1String("annotations")).toObject();
        QCOMPARE(annotations.value(QLatin1String("curtain.dev/user")).toString(), QStringLiteral("curtain-sim-user"));
        QCOMPARE(annotations.value(QLatin1String("curtain.dev/via")).toString(), QStringLiteral("curtainctl"));
        QVERIFY(event.value(QLatin1String("reportingInstance")).toString().contains(QLatin1Char('/')));
    }

    void whoTheClusterSaysWeAre_isTheActor()
    {
        QVERIFY(
            kubectl({QStringLiteral("auth"), QStringLiteral("whoami")}).contains(QLatin1String("curtain-sim-user")));
        QCOMPARE(ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("10")}).exitCode, 0);
        QFile journal(journalPath()); // the documented place: $XDG_STATE_HOME/curtain/journal.jsonl
        QVERIFY2(journal.open(QIODevice::ReadOnly), qPrintable(journalPath()));
        const QJsonObject record = QJsonDocument::fromJson(journal.readLine()).object();
        QCOMPARE(record.value(QLatin1String("user")).toString(), QStringLiteral("curtain-sim-user"));
        QCOMPARE(record.value(QLatin1String("userSource")).toString(), QStringLiteral("cluster"));
        QCOMPARE(record.value(QLatin1String("action")).toString(), QStringLiteral("SetWeight"));
        QCOMPARE(record.value(QLatin1String("weight")).toInt(), 10);
    }

    void history_mergesTheJournalWithOtherConsolesAndRefusals()
    {
        QCOMPARE(ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("20")}).exitCode, 0);
        // Another console, elsewhere, flips the release: only the cluster knows.
        httplib::Client api("127.0.0.1", m_sim->port());
        const nlohmann::json other = {
            {"metadata",
             {{"name", "catalog.other1"},
              {"namespace", "demo"},
              {"annotations",
               {{"curtain.dev/user", "ops@elsewhere"},
                {"curtain.dev/via", "console"},
                {"curtain.dev/outcome", "applied"}}}}},
            {"eventTime", QDateTime::currentDateTimeUtc().addSecs(1).toString(Qt::ISODateWithMs).toStdString()},
            {"reportingController", "curtain.dev/console"},
            {"reportingInstance", "other/1"},
            {"action", "Flip"},
            {"reason", "Flipped"},
            {"type", "Normal"},
            {"note", "catalog: all traffic to green"},
            {"regarding",
             {{"apiVersion", "gateway.networking.k8s.io/v1"},
              {"kind", "HTTPRoute"},
              {"name", "catalog"},
              {"namespace", "demo"}}}};
        const auto posted = api.Post("/apis/events.k8s.io/v1/namespaces/demo/events", other.dump(), "application/json");
        QVERIFY(posted && posted->status == 201);

        const QJsonObject history = historyOf(QStringLiteral("catalog"));
        QVERIFY(history.value(QLatin1String("journal")).toObject().value(QLatin1String("intact")).toBool());
        const QJsonArray entries = history.value(QLatin1String("entries")).toArray();
        QCOMPARE(entries.size(), 2); // our Event is the journal's entry, not a second one
        const QJsonObject newest = entries.at(0).toObject();
        QCOMPARE(newest.value(QLatin1String("actor")).toString(), QStringLiteral("ops@elsewhere"));
        QCOMPARE(newest.value(QLatin1String("origin")).toString(), QStringLiteral("cluster"));
        const QJsonObject ours = entries.at(1).toObject();
        QCOMPARE(ours.value(QLatin1String("action")).toString(), QStringLiteral("SetWeight"));
        QCOMPARE(ours.value(QLatin1String("outcome")).toString(), QStringLiteral("applied"));
        QCOMPARE(ours.value(QLatin1String("via")).toString(), QStringLiteral("curtainctl"));
        QCOMPARE(ours.value(QLatin1String("origin")).toString(), QStringLiteral("journal"));

        // A refused action is history too: who tried, and the reason it was refused.
        const Test::CtlRun refused =
            ctl({QStringLiteral("set-weight"), QStringLiteral("checkout"), QStringLiteral("20")});
        QCOMPARE(refused.exitCode, 1);
        const QJsonArray checkout = historyOf(QStringLiteral("checkout")).value(QLatin1String("entries")).toArray();
        QVERIFY(!checkout.isEmpty());
        QCOMPARE(checkout.at(0).toObject().value(QLatin1String("outcome")).toString(), QStringLiteral("refused"));
        QCOMPARE(checkout.at(0).toObject().value(QLatin1String("type")).toString(), QStringLiteral("Warning"));

        const Test::CtlRun table = ctl({QStringLiteral("history"), QStringLiteral("catalog")});
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.startsWith(QLatin1String("TIME")), qPrintable(table.out));
        QVERIFY2(table.out.contains(QLatin1String("ops@elsewhere")), qPrintable(table.out));
    }

    void editedJournal_isReported()
    {
        QCOMPARE(ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("20")}).exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("10")}).exitCode, 0);
        QFile file(journalPath());
        QVERIFY(file.open(QIODevice::ReadWrite));
        QByteArray text = file.readAll();
        QVERIFY(text.contains("\"weight\":20"));
        text.replace("\"weight\":20", "\"weight\":25");
        file.seek(0);
        file.write(text);
        file.close();

        QString err;
        const QJsonObject history = historyOf(QStringLiteral("catalog"), &err);
        const QJsonObject journal = history.value(QLatin1String("journal")).toObject();
        QVERIFY(!journal.value(QLatin1String("intact")).toBool());
        QVERIFY2(journal.value(QLatin1String("problem")).toString().contains(QLatin1String("line 2")),
                 qPrintable(journal.value(QLatin1String("problem")).toString()));
        QVERIFY2(err.contains(QLatin1String("tampered with or damaged")), qPrintable(err));
    }

    void eventsInBothViews_andTheFieldSelectorsKubectlUses()
    {
        QCOMPARE(ctl({QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("20")}).exitCode, 0);
        Test::ApiReader api(m_sim->port());
        const auto core = api.get("/api/v1/namespaces/demo/events?fieldSelector=involvedObject.kind%3DHTTPRoute,"
                                  "involvedObject.name%3Dcatalog");
        QVERIFY(core.has_value());
        QCOMPARE((*core)["items"].size(), std::size_t(1));
        QVERIFY((*core)["items"][0]["involvedObject"]["name"] == "catalog");
        QVERIFY((*core)["items"][0]["reportingComponent"] == "curtain.dev/console");
        QVERIFY((*core)["items"][0]["message"].get<std::string>().find("20 %") != std::string::npos);
        const auto none = api.get("/apis/events.k8s.io/v1/namespaces/demo/events?fieldSelector=regarding.name%3Dother");
        QVERIFY(none.has_value());
        QCOMPARE((*none)["items"].size(), std::size_t(0));
        const auto refused = api.get("/api/v1/namespaces/demo/events?fieldSelector=spec.nothing%3Dx");
        QVERIFY(!refused.has_value() || !refused->contains("items"));
    }
};

QTEST_GUILESS_MAIN(TestAuditHistory)
#include "tst_audithistory.moc"
