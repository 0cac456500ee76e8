// API server URLs from kubeconfig `server:` and --server, checked before a credential goes to them:
// what a user wrote and what Curtain then connects to, or the problem it names.

#include "kube/serverurl.h"

#include <QTest>

using namespace Curtain;

class TestServerUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accepted_isNormalised_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("url");
        QTest::newRow("https with port") << QStringLiteral("https://10.0.0.1:6443")
                                         << QStringLiteral("https://10.0.0.1:6443");
        QTest::newRow("trailing slash") << QStringLiteral("https://k.example/") << QStringLiteral("https://k.example");
        QTest::newRow("path prefix") << QStringLiteral("https://rancher.example/k8s/clusters/c-1")
                                     << QStringLiteral("https://rancher.example/k8s/clusters/c-1");
        QTest::newRow("loopback http") << QStringLiteral("http://127.0.0.1:8001")
                                       << QStringLiteral("http://127.0.0.1:8001");
        QTest::newRow("ipv6") << QStringLiteral("https://[::1]:6443") << QStringLiteral("https://[::1]:6443");
        QTest::newRow("upper-case scheme") << QStringLiteral("HTTPS://k:6443") << QStringLiteral("https://k:6443");
    }

    void accepted_isNormalised()
    {
        QFETCH(QString, text);
        QFETCH(QString, url);
        const auto parsed = Kube::parseServerUrl(text);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed.value(), url);
    }

    void refused_namesTheProblem_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("problem");
        // An unquoted YAML number: once sent the bearer token in plain text to 0.0.31.144:80.
        QTest::newRow("a bare number") << QStringLiteral("8080") << QStringLiteral("has no scheme");
        QTest::newRow("host and port only") << QStringLiteral("k.example:6443") << QStringLiteral("has no scheme");
        // Once silently went to port 80.
        QTest::newRow("space and path") << QStringLiteral("http://127.0.0.1:1 /x")
                                        << QStringLiteral("contains a space or a control character");
        QTest::newRow("line break") << QStringLiteral("https://k\r\nX: y") << QStringLiteral("control character");
        QTest::newRow("file") << QStringLiteral("file:///etc/passwd") << QStringLiteral("has the scheme \"file\"");
        QTest::newRow("ftp") << QStringLiteral("ftp://k.example/") << QStringLiteral("has the scheme \"ftp\"");
        QTest::newRow("no host") << QStringLiteral("https:///api") << QStringLiteral("has no host");
        QTest::newRow("port out of range") << QStringLiteral("https://k:99999") << QStringLiteral("not a valid URL");
        QTest::newRow("port not a number") << QStringLiteral("https://k:64x3") << QStringLiteral("not a valid URL");
        QTest::newRow("user info") << QStringLiteral("https://admin:secret@k:6443")
                                   << QStringLiteral("carries a user name or password");
        QTest::newRow("query") << QStringLiteral("https://k:6443/?x=1") << QStringLiteral("has a query or a fragment");
        QTest::newRow("fragment") << QStringLiteral("https://k:6443/#x") << QStringLiteral("has a query or a fragment");
    }

    void refused_namesTheProblem()
    {
        QFETCH(QString, text);
        QFETCH(QString, problem);
        const auto parsed = Kube::parseServerUrl(text);
        QVERIFY2(!parsed.ok(), qPrintable(parsed.ok() ? parsed.value() : QString()));
        QCOMPARE(parsed.error().kind, Core::ErrorKind::InvalidInput);
        QVERIFY2(parsed.error().message.contains(problem), qPrintable(parsed.error().message));
        QVERIFY(!parsed.error().message.contains(QStringLiteral("secret")));
    }

    // A password typed into the URL is refused, and never shown back (terminals and CI logs keep it).
    void userInfo_isNeverShown_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("user and password")
            << QStringLiteral("http://admin:hunter2@127.0.0.1:1") << QStringLiteral("http://***@127.0.0.1:1");
        QTest::newRow("token as user") << QStringLiteral("https://hunter2@api.example:6443/k8s")
                                       << QStringLiteral("https://***@api.example:6443/k8s");
        QTest::newRow("no scheme") << QStringLiteral("admin:hunter2@10.0.0.1") << QStringLiteral("***@10.0.0.1");
        QTest::newRow("password with a slash")
            << QStringLiteral("https://admin:ab/cd@api.example:6443") << QStringLiteral("https://***@api.example:6443");
        QTest::newRow("password that is no valid URL")
            << QStringLiteral("https://admin:h%zz{@10.0.0.1") << QStringLiteral("https://***@10.0.0.1");
        QTest::newRow("none") << QStringLiteral("https://10.0.0.1:6443/api")
                              << QStringLiteral("https://10.0.0.1:6443/api");
    }
    void userInfo_isNeverShown()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QCOMPARE(Kube::shownServerUrl(text), shown);
        if (text.contains(QLatin1Char('@'))) { // refused, and the reason quotes none of it
            const auto parsed = Kube::parseServerUrl(text);
            QVERIFY(!parsed.ok());
            for (const QString &secret : {QStringLiteral("hunter2"), QStringLiteral("ab/cd"), QStringLiteral("h%zz")}) {
                QVERIFY2(!parsed.error().message.contains(secret), qPrintable(parsed.error().message));
            }
        }
    }

    void plainHttpToAnotherMachine_isWarnedAbout()
    {
        QVERIFY(Kube::plainHttpWarning(QStringLiteral("https://10.0.0.5:6443")).isEmpty());
        QVERIFY(Kube::plainHttpWarning(QStringLiteral("http://127.0.0.1:8001")).isEmpty());
        QVERIFY(Kube::plainHttpWarning(QStringLiteral("http://localhost:8001")).isEmpty());
        QVERIFY(Kube::plainHttpWarning(QStringLiteral("http://[::1]:8001")).isEmpty());
        const QString warning = Kube::plainHttpWarning(QStringLiteral("http://10.0.0.5:8080"));
        QVERIFY2(warning.contains(QStringLiteral("http://10.0.0.5:8080 is plain http to another machine")),
                 qPrintable(warning));
        QVERIFY(!Kube::plainHttpWarning(QStringLiteral("http://127.0.0.1.example:80")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestServerUrl)
#include "tst_serverurl.moc"
