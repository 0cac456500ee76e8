// The HTTP layer on a loopback server: replies, streams that deliver as the server sends, timeouts,
// cancellation and unreachable hosts, all driven by the Qt event loop.

#include "net/httpclient.h"

#include <QSignalSpy>
#include <QTest>

#include "futurewait.h"

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace Curtain;

namespace {} // namespace

class TestHttpClient : public QObject
{
    Q_OBJECT

    httplib::Server m_server;
    std::thread m_serving;
    int m_port = 0;
    std::mutex m_mutex;
    std::condition_variable m_released;
    bool m_release = false;
    bool m_stopping = false;
    std::atomic<int> m_requests{0}; // to /hello

    QString url(const char *path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(QLatin1String(path));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server.Get("/hello", [this](const httplib::Request &req, httplib::Response &res) {
            ++m_requests;
            res.set_header("Retry-After", "7");
            res.set_content("hello " + req.get_header_value("X-Who"), "text/plain");
        });
        m_server.Get("/slow", [this](const httplib::Request &, httplib::Response &res) {
            std::unique_lock lock(m_mutex);
            m_released.wait_for(lock, std::chrono::seconds(5), [this] { return m_stopping; });
            res.set_content("late", "text/plain");
        });
        m_server.Get("/stream", [this](const httplib::Request &, httplib::Response &res) {
            res.set_chunked_content_provider("application/x-ndjson", [this](size_t offset, httplib::DataSink &sink) {
                if (offset == 0) {
                    return sink.write("first\n", 6);
                }
                std::unique_lock lock(m_mutex);
                m_released.wait(lock, [this] { return m_release || m_stopping; });
                if (m_release) {
                    sink.write("second\n", 7);
                }
                sink.done();
                return true;
            });
        });
        m_server.Get("/forever", [this](const httplib::Request &, httplib::Response &res) {
            res.set_chunked_content_provider("application/x-ndjson", [this](size_t, httplib::DataSink &sink) {
                std::unique_lock lock(m_mutex);
                m_released.wait_for(lock, std::chrono::milliseconds(200), [this] { return m_stopping; });
                if (m_stopping) {
                    sink.done();
                    return true;
                }
                return sink.write("tick\n", 5);
            });
        });
        // Streams hold a worker each, and idle keep-alive connections too.
        m_server.new_task_queue = [] { return new httplib::ThreadPool(64); };
        m_server.set_keep_alive_timeout(1);
        m_port = m_server.bind_to_any_port("127.0.0.1");
        QVERIFY(m_port > 0);
        m_serving = std::thread([this] { m_server.listen_after_bind(); });
    }

