#pragma once

#include "core/clock.h"
#include "engine/memoryplanobjects.h"
#include "engine/planlease.h"
#include "engine/releaseaccess.h"
#include "metrics/countersource.h"
#include "traffic.h"

#include <QHash>
#include <QList>

#include <map>
#include <memory>

namespace Curtain::Test {

// One weighted release ("demo/catalog", an HTTPRoute, blue stable at 100 %) whose actions apply at
// once, the way a route that accepted the write would read back. Conflicts can be queued.
class FakeReleases final : public Engine::ReleaseAccess
{
public:
    FakeReleases();

    Core::Result<Core::ReleaseSnapshot> currentRelease(const QString &key) const override;
    QFuture<Core::Result<Core::ActionOutcome>> perform(Core::ActionRequest request) override;

    // What a human (or another client) does to the route.
    void setCandidateWeight(int weight);

    Core::ReleaseSnapshot release;
    bool gone = false;
    int conflicts = 0; // the next N actions get 409 Conflict, as when our own progress write raced them
    QList<Core::ActionRequest> performed;
};

// An API server's object store in memory (the one an HAProxy fleet's plans use).
using FakeObjects = Engine::MemoryPlanObjects;

// Both arms' counters from the Canary Bench traffic generator, advanced by the fake clock at the
// release's current weight. `down` makes every sample fail like an unreachable Prometheus.
class FakeTraffic final : public Metrics::CounterSource
{
    Q_OBJECT

public:
    FakeTraffic(const Bench::TrafficParams &params, const FakeReleases *releases, Core::Clock *clock);
    QString describe() const override { return QStringLiteral("the test's traffic"); }
    void sample(const Core::ReleaseSnapshot &release, Callback done) override;

    bool down = false;

private:
    Bench::Traffic m_traffic;
    const FakeReleases *m_releases;
    Core::Clock *m_clock;
    qint64 m_startMs;
};

} // namespace Curtain::Test
