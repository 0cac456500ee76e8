// kubeconfig exactly as kubectl reads it: which files, how they merge, how paths resolve, and an
// error naming the file, the entry and the problem for everything that can be wrong.

#include "kube/kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;
using Kube::Kubeconfig;

namespace {

// A tiny self-signed-looking PEM; the loader checks the armour, TLS checks the contents later.
const QByteArray certPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const QByteArray keyPem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

} // namespace

class TestKubeconfig : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(content);
        return path;
    }

private Q_SLOTS:
    void files_followKubectlsPrecedence()
    {
        QCOMPARE(Kubeconfig::files(QStringLiteral("/x/explicit"), QStringLiteral("/a:/b"), QStringLiteral("/home/u")),
                 QStringList{QStringLiteral("/x/explicit")});
        QCOMPARE(Kubeconfig::files({}, QStringLiteral("/a:/b::/a"), QStringLiteral("/home/u")),
                 (QStringList{QStringLiteral("/a"), QStringLiteral("/b")}));
        QCOMPARE(Kubeconfig::files({}, {}, QStringLiteral("/home/u")),
                 QStringList{QStringLiteral("/home/u/.kube/config")});
    }

    void merge_firstFileWinsPerNamedEntryAndForCurrentContext()
    {
        const QString first = write(QStringLiteral("merge/first"), R"(
clusters:
- name: prod
  cluster: {server: https://first.example:6443}
contexts:
- name: prod
  context: {cluster: prod, user: alice}
users:
- name: alice
  user: {token: first-token}
)");
        const QString second = write(QStringLiteral("merge/second"), R"(
current-context: prod
clusters:
- name: prod
  cluster: {server: https://second.example:6443, insecure-skip-tls-verify: true}
- name: lab
  cluster: {server: https://lab.example:6443}
contexts:
- name: lab
  context: {cluster: lab, namespace: team}
users:
- name: alice
  user: {tokenFile: /nowhere}
)");
        const auto config = Kubeconfig::load({first, QStringLiteral("/does/not/exist"), second});
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QCOMPARE(config.value().currentContext(), QStringLiteral("prod")); // the first non-empty one
        QCOMPARE(config.value().contexts().size(), 2);
        const auto prod = config.value().endpoint();
        QVERIFY(prod.ok());
        QCOMPARE(prod.value().server, QStringLiteral("https://first.example:6443"));
        QVERIFY(!prod.value().insecureSkipTlsVerify); // nothing of the second "prod" leaks in
        QCOMPARE(prod.value().token, QStringLiteral("first-token"));
        QVERIFY(prod.value().tokenFile.isEmpty());
        QVERIFY(prod.value().namespaceName.isEmpty()); // no namespace in the context: all namespaces
        const auto lab = config.value().endpoint(QStringLiteral("lab"));
        QVERIFY(lab.ok());
        QCOMPARE(lab.value().namespaceName, QStringLiteral("team"));
    }

    void relativePaths_resolveAgainstTheFileThatNamesThem()
    {
        write(QStringLiteral("rel/certs/ca.crt"), certPem);
        write(QStringLiteral("rel/certs/me.crt"), certPem);
        write(QStringLiteral("rel/certs/me.key"), keyPem);
        const QString config = write(QStringLiteral("rel/config"), R"(
current-context: c
clusters: [{name: k, cluster: {server: https://k:6443, certificate-authority: certs/ca.crt}}]
users: [{name: u, user: {client-certificate: certs/me.crt, client-key: certs/me.key, tokenFile: certs/token}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)");
        const auto endpoint = Kubeconfig::load({config}).value().endpoint();
        QVERIFY2(endpoint.ok(), qPrintable(endpoint.ok() ? QString() : endpoint.error().message));
        QCOMPARE(endpoint.value().caPem, certPem);
        QCOMPARE(endpoint.value().clientKeyPem, keyPem);
        QCOMPARE(endpoint.value().tokenFile, m_dir.filePath(QStringLiteral("rel/certs/token")));
    }

    void inlineData_isBase64OfPem()
    {
        const QString config = write(QStringLiteral("inline"), QByteArray(R"(
current-context: c
clusters: [{name: k, cluster: {server: https://k:6443, certificate-authority-data: )") +
                                                                   certPem.toBase64() + R"(}}]
contexts: [{name: c, context: {cluster: k}}]
)");
        const auto endpoint = Kubeconfig::load({config}).value().endpoint();
        QVERIFY(endpoint.ok());
        QCOMPARE(endpoint.value().caPem, certPem);
    }

    void badInput_namesFileEntryAndProblem_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("mentions");
        const QByteArray cluster = "clusters: [{name: k, cluster: {server: https://k:6443}}]\n";
        QTest::newRow("not yaml") << QByteArray("clusters: [unclosed\n") << QString()
                                  << QStringLiteral("not valid YAML");
        QTest::newRow("not a map") << QByteArray("- just\n- a list\n") << QString()
                                   << QStringLiteral("not a kubeconfig");
        QTest::newRow("no current context") << cluster << QString() << QStringLiteral("no current-context is set");
        QTest::newRow("unknown context") << cluster + "contexts: [{name: c, context: {cluster: k}}]\n"
                                         << QStringLiteral("prod")
                                         << QStringLiteral("context \"prod\" does not exist; contexts: c");
        QTest::newRow("unknown cluster") << QByteArray("contexts: [{name: c, context: {cluster: nope}}]\n")
                                         << QStringLiteral("c")
                                         << QStringLiteral("names cluster \"nope\", which is not defined");
        QTest::newRow("bad base64")
            << QByteArray("clusters: [{name: k, cluster: {server: https://k, certificate-authority-data: '!!!'}}]\n"
                          "contexts: [{name: c, context: {cluster: k}}]\n")
            << QStringLiteral("c") << QStringLiteral("cluster \"k\": certificate-authority-data is not valid base64");
        QTest::newRow("not a pem")
            << QByteArray("clusters: [{name: k, cluster: {server: https://k, certificate-authority-data: aGVsbG8=}}]\n"
                          "contexts: [{name: c, context: {cluster: k}}]\n")
            << QStringLiteral("c") << QStringLiteral("does not hold a PEM CERTIFICATE");
        QTest::newRow("missing file")
            << QByteArray("clusters: [{name: k, cluster: {server: https://k, certificate-authority: /no/ca.crt}}]\n"
                          "contexts: [{name: c, context: {cluster: k}}]\n")
            << QStringLiteral("c") << QStringLiteral("certificate-authority file /no/ca.crt cannot be read");
        QTest::newRow("insecure with ca")
            << QByteArray("clusters: [{name: k, cluster: {server: https://k, insecure-skip-tls-verify: true, "
                          "certificate-authority-data: ") +
                   certPem.toBase64() +
                   "}}]\n"
                   "contexts: [{name: c, context: {cluster: k}}]\n"
            << QStringLiteral("c") << QStringLiteral("root certificates file with the insecure flag");
        QTest::newRow("exec v1 without interactiveMode")
            << QByteArray(
                   "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: helper}}}]\n")
            << QString() << QStringLiteral("interactiveMode must be specified for client.authentication.k8s.io/v1");
        QTest::newRow("exec without command")
            << QByteArray("users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1}}}]\n")
            << QString() << QStringLiteral("user \"u\": exec: command must be specified");
        QTest::newRow("exec v1alpha1") << QByteArray("users: [{name: u, user: {exec: {apiVersion: "
                                                     "client.authentication.k8s.io/v1alpha1, command: h}}}]\n")
                                       << QString() << QStringLiteral("is not supported");
        QTest::newRow("proxy scheme")
            << QByteArray("clusters: [{name: k, cluster: {server: https://k, proxy-url: 'ftp://p:21'}}]\n"
                          "contexts: [{name: c, context: {cluster: k}}]\n")
            << QStringLiteral("c") << QStringLiteral("unsupported scheme \"ftp\"");
        // An unquoted YAML number once sent the bearer token in plain text to 0.0.31.144:80.
        QTest::newRow("server a number") << QByteArray("clusters: [{name: k, cluster: {server: 8080}}]\n"
                                                       "contexts: [{name: c, context: {cluster: k}}]\n")
                                         << QStringLiteral("c")
                                         << QStringLiteral("cluster \"k\": server \"8080\" has no scheme");
        QTest::newRow("server with a space")
            << QByteArray("clusters: [{name: k, cluster: {server: 'http://127.0.0.1:1 /x'}}]\n"
                          "contexts: [{name: c, context: {cluster: k}}]\n")
            << QStringLiteral("c") << QStringLiteral("contains a space or a control character");
        QTest::newRow("server file scheme")
            << QByteArray("clusters: [{name: k, cluster: {server: 'file:///etc/passwd'}}]\n"
                          "contexts: [{name: c, context: {cluster: k}}]\n")
            << QStringLiteral("c") << QStringLiteral("has the scheme \"file\"");
        QTest::newRow("half a key pair") << QByteArray("clusters: [{name: k, cluster: {server: https://k}}]\n"
                                                       "users: [{name: u, user: {client-certificate-data: ") +
                                                certPem.toBase64() +
                                                "}}]\n"
                                                "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
                                         << QStringLiteral("c") << QStringLiteral("without its key");
    }

    void wrongShape_namesTheFileAndTheEntry_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("cluster entry a string")
            << QByteArray("clusters: [foo]\n")
            << QStringLiteral("clusters[0] is a string, expected a map with name and cluster");
        QTest::newRow("clusters a string")
            << QByteArray("clusters: foo\n") << QStringLiteral("clusters is a string, expected a list");
        QTest::newRow("cluster body a string") << QByteArray("clusters:\n- name: a\n  cluster: foo\n")
                                               << QStringLiteral("clusters[0].cluster is a string, expected a map");
        QTest::newRow("user body a string") << QByteArray("users:\n- name: u\n  user: x\n")
                                            << QStringLiteral("users[0].user is a string, expected a map");
        QTest::newRow("context body a list") << QByteArray("contexts: [{name: c, context: [a]}]\n")
                                             << QStringLiteral("contexts[0].context is a list, expected a map");
        QTest::newRow("exec env entry a string")
            << QByteArray("users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, "
                          "command: x, env: [x]}\n")
            << QStringLiteral("users[0].user.exec.env[0] is a string, expected a map with name and value");
        QTest::newRow("exec args a map")
            << QByteArray("users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, "
                          "command: x, args: [{a: 1}]}}}]\n")
            << QStringLiteral("users[0].user.exec.args[0] is a map, expected text");
        QTest::newRow("name a map") << QByteArray("clusters: [{name: {a: 1}, cluster: {server: https://k}}]\n")
                                    << QStringLiteral("clusters[0].name is a map, expected text");
        QTest::newRow("no name") << QByteArray("users: [{user: {token: t}}]\n")
                                 << QStringLiteral("users[0] has no name");
        QTest::newRow("server a map") << QByteArray("clusters: [{name: k, cluster: {server: {a: 1}}}]\n")
                                      << QStringLiteral("clusters[0].cluster.server is a map, expected text");
        QTest::newRow("current-context a list")
            << QByteArray("current-context: [a]\n") << QStringLiteral("current-context is a list, expected text");
        QTest::newRow("flag not a boolean")
            << QByteArray("clusters: [{name: k, cluster: {server: https://k, insecure-skip-tls-verify: maybe}}]\n")
            << QStringLiteral("clusters[0].cluster.insecure-skip-tls-verify is \"maybe\", expected true or false");
        QTest::newRow("extensions a string")
            << QByteArray("clusters: [{name: k, cluster: {server: https://k, "
                          "extensions: foo}}]\n")
            << QStringLiteral("clusters[0].cluster.extensions is a string, expected a list");
    }

    void wrongShape_namesTheFileAndTheEntry()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        const QString file = write(QStringLiteral("shape/config"), content);
        const auto config = Kubeconfig::load({file});
        QVERIFY(!config.ok());
        QCOMPARE(config.error().kind, Core::ErrorKind::InvalidInput);
        QVERIFY2(config.error().message.startsWith(file + QStringLiteral(": ")), qPrintable(config.error().message));
        QVERIFY2(config.error().message.contains(mentions), qPrintable(config.error().message));
    }

    void booleansAndNumbers_readAsKubectlReadsThem()
    {
        const QString file = write(QStringLiteral("typed/config"), R"(
current-context: c
clusters: [{name: k, cluster: {server: 'https://k:6443', insecure-skip-tls-verify: yes}}]
users: [{name: u, user: {token: 0x1F}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)");
        const auto endpoint = Kubeconfig::load({file}).value().endpoint();
        QVERIFY2(endpoint.ok(), qPrintable(endpoint.ok() ? QString() : endpoint.error().message));
        QVERIFY(endpoint.value().insecureSkipTlsVerify);
        QCOMPARE(endpoint.value().token, QStringLiteral("0x1F")); // the text written, not 31
    }

    void hostileSizes_stopAtTheLimits_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QByteArray bomb; // nine levels of ten aliases: 10^9 nodes once expanded, from under a kilobyte
        for (int level = 0; level <= 9; ++level) {
            bomb += "        a" + QByteArray::number(level) + ": &a" + QByteArray::number(level) + " [";
            for (int i = 0; i < 10; ++i) {
                bomb += QByteArray(i ? ", " : "") +
                        (level ? QByteArray("*a") + QByteArray::number(level - 1) : QByteArray("lol"));
            }
            bomb += "]\n";
        }
        QTest::newRow("alias bomb in an extension")
            << QByteArray("clusters:\n- name: k\n  cluster:\n    server: https://k\n    extensions:\n"
                          "    - name: client.authentication.k8s.io/exec\n      extension:\n") +
                   bomb
            << QStringLiteral("expands to more than 1000000 nodes");
        QTest::newRow("endless certificate authority")
            << QByteArray("current-context: c\nclusters: [{name: k, cluster: {server: https://k, "
                          "certificate-authority: /dev/zero}}]\ncontexts: [{name: c, context: {cluster: k}}]\n")
            << QStringLiteral("certificate-authority file /dev/zero is larger than 1 MiB");
    }

    void hostileSizes_stopAtTheLimits()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        const QString file = write(QStringLiteral("sizes/config"), content);
        const auto config = Kubeconfig::load({file});
        const Core::Error error = config.ok() ? config.value().endpoint().error() : config.error();
        QVERIFY2(error.message.contains(mentions), qPrintable(error.message));
        QVERIFY2(error.message.startsWith(file + QStringLiteral(": ")), qPrintable(error.message));
    }

    void endlessKubeconfig_stopsAtTheSizeLimit()
    {
        const auto config = Kubeconfig::load({QStringLiteral("/dev/zero")}, true);
        QVERIFY(!config.ok());
        QVERIFY2(config.error().message.startsWith(QStringLiteral("/dev/zero: is larger than 16 MiB")),
                 qPrintable(config.error().message));
    }

    void badInput_namesFileEntryAndProblem()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, context);
        QFETCH(QString, mentions);
        const QString file =
            write(QStringLiteral("bad/%1").arg(
                      QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-'))),
                  content);
        const auto config = Kubeconfig::load({file});
        const Core::Error error = config.ok() ? config.value().endpoint(context).error() : config.error();
        QCOMPARE(error.kind, Core::ErrorKind::InvalidInput);
        QVERIFY2(error.message.contains(mentions), qPrintable(error.message));
        QVERIFY2(error.message.contains(file) || error.message.contains(QStringLiteral("bad/")),
                 qPrintable(error.message));
    }

    void controlBytesInAToken_areRefusedNamingTheUser_data()
    {
        QTest::addColumn<QByteArray>("token");
        // A token that adds a header of its own: once sent as an Impersonate-User header.
        QTest::newRow("CR LF") << QByteArray("\"abc\\r\\nImpersonate-User: system:admin\"");
        QTest::newRow("LF") << QByteArray("\"abc\\nImpersonate-User: system:admin\"");
        QTest::newRow("ESC") << QByteArray("\"abc\\e[2Jsystem:admin\"");
        QTest::newRow("TAB") << QByteArray("\"abc\\tsystem:admin\"");
    }

    void controlBytesInAToken_areRefusedNamingTheUser()
    {
        QFETCH(QByteArray, token);
        const QString file = write(QStringLiteral("token/config"),
                                   "current-context: c\nclusters: [{name: k, cluster: {server: https://k:6443}}]\n"
                                   "users: [{name: me, user: {token: " +
                                       token + "}}]\ncontexts: [{name: c, context: {cluster: k, user: me}}]\n");
        const auto config = Kubeconfig::load({file});
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        const auto endpoint = config.value().endpoint();
        QVERIFY(!endpoint.ok());
        QCOMPARE(endpoint.error().kind, Core::ErrorKind::InvalidInput);
        QVERIFY2(endpoint.error().message.startsWith(file + QStringLiteral(": user \"me\": token contains a control "
                                                                           "character")),
                 qPrintable(endpoint.error().message));
        QVERIFY2(!endpoint.error().message.contains(QStringLiteral("system:admin")),
                 qPrintable(endpoint.error().message));
    }

    void explicitPath_mustExist()
    {
        const auto config = Kubeconfig::load({QStringLiteral("/no/such/kubeconfig")}, true);
        QVERIFY(!config.ok());
        QVERIFY(config.error().message.contains(QStringLiteral("/no/such/kubeconfig: no such kubeconfig file")));
    }
};

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
