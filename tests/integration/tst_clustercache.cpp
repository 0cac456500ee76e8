// The engine's cluster cache against real curtain-sim processes: a server restarted with other
// state is reloaded (and the console is told), a server that goes silent makes the data stale
// within the bound — and while stale only Rollback is let through.

#include "engine/releaseengine.h"
#include "engine/session.h"

#include "futurewait.h"
#include "testsupport.h"

#include <QTest>

#include <csignal>

using namespace Curtain;

class TestClusterCache : public QObject
{
    Q_OBJECT

    std::unique_ptr<Test::SimProcess> m_sim;
    Engine::SessionPtr m_session;
    Engine::ReleaseEngine *m_engine = nullptr;
    Core::ReleaseSnapshots m_releases;
    QStringList m_resets;                   // each cacheReset's detail
    QList<Core::DataFreshness> m_freshness; // each freshnessChanged

    void startSim(const QStringList &arguments)
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error, arguments), qPrintable(error));
    }

    void startEngine(int liveBoundMs = 0)
    {
        m_session = Engine::Session::openEndpoint({QStringLiteral("sim"), m_sim->url()});
        m_engine = m_session->engine();
        if (liveBoundMs > 0) {
            m_engine->setLiveBound(liveBoundMs);
        }
        // Recorded on this thread: the engine emits on its network thread, where a QSignalSpy would
        // append while the test reads.
        connect(m_engine, &Engine::ReleaseEngine::releasesChanged, this,
                [this](const Core::ReleaseSnapshots &releases) { m_releases = releases; });
        connect(m_engine, &Engine::ReleaseEngine::cacheReset, this,
                [this](const QString &detail) { m_resets << detail; });
        connect(m_engine, &Engine::ReleaseEngine::freshnessChanged, this,
                [this](const Core::DataFreshness &freshness) { m_freshness << freshness; });
        m_engine->start();
        const auto synced = Test::waitFor(m_engine->whenSynced());
        QVERIFY2(synced.ok(), synced.ok() ? "" : qPrintable(synced.error().message));
        m_releases = synced.value();
    }

    int releasesIn(const QString &namespaceName) const
    {
        return int(std::count_if(m_releases.cbegin(), m_releases.cend(),
                                 [&](const Core::ReleaseSnapshot &r) { return r.namespaceName == namespaceName; }));
    }

private Q_SLOTS:
    void cleanup()
    {
        if (m_sim && m_sim->pid() > 0) {
            ::kill(pid_t(m_sim->pid()), SIGCONT); // never leave a stopped process behind
        }
        m_session.reset();
        m_sim.reset();
        m_releases.clear();
        m_resets.clear();
        m_freshness.clear();
    }

    void restartedServer_isReloadedAndSaid()
    {
        startSim({QStringLiteral("--extra-releases"), QStringLiteral("25")});
        startEngine();
        QCOMPARE(releasesIn(QStringLiteral("fleet")), 25);
        const QString port = QString::number(m_sim->port());
        m_resets.clear();

        // The same address now serves another cluster: the demo alone, with fewer objects, so its
        // resourceVersions are behind everything the engine has seen.
        m_sim.reset();
        startSim({QStringLiteral("--port"), port});
        QTRY_VERIFY_WITH_TIMEOUT(!m_resets.isEmpty(), 30000);
        QVERIFY2(m_resets.first().contains(QStringLiteral("went back")), qPrintable(m_resets.first()));
        QTRY_COMPARE_WITH_TIMEOUT(releasesIn(QStringLiteral("fleet")), 0, 10000);
        QVERIFY(releasesIn(QStringLiteral("demo")) > 0);
    }

    void silentServer_isStaleWithinTheBound_andOnlyRollbackPasses()
    {
        startSim({});
        startEngine(4000); // the console's 15 s, shortened: stale 4 s after the server goes silent
        m_freshness.clear();
        QCOMPARE(::kill(pid_t(m_sim->pid()), SIGSTOP), 0); // answers nothing, closes nothing

        auto lastFreshness = [&] {
            return m_freshness.isEmpty() ? Core::DataFreshness{true, true, {}, 15, {}} : m_freshness.last();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!lastFreshness().live, 30000);
        QVERIFY2(lastFreshness().reason.contains(QStringLiteral("not answered")), qPrintable(lastFreshness().reason));
        QVERIFY(lastFreshness().lastContact.isValid());

        // Nothing moves on a stale view; the capabilities say why.
        QTRY_VERIFY(!m_releases.isEmpty() && !m_releases.front().capabilities.setWeight.enabled);
        QVERIFY(m_releases.front().capabilities.setWeight.reason.contains(QStringLiteral("stale")));
        const auto refused = Test::waitFor(
            m_engine->perform({Core::ActionKind::SetWeight, QStringLiteral("demo/catalog"), 40, {}}), 5000);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, Core::ErrorKind::Refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("stale")), qPrintable(refused.error().message));

        QCOMPARE(::kill(pid_t(m_sim->pid()), SIGCONT), 0);
        QTRY_VERIFY_WITH_TIMEOUT(lastFreshness().live, 30000);
        QTRY_VERIFY(!m_releases.front().capabilities.promote.reason.contains(QStringLiteral("stale")));
    }
};

QTEST_MAIN(TestClusterCache)
#include "tst_clustercache.moc"
