// Informer backoff and the cluster cache's liveness on a clock turned by hand: every request is
// real (a refused port, a real curtain-sim), only the time between them is fake, so a 30 s backoff
// ceiling and a 15 s liveness bound are tested in the time a few requests take.

#include "core/clock.h"
#include "engine/clustercache.h"
#include "kube/informer.h"
#include "kube/kubeclient.h"
#include "net/httpclient.h"

#include "futurewait.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

#include <arpa/inet.h>
#include <csignal>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Curtain;

class TestFakeClock : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::SimProcess> m_sim;

    // A loopback port nobody listens on: every connection is refused at once.
    static int refusedPort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        ::bind(fd, reinterpret_cast<sockaddr *>(&address), length);
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
        ::close(fd); // bound, never listening, now closed
        return ntohs(address.sin_port);
    }

private Q_SLOTS:
    void cleanup()
    {
        if (m_sim && m_sim->pid() > 0) {
            ::kill(pid_t(m_sim->pid()), SIGCONT); // never leave a stopped process behind
        }
        m_sim.reset();
    }

    void informer_backsOffDoublingWithJitterUpTo30s()
    {
        Net::HttpClient http;
        Kube::KubeClient client(&http,
                                {QStringLiteral("nowhere"), QStringLiteral("http://127.0.0.1:%1").arg(refusedPort())});
        Core::ManualClock clock;
        Kube::Informer informer(&client, QStringLiteral("/api/v1/services"), {}, false, nullptr, &clock);
        QList<qint64> attempts; // fake time of each list request
        QList<qint64> failures; // and of each refusal
        connect(&informer, &Kube::Informer::stateChanged, this, [&](Kube::Informer::State state) {
            (state == Kube::Informer::State::Listing ? attempts : failures) << clock.nowMs();
        });
        informer.start();
        for (int i = 0; i < 10; ++i) {
            // The refusal arrives in real time; then the next try waits on the fake clock alone.
            QTRY_COMPARE_WITH_TIMEOUT(informer.state(), Kube::Informer::State::Retrying, 5000);
            QCOMPARE(clock.pending(), 1);
            clock.advance(40'000); // past the longest backoff: exactly one more try
            QCOMPARE(attempts.size(), i + 2);
        }
        // Each wait is 0.8 s × 2^(n-1), capped at 30 s, times a jitter of 0.8–1.2.
        for (int n = 1; n < attempts.size(); ++n) {
            const qint64 waited = attempts[n] - failures[n - 1];
            const double base = std::min(30'000.0, 800.0 * (1 << std::min(n - 1, 6)));
            QVERIFY2(
                waited >= qint64(base * 0.8) - 1 && waited <= qint64(base * 1.2) + 1,
                qPrintable(QStringLiteral("wait %1 was %2 ms, expected about %3 ms").arg(n).arg(waited).arg(base)));
        }
        QVERIFY(attempts.last() - failures[failures.size() - 2] >= 24'000); // the ceiling is reached
        QVERIFY(!informer.lastError().isEmpty());                           // and the reason is kept for the status bar
    }

    void cache_isStaleAfterTheBoundOfSilence_andLiveAgainWhenHeard()
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error), qPrintable(error));
        Net::HttpClient http;
        Kube::KubeClient client(&http, {QStringLiteral("sim"), m_sim->url()});
        Core::ManualClock clock;
        Engine::ClusterCache::Options options;
        options.clock = &clock;
        Engine::ClusterCache cache(&client, QStringLiteral("demo"), options);
        cache.start();
        QTRY_VERIFY_WITH_TIMEOUT(cache.hasSynced(), 10000);
        clock.advance(1000);
        QVERIFY(cache.freshness().live);

        QCOMPARE(::kill(pid_t(m_sim->pid()), SIGSTOP), 0); // answers nothing, closes nothing
        clock.advance(14'000);
        QVERIFY2(cache.freshness().live, qPrintable(cache.freshness().reason)); // within the bound
        clock.advance(2'000);
        QVERIFY(!cache.freshness().live);
        QCOMPARE(cache.state(), Engine::ConnectionState::Stale);
        QCOMPARE(cache.freshness().reason, QStringLiteral("the server has not answered for over 15 s"));

        QCOMPARE(::kill(pid_t(m_sim->pid()), SIGCONT), 0);
        // The heartbeat's /version probe answers in real time; the next look makes the cache live.
        QTRY_VERIFY_WITH_TIMEOUT((clock.advance(1000), cache.freshness().live), 15000);
        QCOMPARE(cache.state(), Engine::ConnectionState::Live);
    }
};

QTEST_GUILESS_MAIN(TestFakeClock)
#include "tst_fakeclock.moc"
