// curtain-backend, the real program: started on free ports, asked over real HTTP, stopped by signal.
// Its /metrics is read with the console's own exposition parser, so a name or label the judge
// would not find fails here.

#include "metrics/exposition.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QProcess>
#include <QTest>

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>

using namespace Curtain;

namespace {

struct Pod
{
    QString name;
    int port = 0;
};

// One curtain-backend process, terminated (and waited for) when it goes away.
class BackendProcess
{
public:
    ~BackendProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(2000);
            }
        }
    }

    // Starts it with `arguments` and waits for its one line per pod; false with `error` otherwise.
    bool start(const QStringList &arguments, int pods, QString *error)
    {
        const QString program = Test::binary(QStringLiteral("curtain-backend"));
        if (!QFileInfo(program).isExecutable()) {
            *error = QStringLiteral("%1 is missing: build the curtain-backend target").arg(program);
            return false;
        }
        Test::endsWithTheTest(m_process);
        m_process.start(program, arguments);
        if (!m_process.waitForStarted(5000)) {
            *error = QStringLiteral("curtain-backend did not start: %1").arg(m_process.errorString());
            return false;
        }
        QByteArray output;
        while (output.count('\n') < pods) {
            if (!m_process.waitForReadyRead(10'000)) {
                *error = QStringLiteral("curtain-backend printed %1 of %2 pod lines; standard error: %3")
                             .arg(output.count('\n'))
                             .arg(pods)
                             .arg(QString::fromUtf8(m_process.readAllStandardError()));
                return false;
            }
            output += m_process.readAllStandardOutput();
        }
        for (const QByteArray &line : output.trimmed().split('\n')) {
            const QList<QByteArray> words = line.split(' ');
            const int port = words.size() == 2 ? words[1].mid(words[1].lastIndexOf(':') + 1).toInt() : 0;
            if (port <= 0 || !words[1].startsWith("127.0.0.1:")) {
                *error = QStringLiteral("not \"POD 127.0.0.1:PORT\": %1").arg(QString::fromUtf8(line));
                return false;
            }
            m_pods.append({QString::fromUtf8(words[0]), port});
        }
        return true;
    }

    const QList<Pod> &pods() const { return m_pods; }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QList<Pod> m_pods;
};

std::unique_ptr<httplib::Client> clientFor(int port)
{
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port);
    client->set_keep_alive(true);
    client->set_read_timeout(10, 0);
    return client;
}

// What a raw TCP client gets back for `bytes` (up to the first 4 KiB), or empty.
QByteArray rawExchange(int port, const QByteArray &bytes)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(quint16(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    QByteArray reply;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0) {
        ::send(fd, bytes.constData(), std::size_t(bytes.size()), MSG_NOSIGNAL);
        char buffer[4096];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            reply = QByteArray(buffer, n);
        }
    }
    ::close(fd);
    return reply;
}

QList<Metrics::Sample> scrape(int port)
{
    const auto res = clientFor(port)->Get("/metrics");
    if (!res || res->status != 200) {
        return {};
    }
    const auto samples = Metrics::parseExposition(QByteArray::fromStdString(res->body));
    return samples.ok() ? samples.value() : QList<Metrics::Sample>();
}

double requestsWithCode(const QList<Metrics::Sample> &samples, const QString &code)
{
    double total = 0;
    for (const auto &s : samples) {
        if (s.name == QLatin1String("http_requests_total") && s.labels.value(QStringLiteral("code")) == code) {
            total += s.value;
        }
    }
    return total;
}

} // namespace

class TestBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void servesEachPod();
    void errorRateAndExactMetrics();
    void controlChangesBehaviour();
    void survivesBadClients();
    void exitsZeroOnSigterm();
    void endsWithItsParent();
    void refusesBadCommandLine();

private:
    std::unique_ptr<BackendProcess> m_backend;

    bool startBackend(const QStringList &arguments, int pods)
    {
        m_backend = std::make_unique<BackendProcess>();
        QString error;
        const bool started = m_backend->start(arguments, pods, &error);
        if (!started) {
            qWarning("%s", qPrintable(error));
        }
        return started;
    }
};

