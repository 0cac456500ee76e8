// The secrets sweep: unique tokens, a client key, an exec plugin's token and its environment, a
// kubeconfig password and Prometheus credentials are planted, then every curtainctl command runs on
// every kind of context (accepted, refused, unreachable, malformed) at every log level, and the
// console starts on them. Not one of the secrets may appear in anything a user, a log or the cluster
// could see: standard output and error, curtain-sim's request log and audit log, the objects on the
// cluster (the Events Curtain writes for every action among them), or any file the programs wrote
// under their home directory (the journal of who did what among them).

#include "ctlrunner.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <httplib.h>

#include <deque>
#include <memory>
#include <vector>

using namespace Curtain;

namespace {

// A secret and the forms it could leak in. The first 12 characters of its random part are enough to
// find it shortened or cut, and no output would hold them by chance.
struct Secret
{
    QString what;
    QByteArray value;

    static Secret make(const QString &what, const char *prefix)
    {
        return {what, prefix + QUuid::createUuid().toString(QUuid::Id128).toLatin1()};
    }
    QList<QByteArray> traces() const
    {
        const QByteArray random = value.right(32).left(12);
        return {random, value.toBase64(), random.toBase64()};
    }
    qsizetype foundIn(const QByteArray &bytes) const
    {
        for (const QByteArray &trace : traces()) {
            if (const qsizetype at = bytes.indexOf(trace); at >= 0) {
                return at;
            }
        }
        return -1;
    }
};

} // namespace

