// The schema gate, as a release engineer meets it: checkout's blue needs schema version v1, green
// needs v2 of one real PostgreSQL database, and curtainctl drives traffic and migrations against a
// real curtain-sim. Four refusals — traffic to a version that does not exist, a contract while the
// old version serves, the trap (rolling back to a contracted version), an abort while the new one
// serves — each naming the next step, and each safe path then going through.

#include "ctlrunner.h"
#include "db/connection.h"
#include "db/localserver.h"
#include "testpostgres.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestSchemaGate : public QObject
{
    Q_OBJECT

    std::unique_ptr<Db::LocalServer> m_server;
    std::unique_ptr<Test::SimProcess> m_sim;
    QTemporaryDir m_dir;
    QString m_conninfo;
    int m_databases = 0;

    Test::CtlRun ctl(const QStringList &arguments)
    {
        return Test::runCurtainctl(QStringList{QStringLiteral("--server"), m_sim->url()} + arguments);
    }

    QString file(const QString &name, const QByteArray &text) { return Test::writeFile(m_dir.filePath(name), text); }

    void patch(const std::string &path, const std::string &body,
               const std::string &type = "application/merge-patch+json")
    {
        const Test::ApiReader api(m_sim->port());
        const int status = api.patch(path, type, body);
        QVERIFY2(status == 200, (path + " " + body + " -> " + std::to_string(status)).c_str());
    }

    long long readyReplicas(const char *deployment) const
    {
        const auto object =
            Test::ApiReader(m_sim->port()).get(std::string("/apis/apps/v1/namespaces/demo/deployments/") + deployment);
        return object ? object->value("status", nlohmann::json::object()).value("readyReplicas", 0LL) : -1;
    }

    // A fresh sim and database: checkout's blue on v1 (serving), green on v2; the database at v1.
    void freshRelease()
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error), qPrintable(error));
        const QString name = QStringLiteral("orders%1").arg(++m_databases);
        QVERIFY(m_server->createDatabase(name).ok());
        m_conninfo = m_server->conninfo(name);
        const Test::CtlRun v1 = Test::runCurtainctl(
            {QStringLiteral("migration"), QStringLiteral("start"),
             file(QStringLiteral("v1.yaml"), "operations:\n  - create_table:\n      name: orders\n      columns:\n"
                                             "        - {name: id, type: serial, pk: true}\n"
                                             "        - {name: total, type: integer}\n"),
             QStringLiteral("--database"), m_conninfo});
        QVERIFY2(v1.exitCode == 0, qPrintable(v1.err));
        QCOMPARE(Test::runCurtainctl({QStringLiteral("migration"), QStringLiteral("complete"),
                                      QStringLiteral("--database"), m_conninfo})
                     .exitCode,
                 0);
        patch("/api/v1/namespaces/demo/services/checkout",
              R"({"metadata":{"annotations":{"curtain.dev/database":")" + m_conninfo.toStdString() + R"("}}})");
        patch("/apis/apps/v1/namespaces/demo/deployments/checkout-blue",
              R"({"metadata":{"annotations":{"curtain.dev/schema-version":"v1"}}})");
        // Green says it through its pods' environment, as an application would be configured.
        patch(
            "/apis/apps/v1/namespaces/demo/deployments/checkout-green",
            R"({"spec":{"template":{"spec":{"containers":[{"name":"checkout","env":[{"name":"PGOPTIONS","value":"-c search_path=v2"}]}]}}}})",
            "application/strategic-merge-patch+json");
    }

    QString v2File()
    {
        return file(QStringLiteral("v2.yaml"), "operations:\n  - add_column:\n      table: orders\n"
                                               "      up: \"0\"\n      column: {name: discount, type: integer}\n");
    }

    void scale(const char *deployment, int replicas)
    {
        patch(std::string("/apis/apps/v1/namespaces/demo/deployments/") + deployment,
              R"({"spec":{"replicas":)" + std::to_string(replicas) + "}}");
        // The sim's pods come and go; the gate reads ready replicas from the Deployment's status.
        QTRY_COMPARE_WITH_TIMEOUT(readyReplicas(deployment), (long long)replicas, 30000);
    }

    // Expanded to v2, then all traffic to green: both versions live, the new one serving.
    void expandAndFlip()
    {
        QCOMPARE(ctl({QStringLiteral("migration"), QStringLiteral("start"), v2File(), QStringLiteral("--release"),
                      QStringLiteral("checkout")})
                     .exitCode,
                 0);
        QCOMPARE(ctl({QStringLiteral("flip"), QStringLiteral("checkout")}).exitCode, 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString postgres = Test::startPostgres(&m_server);
        QVERIFY2(postgres.isEmpty(), qPrintable(postgres));
        QVERIFY(m_dir.isValid());
    }

    void trafficToAVersionThatDoesNotExist_isRefusedUntilExpanded()
    {
        freshRelease();
        const Test::CtlRun refused = ctl({QStringLiteral("flip"), QStringLiteral("checkout")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("green (v1.5.0) needs schema version v2 of database %1, which "
                                                     "does not exist yet (live: v1). Expand first")
                                          .arg(QStringLiteral("orders%1").arg(m_databases))),
                 qPrintable(refused.err));
        QVERIFY(!refused.err.contains(QStringLiteral("host="))); // the connection string stays out of messages

        const Test::CtlRun expanded = ctl({QStringLiteral("migration"), QStringLiteral("start"), v2File(),
                                           QStringLiteral("--release"), QStringLiteral("checkout")});
        QVERIFY2(expanded.exitCode == 0, qPrintable(expanded.err));
        QVERIFY2(expanded.out.contains(QStringLiteral("expanded to v2")), qPrintable(expanded.out));
        const Test::CtlRun flipped = ctl({QStringLiteral("flip"), QStringLiteral("checkout")});
        QVERIFY2(flipped.exitCode == 0, qPrintable(flipped.err));
    }

    void contractWhileTheOldVersionServes_isRefused()
    {
        freshRelease();
        QCOMPARE(ctl({QStringLiteral("migration"), QStringLiteral("start"), v2File(), QStringLiteral("--release"),
                      QStringLiteral("checkout")})
                     .exitCode,
                 0);
        const Test::CtlRun refused = ctl({QStringLiteral("migration"), QStringLiteral("complete"),
                                          QStringLiteral("--release"), QStringLiteral("checkout")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("cannot contract v2: blue (v1.4.2) still uses schema version v1, "
                                                     "which the contract drops — it has 100 % of traffic and 3 ready "
                                                     "pods. Move all traffic to green and scale blue to 0 first")),
                 qPrintable(refused.err));
        QCOMPARE(ctl({QStringLiteral("flip"), QStringLiteral("checkout")}).exitCode, 0);
        // Just flipped: green has not carried everything for the soak (15 min unless chosen).
        const Test::CtlRun soaking = ctl({QStringLiteral("migration"), QStringLiteral("complete"),
                                          QStringLiteral("--release"), QStringLiteral("checkout")});
        QCOMPARE(soaking.exitCode, 1);
        QVERIFY2(soaking.err.contains(QStringLiteral("cannot contract v2 yet: green (v1.5.0) has carried all traffic "
                                                     "for")),
                 qPrintable(soaking.err));
        QVERIFY2(soaking.err.contains(QStringLiteral("of the 15 min soak")), qPrintable(soaking.err));
        scale("checkout-blue", 0);
        const Test::CtlRun contracted =
            ctl({QStringLiteral("migration"), QStringLiteral("complete"), QStringLiteral("--release"),
                 QStringLiteral("checkout"), QStringLiteral("--soak"), QStringLiteral("0")});
        QVERIFY2(contracted.exitCode == 0, qPrintable(contracted.err));
        QVERIFY2(contracted.out.contains(QStringLiteral("only v2 is live")), qPrintable(contracted.out));
    }

    // The trap itself: after the contract, an instant rollback to blue would break every blue request.
    void rollbackToAContractedVersion_isRefusedAndSaysWhy()
    {
        freshRelease();
        expandAndFlip();
        scale("checkout-blue", 0);
        QCOMPARE(ctl({QStringLiteral("migration"), QStringLiteral("complete"), QStringLiteral("--release"),
                      QStringLiteral("checkout"), QStringLiteral("--soak"), QStringLiteral("0")})
                     .exitCode,
                 0);
        scale("checkout-blue", 3); // blue is ready to take traffic again: only its schema is missing
        const Test::CtlRun trap = ctl({QStringLiteral("rollback"), QStringLiteral("checkout")});
        QCOMPARE(trap.exitCode, 1);
        QVERIFY2(trap.err.contains(QStringLiteral("rollback would send traffic to blue (v1.4.2), which needs schema "
                                                  "version v1 of database")),
                 qPrintable(trap.err));
        QVERIFY2(trap.err.contains(QStringLiteral("migration v2 contracted it")), qPrintable(trap.err));
        QVERIFY2(trap.err.contains(QStringLiteral("Safe path: keep green serving; to go back, deploy blue on schema "
                                                  "version v2")),
                 qPrintable(trap.err));
        const Test::CtlRun status = ctl({QStringLiteral("status"), QStringLiteral("checkout")});
        QVERIFY2(status.out.contains(QStringLiteral("green")), qPrintable(status.out)); // still green, unchanged
    }

    void abortWhileTheNewVersionServes_isRefused_andTrafficRollbackAlwaysWorks()
    {
        freshRelease();
        expandAndFlip();
        const Test::CtlRun refused = ctl({QStringLiteral("migration"), QStringLiteral("rollback"),
                                          QStringLiteral("--release"), QStringLiteral("checkout")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("cannot abort v2: green (v1.5.0) uses schema version v2, which "
                                                     "the abort drops — it has 100 % of traffic and 3 ready pods")),
                 qPrintable(refused.err));
        // Before a contract, rolling traffic back always works, in one step.
        const Test::CtlRun back = ctl({QStringLiteral("rollback"), QStringLiteral("checkout")});
        QVERIFY2(back.exitCode == 0, qPrintable(back.err));
        scale("checkout-green", 0);
        const Test::CtlRun aborted = ctl({QStringLiteral("migration"), QStringLiteral("rollback"),
                                          QStringLiteral("--release"), QStringLiteral("checkout")});
        QVERIFY2(aborted.exitCode == 0, qPrintable(aborted.err));
        QVERIFY2(aborted.out.contains(QStringLiteral("the database is as it was before it started")),
                 qPrintable(aborted.out));
        // Every step is in the release's history.
        const Test::CtlRun history = ctl({QStringLiteral("history"), QStringLiteral("checkout")});
        QVERIFY2(history.out.contains(QStringLiteral("SchemaExpanded")) &&
                     history.out.contains(QStringLiteral("SchemaAborted")) &&
                     history.out.contains(QStringLiteral("SchemaRefused")),
                 qPrintable(history.out));
    }
};

QTEST_GUILESS_MAIN(TestSchemaGate)
#include "tst_schemagate.moc"