void TestBackend::cleanup()
{
    m_backend.reset();
}

void TestBackend::servesEachPod()
{
    QVERIFY(startBackend({QStringLiteral("--color"), QStringLiteral("blue"), QStringLiteral("--version"),
                          QStringLiteral("v1.4.0"), QStringLiteral("--pods"), QStringLiteral("2"),
                          QStringLiteral("--latency"), QStringLiteral("1ms")},
                         2));
    const QList<Pod> &pods = m_backend->pods();
    QCOMPARE(pods.size(), 2);
    QCOMPARE(pods[0].name, QStringLiteral("blue-1"));
    QCOMPARE(pods[1].name, QStringLiteral("blue-2"));
    QVERIFY(pods[0].port != pods[1].port);
    for (const Pod &pod : pods) {
        auto client = clientFor(pod.port);
        for (const char *path : {"/", "/checkout/cart?item=3"}) {
            const auto res = client->Get(path);
            QVERIFY2(res, path);
            QCOMPARE(res->status, 200);
            QCOMPARE(QString::fromStdString(res->body).trimmed(), QStringLiteral("blue v1.4.0 ") + pod.name);
        }
        const auto health = client->Get("/healthz");
        QVERIFY(health);
        QCOMPARE(health->status, 200);
        // /healthz and /metrics are not traffic: the two GETs above are all there is.
        const auto samples = scrape(pod.port);
        QCOMPARE(Metrics::readCounters(samples, 0).requests, 2.0);
    }
}

void TestBackend::errorRateAndExactMetrics()
{
    QVERIFY(startBackend({QStringLiteral("--color"), QStringLiteral("green"), QStringLiteral("--version"),
                          QStringLiteral("v1.5.0"), QStringLiteral("--error-rate"), QStringLiteral("0.5"),
                          QStringLiteral("--latency"), QStringLiteral("0"), QStringLiteral("--deployment"),
                          QStringLiteral("checkout-green")},
                         1));
    const int port = m_backend->pods().front().port;
    auto client = clientFor(port);
    int ok = 0;
    int failed = 0;
    for (int i = 0; i < 400; ++i) {
        const auto res = client->Get("/");
        QVERIFY(res);
        QVERIFY2(res->status == 200 || res->status == 500, qPrintable(QString::number(res->status)));
        (res->status == 200 ? ok : failed) += 1;
    }
    // Binomial(400, 0.5): a standard deviation of 10, so 140–260 is six of them each side.
    QVERIFY2(failed >= 140 && failed <= 260, qPrintable(QStringLiteral("%1 of 400 failed").arg(failed)));

    const auto samples = scrape(port);
    QVERIFY(!samples.isEmpty());
    QCOMPARE(requestsWithCode(samples, QStringLiteral("200")), double(ok));
    QCOMPARE(requestsWithCode(samples, QStringLiteral("500")), double(failed));
    const Metrics::CounterReading reading = Metrics::readCounters(samples, 0);
    QCOMPARE(reading.requests, 400.0);
    QCOMPARE(reading.errors, double(failed));
    QVERIFY(!reading.buckets.empty());
    QCOMPARE(reading.buckets.back().second, 400.0); // +Inf holds every request
    for (const auto &s : samples) {
        if (s.name.startsWith(QLatin1String("http_request"))) {
            QCOMPARE(s.labels.value(QStringLiteral("deployment")), QStringLiteral("checkout-green"));
            QCOMPARE(s.labels.value(QStringLiteral("version")), QStringLiteral("v1.5.0"));
            QCOMPARE(s.labels.value(QStringLiteral("color")), QStringLiteral("green"));
            QCOMPARE(s.labels.value(QStringLiteral("pod")), QStringLiteral("green-1"));
        }
    }
}

