#include "engine/fleetengine.h"

#include "core/futures.h"
#include "core/handoff.h"
#include "engine/fleetactions.h"
#include "engine/fleetjournal.h"
#include "engine/fleetreleases.h"
#include "engine/planrunner.h"
#include "haproxy/fleetwriter.h"
#include "haproxy/runtimeclient.h"
#include "metrics/countersource.h"
#include "metrics/prometheusclient.h"

#include <QDateTime>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

namespace Curtain::Engine {

using HAProxy::FleetWriter;

struct FleetLink
{
    HAProxy::RuntimeClient *client = nullptr; // lives on the engine's client thread
    std::atomic<bool> stopping{false};
};

namespace {

FleetWriter writerThrough(const HAProxy::FleetConfig &fleet, const std::shared_ptr<FleetLink> &link)
{
    const HAProxy::Exchange exchange = [link](const HAProxy::InstanceConfig &instance, const QString &command) {
        QFuture<Core::Result<QString>> reply =
            link->client->send(HAProxy::RuntimeTarget{instance.name, instance.endpoint}, command);
        reply.waitForFinished();
        return reply.resultCount() > 0
                   ? reply.result()
                   : Core::Result<QString>(
                         Core::makeError(Core::ErrorKind::Cancelled, instance.name + QStringLiteral(": no answer")));
    };
    // A closing console stops waiting for health checks and drains; the writer then ends the write.
    const HAProxy::Pause pause = [link](int ms) {
        for (int slept = 0; slept < ms && !link->stopping.load(); slept += 20) {
            QThread::msleep(ulong(std::min(20, ms - slept)));
        }
    };
    return FleetWriter(fleet, exchange, pause);
}

Core::Error busy(const QString &fleet)
{
    return Core::makeError(Core::ErrorKind::Refused,
                           QStringLiteral("another action on fleet %1 is still running; nothing was changed — try "
                                          "again when it has finished")
                               .arg(fleet));
}

// A write's report as an action's verdict: applied, applied but not confirmed (said so), or refused
// — a write set back on every instance is refused too, and says what was set back.
Core::Result<Core::ActionOutcome> outcomeOf(const Core::ActionRequest &request, const Core::ReleaseSnapshot &before,
                                            std::optional<HAProxy::Color> configured,
                                            const HAProxy::WriteReport &report)
{
    using Outcome = HAProxy::WriteReport::Outcome;
    if (report.outcome == Outcome::Refused) {
        return Core::makeError(Core::ErrorKind::Refused, report.problem);
    }
    if (report.outcome == Outcome::Reverted) {
        return Core::makeError(Core::ErrorKind::Refused,
                               QStringLiteral("%1 — set back on every instance that had taken it").arg(report.problem));
    }
    Core::ActionOutcome outcome;
    outcome.request = request;
    outcome.before = before;
    outcome.after = fleetRelease(report.after, configured, QDateTime::currentDateTimeUtc());
    outcome.summary = report.summary;
    outcome.changed = !(report.applied() && report.commands.isEmpty()); // no command: it was there already
    for (const QString &warning : report.warnings) {
        outcome.summary += QStringLiteral("; ") + warning;
    }
    if (report.outcome == Outcome::NotConfirmed) {
        outcome.confirmed = false;
        outcome.summary += QStringLiteral("; sent, not confirmed: ") + report.problem;
    }
    return outcome;
}

// The plan objects of the fleet's releases, from the file this machine's consoles and curtainctl
// share (a plan driven elsewhere on this machine shows, and locks the release, here too).
void readPlans(const QString &planFile, const HAProxy::FleetConfig &fleet, QHash<QString, Kube::Json> &plans)
{
    if (!QFileInfo::exists(planFile)) {
        return;
    }
    FilePlanObjects objects(planFile);
    for (const HAProxy::ReleaseConfig &release : fleet.releases) {
        if (const auto object = objects.get(fleetPlanPath(release.name)).result(); object.ok()) {
            plans.insert(release.name, object.value());
        }
    }
}

} // namespace

FleetEngine::FleetEngine(HAProxy::FleetConfig fleet, QString file, Net::HttpClient *http, QObject *parent)
    : ReleaseSource(parent), m_fleet(std::move(fleet)), m_file(std::move(file)), m_http(http),
      m_planObjects(FilePlanObjects::fileFor(HAProxy::fleetIdentity(m_fleet))), m_link(std::make_shared<FleetLink>())
{
    m_clientThread.setObjectName(QStringLiteral("curtain-haproxy"));
    m_link->client = new HAProxy::RuntimeClient;
    m_link->client->moveToThread(&m_clientThread);
    connect(&m_clientThread, &QThread::finished, m_link->client, &QObject::deleteLater);
    m_clientThread.start();
    m_pool.setMaxThreadCount(2); // one read, one write
    m_timer.setParent(this);
    connect(&m_timer, &QTimer::timeout, this, &FleetEngine::poll);
    m_freshness.reason = QStringLiteral("reading fleet %1").arg(m_fleet.name);
}

FleetEngine::~FleetEngine()
{
    m_drivenPlans.endAll();
    m_timer.stop();
    m_link->stopping = true;
    m_pool.waitForDone(); // the client's thread still answers: a write in flight ends cleanly
    m_clientThread.quit();
    m_clientThread.wait();
}

Core::ClusterDescription FleetEngine::cluster() const
{
    return {QStringLiteral("haproxy:") + m_fleet.name, m_file, QString(), false, false};
}

void FleetEngine::start()
{
    Core::post(this, [this] {
        if (m_started) {
            return;
        }
        m_started = true;
        m_timer.start(m_pollMs);
        poll();
    });
}

void FleetEngine::republish()
{
    Core::post(this, [this] {
        Q_EMIT connectionChanged(m_connection, m_connectionDetail);
        Q_EMIT freshnessChanged(m_freshness);
        if (m_freshness.synced) {
            Q_EMIT releasesChanged(m_releases);
        }
    });
}

void FleetEngine::enableMetrics(int /*intervalMs: every reading carries the counters*/)
{
    Core::post(this, [this] { m_metrics = true; });
}

QFuture<Core::Result<Core::ReleaseSnapshots>> FleetEngine::whenSynced()
{
    auto promise = std::make_shared<QPromise<Core::Result<Core::ReleaseSnapshots>>>();
    promise->start();
    Core::post(this, [this, promise] {
        if (m_freshness.synced) {
            promise->addResult(m_releases);
            promise->finish();
            return;
        }
        m_syncWaiters.append(promise);
    });
    return promise->future();
}

void FleetEngine::poll()
{
    if (m_reading) {
        return; // the last reading is still out: a slow instance does not pile up reads
    }
    m_reading = true;
    const HAProxy::FleetConfig fleet = m_fleet;
    const std::shared_ptr<FleetLink> link = m_link;
    const QString planFile = m_planObjects.file();
    Core::onFinished(QtConcurrent::run(&m_pool,
                                       [fleet, link, planFile] {
                                           const FleetWriter writer = writerThrough(fleet, link);
                                           Reading reading;
                                           reading.state = writer.read();
                                           readPlans(planFile, fleet, reading.plans);
                                           for (const HAProxy::ReleaseConfig &release : fleet.releases) {
                                               if (release.kind != HAProxy::ReleaseKind::Servers) {
                                                   continue;
                                               }
                                               const auto configured = writer.configuredColor(release.name);
                                               reading.configured.insert(
                                                   release.name,
                                                   configured.ok() ? std::optional(configured.value()) : std::nullopt);
                                           }
                                           reading.atMs = QDateTime::currentMSecsSinceEpoch();
                                           return reading;
                                       }),
                     this, [this](const Reading &reading) {
                         m_reading = false;
                         accept(reading);
                     });
}

void FleetEngine::accept(const Reading &reading)
{
    const int instances = int(m_fleet.instances.size());
    const int failed = int(reading.state.problems.size());
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(reading.atMs, Qt::UTC);
    if (failed >= instances && instances > 0) {
        // Nothing answered: what is shown stays as it was, and says since when.
        const QString why = reading.state.problems.join(QStringLiteral("; "));
        m_connection = m_freshness.synced ? ConnectionState::Reconnecting : ConnectionState::Connecting;
        m_connectionDetail = why;
        m_freshness.live = false;
        m_freshness.reason = QStringLiteral("no HAProxy instance of fleet %1 answers: %2").arg(m_fleet.name, why);
        Q_EMIT connectionChanged(m_connection, m_connectionDetail);
        Q_EMIT freshnessChanged(m_freshness);
        for (const auto &waiter : std::exchange(m_syncWaiters, {})) {
            waiter->addResult(Core::makeError(Core::ErrorKind::Unreachable, m_freshness.reason));
            waiter->finish();
        }
        return;
    }
    Core::ReleaseSnapshots releases;
    for (const HAProxy::ReleaseState &release : reading.state.releases) {
        Core::ReleaseSnapshot snapshot = fleetRelease(release, reading.configured.value(release.config.name), now);
        if (const auto plan = reading.plans.constFind(release.config.name); plan != reading.plans.cend()) {
            applyFleetPlan(snapshot, *plan);
        }
        if (failed > 0) {
            // An instance that cannot be read may hold other weights: say so on every release.
            const QString unread = QStringLiteral("not every instance answered: %1")
                                       .arg(reading.state.problems.join(QStringLiteral("; ")));
            snapshot.problem = snapshot.problem.isEmpty() ? unread : snapshot.problem + QStringLiteral("; ") + unread;
        }
        releases.append(snapshot);
    }
    slideWindow(reading);
    if (m_metrics && m_window.size() > 1) {
        // Over the window (30 s, as a cluster's metrics): one-second rounds of a few requests would
        // make every error a spike.
        const Reading &base = m_window[0];
        const double seconds = double(reading.atMs - base.atMs) / 1000.0;
        for (const HAProxy::ReleaseState &release : reading.state.releases) {
            for (const HAProxy::ReleaseState &before : base.state.releases) {
                if (before.config.name == release.config.name) {
                    Q_EMIT metricsUpdated(fleetMetrics(before, release, seconds, reading.atMs));
                }
            }
        }
    }
    m_last = reading;
    m_releases = releases;
    m_connection = failed > 0 ? ConnectionState::Reconnecting : ConnectionState::Live;
    m_connectionDetail = reading.state.problems.join(QStringLiteral("; "));
    m_freshness.live = failed == 0;
    m_freshness.synced = true;
    m_freshness.lastContact = now;
    m_freshness.reason = failed == 0 ? QString() : m_connectionDetail;
    Q_EMIT connectionChanged(m_connection, m_connectionDetail);
    Q_EMIT freshnessChanged(m_freshness);
    Q_EMIT releasesChanged(m_releases);
    for (const auto &waiter : std::exchange(m_syncWaiters, {})) {
        waiter->addResult(m_releases);
        waiter->finish();
    }
}

void FleetEngine::slideWindow(const Reading &reading)
{
    auto total = [](const Reading &from, const QString &release) {
        qint64 requests = 0;
        for (const HAProxy::ReleaseState &state : from.state.releases) {
            for (const HAProxy::ColorView *view : {&state.blue, &state.green}) {
                for (const HAProxy::ServerView &server : view->servers) {
                    requests += state.config.name == release ? server.reqTot + server.stot : 0;
                }
            }
        }
        return requests;
    };
    // A reload starts HAProxy's counters again: the window starts again with it.
    for (const HAProxy::ReleaseState &release : reading.state.releases) {
        if (!m_window.empty() &&
            total(reading, release.config.name) < total(m_window[m_window.size() - 1], release.config.name)) {
            m_window.clear();
            break;
        }
    }
    m_window.push_back(reading);
    // The front is the newest reading at least a window old, the base every difference is taken from.
    while (m_window.size() > 2 && reading.atMs - m_window[1].atMs >= metricsWindowMs) {
        m_window.pop_front();
    }
}

const HAProxy::ReleaseState *FleetEngine::stateOf(const QString &release) const
{
    if (!m_last) {
        return nullptr;
    }
    const QString name = Core::ReleaseKey::fromString(release).name;
    for (const HAProxy::ReleaseState &state : m_last->state.releases) {
        if (state.config.name == name) {
            return &state;
        }
    }
    return nullptr;
}

QFuture<Core::Result<Core::ActionOutcome>> FleetEngine::perform(Core::ActionRequest request)
{
    auto promise = std::make_shared<QPromise<Core::Result<Core::ActionOutcome>>>();
    promise->start();
    Core::post(this, [this, request, promise] { performOnThread(request, promise); });
    return promise->future();
}

void FleetEngine::performOnThread(const Core::ActionRequest &request,
                                  const std::shared_ptr<QPromise<Core::Result<Core::ActionOutcome>>> &promise)
{
    const HAProxy::ReleaseState *state = stateOf(request.release);
    // Every verdict, a refusal too, goes into the journal: who asked what, and what came of it.
    auto finish = [this, promise, request, before = state ? std::optional(*state) : std::nullopt](
                      const Core::Result<Core::ActionOutcome> &result, const HAProxy::WriteReport *report = nullptr) {
        FleetActionRecord record{
            m_fleet.name, HAProxy::fleetIdentity(m_fleet), request, QStringLiteral("refused"), QString(), before, {}};
        if (report) {
            record.take(*report);
        }
        record.note = result.ok() ? result.value().summary : result.error().message;
        if (const auto written = journalFleetAction(record); !written.ok()) {
            qWarning("curtain: %s", qPrintable(written.error().message));
        }
        promise->addResult(result);
        promise->finish();
    };
    const Core::ReleaseSnapshot *shown = nullptr;
    for (const Core::ReleaseSnapshot &release : m_releases) {
        if (state && release.name == state->config.name) {
            shown = &release;
        }
    }
    if (!state || !shown) {
        return finish(
            Core::makeError(Core::ErrorKind::NotFound,
                            QStringLiteral("fleet %1 has no release \"%2\"").arg(m_fleet.name, request.release)));
    }
    if (!request.fromPlan && request.kind != Core::ActionKind::Rollback) {
        // Read now, not as of the last poll: a plan on this machine may have started since.
        const auto plan = m_planObjects.get(fleetPlanPath(state->config.name)).result();
        if (!plan.ok() && plan.error().kind != Core::ErrorKind::NotFound) {
            return finish(plan.error()); // whether a plan drives it is unknown: nothing moves
        }
        if (const QString driver = plan.ok() ? fleetPlanDriver(plan.value()) : QString(); !driver.isEmpty()) {
            return finish(Core::refusedWhileDriven(state->config.name, driver));
        }
    }
    if (m_writing) {
        return finish(busy(m_fleet.name));
    }
    if (!request.expectedResourceVersion.isEmpty() && request.expectedResourceVersion != shown->routeResourceVersion) {
        return finish(Core::makeError(Core::ErrorKind::Conflict,
                                      QStringLiteral("%1 changed on the fleet since you looked (weights or server "
                                                     "states); nothing was changed — look again and retry")
                                          .arg(shown->name)));
    }
    const std::optional<HAProxy::Color> configured = m_last->configured.value(state->config.name);
    const Core::Result<HAProxy::Color> known =
        configured ? Core::Result<HAProxy::Color>(*configured)
                   : Core::Result<HAProxy::Color>(Core::makeError(
                         Core::ErrorKind::Refused,
                         QStringLiteral("HAProxy's configuration of %1 weights both colors or neither, so the "
                                        "known-good color is not known; nothing was changed")
                             .arg(state->config.name)));
    const auto move = planFleetMove(*state, known, request); // the slider is the candidate's share
    if (!move.ok()) {
        return finish(move.error());
    }
    m_writing = true;
    const HAProxy::FleetConfig fleet = m_fleet;
    const std::shared_ptr<FleetLink> link = m_link;
    const QString name = state->config.name;
    const FleetMove planned = move.value();
    const Core::ReleaseSnapshot before = *shown;
    Core::onFinished(QtConcurrent::run(&m_pool,
                                       [fleet, link, name, planned] {
                                           FleetWriter writer = writerThrough(fleet, link);
                                           return planned.kind == FleetMove::Kind::Map
                                                      ? writer.switchMap(name, planned.mapTo)
                                                      : writer.setGreenShare(name, planned.greenShare);
                                       }),
                     this, [this, request, before, configured, finish](const HAProxy::WriteReport &report) {
                         m_writing = false;
                         const Core::Result<Core::ActionOutcome> outcome =
                             outcomeOf(request, before, configured, report);
                         if (outcome.ok()) {
                             // The writer's read-back goes on screen before the verdict does.
                             for (Core::ReleaseSnapshot &release : m_releases) {
                                 if (release.name == before.name) {
                                     release = outcome.value().after;
                                 }
                             }
                             Q_EMIT releasesChanged(m_releases);
                         }
                         finish(outcome, &report);
                         poll(); // the whole fleet as it is now, for everyone who watches it
                     });
}

Core::Result<Core::ReleaseSnapshot> FleetEngine::currentRelease(const QString &key) const
{
    const QString name = Core::ReleaseKey::fromString(key).name;
    for (const Core::ReleaseSnapshot &release : m_releases) {
        if (release.name == name) {
            return release;
        }
    }
    return Core::makeError(Core::ErrorKind::NotFound,
                           QStringLiteral("fleet %1 has no release \"%2\"").arg(m_fleet.name, key));
}

QFuture<Core::Result<Core::PlanProgress>> FleetEngine::runPlan(const QString &release, const Core::Plan &plan,
                                                               const PlanOptions &options)
{
    auto promise = std::make_shared<QPromise<Core::Result<Core::PlanProgress>>>();
    promise->start();
    Core::post(this, [this, release, plan, options, promise] {
        auto fail = [promise](const Core::Error &error) {
            promise->addResult(error);
            promise->finish();
        };
        const Core::Result<Core::ReleaseSnapshot> found = currentRelease(release);
        if (!found.ok()) {
            return fail(found.error());
        }
        const QString name = found.value().name;
        if (m_runners.contains(name)) {
            return fail(Core::makeError(Core::ErrorKind::Refused,
                                        QStringLiteral("a plan is already running on %1 here").arg(name)));
        }
        // The judge reads the apps' own counters: HAProxy's show no latency quantiles.
        Metrics::PrometheusEndpoint endpoint = options.prometheus;
        endpoint.url = plan.metricsSource == QLatin1String("scrape") || plan.metricsSource.isEmpty()
                           ? m_fleet.prometheus
                           : plan.metricsSource;
        if (endpoint.url.isEmpty()) {
            return fail(Core::makeError(
                Core::ErrorKind::InvalidInput,
                QStringLiteral("a plan on fleet %1 needs Prometheus: set prometheus: in the fleet file, or a "
                               "metrics source in the plan")
                    .arg(m_fleet.name)));
        }
        auto *parts = new QObject(this); // the plan's Prometheus client and counters, gone with the plan
        Metrics::QueryTemplates templates;
        templates.requests = plan.requestsQuery.isEmpty() ? templates.requests : plan.requestsQuery;
        templates.errors = plan.errorsQuery.isEmpty() ? templates.errors : plan.errorsQuery;
        templates.buckets = plan.bucketsQuery.isEmpty() ? templates.buckets : plan.bucketsQuery;
        auto *counters =
            new Metrics::PrometheusCounters(new Metrics::PrometheusClient(m_http, endpoint, parts), templates, parts);
        // The runner keeps its progress on the release's route object, as on a cluster.
        if (const auto kept =
                m_planObjects.ensure(found.value().routePath, Kube::Json{{"metadata", {{"name", name.toStdString()}}}});
            !kept.ok()) {
            parts->deleteLater();
            return fail(kept.error());
        }
        auto *runner = new PlanRunner(PlanParts{this, &m_planObjects, counters, nullptr}, name, plan, options, this);
        m_runners.insert(name, runner);
        m_drivenPlans.add(name, promise);
        connect(runner, &PlanRunner::updated, this,
                [this, name](const Core::PlanProgress &progress, const Core::Judgement &judgement) {
                    Q_EMIT planUpdated(name, progress, judgement);
                });
        connect(runner, &PlanRunner::finished, this,
                [this, runner, parts, name, promise](const Core::Result<Core::PlanProgress> &end) {
                    m_runners.remove(name);
                    m_drivenPlans.remove(name);
                    runner->deleteLater();
                    parts->deleteLater();
                    promise->addResult(end);
                    promise->finish();
                });
        runner->start();
    });
    return promise->future();
}

void FleetEngine::resumePlan(const QString &release)
{
    Core::post(this, [this, release] {
        if (PlanRunner *runner = m_runners.value(Core::ReleaseKey::fromString(release).name)) {
            runner->resume();
        }
    });
}

void FleetEngine::stopPlan(const QString &release, const QString &why)
{
    Core::post(this, [this, release, why] {
        if (PlanRunner *runner = m_runners.value(Core::ReleaseKey::fromString(release).name)) {
            runner->stop(why);
        }
    });
}

QFuture<Core::Result<Core::ReleaseHistory>> FleetEngine::history(const QString &release)
{
    const QString file = m_file;
    const QString identity = HAProxy::fleetIdentity(m_fleet);
    const QString name = Core::ReleaseKey::fromString(release).name;
    return QtConcurrent::run(
        [identity, file, name] { return Core::Result<Core::ReleaseHistory>(fleetHistory(identity, file, name)); });
}

} // namespace Curtain::Engine
