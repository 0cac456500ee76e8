// Bearer tokens as they reach the Authorization header: a token file's trailing newline is trimmed
// (as client-go does), but a control byte inside a token is refused with an error naming the
// kubeconfig user, and a token file that never ends stops at its size limit.

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
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
