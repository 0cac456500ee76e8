// Bearer tokens as they reach the Authorization header: a token file's trailing newline is trimmed
// (as client-go does), but a control byte inside a token is refused with an error naming the
// kubeconfig user, and a token file that never ends stops at its size limit. And what an exec plugin
// prints, read without running one (tst_auth runs real plugins end to end).

#include "kube/credentials.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Curtain;

class TestCredentials : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;

    Core::ClusterEndpoint endpointWithTokenFile(const QString &path) const
    {
        Core::ClusterEndpoint endpoint(QStringLiteral("c"), QStringLiteral("https://k:6443"));
        endpoint.userName = QStringLiteral("me");
        endpoint.sourceFile = m_dir->filePath(QStringLiteral("config"));
        endpoint.tokenFile = path;
        return endpoint;
    }

    QString write(const QByteArray &content)
    {
        const QString path = m_dir->filePath(QStringLiteral("token"));
        QFile file(path);
        file.open(QIODevice::WriteOnly);
        file.write(content);
        return path;
    }

    static Core::Result<Kube::Credential> get(const Core::ClusterEndpoint &endpoint)
    {
        Kube::Credentials credentials(endpoint);
        QFuture<Core::Result<Kube::Credential>> future = credentials.get();
        if (!future.isFinished()) { // a token source answers at once; only exec plugins take time
            return Core::makeError(Core::ErrorKind::Timeout, QStringLiteral("test: no immediate answer"));
        }
        return future.result();
    }

    static QString v1() { return QStringLiteral("client.authentication.k8s.io/v1"); }

private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }
    void cleanup() { m_dir.reset(); }

    void tokenFile_trailingNewlineIsTrimmed_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("newline") << QByteArray("abc.def\n");
        QTest::newRow("CR LF") << QByteArray("abc.def\r\n");
        QTest::newRow("none") << QByteArray("abc.def");
    }

    void tokenFile_trailingNewlineIsTrimmed()
    {
        QFETCH(QByteArray, content);
        const auto credential = get(endpointWithTokenFile(write(content)));
        QVERIFY2(credential.ok(), qPrintable(credential.ok() ? QString() : credential.error().message));
        QCOMPARE(credential.value().bearerToken, QByteArrayLiteral("abc.def"));
    }

    void tokenFile_controlBytesInsideAreRefusedNamingTheUser_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("CR LF header") << QByteArray("abc\r\nImpersonate-User: system:admin\n");
        QTest::newRow("LF header") << QByteArray("abc\nImpersonate-User: system:admin");
        QTest::newRow("NUL") << QByteArray("abc\0system:admin", 16);
    }

    void tokenFile_controlBytesInsideAreRefusedNamingTheUser()
    {
        QFETCH(QByteArray, content);
        const QString path = write(content);
        const auto credential = get(endpointWithTokenFile(path));
        QVERIFY(!credential.ok());
        const QString message = credential.error().message;
        QVERIFY2(message.contains(QStringLiteral("user \"me\"")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("tokenFile %1").arg(path)), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("contains a control character")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("system:admin")), qPrintable(message));
    }

    void tokenFile_thatNeverEnds_stopsAtTheSizeLimit()
    {
        const auto credential = get(endpointWithTokenFile(QStringLiteral("/dev/zero")));
        QVERIFY(!credential.ok());
        QVERIFY2(credential.error().message.contains(QStringLiteral("/dev/zero is larger than 1 MiB")),
                 qPrintable(credential.error().message));
    }

    void literalToken_withControlBytes_isRefused()
    {
        Core::ClusterEndpoint endpoint(QStringLiteral("c"), QStringLiteral("https://k:6443"));
        endpoint.userName = QStringLiteral("me");
        endpoint.token = QStringLiteral("abc\r\nImpersonate-User: system:admin");
        const auto credential = get(endpoint);
        QVERIFY(!credential.ok());
        QVERIFY2(credential.error().message.contains(QStringLiteral("user \"me\": token contains a control character")),
                 qPrintable(credential.error().message));
    }

    void execCredential_tokenWithItsExpiry()
    {
        QDateTime expires;
        const auto credential = Kube::readExecCredential(
            "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":"
            "\"t0k\",\"expirationTimestamp\":\"2026-12-02T13:00:00Z\"}}",
            v1(), &expires);
        QVERIFY(credential.ok());
        QCOMPARE(credential.value().bearerToken, QByteArray("t0k"));
        QCOMPARE(expires, QDateTime(QDate(2026, 12, 2), QTime(13, 0), Qt::UTC));
    }

    void execCredential_certificatePairWithoutExpiry()
    {
        QDateTime expires = QDateTime::currentDateTimeUtc();
        const auto credential = Kube::readExecCredential(
            "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{"
            "\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\",\"clientKeyData\":\"-----BEGIN KEY-----\"}}",
            v1(), &expires);
        QVERIFY(credential.ok());
        QVERIFY(credential.value().bearerToken.isEmpty());
        QCOMPARE(credential.value().clientKeyPem, QByteArray("-----BEGIN KEY-----"));
        QVERIFY(!expires.isValid());
    }

    void execCredential_refusedNamingTheProblem_data()
    {
        QTest::addColumn<QByteArray>("output");
        QTest::addColumn<QString>("problem");
        QTest::newRow("not JSON") << QByteArray("token: abc") << QStringLiteral("did not print an ExecCredential");
        QTest::newRow("another kind") << QByteArray("{\"kind\":\"Status\"}")
                                      << QStringLiteral("did not print an ExecCredential");
        QTest::newRow("other version")
            << QByteArray("{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\"}")
            << QStringLiteral("is configured to use API version client.authentication.k8s.io/v1, plugin returned "
                              "version client.authentication.k8s.io/v1beta1");
        QTest::newRow("status not an object")
            << QByteArray("{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\","
                          "\"status\":\"ok\"}")
            << QStringLiteral("didn't return a status field");
        QTest::newRow("certificate without key")
            << QByteArray("{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\","
                          "\"status\":{\"token\":\"t\",\"clientCertificateData\":\"pem\"}}")
            << QStringLiteral("returned only certificate or key, not both");
        QTest::newRow("no token of the right type")
            << QByteArray("{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\","
                          "\"status\":{\"token\":7}}")
            << QStringLiteral("didn't return a token or cert/key pair");
    }

    void execCredential_refusedNamingTheProblem()
    {
        QFETCH(QByteArray, output);
        QFETCH(QString, problem);
        QDateTime expires;
        const auto credential = Kube::readExecCredential(output, v1(), &expires);
        QVERIFY(!credential.ok());
        QCOMPARE(credential.error().kind, Core::ErrorKind::Unauthorized);
        QCOMPARE(credential.error().message, problem);
    }
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
