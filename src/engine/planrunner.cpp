#include "engine/planrunner.h"

#include "core/futures.h"
#include "core/judgetext.h"

#include "adapters/conventions.h"
#include "adapters/routeadapter.h"
#include "engine/releaseengine.h"
#include "kube/kubeclient.h"
#include "metrics/countersource.h"

#include <QDateTime>
#include <QJsonDocument>

namespace Curtain::Engine {

using Core::ActionKind;
using Core::PlanState;
using Core::Result;
using Core::StepKind;
using Kube::Json;

namespace {

constexpr int persistEveryMs = 5000; // also the heartbeat others read to tell a live driver

QString microTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000Z"));
}

std::string compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

PlanRunner::PlanRunner(ReleaseEngine *engine, Kube::KubeClient *client, Net::HttpClient *http, QString release,
                       Core::Plan plan, PlanOptions options, QObject *parent)
    : QObject(parent), m_engine(engine), m_client(client), m_release(std::move(release)), m_options(std::move(options)),
      m_judge(plan.judge), m_timer(this)
{
    m_progress.plan = plan;
    m_progress.driver = m_options.identity;
    if (plan.metricsSource == QLatin1String("scrape")) {
        m_source = new Metrics::ScrapeCounters(client, this);
    } else {
        Metrics::PrometheusEndpoint endpoint = m_options.prometheus;
        endpoint.url = plan.metricsSource;
        m_prometheus = new Metrics::PrometheusClient(http, endpoint, this);
        Metrics::QueryTemplates templates;
        templates.requests = plan.requestsQuery.isEmpty() ? templates.requests : plan.requestsQuery;
        templates.errors = plan.errorsQuery.isEmpty() ? templates.errors : plan.errorsQuery;
        templates.buckets = plan.bucketsQuery.isEmpty() ? templates.buckets : plan.bucketsQuery;
        m_source = new Metrics::PrometheusCounters(m_prometheus, templates, this);
    }
    m_timer.setInterval(m_options.tickMs);
    connect(&m_timer, &QTimer::timeout, this, &PlanRunner::tick);
}

PlanRunner::~PlanRunner() = default;

const Core::ReleaseSnapshot *PlanRunner::current() const
{
    Core::Error ignored;
    return m_engine->releaseOnThread(m_release, &ignored);
}

QString PlanRunner::leasePath() const
{
    const Core::ReleaseSnapshot *r = current();
    return QStringLiteral("/apis/coordination.k8s.io/v1/namespaces/%1/leases/curtain-plan-%2")
        .arg(r ? r->namespaceName : QString(), m_release);
}

void PlanRunner::start()
{
    Core::Error error;
    const Core::ReleaseSnapshot *release = m_engine->releaseOnThread(m_release, &error);
    if (!release) {
        return fail(error);
    }
    if (release->routeKind == Core::RouteKind::ArgoRollout) {
        return fail(Core::makeError(Core::ErrorKind::Refused,
                                    QStringLiteral("%1 is an Argo Rollout: its controller walks the Rollout's own "
                                                   "steps. Use promote, pause, abort and retry instead of a plan.")
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
    acquireLease([this] {
        if (const Core::ReleaseSnapshot *r = current()) {
            begin(*r);
        } else {
            fail(Core::makeError(Core::ErrorKind::NotFound, QStringLiteral("%1 disappeared").arg(m_release)));
        }
    });
}

void PlanRunner::acquireLease(std::function<void()> then)
{
    const Core::ReleaseSnapshot *release = current();
    const QString path = leasePath();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Core::onFinished(
        m_client->get(path), this, [this, path, now, then, ns = release->namespaceName](const Result<Json> &got) {
            const Json spec = {{"holderIdentity", m_options.identity.toStdString()},
                               {"leaseDurationSeconds", m_options.leaseSeconds},
                               {"acquireTime", microTime(now).toStdString()},
                               {"renewTime", microTime(now).toStdString()}};
            auto taken = [this, then](const Result<Json> &written) {
                if (!written.ok()) {
                    return fail(written.error());
                }
                m_leaseVersion = Kube::stringAt(written.value(), "/metadata/resourceVersion");
                m_lastRenewMs = QDateTime::currentMSecsSinceEpoch();
                then();
            };
            if (!got.ok() && got.error().httpStatus == 404) {
                const Json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                                    {"kind", "Lease"},
                                    {"metadata",
                                     {{"name", QString(QStringLiteral("curtain-plan-") + m_release).toStdString()},
                                      {"namespace", ns.toStdString()}}},
                                    {"spec", spec}};
                Core::onFinished(
                    m_client->create(path.section(QLatin1Char('/'), 0, -2), QByteArray::fromStdString(lease.dump())),
                    this, taken);
                return;
            }
            if (!got.ok()) {
                return fail(got.error());
            }
            const Json &lease = got.value();
            const QString holder = Kube::stringAt(lease, "/spec/holderIdentity");
            const QDateTime renewed =
                QDateTime::fromString(Kube::stringAt(lease, "/spec/renewTime"), Qt::ISODateWithMs);
            const int duration = int(Kube::intAt(lease, "/spec/leaseDurationSeconds", 15));
            const qint64 silentSeconds = renewed.isValid() ? renewed.secsTo(now) : 1'000'000;
            if (!holder.isEmpty() && holder != m_options.identity && silentSeconds < duration) {
                return fail(Core::makeError(Core::ErrorKind::Conflict,
                                            QStringLiteral("%1's plan is driven by %2 (renewed %3 s ago); this console "
                                                           "stays read-only. Rollback still works.")
                                                .arg(m_release, holder)
                                                .arg(silentSeconds)));
            }
            // Conditional on the version we read: two consoles taking over at once cannot both win.
            Json patch = {
                {"metadata", {{"resourceVersion", Kube::stringAt(lease, "/metadata/resourceVersion").toStdString()}}},
                {"spec", spec}};
            patch["spec"]["leaseTransitions"] =
                Kube::intAt(lease, "/spec/leaseTransitions", 0) + (holder == m_options.identity ? 0 : 1);
            Core::onFinished(m_client->patch(path, Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())),
                             this, taken);
        });
}

void PlanRunner::renewLease()
{
    const Json patch = {{"metadata", {{"resourceVersion", m_leaseVersion.toStdString()}}},
                        {"spec", {{"renewTime", microTime(QDateTime::currentDateTimeUtc()).toStdString()}}}};
    m_lastRenewMs = QDateTime::currentMSecsSinceEpoch();
    Core::onFinished(m_client->patch(leasePath(), Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())),
                     this, [this](const Result<Json> &written) {
                         if (written.ok()) {
                             m_leaseVersion = Kube::stringAt(written.value(), "/metadata/resourceVersion");
                         } else if (written.error().httpStatus == 409) {
                             // Someone took over while we were silent: stop without touching anything.
                             m_finished = true;
                             m_timer.stop();
                             Q_EMIT finished(Core::makeError(Core::ErrorKind::Conflict,
                                                             QStringLiteral("lost the plan's Lease to another driver; "
                                                                            "this console stopped driving %1")
                                                                 .arg(m_release)));
                         }
                     });
}

void PlanRunner::releaseLease(std::function<void()> then)
{
    const Json patch = {{"metadata", {{"resourceVersion", m_leaseVersion.toStdString()}}},
                        {"spec", {{"holderIdentity", nullptr}}}};
    Core::onFinished(m_client->patch(leasePath(), Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump())),
                     this, [then](const Result<Json> &) { then(); });
}

