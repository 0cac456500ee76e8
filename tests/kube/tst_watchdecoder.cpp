// Watch bodies arrive in arbitrary slices; errors arrive as Status bodies or plain text.

#include "kube/apierror.h"
#include "kube/watchdecoder.h"

#include <QTest>

using namespace Curtain;
using namespace Curtain::Kube;

class TestWatchDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void feed_splitsOnNewlinesWhateverTheSlices_data()
    {
        QTest::addColumn<int>("sliceSize");
        for (int size : {1, 2, 7, 64, 4096}) {
            QTest::addRow("slices of %d", size) << size;
        }
    }

    void feed_splitsOnNewlinesWhateverTheSlices()
    {
        QFETCH(int, sliceSize);
        // (No raw string literals here: moc cannot parse them.)
        const QByteArray body =
            "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"5\"}}}\n"
            "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"6\"}}}\n"
            "\n"
            "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Service\",\"metadata\":{\"resourceVersion\":\"9\"}}}\n"
            "{\"type\":\"DELETED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"10\"}}}\n";
        WatchDecoder decoder;
        QList<WatchEventType> types;
        QStringList versions;
        for (qsizetype i = 0; i < body.size(); i += sliceSize) {
            for (const auto &event : decoder.feed(body.mid(i, sliceSize))) {
                QVERIFY(event.ok());
                types << event.value().type;
                versions << resourceVersion(event.value().object);
            }
        }
        QCOMPARE(types, (QList<WatchEventType>{WatchEventType::Added, WatchEventType::Modified,
                                               WatchEventType::Bookmark, WatchEventType::Deleted}));
        QCOMPARE(versions,
                 (QStringList{QStringLiteral("5"), QStringLiteral("6"), QStringLiteral("9"), QStringLiteral("10")}));
        QCOMPARE(decoder.pendingBytes(), 0);
    }

    void feed_keepsAnUnfinishedEventForLater()
    {
        WatchDecoder decoder;
        QVERIFY(decoder.feed("{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}").isEmpty());
        QVERIFY(decoder.pendingBytes() > 0);
        QCOMPARE(decoder.feed("}\n").size(), 1);
    }

    void malformedLines_becomeProtocolErrors_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("<html>proxy error</html>\n") << QStringLiteral("not valid JSON");
        QTest::newRow("no object") << QByteArray("{\"type\":\"ADDED\"}\n") << QStringLiteral("has no object");
        QTest::newRow("unknown type") << QByteArray("{\"type\":\"RENAMED\",\"object\":{}}\n")
                                      << QStringLiteral("RENAMED");
    }

    void malformedLines_becomeProtocolErrors()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, mentions);
        WatchDecoder decoder;
        const auto events = decoder.feed(line);
        QCOMPARE(events.size(), 1);
        QVERIFY(!events.front().ok());
        QCOMPARE(events.front().error().kind, Core::ErrorKind::Protocol);
        QVERIFY2(events.front().error().message.contains(mentions), qPrintable(events.front().error().message));
    }

    void apiError_readsTheStatusMessage()
    {
        const QByteArray body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                "\"message\":\"services \\\"x\\\" not found\",\"reason\":\"NotFound\",\"code\":404}";
        const Core::Error error = apiError(404, body, QStringLiteral("GET services/x"));
        QCOMPARE(error.kind, Core::ErrorKind::NotFound);
        QCOMPARE(error.httpStatus, 404);
        QCOMPARE(error.message, QStringLiteral("GET services/x: services \"x\" not found (HTTP 404)"));
    }

    void apiError_withoutStatusBody_usesTheGenericWording()
    {
        const Core::Error error =
            apiError(429, "Too many requests, please try again later.\n", QStringLiteral("LIST deployments"));
        QCOMPARE(error.kind, Core::ErrorKind::Server);
        QVERIFY(error.message.contains(QStringLiteral("too many requests")));
    }

    void deeplyNestedObject_isAnErrorNotACrash()
    {
        // Parsing is iterative, but copying the object recursed once per level: a 100-kilobyte
        // event of nested arrays overflowed the stack.
        const int depth = 200'000;
        const QByteArray line =
            "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"},\"spec\":" + QByteArray(depth, '[') +
            QByteArray(depth, ']') + "}}";
        const auto event = decodeWatchLine(line);
        QVERIFY(!event.ok());
        QCOMPARE(event.error().kind, Core::ErrorKind::Protocol);
        QVERIFY2(event.error().message.contains(QStringLiteral("deeper than 100 levels")),
                 qPrintable(event.error().message));
        QVERIFY(event.error().message.size() < 400);
    }
};

QTEST_GUILESS_MAIN(TestWatchDecoder)
#include "tst_watchdecoder.moc"