class TestSecretSweep : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QList<Secret> m_secrets;
    // Everything seen: "where" → what it held.
    QList<std::pair<QString, QByteArray>> m_seen;
    Test::SimProcess *m_sim = nullptr;

    const Secret &secret(const QString &what) const
    {
        for (const Secret &s : m_secrets) {
            if (s.what == what) {
                return s;
            }
        }
        qFatal("no secret %s", qPrintable(what));
    }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    bool write(const QString &name, const QByteArray &content, bool executable = false)
    {
        QFile file(path(name));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()) {
            return false;
        }
        file.close();
        return !executable || file.setPermissions(file.permissions() | QFileDevice::ExeOwner);
    }

    // One kubeconfig, a context per way of connecting; `server` is the sim, `down` a closed port.
    QByteArray kubeconfig(const QString &server, const QString &down) const
    {
        const QByteArray key = "-----BEGIN PRIVATE KEY-----\n" + secret(QStringLiteral("client key")).value +
                               "\n-----END PRIVATE KEY-----\n";
        const QByteArray cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        QByteArray text = "apiVersion: v1\nkind: Config\ncurrent-context: good\nclusters:\n"
                          "- name: sim\n  cluster: {server: '" +
                          server.toUtf8() + "'}\n- name: down\n  cluster: {server: '" + down.toUtf8() +
                          "'}\nusers:\n"
                          "- name: good\n  user: {token: " +
                          secret(QStringLiteral("token")).value +
                          "}\n"
                          "- name: wrong\n  user: {token: " +
                          secret(QStringLiteral("refused token")).value +
                          "}\n"
                          "- name: file\n  user: {tokenFile: token.txt}\n"
                          "- name: exec\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                          "      command: ./plugin.sh\n      interactiveMode: Never\n"
                          "      env: [{name: PLUGIN_API_KEY, value: " +
                          secret(QStringLiteral("exec plugin env")).value +
                          "}]\n"
                          "- name: basic\n  user: {username: jane, password: " +
                          secret(QStringLiteral("kubeconfig password")).value +
                          "}\n"
                          "- name: control\n  user: {token: \"" +
                          secret(QStringLiteral("token with CR LF")).value +
                          "\\r\\nImpersonate-User: system:admin\"}\n"
                          "- name: key\n  user: {client-certificate-data: " +
                          cert.toBase64() + ", client-key-data: " + key.toBase64() + "}\ncontexts:\n";
        for (const char *user : {"good", "wrong", "file", "exec", "basic", "control", "key"}) {
            text +=
                "- name: " + QByteArray(user) + "\n  context: {cluster: sim, user: " + user + ", namespace: demo}\n";
        }
        text += "- name: down\n  context: {cluster: down, user: good}\n";
        return text;
    }

    void see(const QString &where, const QByteArray &what) { m_seen.append({where, what}); }

    // Runs every command line, two at a time (a run mostly waits on the sim or on a port that
    // refuses), and keeps what each printed.
    void runAll(const QList<QStringList> &runs, int timeoutMs = 30'000)
    {
        std::deque<std::pair<std::unique_ptr<QProcess>, QStringList>> running;
        qsizetype next = 0;
        while (next < runs.size() || !running.empty()) {
            while (running.size() < 2 && next < runs.size()) {
                running.emplace_back(std::make_unique<QProcess>(), runs[next++]);
                Test::startCurtainctl(*running.back().first, running.back().second);
            }
            const Test::CtlRun run = Test::finishCurtainctl(*running.front().first, timeoutMs);
            const QString where = QStringLiteral("curtainctl %1").arg(running.front().second.join(QLatin1Char(' ')));
            running.pop_front();
            // Drains the sim's request log: with a full pipe it would stop answering.
            QCoreApplication::processEvents();
            m_sim->errorOutput();
            see(where + QStringLiteral(" (stdout)"), run.out.toUtf8());
            see(where + QStringLiteral(" (stderr)"), run.err.toUtf8());
        }
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void noSecretIsShownLoggedOrWritten()
    {
        m_secrets = {Secret::make(QStringLiteral("token"), "tok-good-"),
                     Secret::make(QStringLiteral("refused token"), "tok-wrong-"),
                     Secret::make(QStringLiteral("token file"), "tok-file-"),
                     Secret::make(QStringLiteral("exec plugin token"), "tok-exec-"),
                     Secret::make(QStringLiteral("exec plugin env"), "env-exec-"),
                     Secret::make(QStringLiteral("kubeconfig password"), "pw-kube-"),
                     Secret::make(QStringLiteral("token with CR LF"), "tok-crlf-"),
                     Secret::make(QStringLiteral("client key"), "key-"),
                     Secret::make(QStringLiteral("Prometheus token"), "tok-prom-"),
                     Secret::make(QStringLiteral("Prometheus password"), "pw-prom-")};

        Test::SimProcess sim;
        m_sim = &sim;
        QString error;
        QVERIFY2(sim.start(&error,
                           {QStringLiteral("--log"), QStringLiteral("--audit-log"), path(QStringLiteral("audit.log")),
                            QStringLiteral("--token"), QString::fromLatin1(secret(QStringLiteral("token")).value),
                            QStringLiteral("--token"), QString::fromLatin1(secret(QStringLiteral("token file")).value),
                            QStringLiteral("--token"),
                            QString::fromLatin1(secret(QStringLiteral("exec plugin token")).value)}),
                 qPrintable(error));
        const QString down = QStringLiteral("http://127.0.0.1:%1").arg(Test::freePort());
        QVERIFY(write(QStringLiteral("config.yaml"), kubeconfig(sim.url(), down)));
        // The sweep's own check finds a secret where it is known to be: in the files given.
        QVERIFY(secret(QStringLiteral("token")).foundIn(Test::readFile(path(QStringLiteral("config.yaml")))) > 0);
        QVERIFY(secret(QStringLiteral("exec plugin env")).foundIn(Test::readFile(path(QStringLiteral("config.yaml")))) >
                0);
        QVERIFY(write(QStringLiteral("token.txt"), secret(QStringLiteral("token file")).value + "\n"));
        // The plugin checks that it was given its environment, and answers with its token.
        QVERIFY(write(QStringLiteral("plugin.sh"),
                      "#!/bin/sh\n[ \"$PLUGIN_API_KEY\" = '" + secret(QStringLiteral("exec plugin env")).value +
                          "' ] || { echo 'plugin: no API key' >&2; exit 1; }\n"
                          "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                          "\"status\":{\"token\":\"%s\"}}' '" +
                          secret(QStringLiteral("exec plugin token")).value + "'\n",
                      true));
        QVERIFY(write(QStringLiteral("prometheus-token"), secret(QStringLiteral("Prometheus token")).value + "\n"));
        QVERIFY(write(QStringLiteral("prometheus-basic"),
                      "jane:" + secret(QStringLiteral("Prometheus password")).value + "\n"));
        // A plan whose judge asks "Prometheus" (the sim, which has no query API): its errors are
        // where the Prometheus credentials could surface.
        QVERIFY(write(QStringLiteral("plan.yaml"), "steps:\n- setWeight: 5\n- pause: {duration: 600}\n"
                                                   "metrics:\n  source: " +
                                                       sim.url().toUtf8() + "\n"));

        // The programs' own home: whatever they write (settings, caches, crash notes) is swept too.
        const QString home = path(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home));
        qputenv("HOME", home.toUtf8());
        qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/.config")).toUtf8());
        qputenv("XDG_CACHE_HOME", (home + QStringLiteral("/.cache")).toUtf8());
        qputenv("XDG_DATA_HOME", (home + QStringLiteral("/.local/share")).toUtf8());
        qputenv("XDG_STATE_HOME", (home + QStringLiteral("/.local/state")).toUtf8());
        qunsetenv("KUBECONFIG");
        QVERIFY(QDir::setCurrent(m_dir.path())); // the plugin's relative command, as kubectl resolves it

        const QString config = path(QStringLiteral("config.yaml"));
        const QStringList contexts = {QStringLiteral("good"), QStringLiteral("wrong"), QStringLiteral("file"),
                                      QStringLiteral("exec"), QStringLiteral("basic"), QStringLiteral("control"),
                                      QStringLiteral("key"),  QStringLiteral("down")};
        const QList<QStringList> commands = {
            {QStringLiteral("contexts")},
            {QStringLiteral("releases")},
            {QStringLiteral("status"), QStringLiteral("catalog")},
            {QStringLiteral("set-weight"), QStringLiteral("catalog"), QStringLiteral("30")},
            {QStringLiteral("promote"), QStringLiteral("catalog")},
            {QStringLiteral("flip"), QStringLiteral("checkout")},
            {QStringLiteral("rollback"), QStringLiteral("catalog")},
            {QStringLiteral("pause"), QStringLiteral("payments")},
            {QStringLiteral("resume"), QStringLiteral("payments")},
            {QStringLiteral("promote"), QStringLiteral("payments"), QStringLiteral("--full")},
            {QStringLiteral("abort"), QStringLiteral("payments")},
            {QStringLiteral("retry"), QStringLiteral("payments")},
            {QStringLiteral("restart"), QStringLiteral("payments")},
            {QStringLiteral("undo"), QStringLiteral("payments")},
            {QStringLiteral("set-image"), QStringLiteral("payments"), QStringLiteral("*=registry.example/pay:2")},
            {QStringLiteral("nosuchcommand")},
        };
        // Every level of logging the programs have, on for the whole sweep.
        qputenv("QT_LOGGING_RULES", "*.debug=true");
        QList<QStringList> runs;
        QList<QStringList> planRuns;
        for (const QString &context : contexts) {
            for (const QStringList &command : commands) {
                for (const char *format : {"table", "json"}) {
                    runs.append(QStringList{QStringLiteral("--kubeconfig"), config, QStringLiteral("--context"),
                                            context, QStringLiteral("-o"), QString::fromLatin1(format)} +
                                command);
                }
            }
            planRuns.append({QStringLiteral("--kubeconfig"), config, QStringLiteral("--context"), context,
                             QStringLiteral("run"), QStringLiteral("catalog"), QStringLiteral("--plan"),
                             path(QStringLiteral("plan.yaml")), QStringLiteral("--prometheus-token-file"),
                             path(QStringLiteral("prometheus-token")), QStringLiteral("--prometheus-basic-auth-file"),
                             path(QStringLiteral("prometheus-basic"))});
        }
        runAll(runs);
        // A plan run with both Prometheus credentials in every context, side by side. It holds for an
        // hour when it cannot judge, so each is cut off after its first 4 s, which carry the Prometheus
        // errors.
        std::vector<std::unique_ptr<QProcess>> plans;
        for (const QStringList &arguments : std::as_const(planRuns)) {
            plans.push_back(std::make_unique<QProcess>());
            Test::startCurtainctl(*plans.back(), arguments);
        }
        const QDeadlineTimer cutOff(4'000);
        for (std::size_t i = 0; i < plans.size(); ++i) {
            const Test::CtlRun run =
                Test::finishCurtainctl(*plans[i], int(std::max<qint64>(1, cutOff.remainingTime())));
            QCoreApplication::processEvents(); // drains the sim's request log, as runAll does
            m_sim->errorOutput();
            const QString where = QStringLiteral("curtainctl %1").arg(planRuns[qsizetype(i)].join(QLatin1Char(' ')));
            see(where + QStringLiteral(" (stdout)"), run.out.toUtf8());
            see(where + QStringLiteral(" (stderr)"), run.err.toUtf8());
        }
        // The console, offscreen, until both panels show the cluster (its errors are the ones
        // curtainctl printed above: both read the same messages from the engine).
        for (const QString &context : {QStringLiteral("good"), QStringLiteral("file"), QStringLiteral("exec")}) {
            QProcess console;
            console.start(Test::binary(QStringLiteral("curtain")),
                          {QStringLiteral("--kubeconfig"), config, QStringLiteral("--context"), context,
                           QStringLiteral("--exit-when-shown")});
            QVERIFY2(console.waitForFinished(30'000), qPrintable(context));
            see(QStringLiteral("curtain on %1 (stdout)").arg(context), console.readAllStandardOutput());
            see(QStringLiteral("curtain on %1 (stderr)").arg(context), console.readAllStandardError());
        }
        qunsetenv("QT_LOGGING_RULES");

        // What the cluster was told and keeps.
        see(QStringLiteral("curtain-sim's request log"), sim.errorOutput().toUtf8());
        see(QStringLiteral("curtain-sim's audit log"), Test::readFile(path(QStringLiteral("audit.log"))));
        httplib::Client api("127.0.0.1", sim.port());
        api.set_bearer_token_auth(secret(QStringLiteral("token")).value.toStdString());
        for (const char *list :
             {"/api/v1/events", "/apis/events.k8s.io/v1/events", "/api/v1/namespaces/demo/configmaps",
              "/apis/coordination.k8s.io/v1/leases", "/apis/gateway.networking.k8s.io/v1/httproutes",
              "/apis/argoproj.io/v1alpha1/rollouts", "/apis/apps/v1/deployments"}) {
            const auto reply = api.Get(list);
            see(QStringLiteral("the cluster's %1").arg(QString::fromLatin1(list)),
                reply ? QByteArray::fromStdString(reply->body) : QByteArray());
        }
        // Every file under the programs' home.
        QDirIterator files(home, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        int homeFiles = 0;
        while (files.hasNext()) {
            const QString file = files.next();
            see(file, Test::readFile(file));
            ++homeFiles;
        }
        qInfo("swept %lld outputs (%d files the programs wrote under HOME) for %lld secrets", qlonglong(m_seen.size()),
              homeFiles, qlonglong(m_secrets.size()));

        // The sweep saw real work: the accepted contexts listed the demo, the refused ones said why.
        const auto saw = [this](const QString &where, const QString &text) {
            for (const auto &[place, bytes] : m_seen) {
                if (place.contains(where) && bytes.contains(text.toUtf8())) {
                    return true;
                }
            }
            return false;
        };
        QVERIFY(saw(QStringLiteral("--context good -o table releases (stdout)"), QStringLiteral("catalog")));
        QVERIFY(saw(QStringLiteral("--context exec -o table releases (stdout)"), QStringLiteral("catalog")));
        QVERIFY(saw(QStringLiteral("--context file -o table releases (stdout)"), QStringLiteral("catalog")));
        QVERIFY(saw(QStringLiteral("--context wrong -o table releases (stderr)"), QStringLiteral("Unauthorized")));
        QVERIFY(saw(QStringLiteral("curtain-sim's audit log"), QStringLiteral("httproutes/catalog")));
        // Who did what was recorded where the secrets could have gone: the journal and the Events.
        QVERIFY(saw(QStringLiteral("journal.jsonl"), QStringLiteral("\"action\":\"SetWeight\"")));
        QVERIFY(
            saw(QStringLiteral("the cluster's /apis/events.k8s.io/v1/events"), QStringLiteral("curtain.dev/console")));
        QVERIFY(saw(QStringLiteral("the cluster's /apis/gateway.networking.k8s.io/v1/httproutes"),
                    QStringLiteral("catalog")));

        QStringList leaks;
        for (const Secret &s : m_secrets) {
            for (const auto &[where, bytes] : m_seen) {
                if (const qsizetype at = s.foundIn(bytes); at >= 0) {
                    leaks += QStringLiteral("the %1 in %2: …%3…")
                                 .arg(s.what, where, QString::fromUtf8(bytes.mid(qMax(0, at - 60), 140)));
                }
            }
        }
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestSecretSweep)
#include "tst_secretsweep.moc"
