#include "engine/planrunner.h"

#include "core/capacity.h"
#include "core/clock.h"
#include "core/futures.h"
#include "core/handoff.h"
#include "core/judgetext.h"

#include "adapters/conventions.h"
#include "engine/planlease.h"
#include "engine/releaseaccess.h"
#include "kube/kubeclient.h"
#include "metrics/countersource.h"

#include <QJsonDocument>

namespace Curtain::Engine {

using Core::ActionKind;
using Core::PlanState;
using Core::Result;
using Core::StepKind;
using Kube::Json;

namespace {

constexpr int persistEveryMs = 5000; // also the heartbeat others read to tell a live driver

std::string compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

PlanRunner::PlanRunner(PlanParts parts, QString release, Core::Plan plan, PlanOptions options, QObject *parent)
    : QObject(parent), m_releases(parts.releases), m_objects(parts.objects), m_source(parts.samples),
      m_clock(parts.clock ? parts.clock : Core::Clock::system()), m_release(std::move(release)),
      m_options(std::move(options)), m_judge(plan.judge)
{
    m_progress.plan = plan;
    m_progress.driver = m_options.identity;
}

PlanRunner::PlanRunner(ReleaseAccess *releases, Kube::KubeClient *client, Net::HttpClient *http, QString release,
                       Core::Plan plan, PlanOptions options, QObject *parent)
    : PlanRunner(PlanParts{releases, nullptr, nullptr, nullptr}, std::move(release), plan, std::move(options), parent)
{
    m_ownedObjects = std::make_unique<KubePlanObjects>(client);
    m_objects = m_ownedObjects.get();
    if (plan.metricsSource == QLatin1String("scrape")) {
        m_source = new Metrics::ScrapeCounters([client](const QString &path) { return client->getRaw(path); }, this);
    } else {
        Metrics::PrometheusEndpoint endpoint = m_options.prometheus;
        endpoint.url = plan.metricsSource;
        auto *prometheus = new Metrics::PrometheusClient(http, endpoint, this);
        Metrics::QueryTemplates templates;
        templates.requests = plan.requestsQuery.isEmpty() ? templates.requests : plan.requestsQuery;
        templates.errors = plan.errorsQuery.isEmpty() ? templates.errors : plan.errorsQuery;
        templates.buckets = plan.bucketsQuery.isEmpty() ? templates.buckets : plan.bucketsQuery;
        m_source = new Metrics::PrometheusCounters(prometheus, templates, this);
    }
}

PlanRunner::~PlanRunner() = default;

std::optional<Core::ReleaseSnapshot> PlanRunner::current() const
{
    auto found = m_releases->currentRelease(m_release);
    return found.ok() ? std::optional<Core::ReleaseSnapshot>(std::move(found).value()) : std::nullopt;
}

void PlanRunner::start()
{
    const Result<Core::ReleaseSnapshot> found = m_releases->currentRelease(m_release);
    if (!found.ok()) {
        return fail(found.error());
    }
    const Core::ReleaseSnapshot *release = &found.value();
    if (release->routeKind == Core::RouteKind::ArgoRollout) {
        return fail(Core::makeError(Core::ErrorKind::Refused,
                                    QStringLiteral("%1 is an Argo Rollout: its controller walks the Rollout's own "
                                                   "steps. Use promote, pause, abort and retry instead of a plan.")
                                        .arg(m_release)));
    }
    if (release->routeKind == Core::RouteKind::FlaggerCanary) {
        return fail(Core::makeError(Core::ErrorKind::Refused,
                                    QStringLiteral("%1 is a Flagger canary: Flagger walks its own analysis. Use "
                                                   "promote, rollback and suspend instead of a plan.")
                                        .arg(m_release)));
    }
    if (!Core::isWeighted(release->routeKind)) {
        return fail(Core::makeError(Core::ErrorKind::Refused,
                                    QStringLiteral("%1 is routed by a Service selector, which is all-or-nothing: a "
                                                   "plan needs a weighted route (HTTPRoute, VirtualService, "
                                                   "TrafficSplit or NGINX canary Ingress). Use Flip instead.")
                                        .arg(m_release)));
    }
    if (!release->problem.isEmpty()) {
        return fail(Core::makeError(Core::ErrorKind::Refused, release->problem));
    }
    if (m_options.headless) {
        if (const auto headless = Core::checkHeadless(m_progress.plan); !headless.ok()) {
            return fail(headless.error());
        }
    }
    m_judge.setArmNames(Core::colorName(release->candidate()), Core::colorName(release->stable));
    m_lease = new PlanLease(m_objects, m_clock, release->namespaceName, release->name, m_options.identity,
                            m_options.leaseSeconds, this);
    m_lease->acquire([this](const Result<Core::Done> &taken) {
        if (!taken.ok()) {
            return fail(taken.error());
        }
        if (const auto r = current()) {
            begin(*r);
        } else {
            fail(Core::makeError(Core::ErrorKind::NotFound, QStringLiteral("%1 disappeared").arg(m_release)));
        }
    });
}

void PlanRunner::scheduleTick()
{
    m_clock->callAfter(m_options.tickMs, this, [this] {
        if (!m_finished) {
            tick();
            scheduleTick();
        }
    });
}

void PlanRunner::begin(const Core::ReleaseSnapshot &release)
{
    const QDateTime now = m_clock->now();
    // A plan left running on the route (its console restarted or vanished) is resumed, judge and all.
    if (release.planProgress && !Core::isFinal(release.planProgress->state)) {
        const QString identity = m_progress.driver;
        m_progress = *release.planProgress;
        m_progress.driver = identity;
        m_judge = Core::Judge(m_progress.plan.judge);
        m_judge.setArmNames(Core::colorName(release.candidate()), Core::colorName(release.stable));
        m_judge.restoreState(m_progress.judgeState);
        m_expectedWeight = release.candidateWeight();
    } else {
        m_progress.step = 0;
        m_progress.state = PlanState::Running;
        m_progress.startedAt = now;
        m_progress.stepStartedAt = now;
        m_progress.outcome.clear();
    }
    m_judgement = m_judge.current();
    restartStepJudge(release, release.candidateWeight()); // resumed: this weight's evidence starts again
    persist(true);
    Q_EMIT updated(m_progress, m_judgement);
    scheduleTick();
    tick();
}

void PlanRunner::restartStepJudge(const Core::ReleaseSnapshot &release, int weight)
{
    m_stepJudge.reset();
    m_stepJudgement = {};
    if (weight <= 0 || weight >= 100) {
        // One side serves nothing: this weight has no comparison of its own, and the rollout-long
        // judge decides alone (a plan that ends at 100 % promotes on it, as it always did).
        m_stepJudgement.verdict = Core::Verdict::Pass;
        return;
    }
    Core::JudgeSettings settings = m_progress.plan.judge;
    settings.warmupSeconds = 0; // the candidate's warm-up belongs to its first traffic, judged above
    m_stepJudge.emplace(settings);
    m_stepJudge->setArmNames(Core::colorName(release.candidate()), Core::colorName(release.stable));
    m_stepJudgement = m_stepJudge->current();
}

bool PlanRunner::judgesTheStep() const
{
    const QList<Core::PlanStep> &steps = m_progress.plan.steps;
    return m_progress.step >= steps.size() || steps[m_progress.step].kind == StepKind::Analysis;
}

void PlanRunner::resume()
{
    if (m_progress.state == PlanState::Paused) {
        m_progress.state = PlanState::Running;
        nextStep();
    }
}

void PlanRunner::stop(const QString &why)
{
    if (!m_finished) {
        end(PlanState::Stopped, why);
    }
}

void PlanRunner::tick()
{
    if (m_busy || m_finished) {
        return;
    }
    if (m_lease->renewDue()) {
        m_lease->renew([this](const Result<Core::Done> &renewed) {
            if (!renewed.ok() && renewed.error().kind == Core::ErrorKind::Conflict && !m_finished) {
                fail(renewed.error()); // someone took over while we were silent: stop without touching anything
            }
        });
    }
    const std::optional<Core::ReleaseSnapshot> release = current();
    if (!release) {
        return; // the cache is relisting; the weight holds until the release is back
    }
    if (m_expectedWeight >= 0 && release->candidateWeight() != m_expectedWeight) {
        return end(PlanState::Stopped,
                   release->candidateWeight() == 0
                       ? QStringLiteral("Rolled back by hand; the plan stopped.")
                       : QStringLiteral("The weight was changed outside the plan (%1 % now, the plan had set %2 %); "
                                        "the plan stopped.")
                             .arg(release->candidateWeight())
                             .arg(m_expectedWeight));
    }
    m_busy = true;
    m_source->sample(*release, [this](const Result<Core::CanarySample> &sample) {
        m_busy = false;
        if (m_finished) {
            return;
        }
        const std::optional<Core::ReleaseSnapshot> r = current();
        if (!r) {
            return;
        }
        if (sample.ok()) {
            m_metricsProblem.clear();
            m_judgement = m_judge.observe(sample.value());
            if (m_stepJudge) {
                m_stepJudgement = m_stepJudge->observe(sample.value());
            }
            if (m_judgement.verdict == Core::Verdict::Pass && m_stepJudgement.verdict != Core::Verdict::Pass &&
                judgesTheStep()) {
                // What the plan does now is wait: say for what.
                m_judgement.verdict = Core::Verdict::Hold;
                m_judgement.reason =
                    m_stepJudgement.verdict == Core::Verdict::Fail
                        ? QStringLiteral("At %1 % %2 does worse than %3 on this weight's own requests (%4); the plan "
                                         "holds here while the rollout-long judge, which alone rolls back, decides")
                              .arg(r->candidateWeight())
                              .arg(Core::colorName(r->candidate()), Core::colorName(r->stable), m_stepJudgement.reason)
                        : QStringLiteral("The rollout so far passes; %1 % is judged on its own requests before the "
                                         "plan goes on: %2")
                              .arg(r->candidateWeight())
                              .arg(m_stepJudgement.reason);
            }
        } else {
            // An unreachable Prometheus or a bad query is not evidence either way: hold, and say why.
            m_metricsProblem = sample.error().message;
            m_judgement = m_judge.current();
            if (m_judgement.verdict != Core::Verdict::Fail) {
                m_judgement.verdict = Core::Verdict::Hold;
                m_judgement.reason = QStringLiteral("Holding: cannot read metrics from %1: %2")
                                         .arg(m_source->describe(), m_metricsProblem);
            }
        }
        judged(*r, m_judgement);
    });
}

void PlanRunner::judged(const Core::ReleaseSnapshot &release, const Core::Judgement &judgement)
{
    if (judgement.verdict == Core::Verdict::Fail) {
        // One write, the moment the judge decides; the sentence says why.
        act(ActionKind::Rollback, 0, [this, judgement](bool ok, const QString &message) {
            end(ok ? PlanState::RolledBack : PlanState::Held,
                ok ? QStringLiteral("Rolled back automatically: %1").arg(judgement.reason)
                   : QStringLiteral("The judge said roll back (%1) but the rollback failed: %2")
                         .arg(judgement.reason, message));
        });
        return;
    }
    advance(release, judgement);
    if (!m_finished) {
        persist(false);
        Q_EMIT updated(m_progress, m_judgement);
    }
}

void PlanRunner::advance(const Core::ReleaseSnapshot &release, const Core::Judgement &judgement)
{
    if (m_progress.state == PlanState::Paused || m_busy) {
        return;
    }
    const qint64 elapsed = m_progress.stepStartedAt.secsTo(m_clock->now());
    // A check passes on the whole rollout's evidence and on its own weight's.
    const bool passed = judgement.verdict == Core::Verdict::Pass && m_stepJudgement.verdict == Core::Verdict::Pass;
    if (m_progress.step >= m_progress.plan.steps.size()) {
        // A promote hands the candidate everything at once, so it must be as big as stable (a pod
        // restarting, an autoscaler still growing it): the plan waits for that as it waits for
        // evidence, an hour at most. (An HAProxy fleet's servers are not pods: no such wait.)
        const bool pods =
            release.routeKind != Core::RouteKind::HAProxyServers && release.routeKind != Core::RouteKind::HAProxyMap;
        if (const auto shortfall = pods ? Core::promoteShortfall(release) : std::nullopt; passed && shortfall) {
            const QString waiting =
                QStringLiteral("%1 has %2 of the %3 ready replicas %4 serves on; the promote waits for them "
                               "(curtainctl scale %5 %1 %3)")
                    .arg(Core::colorName(shortfall->target))
                    .arg(shortfall->ready)
                    .arg(shortfall->needed)
                    .arg(Core::colorName(shortfall->serving), m_release);
            if (elapsed >= 3600) {
                end(PlanState::Held,
                    QStringLiteral("Held at the end of the plan for an hour: the judge passed the candidate, but %1")
                        .arg(waiting));
            } else {
                m_judgement.reason = judgement.reason + QStringLiteral(" — ") + waiting; // `judgement` is it
            }
            return;
        }
        // After the last step only a Pass promotes: a plan never promotes a candidate it has no data on.
        if (passed) {
            act(ActionKind::Promote, 0, [this, judgement](bool ok, const QString &message) {
                end(ok ? PlanState::Promoted : PlanState::Held,
                    ok ? QStringLiteral("Promoted: %1").arg(judgement.reason)
                       : QStringLiteral("The judge passed the candidate but the promote failed: %1").arg(message));
            });
        } else if (elapsed >= 3600) {
            end(PlanState::Held, QStringLiteral("Held at the end of the plan for an hour: %1").arg(judgement.reason));
        }
        return;
    }
    const Core::PlanStep &step = m_progress.plan.steps[m_progress.step]; // in range: checked above
    switch (step.kind) {
    case StepKind::SetWeight:
        if (release.candidateWeight() == step.weight) {
            m_expectedWeight = step.weight;
            restartStepJudge(release, step.weight);
            nextStep();
        } else {
            act(ActionKind::SetWeight, step.weight,
                [this, release, weight = step.weight](bool ok, const QString &message) {
                    if (!ok) {
                        return end(PlanState::Held,
                                   QStringLiteral("Could not set the weight to %1 %: %2").arg(weight).arg(message));
                    }
                    m_expectedWeight = weight;
                    restartStepJudge(release, weight);
                    nextStep();
                });
        }
        break;
    case StepKind::Pause:
        if (!step.durationSeconds) {
            m_progress.state = PlanState::Paused; // until a human resumes
            persist(true);
        } else if (elapsed >= *step.durationSeconds) {
            nextStep();
        }
        break;
    case StepKind::Analysis:
        if (passed) {
            nextStep();
        } else if (elapsed >= step.timeoutSeconds) {
            end(PlanState::Held, QStringLiteral("Held: step %1 (analysis) reached its %2 limit. %3")
                                     .arg(m_progress.step + 1)
                                     .arg(Core::formatDurationShort(step.timeoutSeconds), judgement.reason));
        }
        break;
    }
}

void PlanRunner::nextStep()
{
    ++m_progress.step;
    m_progress.stepStartedAt = m_clock->now();
    persist(true);
    Q_EMIT updated(m_progress, m_judgement);
    // Go straight on when the next step needs no waiting (e.g. set weight right after an analysis).
    Core::post(
        this,
        [this] {
            if (m_finished || m_busy) {
                return;
            }
            if (const auto r = current()) {
                advance(*r, m_judgement);
            }
        },
        Qt::QueuedConnection);
}

void PlanRunner::act(ActionKind kind, int weight, std::function<void(bool, const QString &)> then)
{
    m_busy = true;
    Core::ActionRequest request{kind, m_release, weight, {}, true};
    Core::onFinished(m_releases->perform(request), this, [this, then](const Result<Core::ActionOutcome> &outcome) {
        m_busy = false;
        // The route moved under us (often our own progress write, not yet in the cache): the next
        // tick reads it again and retries; only a conflict that persists is a failure.
        if (!outcome.ok() && outcome.error().kind == Core::ErrorKind::Conflict && ++m_conflicts <= 5) {
            return;
        }
        m_conflicts = 0;
        then(outcome.ok(), outcome.ok() ? outcome.value().summary : outcome.error().message);
    });
}

void PlanRunner::end(PlanState state, const QString &outcome)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_progress.state = state;
    m_progress.outcome = outcome;
    Q_EMIT updated(m_progress, m_judgement);
    // Only report the end once the route says so and the Lease is free: a CLI exits right after.
    persist(true, [this] { m_lease->release([this] { Q_EMIT finished(m_progress); }); });
}

void PlanRunner::fail(const Core::Error &error)
{
    m_finished = true;
    Q_EMIT finished(error);
}

void PlanRunner::persist(bool force, std::function<void()> then)
{
    const qint64 nowMs = m_clock->nowMs();
    const std::optional<Core::ReleaseSnapshot> release = current();
    if ((!force && nowMs - m_lastPersistMs < persistEveryMs) || !release) {
        if (then) {
            then();
        }
        return;
    }
    m_lastPersistMs = nowMs;
    m_progress.judgeState = m_judge.saveState();
    m_progress.heartbeat = m_clock->now();
    m_progress.verdict = m_judgement.verdict;
    m_progress.reason = m_judgement.reason;
    const Json patch = {
        {"metadata",
         {{"annotations",
           {{Adapters::Conventions::planAnnotation.toStdString(), compact(m_progress.plan.toJson())},
            {Adapters::Conventions::planProgressAnnotation.toStdString(), compact(m_progress.toJson())}}}}}};
    const QString path = release->routePath;
    auto written = m_objects->mergePatch(path, QByteArray::fromStdString(patch.dump()));
    if (then) {
        Core::onFinished(written, this, [then](const Result<Json> &) { then(); });
    }
}

} // namespace Curtain::Engine
