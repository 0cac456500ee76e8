// curtainctl on hostile input, as a user at a terminal meets it: files that never end or expand to
// gigabytes and kubeconfigs of the wrong shape end with an error naming the file and the limit;
// nothing crashes, hangs, or sends a request it should not.

#include "ctlrunner.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

#include <thread>

using namespace Curtain;

namespace {

using Run = Test::CtlRun;

// Nine levels of ten aliases each: 10^9 nodes once expanded, from under a kilobyte of text.
QByteArray billionLaughs()
{
    QByteArray text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int level = 1; level <= 9; ++level) {
        QByteArray line = "a" + QByteArray::number(level) + ": &a" + QByteArray::number(level) + " [";
        for (int i = 0; i < 10; ++i) {
            line += (i ? ", *a" : "*a") + QByteArray::number(level - 1);
        }
        text += line + "]\n";
    }
    return text;
}

} // namespace

class TestCtlInput : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir; // fresh for every test function
    std::unique_ptr<Test::SimProcess> m_sim;

    // A curtain-sim that logs every request it answers, for tests that a request never left.
    void startSim(const QStringList &extraArguments = {})
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error, QStringList{QStringLiteral("--log")} + extraArguments), qPrintable(error));
    }

    // The requests the sim has answered, once a marker request of our own shows in its log (a
    // request is logged when it ends, so the earlier ones are there by then).
    QStringList requestsSeenBySim()
    {
        const QString marker = QStringLiteral("GET /curtain-test-marker ");
        Test::ApiReader(m_sim->port()).get("/curtain-test-marker");
        if (!QTest::qWaitFor([&] { return m_sim->errorOutput().contains(marker); }, 10'000)) {
            return {QStringLiteral("(the sim never logged the marker request)")};
        }
        QStringList requests = m_sim->errorOutput().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        requests.removeIf([&](const QString &line) { return line.startsWith(marker); });
        return requests;
    }

    // A kubeconfig with one context on `server` whose user has `userFields` (flow-style YAML).
    QString kubeconfig(const QString &server, const QString &userFields = QStringLiteral("{token: secret-token}"))
    {
        return write(
            QStringLiteral("config"),
            QStringLiteral("current-context: c\nclusters: [{name: k, cluster: {server: '%1'}}]\n"
                           "users: [{name: me, user: %2}]\ncontexts: [{name: c, context: {cluster: k, user: me}}]\n")
                .arg(server, userFields)
                .toUtf8());
    }

    QString write(const QString &name, const QByteArray &content, bool executable = false)
    {
        const QString path = m_dir->filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            qFatal("cannot write %s", qPrintable(path));
        }
        file.write(content);
        if (executable) {
            file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
        }
        return path;
    }

    // curtainctl, which must finish well within `boundMs` however hostile its input.
    static Run boundedCtl(const QStringList &arguments, int boundMs = 20'000)
    {
        QElapsedTimer clock;
        clock.start();
        Run run = Test::runCurtainctl(arguments, boundMs);
        if (clock.elapsed() >= boundMs) {
            run.err += QStringLiteral("(took %1 ms)").arg(clock.elapsed());
        }
        return run;
    }

private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }
    void cleanup()
    {
        m_sim.reset();
        m_dir.reset();
    }

    // The console at a terminal without a display (ssh, a container): --help and --version answer,
    // anything that opens a window says how to run it instead. Both once said "no display found".
    void console_withoutADisplay_answersHelpAndVersion()
    {
        const auto console = [](const QStringList &arguments) {
            QProcess process;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
                env.remove(QString::fromLatin1(name));
            }
            process.setProcessEnvironment(env);
            process.start(Test::binary(QStringLiteral("curtain")), arguments);
            process.waitForFinished(60'000);
            return std::pair{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                             QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError())};
        };
        const auto [versionCode, version] = console({QStringLiteral("--version")});
        QCOMPARE(versionCode, 0);
        QVERIFY2(version.startsWith(QStringLiteral("Curtain ")), qPrintable(version));
        const auto [helpCode, help] = console({QStringLiteral("--help")});
        QCOMPARE(helpCode, 0);
        QVERIFY2(help.contains(QStringLiteral("--demo")), qPrintable(help));
        const auto [demoCode, demo] = console({QStringLiteral("--demo")});
        QCOMPARE(demoCode, 1);
        QVERIFY2(demo.contains(QStringLiteral("no display found")) && demo.contains(QStringLiteral("xvfb-run")),
                 qPrintable(demo));
    }

    void inspect_endsOnHostileFilesWithAnError_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("parser that stops advancing") << QByteArray(",:") << QStringLiteral("not valid YAML");
        QTest::newRow("billion laughs") << billionLaughs() << QStringLiteral("expands to more than 1000000 nodes");
        QTest::newRow("deep nesting") << QByteArray(5000, '[') + QByteArray(5000, ']')
                                      << QStringLiteral("deeper than 100 levels");
        QTest::newRow("kind of another type")
            << QByteArray("kind: 5\n---\nkind: {a: 1}\n") << QStringLiteral("no Rollout in");
    }

    void inspect_endsOnHostileFilesWithAnError()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        const QString file = write(QStringLiteral("hostile.yaml"), content);
        const Run run = boundedCtl({QStringLiteral("inspect"), file});
        QVERIFY2(run.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(run.err.contains(mentions), qPrintable(run.err));
        QVERIFY2(run.err.contains(file), qPrintable(run.err));
    }

    void kubeconfigOfTheWrongShape_isAnErrorNamingTheEntry_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("cluster a string")
            << QByteArray("clusters: [foo]\n")
            << QStringLiteral("clusters[0] is a string, expected a map with name and cluster");
        QTest::newRow("cluster body a string") << QByteArray("clusters:\n- name: a\n  cluster: foo\n")
                                               << QStringLiteral("clusters[0].cluster is a string, expected a map");
        QTest::newRow("user body a string") << QByteArray("users:\n- name: u\n  user: x\n")
                                            << QStringLiteral("users[0].user is a string, expected a map");
        QTest::newRow("exec env a string")
            << QByteArray("users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, "
                          "command: x, env: [x]}\n")
            << QStringLiteral("users[0].user.exec.env[0] is a string, expected a map with name and value");
        QTest::newRow("alias bomb") << QByteArray("clusters: []\nx:\n") +
                                           billionLaughs().replace("\n", "\n  ").prepend("  ")
                                    << QStringLiteral("expands to more than 1000000 nodes");
    }

    void kubeconfigOfTheWrongShape_isAnErrorNamingTheEntry()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        const QString config = write(QStringLiteral("config"), content);
        for (const QString &command : {QStringLiteral("contexts"), QStringLiteral("releases")}) {
            const Run run = boundedCtl({QStringLiteral("--kubeconfig"), config, command});
            QVERIFY2(run.exitCode == 2,
                     qPrintable(QStringLiteral("%1: exit %2: %3").arg(command).arg(run.exitCode).arg(run.err)));
            QVERIFY2(run.err.startsWith(QStringLiteral("curtainctl: %1: ").arg(config)), qPrintable(run.err));
            QVERIFY2(run.err.contains(mentions), qPrintable(run.err));
        }
    }

    void serverThatIsNotAUrl_isRefusedBeforeAnyRequest_data()
    {
        QTest::addColumn<bool>("flag");      // --server rather than the kubeconfig
        QTest::addColumn<QString>("server"); // %1: the sim's URL
        QTest::addColumn<QString>("mentions");
        // An unquoted YAML number once sent the bearer token in plain text to 0.0.31.144:80.
        QTest::newRow("kubeconfig: a number")
            << false << QStringLiteral("8080") << QStringLiteral("cluster \"k\": server \"8080\" has no scheme");
        // A space once made the request silently go to port 80.
        QTest::newRow("kubeconfig: space and path")
            << false << QStringLiteral("%1 /x") << QStringLiteral("contains a space or a control character");
        QTest::newRow("kubeconfig: file")
            << false << QStringLiteral("file:///etc/hostname") << QStringLiteral("has the scheme \"file\"");
        QTest::newRow("--server: space and path")
            << true << QStringLiteral("%1 /x") << QStringLiteral("contains a space or a control character");
        QTest::newRow("--server: no scheme")
            << true << QStringLiteral("127.0.0.1:%2") << QStringLiteral("has no scheme");
    }

    void serverThatIsNotAUrl_isRefusedBeforeAnyRequest()
    {
        QFETCH(bool, flag);
        QFETCH(QString, server);
        QFETCH(QString, mentions);
        startSim();
        server = server.replace(QStringLiteral("%1"), m_sim->url())
                     .replace(QStringLiteral("%2"), QString::number(m_sim->port()));
        const QStringList cluster = flag ? QStringList{QStringLiteral("--server"), server}
                                         : QStringList{QStringLiteral("--kubeconfig"), kubeconfig(server)};
        const Run run = boundedCtl(cluster + QStringList{QStringLiteral("releases")});
        QVERIFY2(run.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(run.err.contains(mentions), qPrintable(run.err));
        QVERIFY(!run.err.contains(QStringLiteral("secret-token")));
        QCOMPARE(requestsSeenBySim(), QStringList());
    }

    void tokenThatWouldAddAHeader_isRefusedAndNothingIsSent_data()
    {
        QTest::addColumn<QString>("user");      // the kubeconfig user, flow-style YAML
        QTest::addColumn<QByteArray>("helper"); // written as ./helper, executable: a token file or a plugin
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        // The sim accepts the token "abc": a request that went out would have succeeded, as
        // system:admin had the server honoured the injected header.
        QTest::newRow("kubeconfig token")
            << QStringLiteral("{token: \"abc\\r\\nImpersonate-User: system:admin\"}") << QByteArray() << 2
            << QStringLiteral("user \"me\": token contains a control character");
        QTest::newRow("tokenFile") << QStringLiteral("{tokenFile: helper}")
                                   << QByteArray("abc\r\nImpersonate-User: system:admin\n") << 3
                                   << QStringLiteral("user \"me\": tokenFile");
        QTest::newRow("exec plugin")
            << QStringLiteral("{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./helper}}")
            << QByteArray("#!/bin/sh\nprintf '%s' '{\"kind\":\"ExecCredential\",\"apiVersion\":"
                          "\"client.authentication.k8s.io/v1beta1\",\"status\":{\"token\":"
                          "\"abc\\r\\nImpersonate-User: system:admin\"}}'\n")
            << 3 << QStringLiteral("user \"me\": exec plugin \"./helper\" returned a token that contains a control");
    }

    void tokenThatWouldAddAHeader_isRefusedAndNothingIsSent()
    {
        QFETCH(QString, user);
        QFETCH(QByteArray, helper);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        startSim({QStringLiteral("--token"), QStringLiteral("abc")});
        if (!helper.isEmpty()) {
            write(QStringLiteral("helper"), helper, true);
        }
        const Run run =
            boundedCtl({QStringLiteral("--kubeconfig"), kubeconfig(m_sim->url(), user), QStringLiteral("releases")});
        QVERIFY2(run.exitCode == exitCode,
                 qPrintable(QStringLiteral("exit %1: %2%3").arg(run.exitCode).arg(run.err, run.out)));
        QVERIFY2(run.err.contains(mentions), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("contains a control character")), qPrintable(run.err));
        QVERIFY2(!run.err.contains(QStringLiteral("system:admin")), qPrintable(run.err));
        QCOMPARE(requestsSeenBySim(), QStringList());
    }

    void namesThatWouldChangeTheUrl_areRefusedBeforeAnyRequest_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        const QString releases = QStringLiteral("releases");
        QTest::newRow("namespace climbing up")
            << QStringList{QStringLiteral("-n"), QStringLiteral("demo/../../api"), releases}
            << QStringLiteral("\"demo/../../api\" is not a valid namespace");
        QTest::newRow("namespace with a query")
            << QStringList{QStringLiteral("-n"), QStringLiteral("demo?watch=1"), releases}
            << QStringLiteral("is not a valid namespace");
        QTest::newRow("namespace with a space")
            << QStringList{QStringLiteral("-n"), QStringLiteral("Demo Shop"), releases}
            << QStringLiteral("is not a valid namespace: a namespace is at most 63");
        QTest::newRow("release with slashes") << QStringList{QStringLiteral("status"), QStringLiteral("demo/x/catalog")}
                                              << QStringLiteral("\"demo/x/catalog\" is not a valid release");
        QTest::newRow("release with a fragment")
            << QStringList{QStringLiteral("set-weight"), QStringLiteral("catalog#x"), QStringLiteral("5")}
            << QStringLiteral("is not a valid release name");
        QTest::newRow("release's namespace") << QStringList{QStringLiteral("promote"), QStringLiteral("Demo/catalog")}
                                             << QStringLiteral("\"Demo\" is not a valid namespace");
    }

    void namesThatWouldChangeTheUrl_areRefusedBeforeAnyRequest()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        startSim();
        const Run run = boundedCtl(QStringList{QStringLiteral("--server"), m_sim->url()} + arguments);
        QVERIFY2(run.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(run.err.contains(mentions), qPrintable(run.err));
        QCOMPARE(requestsSeenBySim(), QStringList());
    }

    void kubeconfigNamespaceThatWouldChangeTheUrl_isRefused()
    {
        startSim();
        const QString config =
            write(QStringLiteral("config"),
                  QStringLiteral("current-context: c\nclusters: [{name: k, cluster: {server: '%1'}}]\n"
                                 "contexts: [{name: c, context: {cluster: k, namespace: 'demo/../..'}}]\n")
                      .arg(m_sim->url())
                      .toUtf8());
        const Run run = boundedCtl({QStringLiteral("--kubeconfig"), config, QStringLiteral("releases")});
        QVERIFY2(run.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(
            run.err.contains(
                QStringLiteral("%1: context \"c\": namespace \"demo/../..\" is not a valid namespace").arg(config)),
            qPrintable(run.err));
        QCOMPARE(requestsSeenBySim(), QStringList());
    }

    void outsideTextInErrors_isEscapedAndShortened_data()
    {
        QTest::addColumn<QStringList>("arguments"); // %s: the sim's URL, %k: a kubeconfig on it
        QTest::addColumn<QString>("mentions");
        const QString longName(100'000, QLatin1Char('a'));
        const QString sim = QStringLiteral("%s");
        QTest::newRow("retitling release name")
            << QStringList{QStringLiteral("--server"), sim, QStringLiteral("status"),
                           QStringLiteral("\x1b]0;pwned\x07"
                                          "catalog")}
            << QStringLiteral("\"\\x1b]0;pwned\\x07catalog\" is not a valid release name");
        QTest::newRow("100,000-character release name")
            << QStringList{QStringLiteral("--server"), sim, QStringLiteral("status"), longName}
            << QStringLiteral("aaaa… is not a valid release name")
                   .replace(QStringLiteral(" is"), QStringLiteral("\" is"));
        QTest::newRow("fake line in a namespace")
            << QStringList{QStringLiteral("--server"), sim, QStringLiteral("-n"), QStringLiteral("x\r\ncurtainctl: ok"),
                           QStringLiteral("releases")}
            << QStringLiteral("\"x\\r\\ncurtainctl: ok\" is not a valid namespace");
        QTest::newRow("colour in an option") << QStringList{QStringLiteral("--\x1b[2J"), QStringLiteral("releases")}
                                             << QStringLiteral("unknown option \"--\\x1b[2J\"");
        QTest::newRow("colour in a context")
            << QStringList{QStringLiteral("--kubeconfig"), QStringLiteral("%k"), QStringLiteral("--context"),
                           QStringLiteral("\x1b[31mprod"), QStringLiteral("releases")}
            << QStringLiteral("context \"\\x1b[31mprod\" does not exist");
        QTest::newRow("100,000-character server")
            << QStringList{QStringLiteral("--server"), QStringLiteral("https://") + longName,
                           QStringLiteral("releases")}
            << QStringLiteral("aaaa…\"");
        QTest::newRow("unknown release") << QStringList{QStringLiteral("--server"), sim, QStringLiteral("status"),
                                                        QString(250, QLatin1Char('b'))}
                                         << QStringLiteral("bbbb…\"; known releases: catalog");
    }

    void outsideTextInErrors_isEscapedAndShortened()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        startSim();
        const QString config = kubeconfig(m_sim->url(), QStringLiteral("{}"));
        for (QString &argument : arguments) {
            argument.replace(QStringLiteral("%s"), m_sim->url()).replace(QStringLiteral("%k"), config);
        }
        const Run run = boundedCtl(arguments);
        QVERIFY2(run.exitCode == 1 || run.exitCode == 2, qPrintable(QStringLiteral("exit %1").arg(run.exitCode)));
        QVERIFY2(run.err.contains(mentions), qPrintable(run.err.left(2000)));
        QVERIFY2(run.err.size() < 1000, qPrintable(QStringLiteral("%1 characters").arg(run.err.size())));
        for (const QChar c : run.err) {
            QVERIFY2(c == QLatin1Char('\n') || (c.unicode() >= 0x20 && c.unicode() != 0x7f),
                     qPrintable(QStringLiteral("a raw control character U+%1").arg(int(c.unicode()), 4, 16)));
        }
    }

    void execPluginThatHangs_isReportedAsTimedOut()
    {
        // It once ran into curtainctl's own 30 s wait, which blamed an overloaded cluster.
        startSim();
        write(QStringLiteral("helper"), "#!/bin/sh\necho $$ > \"$0.pid\"\nexec sleep 600\n", true);
        const QString config =
            kubeconfig(m_sim->url(),
                       QStringLiteral("{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./helper}}"));
        qputenv("CURTAIN_EXEC_PLUGIN_TIMEOUT", "1");
        const Run run = boundedCtl({QStringLiteral("--kubeconfig"), config, QStringLiteral("releases")}, 15'000);
        qunsetenv("CURTAIN_EXEC_PLUGIN_TIMEOUT");
        QVERIFY2(run.exitCode == 3, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(run.err.contains(QStringLiteral("user \"me\": exec plugin \"./helper\" timed out after 1 s")),
                 qPrintable(run.err));
        QVERIFY2(!run.err.contains(QStringLiteral("overloaded")), qPrintable(run.err));
        const QByteArray pid = Test::readFile(m_dir->filePath(QStringLiteral("helper.pid"))).trimmed();
        QVERIFY(!pid.isEmpty());
        QTRY_VERIFY2(!QFile::exists(QStringLiteral("/proc/%1").arg(QString::fromLatin1(pid))), "the plugin still runs");
        QCOMPARE(requestsSeenBySim(), QStringList());
    }

    void execPluginThatPrintsWithoutEnd_isStoppedAtTheOutputLimit()
    {
        startSim();
        write(QStringLiteral("helper"), "#!/bin/sh\nhead -c 2097152 /dev/zero\nexec sleep 600\n", true);
        const QString config =
            kubeconfig(m_sim->url(),
                       QStringLiteral("{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./helper}}"));
        qputenv("CURTAIN_EXEC_PLUGIN_TIMEOUT", "20");
        const Run run = boundedCtl({QStringLiteral("--kubeconfig"), config, QStringLiteral("releases")}, 15'000);
        qunsetenv("CURTAIN_EXEC_PLUGIN_TIMEOUT");
        QVERIFY2(run.exitCode == 3, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(
            run.err.contains(QStringLiteral("exec plugin \"./helper\" printed more than 1 MiB on standard output")),
            qPrintable(run.err));
        QCOMPARE(requestsSeenBySim(), QStringList());
    }

    void planFileThatNeverEnds_stopsAtTheSizeLimit()
    {
        startSim();
        const Run run = boundedCtl({QStringLiteral("--server"), m_sim->url(), QStringLiteral("run"),
                                    QStringLiteral("catalog"), QStringLiteral("--plan"), QStringLiteral("/dev/zero")});
        QVERIFY2(run.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(run.err.contains(QStringLiteral("the plan file /dev/zero is larger than 16 MiB")),
                 qPrintable(run.err));
    }

    void inspect_endlessFile_stopsAtTheSizeLimit()
    {
        const Run run = boundedCtl({QStringLiteral("inspect"), QStringLiteral("/dev/zero")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("/dev/zero: is larger than 16 MiB")), qPrintable(run.err));
    }

    // A server whose list reply holds an object nested 100,000 deep: curtainctl once copied it
    // recursively and died of a stack overflow. Now the reply is refused, naming the limit.
    void listReplyNestedTooDeep_isAnErrorNotACrash()
    {
        const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
        const std::string list =
            R"({"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{"resourceVersion":"1"},)"
            R"("items":[{"metadata":{"name":"deep","namespace":"demo"},"spec":)" +
            deep + "}]}";
        httplib::Server hostile;
        hostile.Get(".*", [&list](const httplib::Request &, httplib::Response &res) {
            res.set_content(list, "application/json");
        });
        const int port = hostile.bind_to_any_port("127.0.0.1");
        std::thread serving([&] { hostile.listen_after_bind(); });
        const Run run = boundedCtl(
            {QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(port), QStringLiteral("releases")});
        hostile.stop();
        serving.join();
        QVERIFY2(run.exitCode > 0, qPrintable(run.err)); // an exit code, not a signal (-1)
        QVERIFY2(run.err.contains(QStringLiteral("nests objects and arrays deeper than")), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestCtlInput)
#include "tst_ctlinput.moc"
