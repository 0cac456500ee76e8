#pragma once

#include "core/action.h"
#include "core/judge.h"
#include "core/plan.h"
#include "core/release.h"
#include "metrics/prometheusclient.h"

#include <QObject>

#include <memory>
#include <optional>

namespace Curtain::Core {
class Clock;
}
namespace Curtain::Kube {
class KubeClient;
}
namespace Curtain::Metrics {
class CounterSource;
}

namespace Curtain::Engine {

class PlanLease;
class PlanObjects;
class ReleaseAccess;

struct PlanOptions
{
    QString identity;                       // the Lease holder, e.g. "curtainctl@ci-runner/812"
    bool headless = false;                  // refuse pauses that wait for a human
    int tickMs = 2000;                      // how often the judge looks (it may look as often as it likes)
    int leaseSeconds = 15;                  // a driver silent this long has disappeared; another may take over
    Metrics::PrometheusEndpoint prometheus; // credentials for a Prometheus source (URL from the plan)
};

// What a plan runner works through; none of them is owned.
struct PlanParts
{
    ReleaseAccess *releases = nullptr;         // reads the release, performs its actions
    PlanObjects *objects = nullptr;            // the Lease and the progress annotation on the route
    Metrics::CounterSource *samples = nullptr; // both arms' counters, for the judge
    Core::Clock *clock = nullptr;              // nullptr: the system clock
};

// Drives one release through a plan: holds the release's Lease, sets weights, asks the judge at
// every tick, rolls back the moment it says Fail, promotes on a Pass after the last step, and
// writes where it is onto the route so a restarted console resumes and others can see. Lives on
// the network thread with the engine. Time comes from the injected clock.
class PlanRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlanRunner)

public:
    PlanRunner(PlanParts parts, QString release, Core::Plan plan, PlanOptions options, QObject *parent = nullptr);
    // On a cluster: the Lease and progress through `client`, samples from the plan's metrics source.
    PlanRunner(ReleaseAccess *releases, Kube::KubeClient *client, Net::HttpClient *http, QString release,
               Core::Plan plan, PlanOptions options, QObject *parent = nullptr);
    ~PlanRunner() override;

    QString release() const { return m_release; }
    void start();
    void resume();                 // a human ends a pause
    void stop(const QString &why); // stop driving; the weight holds where it is

Q_SIGNALS:
    void updated(const Curtain::Core::PlanProgress &progress, const Curtain::Core::Judgement &judgement);
    // The plan ended (promoted, rolled back, held, stopped), or could not start or lost its Lease.
    void finished(const Curtain::Core::Result<Curtain::Core::PlanProgress> &result);

private:
    void scheduleTick();
    void begin(const Core::ReleaseSnapshot &release);
    void tick();
    void judged(const Core::ReleaseSnapshot &release, const Core::Judgement &judgement);
    void advance(const Core::ReleaseSnapshot &release, const Core::Judgement &judgement);
    void nextStep();
    void act(Core::ActionKind kind, int weight, std::function<void(bool ok, const QString &message)> then);
    void end(Core::PlanState state, const QString &outcome);
    void fail(const Core::Error &error);
    void persist(bool force, std::function<void()> then = {});
    std::optional<Core::ReleaseSnapshot> current() const;
    void restartStepJudge(const Core::ReleaseSnapshot &release, int weight); // `weight` was just set
    bool judgesTheStep() const; // an analysis step, or the promote after the last step, is due

    ReleaseAccess *m_releases;
    PlanObjects *m_objects;
    Metrics::CounterSource *m_source;
    Core::Clock *m_clock;
    std::unique_ptr<PlanObjects> m_ownedObjects; // when built on a KubeClient
    PlanLease *m_lease = nullptr;                // taken in start(), once the namespace is known
    QString m_release;
    PlanOptions m_options;
    Core::PlanProgress m_progress;
    Core::Judge m_judge;
    Core::Judgement m_judgement;
    // The same test on the requests since the weight was last set: an analysis step (and the promote
    // after the last step) needs its Pass too, so a check at 50 % judges 50 %, not the evidence of
    // 10 %. Only the rollout-long judge may Fail: its false-rollback rate is the one α bounds.
    std::optional<Core::Judge> m_stepJudge;
    Core::Judgement m_stepJudgement;
    bool m_busy = false; // an action or a sample is in flight
    bool m_finished = false;
    int m_conflicts = 0;       // consecutive 409s on the plan's own writes
    int m_expectedWeight = -1; // the candidate weight this plan last set; anything else is a human
    qint64 m_lastPersistMs = 0;
    QString m_metricsProblem;
};

} // namespace Curtain::Engine
