#pragma once

#include "engine/releaseengine.h"
#include "engine/session.h"

#include "futurewait.h"
#include "testsupport.h"

#include <memory>

namespace Curtain::Test {

// A curtain-sim process and a session watching it, synced: what the integration tests that drive
// actions share. Call start() from initTestCase and QVERIFY2 its result.
class SimEngine
{
public:
    bool start(QString *error, const QStringList &simArguments = {})
    {
        if (!m_sim.start(error, simArguments)) {
            return false;
        }
        api = std::make_unique<ApiReader>(m_sim.port());
        m_session = Engine::Session::openEndpoint({QStringLiteral("sim"), m_sim.url()});
        engine = m_session->engine();
        engine->start();
        const auto synced = waitFor(engine->whenSynced());
        if (!synced.ok()) {
            *error = synced.error().message;
        }
        return synced.ok();
    }
    void stop()
    {
        engine = nullptr;
        m_session.reset();
    }

    int port() const { return m_sim.port(); }
    QString url() const { return m_sim.url(); }

    Core::Result<Core::ActionOutcome> act(Core::ActionRequest request, int timeoutMs = 30'000)
    {
        return waitFor(engine->perform(request), timeoutMs);
    }

    // The release as the engine sees it now (an empty snapshot when there is none).
    Core::ReleaseSnapshot snapshot(const QString &name)
    {
        const auto releases = waitFor(engine->whenSynced()); // kept alive: the loop reads into it
        for (const auto &r : releases.value()) {
            if (r.name == name) {
                return r;
            }
        }
        return {};
    }

    Engine::ReleaseEngine *engine = nullptr;
    std::unique_ptr<ApiReader> api;

private:
    SimProcess m_sim;
    Engine::SessionPtr m_session;
};

} // namespace Curtain::Test
