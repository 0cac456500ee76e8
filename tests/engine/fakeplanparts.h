#pragma once

#include "core/clock.h"
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

// An API server's object store in memory: get/create/merge-patch with resourceVersions, 404 for a
// missing object and 409 for a write conditional on an old version.
class FakeObjects final : public Engine::PlanObjects
{
public:
    QFuture<Core::Result<Kube::Json>> get(const QString &path) override;
    QFuture<Core::Result<Kube::Json>> create(const QString &collectionPath, const QByteArray &body) override;
    QFuture<Core::Result<Kube::Json>> mergePatch(const QString &path, const QByteArray &body) override;

    void put(const QString &path, Kube::Json object); // as another client would write it
    Kube::Json object(const QString &path) const;
    int writes = 0;

private:
    std::map<QString, Kube::Json> m_objects;
    long long m_version = 100;
};

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
