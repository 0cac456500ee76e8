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
        QTest::newRow("half a key pair") << QByteArray("clusters: [{name: k, cluster: {server: https://k}}]\n"
                                                       "users: [{name: u, user: {client-certificate-data: ") +
                                                certPem.toBase64() +
                                                "}}]\n"
                                                "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
                                         << QStringLiteral("c") << QStringLiteral("without its key");
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

    void explicitPath_mustExist()
    {
        const auto config = Kubeconfig::load({QStringLiteral("/no/such/kubeconfig")}, true);
        QVERIFY(!config.ok());
        QVERIFY(config.error().message.contains(QStringLiteral("/no/such/kubeconfig: no such kubeconfig file")));
    }
};

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