void PlanRunner::begin(const Core::ReleaseSnapshot &release)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
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
    persist(true);
    Q_EMIT updated(m_progress, m_judgement);
    m_timer.start();
    tick();
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
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (nowMs - m_lastRenewMs >= m_options.leaseSeconds * 1000 / 3) {
        renewLease();
    }
    const Core::ReleaseSnapshot *release = current();
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
        const Core::ReleaseSnapshot *r = current();
        if (!r) {
            return;
        }
        if (sample.ok()) {
            m_metricsProblem.clear();
            m_judgement = m_judge.observe(sample.value());
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
    const qint64 elapsed = m_progress.stepStartedAt.secsTo(QDateTime::currentDateTimeUtc());
    if (m_progress.step >= m_progress.plan.steps.size()) {
        // After the last step only a Pass promotes: a plan never promotes a candidate it has no data on.
        if (judgement.verdict == Core::Verdict::Pass) {
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
    const Core::PlanStep &step = m_progress.plan.steps.at(m_progress.step);
    switch (step.kind) {
    case StepKind::SetWeight:
        if (release.candidateWeight() == step.weight) {
            m_expectedWeight = step.weight;
            nextStep();
        } else {
            act(ActionKind::SetWeight, step.weight, [this, weight = step.weight](bool ok, const QString &message) {
                if (!ok) {
                    return end(PlanState::Held,
                               QStringLiteral("Could not set the weight to %1 %: %2").arg(weight).arg(message));
                }
                m_expectedWeight = weight;
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
        if (judgement.verdict == Core::Verdict::Pass) {
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
    m_progress.stepStartedAt = QDateTime::currentDateTimeUtc();
    persist(true);
    Q_EMIT updated(m_progress, m_judgement);
    // Go straight on when the next step needs no waiting (e.g. set weight right after an analysis).
    QTimer::singleShot(0, this, [this] {
        if (!m_finished && !m_busy) {
            if (const Core::ReleaseSnapshot *r = current()) {
                advance(*r, m_judgement);
            }
        }
    });
}

void PlanRunner::act(ActionKind kind, int weight, std::function<void(bool, const QString &)> then)
{
    m_busy = true;
    Core::ActionRequest request{kind, m_release, weight, {}, true};
    Core::onFinished(m_engine->perform(request), this, [this, then](const Result<Core::ActionOutcome> &outcome) {
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
    m_timer.stop();
    m_progress.state = state;
    m_progress.outcome = outcome;
    Q_EMIT updated(m_progress, m_judgement);
    // Only report the end once the route says so and the Lease is free: a CLI exits right after.
    persist(true, [this] { releaseLease([this] { Q_EMIT finished(m_progress); }); });
}

void PlanRunner::fail(const Core::Error &error)
{
    m_finished = true;
    m_timer.stop();
    Q_EMIT finished(error);
}

void PlanRunner::persist(bool force, std::function<void()> then)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const Core::ReleaseSnapshot *release = current();
    if ((!force && nowMs - m_lastPersistMs < persistEveryMs) || !release) {
        if (then) {
            then();
        }
        return;
    }
    m_lastPersistMs = nowMs;
    m_progress.judgeState = m_judge.saveState();
    m_progress.heartbeat = QDateTime::currentDateTimeUtc();
    m_progress.verdict = m_judgement.verdict;
    m_progress.reason = m_judgement.reason;
    const Json patch = {
        {"metadata",
         {{"annotations",
           {{Adapters::Conventions::planAnnotation.toStdString(), compact(m_progress.plan.toJson())},
            {Adapters::Conventions::planProgressAnnotation.toStdString(), compact(m_progress.toJson())}}}}}};
    const QString path = release->routePath;
    auto written = m_client->patch(path, Kube::PatchType::Merge, QByteArray::fromStdString(patch.dump()));
    if (then) {
        Core::onFinished(written, this, [then](const Result<Json> &) { then(); });
    }
}

} // namespace Curtain::Engine
