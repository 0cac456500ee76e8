// Connecting like kubectl does, against curtain-sim over HTTPS with certificates the test makes with
// the openssl CLI: bearer tokens, client certificates, tls-server-name, and an exec plugin whose
// token expires and is refreshed after the server's 401. Secrets never show up in errors.

#include "engine/clusterselection.h"
#include "engine/releaseengine.h"
#include "engine/session.h"

#include "futurewait.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestAuth : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_openssl;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // curtain-sim over HTTPS with the test CA's `certificate` (server or named), plus `extra` flags.
    bool startHttpsSim(Test::SimProcess &sim, const QString &certificate, const QStringList &extra, QString *error)
    {
        return sim.start(error, QStringList{QStringLiteral("--tls-cert"), path(certificate + QStringLiteral(".crt")),
                                            QStringLiteral("--tls-key"), path(certificate + QStringLiteral(".key"))} +
                                    extra);
    }

    void write(const QString &name, const QByteArray &content, bool executable = false)
    {
        QFile file(path(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
        file.close();
        if (executable) {
            file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
        }
    }

    bool openssl(const QStringList &arguments)
    {
        QProcess process;
        process.setWorkingDirectory(m_dir.path());
        process.start(m_openssl, arguments);
        process.waitForFinished(30000);
        if (process.exitCode() != 0) {
            qWarning("openssl %s: %s", qPrintable(arguments.join(QLatin1Char(' '))),
                     process.readAllStandardError().constData());
        }
        return process.exitCode() == 0;
    }

    // Signs `name`.crt with the test CA, for the given subjectAltName (or a client cert when empty).
    bool makeCertificate(const QString &name, const QString &subject, const QString &altNames)
    {
        write(name + QStringLiteral(".ext"), altNames.isEmpty()
                                                 ? QByteArray("extendedKeyUsage=clientAuth\n")
                                                 : QString(QStringLiteral("subjectAltName=") + altNames +
                                                           QStringLiteral("\nextendedKeyUsage=serverAuth\n"))
                                                       .toUtf8());
        return openssl({QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                        name + QStringLiteral(".key"), QStringLiteral("-out"), name + QStringLiteral(".csr"),
                        QStringLiteral("-subj"), subject}) &&
               openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                        name + QStringLiteral(".csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
                        QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
                        QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-out"),
                        name + QStringLiteral(".crt"), QStringLiteral("-extfile"), name + QStringLiteral(".ext")});
    }

    // A kubeconfig with one context "test" on `server`, with the given cluster and user fields.
    QString kubeconfig(const QString &name, const QString &server, const QString &clusterFields,
                       const QString &userFields)
    {
        write(name, QStringLiteral("apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                                   "clusters:\n- name: sim\n  cluster:\n    server: %1\n%2"
                                   "users:\n- name: me\n  user:\n%3"
                                   "contexts:\n- name: test\n  context: {cluster: sim, user: me}\n")
                        .arg(server, clusterFields, userFields.isEmpty() ? QStringLiteral("    {}\n") : userFields)
                        .toUtf8());
        return path(name);
    }

    // Opens the kubeconfig as the console does; `session` keeps the engine alive for the caller.
    Core::Result<Core::ReleaseSnapshots> syncWith(const QString &kubeconfigFile, Engine::SessionPtr &session,
                                                  Engine::ReleaseEngine **engineOut = nullptr)
    {
        auto opened = Engine::Session::openHere({false, {}, kubeconfigFile, {}, {}, {}, {}});
        if (!opened.ok()) {
            return opened.error();
        }
        session = std::move(opened).value();
        Engine::ReleaseEngine *engine = session->engine();
        engine->start();
        if (engineOut) {
            *engineOut = engine;
        }
        return Test::waitFor(engine->whenSynced(), 30000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_openssl = Test::findProgram(QStringLiteral("openssl"));
        if (m_openssl.isEmpty()) {
            QFAIL("openssl is not installed: install the Debian package openssl (./scripts/setup does)");
        }
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                         QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                         QStringLiteral("ca.key"), QStringLiteral("-out"), QStringLiteral("ca.crt"),
                         QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=curtain-test-ca")}));
        QVERIFY(makeCertificate(QStringLiteral("server"), QStringLiteral("/CN=curtain-sim"),
                                QStringLiteral("IP:127.0.0.1,DNS:localhost")));
        QVERIFY(makeCertificate(QStringLiteral("named"), QStringLiteral("/CN=curtain-sim.test"),
                                QStringLiteral("DNS:curtain-sim.test")));
        QVERIFY(makeCertificate(QStringLiteral("client"), QStringLiteral("/CN=jane/O=release-engineers"), QString()));
    }

    void bearerToken_overHttpsWithTheClustersCa()
    {
        Test::SimProcess sim;
        QString error;
        QVERIFY2(startHttpsSim(sim, QStringLiteral("server"),
                               {QStringLiteral("--token"), QStringLiteral("s3cret-token")}, &error),
                 qPrintable(error));
        QVERIFY(sim.url().startsWith(QLatin1String("https://")));
        // The CA is named relative to the kubeconfig, as kubectl resolves it.
        const QString good =
            kubeconfig(QStringLiteral("token.yaml"), sim.url(), QStringLiteral("    certificate-authority: ca.crt\n"),
                       QStringLiteral("    token: s3cret-token\n"));
        Engine::SessionPtr session;
        const auto synced = syncWith(good, session);
        QVERIFY2(synced.ok(), qPrintable(synced.ok() ? QString() : synced.error().message));
        QCOMPARE(synced.value().size(), 11); // the demo: 8 routed releases, 2 Argo Rollouts and a Flagger canary

        const QString wrong =
            kubeconfig(QStringLiteral("wrong.yaml"), sim.url(), QStringLiteral("    certificate-authority: ca.crt\n"),
                       QStringLiteral("    token: not-the-token\n"));
        Engine::SessionPtr session2;
        const auto refused = syncWith(wrong, session2);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("Unauthorized")), qPrintable(refused.error().message));
        QVERIFY(!refused.error().message.contains(QStringLiteral("not-the-token")));
    }

    void clientCertificate_isTheCredential()
    {
        Test::SimProcess sim;
        QString error;
        QVERIFY2(startHttpsSim(sim, QStringLiteral("server"),
                               {QStringLiteral("--client-ca"), path(QStringLiteral("ca.crt"))}, &error),
                 qPrintable(error));
        const QByteArray ca = Test::readFile(path(QStringLiteral("ca.crt"))).toBase64();
        const QString withCert =
            kubeconfig(QStringLiteral("cert.yaml"), sim.url(),
                       QStringLiteral("    certificate-authority-data: %1\n").arg(QString::fromLatin1(ca)),
                       QStringLiteral("    client-certificate: client.crt\n    client-key: client.key\n"));
        Engine::SessionPtr session;
        const auto synced = syncWith(withCert, session);
        QVERIFY2(synced.ok(), qPrintable(synced.ok() ? QString() : synced.error().message));

        const QString withoutCert =
            kubeconfig(QStringLiteral("nocert.yaml"), sim.url(),
                       QStringLiteral("    certificate-authority-data: %1\n").arg(QString::fromLatin1(ca)), {});
        Engine::SessionPtr session2;
        const auto refused = syncWith(withoutCert, session2);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().kind == Core::ErrorKind::Unreachable, qPrintable(refused.error().message));
        QCOMPARE(refused.error().kind, Core::ErrorKind::Unreachable);
    }

    void tlsServerName_verifiesTheNamedCertificate()
    {
        Test::SimProcess sim;
        QString error;
        QVERIFY2(startHttpsSim(sim, QStringLiteral("named"), {}, &error), qPrintable(error));
        const QString named = kubeconfig(
            QStringLiteral("named.yaml"), sim.url(),
            QStringLiteral("    certificate-authority: ca.crt\n    tls-server-name: curtain-sim.test\n"), {});
        Engine::SessionPtr session;
        const auto synced = syncWith(named, session);
        QVERIFY2(synced.ok(), qPrintable(synced.ok() ? QString() : synced.error().message));

        // Without it, the certificate does not match 127.0.0.1: refused, and the error says TLS.
        const QString unnamed = kubeconfig(QStringLiteral("unnamed.yaml"), sim.url(),
                                           QStringLiteral("    certificate-authority: ca.crt\n"), {});
        Engine::SessionPtr session2;
        const auto refused = syncWith(unnamed, session2);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("TLS")) ||
                     refused.error().message.contains(QStringLiteral("certificate")),
                 qPrintable(refused.error().message));
    }

    void execPlugin_tokenIsRefreshedAfterThe401()
    {
        // The plugin prints whatever token the "issuer" file holds and counts its runs.
        write(QStringLiteral("issued"), "tok-1");
        write(
            QStringLiteral("credential-helper"),
            QStringLiteral(
                "#!/bin/sh\n"
                "echo run >> \"%1\"\n"
                "case \"$KUBERNETES_EXEC_INFO\" in *ExecCredential*) ;; *) echo 'no exec info' >&2; exit 3;; esac\n"
                "printf '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\","
                "\"status\":{\"token\":\"%s\",\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}}' \"$(cat \"%2\")\"\n")
                .arg(path(QStringLiteral("runs")), path(QStringLiteral("issued")))
                .toUtf8(),
            true);
        write(QStringLiteral("accepted"), "tok-1\n");
        Test::SimProcess sim;
        QString error;
        QVERIFY2(startHttpsSim(sim, QStringLiteral("server"),
                               {QStringLiteral("--token-file"), path(QStringLiteral("accepted"))}, &error),
                 qPrintable(error));
        const QString config =
            kubeconfig(QStringLiteral("exec.yaml"), sim.url(), QStringLiteral("    certificate-authority: ca.crt\n"),
                       QStringLiteral("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                      "      command: ./credential-helper\n      interactiveMode: Never\n"
                                      "      provideClusterInfo: true\n"));
        Engine::SessionPtr session;
        Engine::ReleaseEngine *engine = nullptr;
        const auto synced = syncWith(config, session, &engine);
        QVERIFY2(synced.ok(), qPrintable(synced.ok() ? QString() : synced.error().message));
        QCOMPARE(Test::readFile(path(QStringLiteral("runs"))).count("run"), 1);

        // The cluster rotates: tok-1 is no longer accepted, the issuer hands out tok-2.
        write(QStringLiteral("issued"), "tok-2");
        write(QStringLiteral("accepted"), "tok-2\n");
        const auto outcome =
            Test::waitFor(engine->perform({Core::ActionKind::SetWeight, QStringLiteral("catalog"), 5, {}}));
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().message));
        QCOMPARE(Test::readFile(path(QStringLiteral("runs"))).count("run"), 2); // one refresh, one retry
    }

    void brokenPlugins_sayWhatWentWrong_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("exits non-zero") << QByteArray(
                                               "#!/bin/sh\necho 'SSO session expired, run: sso login' >&2\nexit 7\n")
                                        << QStringLiteral("exited with code 7: SSO session expired, run: sso login");
        QTest::newRow("not an ExecCredential")
            << QByteArray("#!/bin/sh\necho 'hello'\n") << QStringLiteral("did not print an ExecCredential");
        QTest::newRow("wrong version")
            << QByteArray("#!/bin/sh\necho "
                          "'{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/"
                          "v1beta1\",\"status\":{\"token\":\"t\"}}'\n")
            << QStringLiteral(
                   "is configured to use API version client.authentication.k8s.io/v1, plugin returned version "
                   "client.authentication.k8s.io/v1beta1");
        QTest::newRow("no token")
            << QByteArray(
                   "#!/bin/sh\necho "
                   "'{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{}}'\n")
            << QStringLiteral("didn't return a token or cert/key pair");
    }

    void brokenPlugins_sayWhatWentWrong()
    {
        QFETCH(QByteArray, script);
        QFETCH(QString, mentions);
        const QString name =
            QStringLiteral("broken-%1")
                .arg(QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-')));
        write(name, script, true);
        const QString config =
            kubeconfig(name + QStringLiteral(".yaml"), QStringLiteral("https://127.0.0.1:1"), {},
                       QStringLiteral("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                      "      command: ./%1\n      interactiveMode: Never\n")
                           .arg(name));
        Engine::SessionPtr session;
        const auto synced = syncWith(config, session);
        QVERIFY(!synced.ok());
        QCOMPARE(synced.error().kind, Core::ErrorKind::Unauthorized);
        QVERIFY2(synced.error().message.contains(mentions), qPrintable(synced.error().message));
        QVERIFY(synced.error().message.contains(QStringLiteral("context \"test\"")));
    }

    void hangingPlugin_failsWithinItsTimeout()
    {
        write(QStringLiteral("hanging-helper"), "#!/bin/sh\nexec sleep 600\n", true);
        const QString config =
            kubeconfig(QStringLiteral("hang.yaml"), QStringLiteral("https://127.0.0.1:1"), {},
                       QStringLiteral("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                      "      command: ./hanging-helper\n      interactiveMode: Never\n"));
        qputenv("CURTAIN_EXEC_PLUGIN_TIMEOUT", "1");
        Engine::SessionPtr session;
        const auto synced = syncWith(config, session);
        qunsetenv("CURTAIN_EXEC_PLUGIN_TIMEOUT");
        QVERIFY(!synced.ok());
        QVERIFY2(
            synced.error().message.contains(QStringLiteral("exec plugin \"./hanging-helper\" timed out after 1 s")),
            qPrintable(synced.error().message));
    }

    void tokenFile_isReadAgainWhenTheClusterRotatesIt()
    {
        write(QStringLiteral("accepted-rotation"), "first-token\n");
        write(QStringLiteral("my-token"), "first-token\n");
        Test::SimProcess sim;
        QString error;
        QVERIFY2(startHttpsSim(sim, QStringLiteral("server"),
                               {QStringLiteral("--token-file"), path(QStringLiteral("accepted-rotation"))}, &error),
                 qPrintable(error));
        const QString config = kubeconfig(QStringLiteral("tokenfile.yaml"), sim.url(),
                                          QStringLiteral("    certificate-authority: ca.crt\n"),
                                          QStringLiteral("    tokenFile: my-token\n"));
        Engine::SessionPtr session;
        Engine::ReleaseEngine *engine = nullptr;
        QVERIFY(syncWith(config, session, &engine).ok());
        write(QStringLiteral("accepted-rotation"), "second-token\n");
        write(QStringLiteral("my-token"), "second-token\n");
        const auto outcome =
            Test::waitFor(engine->perform({Core::ActionKind::SetWeight, QStringLiteral("catalog"), 5, {}}));
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().message));
    }

    void missingPlugin_saysWhichPathWasSearched()
    {
        const QString config =
            kubeconfig(QStringLiteral("missing.yaml"), QStringLiteral("https://127.0.0.1:1"), {},
                       QStringLiteral("    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                                      "      command: no-such-credential-helper\n"
                                      "      installHint: ask the platform team for no-such-credential-helper\n"));
        Engine::SessionPtr session;
        const auto synced = syncWith(config, session);
        QVERIFY(!synced.ok());
        QVERIFY2(synced.error().message.contains(
                     QStringLiteral("\"no-such-credential-helper\" was not found (searched PATH: ")),
                 qPrintable(synced.error().message));
        QVERIFY(synced.error().message.contains(QStringLiteral("ask the platform team")));
    }

    void curtainctl_usesKubeconfigAndContexts()
    {
        Test::SimProcess sim;
        QString error;
        QVERIFY2(startHttpsSim(sim, QStringLiteral("server"), {QStringLiteral("--token"), QStringLiteral("ctl-token")},
                               &error),
                 qPrintable(error));
        const QString config =
            kubeconfig(QStringLiteral("ctl.yaml"), sim.url(), QStringLiteral("    certificate-authority: ca.crt\n"),
                       QStringLiteral("    token: ctl-token\n"));
        QProcess ctl;
        ctl.start(Test::binary(QStringLiteral("curtainctl")),
                  {QStringLiteral("--kubeconfig"), config, QStringLiteral("contexts")});
        QVERIFY(ctl.waitForFinished(30000));
        QCOMPARE(QString::fromUtf8(ctl.readAllStandardOutput()), QStringLiteral("* test\n  demo\n"));
        ctl.start(Test::binary(QStringLiteral("curtainctl")),
                  {QStringLiteral("--kubeconfig"), config, QStringLiteral("-o"), QStringLiteral("json"),
                   QStringLiteral("contexts")});
        QVERIFY(ctl.waitForFinished(30000));
        const auto contexts = nlohmann::json::parse(ctl.readAllStandardOutput().toStdString(), nullptr, false);
        QCOMPARE(QString::fromStdString(contexts.dump()),
                 QStringLiteral(R"({"contexts":["test","demo"],"current":"test"})"));
        ctl.start(Test::binary(QStringLiteral("curtainctl")),
                  {QStringLiteral("--kubeconfig"), config, QStringLiteral("--context"), QStringLiteral("test"),
                   QStringLiteral("releases")});
        QVERIFY(ctl.waitForFinished(30000));
        QCOMPARE(ctl.exitCode(), 0);
        QVERIFY(ctl.readAllStandardOutput().contains("catalog"));
        ctl.start(Test::binary(QStringLiteral("curtainctl")),
                  {QStringLiteral("--kubeconfig"), config, QStringLiteral("--context"), QStringLiteral("prod"),
                   QStringLiteral("releases")});
        QVERIFY(ctl.waitForFinished(30000));
        QCOMPARE(ctl.exitCode(), 2);
        QVERIFY(ctl.readAllStandardError().contains("context \"prod\" does not exist; contexts: test"));
    }

    // A refused credential says whose it is, so the user knows which kubeconfig entry to fix.
    void unauthorized_namesTheContextUserAndFile()
    {
        Test::SimProcess sim;
        QString error;
        QVERIFY2(sim.start(&error, {QStringLiteral("--token"), QStringLiteral("the-right-one")}), qPrintable(error));
        const QString config =
            kubeconfig(QStringLiteral("refused.yaml"), sim.url(), {}, QStringLiteral("    token: an-old-one\n"));
        QProcess ctl;
        ctl.start(Test::binary(QStringLiteral("curtainctl")),
                  {QStringLiteral("--kubeconfig"), config, QStringLiteral("releases")});
        QVERIFY(ctl.waitForFinished(30000));
        QCOMPARE(ctl.exitCode(), 3); // authentication failed
        const QString said = QString::fromUtf8(ctl.readAllStandardError());
        QVERIFY2(said.contains(QStringLiteral("Unauthorized (HTTP 401)")), qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("the cluster did not accept the credentials of context \"test\", user "
                                              "\"me\" in %1")
                                   .arg(config)),
                 qPrintable(said));
        QVERIFY(!said.contains(QStringLiteral("an-old-one")));
    }

    // A token the cluster stops accepting while the console watches: the watches' and the
    // relist's 401s name whose credential it was, and the console stops calling itself live.
    void refusedWhileWatching_namesTheCredentials()
    {
        write(QStringLiteral("accepted-now"), "tok-1\n");
        Test::SimProcess sim;
        QString error;
        QVERIFY2(sim.start(&error, {QStringLiteral("--token-file"), path(QStringLiteral("accepted-now"))}),
                 qPrintable(error));
        const QString config =
            kubeconfig(QStringLiteral("watching.yaml"), sim.url(), {}, QStringLiteral("    token: tok-1\n"));
        Engine::SessionPtr session;
        Engine::ReleaseEngine *engine = nullptr;
        const auto synced = syncWith(config, session, &engine);
        QVERIFY2(synced.ok(), qPrintable(synced.ok() ? QString() : synced.error().message));
        struct Seen
        {
            Engine::ConnectionState state = Engine::ConnectionState::Live;
            QString detail;
        };
        auto seen = std::make_shared<Seen>(); // a queued call may still arrive after this function
        connect(engine, &Engine::ReleaseEngine::connectionChanged, this,
                [seen](Engine::ConnectionState state, const QString &said) {
                    *seen = {state, said};
                });

        write(QStringLiteral("accepted-now"), "tok-2\n"); // rotated; this kubeconfig still has tok-1
        QCOMPARE(Test::ApiReader(sim.port()).setFaults(R"({"dropWatches":true})", "tok-2"), 200);
        QTRY_VERIFY_WITH_TIMEOUT(seen->detail.contains(QStringLiteral("the cluster did not accept the credentials of "
                                                                      "context \"test\", user \"me\" in %1")
                                                           .arg(config)),
                                 20000);
        QVERIFY2(seen->detail.contains(QStringLiteral("HTTP 401")), qPrintable(seen->detail));
        QVERIFY(!seen->detail.contains(QStringLiteral("tok-1")));
        QVERIFY(seen->state != Engine::ConnectionState::Live);
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
