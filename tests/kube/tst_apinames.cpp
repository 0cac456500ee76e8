// Names from the command line and from objects, checked before they go into a URL path, and the
// escaping that keeps any name one path segment.

#include "kube/apinames.h"

#include <QTest>

using namespace Curtain;

class TestApiNames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("namespaceOk");
        QTest::addColumn<bool>("objectOk");
        QTest::addColumn<bool>("releaseOk");
        QTest::newRow("plain") << QStringLiteral("shop") << true << true << true;
        QTest::newRow("dashes and digits") << QStringLiteral("team-1") << true << true << true;
        QTest::newRow("dotted") << QStringLiteral("web.v2") << false << true << true;
        QTest::newRow("label value") << QStringLiteral("Shop_Web") << false << false << true;
        QTest::newRow("63") << QString(63, QLatin1Char('a')) << true << true << true;
        QTest::newRow("64") << QString(64, QLatin1Char('a')) << false << true << true;
        QTest::newRow("253") << QString(253, QLatin1Char('a')).replace(60, 1, QLatin1Char('.')) << false << true
                             << true;
        QTest::newRow("254") << QString(254, QLatin1Char('a')) << false << false << false;
        QTest::newRow("100000") << QString(100000, QLatin1Char('a')) << false << false << false;
        QTest::newRow("empty") << QString() << false << false << false;
        QTest::newRow("leading dash") << QStringLiteral("-shop") << false << false << false;
        QTest::newRow("trailing dot") << QStringLiteral("shop.") << false << false << false;
        QTest::newRow("slash") << QStringLiteral("demo/../../api") << false << false << false;
        QTest::newRow("query") << QStringLiteral("shop?watch=1") << false << false << false;
        QTest::newRow("space") << QStringLiteral("Demo Shop") << false << false << false;
        QTest::newRow("escape") << QStringLiteral("\x1b[31mshop") << false << false << false;
        QTest::newRow("not ascii") << QStringLiteral("shöp") << false << false << false;
    }

    void names()
    {
        QFETCH(QString, name);
        QFETCH(bool, namespaceOk);
        QFETCH(bool, objectOk);
        QFETCH(bool, releaseOk);
        QCOMPARE(Kube::namespaceProblem(name).isEmpty(), namespaceOk);
        QCOMPARE(Kube::objectNameProblem(name).isEmpty(), objectOk);
        QCOMPARE(Kube::releaseNameProblem(name).isEmpty(), releaseOk);
    }

    void pathSegment_staysOneSegment()
    {
        QCOMPARE(Kube::pathSegment(QStringLiteral("shop")), QStringLiteral("shop"));
        QCOMPARE(Kube::pathSegment(QStringLiteral("a/../b?c#d e%")), QStringLiteral("a%2F..%2Fb%3Fc%23d%20e%25"));
        QCOMPARE(Kube::pathSegment(QStringLiteral("x\r\ny")), QStringLiteral("x%0D%0Ay"));
    }
};

QTEST_GUILESS_MAIN(TestApiNames)
#include "tst_apinames.moc"