    void cleanupTestCase()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_released.notify_all();
        m_server.stop();
        m_serving.join();
    }

    void get_returnsStatusHeadersAndBody()
    {
        Net::HttpClient http;
        Net::HttpRequest request;
        request.url = url("/hello");
        request.headers.append({QByteArrayLiteral("X-Who"), QByteArrayLiteral("curtain")});
        const auto reply = Test::waitFor(http.send(request));
        QVERIFY(reply.ok());
        QCOMPARE(reply.value().status, 200);
        QCOMPARE(reply.value().body, QByteArrayLiteral("hello curtain"));
        QCOMPARE(reply.value().header("retry-after"), QByteArrayLiteral("7"));
    }

    void slowReply_endsInATimeoutError()
    {
        Net::HttpClient http;
        Net::HttpRequest request;
        request.url = url("/slow");
        request.timeoutMs = 300;
        const auto reply = Test::waitFor(http.send(request));
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().kind, Core::ErrorKind::Timeout);
        QVERIFY(reply.error().message.contains(QStringLiteral("/slow")));
    }

    void stream_deliversEachPieceAsTheServerSendsIt()
    {
        Net::HttpClient http;
        Net::HttpRequest request;
        request.url = url("/stream");
        request.timeoutMs = 0;
        QByteArray received;
        bool finished = false;
        bool ok = false;
        http.openStream(request, {[&](const QByteArray &chunk) { received += chunk; },
                                  [&](const Core::Result<Net::HttpResponse> &end) {
                                      finished = true;
                                      ok = end.ok() && end.value().status == 200;
                                  }});
        QTRY_COMPARE(received, QByteArrayLiteral("first\n"));
        QVERIFY(!finished); // the first line arrived while the reply was still open
        {
            std::lock_guard lock(m_mutex);
            m_release = true;
        }
        m_released.notify_all();
        QTRY_VERIFY(finished);
        QVERIFY(ok);
        QCOMPARE(received, QByteArrayLiteral("first\nsecond\n"));
    }

    void cancel_endsAStreamWithCancelled()
    {
        Net::HttpClient http;
        Net::HttpRequest request;
        request.url = url("/forever");
        request.timeoutMs = 0;
        int chunks = 0;
        std::optional<Core::ErrorKind> end;
        const Net::StreamId id =
            http.openStream(request, {[&](const QByteArray &) { ++chunks; },
                                      [&](const Core::Result<Net::HttpResponse> &result) {
                                          end = result.ok() ? std::optional<Core::ErrorKind>() : result.error().kind;
                                      }});
        QTRY_VERIFY(chunks > 0);
        http.cancel(id);
        QTRY_VERIFY(end.has_value());
        QCOMPARE(*end, Core::ErrorKind::Cancelled);
        QTRY_COMPARE(http.activeTransfers(), 0);
    }

    void refusedConnection_isUnreachableAndNamesTheUrl()
    {
        Net::HttpClient http;
        Net::HttpRequest request;
        request.url = QStringLiteral("http://127.0.0.1:1/version");
        const auto reply = Test::waitFor(http.send(request));
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().kind, Core::ErrorKind::Unreachable);
        QVERIFY(reply.error().message.contains(QStringLiteral("http://127.0.0.1:1/version")));
    }

    void otherProtocols_areRefusedBeforeAnyTransfer_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("file") << QStringLiteral("file:///etc/hostname");
        QTest::newRow("ftp") << QStringLiteral("ftp://127.0.0.1:%1/").arg(m_port);
        QTest::newRow("dict") << QStringLiteral("dict://127.0.0.1:%1/").arg(m_port);
    }

    void otherProtocols_areRefusedBeforeAnyTransfer()
    {
        QFETCH(QString, url);
        Net::HttpClient http;
        Net::HttpRequest request;
        request.url = url;
        const auto reply = Test::waitFor(http.send(request));
        QVERIFY2(!reply.ok(), qPrintable(QString::fromUtf8(reply.ok() ? reply.value().body : QByteArray())));
        QCOMPARE(reply.error().kind, Core::ErrorKind::InvalidInput);
        QVERIFY2(reply.error().message.contains(QStringLiteral("only http:// and https:// URLs are allowed")),
                 qPrintable(reply.error().message));
        QCOMPARE(http.activeTransfers(), 0);
    }

    void controlBytesInAHeader_areRefusedAndNothingIsSent_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        // A token that would add a header of its own: once sent as two headers.
        QTest::newRow("CR LF in the value")
            << QByteArray("Authorization") << QByteArray("Bearer abc\r\nImpersonate-User: system:admin");
        QTest::newRow("LF in the value") << QByteArray("Authorization") << QByteArray("Bearer abc\nX-Other: 1");
        QTest::newRow("NUL in the value") << QByteArray("Authorization") << QByteArray("Bearer abc\0def", 14);
        QTest::newRow("ESC in the value") << QByteArray("X-Who") << QByteArray("\x1b[31mred");
        QTest::newRow("colon in the name") << QByteArray("X-Who: injected\r\nX-Other") << QByteArray("1");
        QTest::newRow("space in the name") << QByteArray("X Who") << QByteArray("1");
    }

    void controlBytesInAHeader_areRefusedAndNothingIsSent()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        const int before = m_requests.load();
        Net::HttpClient http;
        Net::HttpRequest request;
        request.url = url("/hello");
        request.headers.append({name, value});
        const auto reply = Test::waitFor(http.send(request));
        QVERIFY2(!reply.ok(), qPrintable(QString::fromUtf8(reply.ok() ? reply.value().body : QByteArray())));
        QCOMPARE(reply.error().kind, Core::ErrorKind::InvalidInput);
        QVERIFY2(reply.error().message.contains(QStringLiteral("refusing to send")), qPrintable(reply.error().message));
        QVERIFY2(!reply.error().message.contains(QStringLiteral("abc")), qPrintable(reply.error().message));
        QCOMPARE(m_requests.load(), before);
    }

    void manyRequestsAtOnce_allComeBack()
    {
        Net::HttpClient http;
        QList<QFuture<Core::Result<Net::HttpResponse>>> futures;
        for (int i = 0; i < 50; ++i) {
            Net::HttpRequest request;
            request.url = url("/hello");
            futures << http.send(request);
        }
        for (auto &future : futures) {
            const auto reply = Test::waitFor(future);
            QVERIFY2(reply.ok(), qPrintable(reply.ok() ? QString() : reply.error().message));
            QCOMPARE(reply.value().status, 200);
        }
    }
};

QTEST_GUILESS_MAIN(TestHttpClient)
#include "tst_httpclient.moc"