void TestBackend::controlChangesBehaviour()
{
    QVERIFY(startBackend({QStringLiteral("--color"), QStringLiteral("blue"), QStringLiteral("--version"),
                          QStringLiteral("v1.4.0"), QStringLiteral("--pods"), QStringLiteral("2"),
                          QStringLiteral("--latency"), QStringLiteral("0")},
                         2));
    const int port = m_backend->pods().front().port;
    const int other = m_backend->pods().back().port;
    auto client = clientFor(port);
    for (int i = 0; i < 50; ++i) {
        const auto res = client->Get("/");
        QVERIFY(res);
        QCOMPARE(res->status, 200);
    }

    const auto set = client->Post("/control", "error-rate=1", "application/x-www-form-urlencoded");
    QVERIFY(set);
    QCOMPARE(set->status, 200);
    QVERIFY2(QString::fromStdString(set->body).contains(QStringLiteral("\"error-rate\":1")), set->body.c_str());
    for (int i = 0; i < 50; ++i) {
        const auto res = client->Get("/");
        QVERIFY(res);
        QCOMPARE(res->status, 500);
    }
    // Only the pod that was told: its sibling still serves.
    const auto sibling = clientFor(other)->Get("/");
    QVERIFY(sibling);
    QCOMPARE(sibling->status, 200);

    // A bad field is refused by name and changes nothing.
    const auto bad = client->Post("/control", R"({"error-rate": 2})", "application/json");
    QVERIFY(bad);
    QCOMPARE(bad->status, 400);
    QVERIFY2(QString::fromStdString(bad->body).contains(QStringLiteral("error-rate")), bad->body.c_str());
    const auto still = client->Get("/");
    QVERIFY(still);
    QCOMPARE(still->status, 500);

    const auto unhealthy = client->Post("/control", R"({"healthy": false, "error-rate": 0})", "application/json");
    QVERIFY(unhealthy);
    QCOMPARE(unhealthy->status, 200);
    const auto health = client->Get("/healthz");
    QVERIFY(health);
    QCOMPARE(health->status, 503);
    const auto served = client->Get("/");
    QVERIFY(served);
    QCOMPARE(served->status, 200);

    const auto samples = scrape(port);
    QCOMPARE(requestsWithCode(samples, QStringLiteral("200")), 51.0);
    QCOMPARE(requestsWithCode(samples, QStringLiteral("500")), 51.0);
}

