// Outside text in messages: escapes for control characters, and a cut for very long values.

#include "core/displaytext.h"

#include <QTest>

using namespace Curtain;

class TestDisplayText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void controlCharacters_becomeEscapes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("plain") << QStringLiteral("catalog") << QStringLiteral("catalog");
        QTest::newRow("colour") << QStringLiteral("\x1b[31mred") << QStringLiteral("\\x1b[31mred");
        QTest::newRow("fake line") << QStringLiteral("a\r\ncurtainctl: ok") << QStringLiteral("a\\r\\ncurtainctl: ok");
        QTest::newRow("title") << QStringLiteral("\x1b]0;pwned\x07") << QStringLiteral("\\x1b]0;pwned\\x07");
        QTest::newRow("C1") << QString(QChar(0x9b)) + QStringLiteral("2J") << QStringLiteral("\\x9b2J");
        QTest::newRow("bidi override") << QString(QChar(0x202e)) + QStringLiteral("txt.exe")
                                       << QStringLiteral("\\u202etxt.exe");
        QTest::newRow("not ascii stays") << QStringLiteral("grün → blau") << QStringLiteral("grün → blau");
    }

    void controlCharacters_becomeEscapes()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QCOMPARE(Core::shown(text), shown);
    }

    void longValues_areCut()
    {
        const QString name(100000, QLatin1Char('a'));
        const QString cut = Core::shown(name);
        QCOMPARE(cut.size(), 201);
        QVERIFY(cut.endsWith(QStringLiteral("a…")));
        QCOMPARE(Core::shown(name, 10), QStringLiteral("aaaaaaaaaa…"));
        QCOMPARE(Core::shown(QString(200, QLatin1Char('b'))), QString(200, QLatin1Char('b')));
        QCOMPARE(Core::withoutControlCharacters(name).size(), 100000);
    }

    // One token of a fleet file, an HAProxy address or a server URL: no control character of any
    // kind (a C1 one included: terminals act on some), no space of any kind.
    // On a status bar or beside a pod table: the host and port say where, the path and libcurl's
    // detail only make the line wrap (they stay in the tooltip).
    void briefly_keepsWhereNotHow_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("brief");
        QTest::newRow("unreachable")
            << QStringLiteral("cannot reach http://127.0.0.1:58681/apis/flagger.app/v1beta1/canaries?limit=500 "
                              "(Failed to connect to 127.0.0.1 port 58681 after 17 ms: Couldn't connect to server); "
                              "check that the cluster is running")
            << QStringLiteral("cannot reach http://127.0.0.1:58681; check that the cluster is running");
        QTest::newRow("url in parentheses")
            << QStringLiteral("stale (last list of https://api.example:6443/api/v1/pods)")
            << QStringLiteral("stale (last list of https://api.example:6443)");
        QTest::newRow("no url") << QStringLiteral("HTTP 503 (injected fault)")
                                << QStringLiteral("HTTP 503 (injected fault)");
    }
    void briefly_keepsWhereNotHow()
    {
        QFETCH(QString, message);
        QFETCH(QString, brief);
        QCOMPARE(Core::briefly(message), brief);
    }

    // A status line keeps what is wrong and leaves the advice to its tooltip.
    void headline_isTheFirstClauseBriefly()
    {
        QCOMPARE(Core::headline(QStringLiteral("cannot reach http://127.0.0.1:58681/api/v1/pods (Couldn't connect to "
                                               "server); check that the cluster is running and the address is right")),
                 QStringLiteral("cannot reach http://127.0.0.1:58681"));
        QCOMPARE(Core::headline(QStringLiteral("HTTP 503 (injected fault)")),
                 QStringLiteral("HTTP 503 (injected fault)"));
    }

    void tokens_refuseControlsAndSpaces_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("refused");
        QTest::newRow("plain") << QStringLiteral("https://10.0.0.7:6443/x") << false;
        QTest::newRow("not ascii") << QStringLiteral("grün-blau") << false;
        QTest::newRow("space") << QStringLiteral("http://h:1 /x") << true;
        QTest::newRow("tab") << QStringLiteral("a\tb") << true;
        QTest::newRow("NUL") << QString(QChar(0)) << true;
        QTest::newRow("CR") << QStringLiteral("a\rb") << true;
        QTest::newRow("DEL") << QString(QChar(0x7f)) << true;
        QTest::newRow("C1 CSI") << QString(QChar(0x9b)) + QStringLiteral("2J") << true;
        QTest::newRow("C1 NEL") << QStringLiteral("a") + QChar(0x85) << true;
        QTest::newRow("no-break space") << QStringLiteral("a") + QChar(0xa0) + QStringLiteral("b") << true;
        QTest::newRow("ideographic space") << QString(QChar(0x3000)) << true;
    }

    void tokens_refuseControlsAndSpaces()
    {
        QFETCH(QString, text);
        QFETCH(bool, refused);
        QCOMPARE(Core::hasControlOrSpace(text), refused);
    }
};

QTEST_GUILESS_MAIN(TestDisplayText)
#include "tst_displaytext.moc"
