#pragma once

#include "engine/releaseengine.h"
#include "net/networkthread.h"

#include "futurewait.h"
#include "testsupport.h"

#include <memory>

namespace Curtain::Test {

// A curtain-sim process and a ReleaseEngine watching it, synced: what the integration tests that
// drive actions share. Call start() from initTestCase and QVERIFY2 its result.
class SimEngine
{
public:
    bool start(QString *error, const QStringList &simArguments = {})
    {
        if (!m_sim.start(error, simArguments)) {
            return false;
        }
        api = std::make_unique<ApiReader>(m_sim.port());
        m_network = std::make_unique<Net::NetworkThread>();
        engine = new Engine::ReleaseEngine(m_network->http(), {QStringLiteral("sim"), m_sim.url()});
        m_network->adopt(engine);
        engine->start();
        const auto synced = waitFor(engine->whenSynced());
        if (!synced.ok()) {
            *error = synced.error().message;
        }
        return synced.ok();
    }
    void stop() { m_network.reset(); }

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
    std::unique_ptr<Net::NetworkThread> m_network;
};

} // namespace Curtain::Test