void TestBackend::survivesBadClients()
{
    QVERIFY(startBackend({QStringLiteral("--color"), QStringLiteral("blue"), QStringLiteral("--version"),
                          QStringLiteral("v1.4.0"), QStringLiteral("--latency"), QStringLiteral("0"),
                          QStringLiteral("--threads"), QStringLiteral("4")},
                         1));
    const int port = m_backend->pods().front().port;

    // Malformed requests: each is answered 4xx (or its connection closed), and none stops the pod.
    const QByteArray method = rawExchange(port, "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY2(method.startsWith("HTTP/1.1 4"), method.constData());
    const QByteArray hugeHeader =
        rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(200'000, 'a') + "\r\n\r\n");
    QVERIFY2(hugeHeader.isEmpty() || hugeHeader.startsWith("HTTP/1.1 4"), hugeHeader.left(100).constData());
    const QByteArray hugeBody =
        rawExchange(port, "POST /control HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\n\r\nerror-rate=1");
    QVERIFY2(hugeBody.startsWith("HTTP/1.1 413"), hugeBody.left(100).constData());
    const QByteArray garbage = rawExchange(port, QByteArray("\x00\x01\xff\r\n\r\n", 7));
    QVERIFY2(garbage.isEmpty() || garbage.startsWith("HTTP/1.1 4"), garbage.left(100).constData());

    // Slow clients: more half-sent requests than the pod has workers. Each loses its connection to
    // the read timeout (5 s per read), so an ordinary request queued behind them is still answered.
    std::vector<int> slow;
    for (int i = 0; i < 6; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(quint16(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
        ::send(fd, "GET / HTTP/1.1\r\nHost: x\r\n", 25, MSG_NOSIGNAL);
        slow.push_back(fd);
    }
    auto patient = clientFor(port);
    patient->set_read_timeout(60, 0);
    const auto res = patient->Get("/");
    for (const int fd : slow) {
        ::close(fd);
    }
    QVERIFY(res);
    QCOMPARE(res->status, 200);
    // The 10 MB body's error-rate=1 was never applied.
    const auto control = clientFor(port)->Get("/control");
    QVERIFY(control);
    QVERIFY2(QString::fromStdString(control->body).contains(QStringLiteral("\"error-rate\":0")), control->body.c_str());
    QCOMPARE(m_backend->process().state(), QProcess::Running);
}

void TestBackend::exitsZeroOnSigterm()
{
    QVERIFY(startBackend({QStringLiteral("--color"), QStringLiteral("green"), QStringLiteral("--version"),
                          QStringLiteral("v2"), QStringLiteral("--pods"), QStringLiteral("3")},
                         3));
    const auto res = clientFor(m_backend->pods().back().port)->Get("/");
    QVERIFY(res);
    QCOMPARE(res->status, 200);
    QProcess &process = m_backend->process();
    process.terminate();
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    // Its ports are closed with it.
    QVERIFY(!clientFor(m_backend->pods().front().port)->Get("/healthz"));
}

// A script that starts pods and dies leaves no listener behind: the kernel tells the backend when
// its parent goes (PR_SET_PDEATHSIG), and it stops as on SIGTERM.
void TestBackend::endsWithItsParent()
{
    QProcess parent;
    Test::endsWithTheTest(parent);
    parent.setProcessChannelMode(QProcess::MergedChannels);
    // The shell starts the backend in the background (its standard input is then /dev/null), says
    // its pid, and lives until the test closes the shell's standard input.
    parent.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"), QStringLiteral("\"$0\" \"$@\" & echo \"pid $!\"; read line"),
                  Test::binary(QStringLiteral("curtain-backend")), QStringLiteral("--color"), QStringLiteral("blue"),
                  QStringLiteral("--version"), QStringLiteral("v1"), QStringLiteral("--latency"), QStringLiteral("0")});
    QVERIFY(parent.waitForStarted(5000));
    QByteArray output;
    while (!(output.contains("pid ") && output.contains("blue-1 ") && output.endsWith('\n'))) {
        QVERIFY2(parent.waitForReadyRead(10'000), output.constData());
        output += parent.readAll();
    }
    long long pid = 0;
    int port = 0;
    for (const QByteArray &line : output.trimmed().split('\n')) {
        if (line.startsWith("pid ")) {
            pid = line.mid(4).toLongLong();
        } else if (line.startsWith("blue-1 ")) {
            port = line.mid(line.lastIndexOf(':') + 1).toInt();
        }
    }
    QVERIFY2(pid > 0 && port > 0, output.constData());
    const auto res = clientFor(port)->Get("/");
    QVERIFY(res);
    QCOMPARE(res->status, 200);

    parent.closeWriteChannel();
    QVERIFY(parent.waitForFinished(10'000));
    // Gone, or a zombie waiting for its new parent to reap it: either way no longer running.
    const auto running = [pid] {
        const QByteArray stat = Test::readFile(QStringLiteral("/proc/%1/stat").arg(pid));
        const qsizetype state = stat.lastIndexOf(')') + 2;
        return !stat.isEmpty() && stat.size() > state && stat.at(state) != 'Z';
    };
    QTRY_VERIFY_WITH_TIMEOUT(!running(), 10'000);
    QVERIFY(!clientFor(port)->Get("/healthz"));
}

void TestBackend::refusesBadCommandLine()
{
    QProcess process;
    Test::endsWithTheTest(process);
    process.start(Test::binary(QStringLiteral("curtain-backend")),
                  {QStringLiteral("--color"), QStringLiteral("blue"), QStringLiteral("--version"), QStringLiteral("v1"),
                   QStringLiteral("--pods"), QStringLiteral("0")});
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains(QStringLiteral("--pods \"0\"")), qPrintable(error));
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

QTEST_GUILESS_MAIN(TestBackend)
#include "tst_backend.moc"
