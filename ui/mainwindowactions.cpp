// MainWindow's actions: the question before a move towards an unproven version, the request to
// the engine, and the report of how it ended — in the status bar, and for a failure in a banner
// that stays on the release until dismissed.

#include "mainwindow.h"

#include "actionbar.h"
#include "canarypanel.h"
#include "confirmmovedialog.h"
#include "failurebanner.h"
#include "models/releaselistmodel.h"
#include "planpanel.h"
#include "rolloutpanel.h"
#include "settings.h"
#include "theme.h"
#include "weightslider.h"

#include "core/futures.h"
#include "core/health.h"

#include <QCoreApplication>
#include <QLabel>
#include <QSysInfo>
#include <QTime>

namespace Curtain::Ui {

namespace {

QString sentenceCase(QString text) // "rollback" → "Rollback", "set-weight" → "Set-weight"
{
    if (!text.isEmpty()) {
        text[0] = text[0].toUpper();
    }
    return text;
}

} // namespace

void MainWindow::confirmThenRun(const Core::ActionRequest &request)
{
    const Core::ReleaseSnapshot *release = current();
    const std::optional<Core::UnprovenMove> move = release ? Core::unprovenMove(*release, request) : std::nullopt;
    if (!move) {
        return run(request); // towards the known-good version, or refused anyway: no question
    }
    // The request keeps the route version the user confirmed: if the route changes while the dialog
    // is open, the write is refused as a conflict rather than applied to a state nobody saw.
    confirm(
        *release, *move, [this, request] { run(request); },
        [this, request] {
            if (request.kind == Core::ActionKind::SetWeight) {
                m_slider->revert();
            }
        });
}

void MainWindow::confirm(const Core::ReleaseSnapshot &release, const Core::UnprovenMove &move, std::function<void()> go,
                         std::function<void()> cancelled)
{
    const QString context = m_engine ? m_engine->cluster().name : QString();
    auto *dialog = new ConfirmMoveDialog(context, release.key().toString(), move,
                                         Core::isProtectedContext(context, Settings::protectedContexts()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this,
            [this, go = std::move(go), cancelled = std::move(cancelled), summary = dialog->summary()](int result) {
                if (result == QDialog::Accepted) {
                    return go();
                }
                cancelled();
                m_lastAction->setText(tr("Cancelled, nothing sent: %1").arg(summary));
                m_lastAction->setStyleSheet(QString());
            });
    dialog->open();
}

void MainWindow::run(Core::ActionRequest request)
{
    if (request.kind == Core::ActionKind::SetWeight) {
        m_slider->setPending(request.weight);
    }
    ++m_inFlight;
    m_actions->setBusy(true);
    m_rollout->setBusy(true);
    m_canary->setBusy(true);
    m_lastAction->setText(
        tr("%1 %2…").arg(Core::actionName(request.kind), shownName(Core::ReleaseKey::fromString(request.release))));
    const quint64 generation = m_engineGeneration;
    const QString cluster = m_engine->cluster().name;
    Core::onFinished(
        m_engine->perform(request), this,
        [this, request, generation, cluster](const Core::Result<Core::ActionOutcome> &result) {
            if (!stillShown(generation)) {
                const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
                const bool confirmed = result.ok() && result.value().confirmed;
                reportFromElsewhere(
                    cluster,
                    !result.ok() && result.error().kind == Core::ErrorKind::NotConfirmed
                        ? tr("%1  ⚠ not confirmed: %2").arg(time, result.error().message)
                    : !result.ok()
                        ? tr("%1  ✗ %2 failed: %3").arg(time, Core::actionName(request.kind), result.error().message)
                    : confirmed ? tr("%1  ✓ %2").arg(time, result.value().summary)
                                : tr("%1  ⚠ not confirmed: %2").arg(time, result.value().summary),
                    !confirmed);
                Q_EMIT actionFinished(result.ok(), result.ok() ? result.value().summary : result.error().message);
                return;
            }
            --m_inFlight;
            m_actions->setBusy(m_inFlight > 0);
            m_rollout->setBusy(m_inFlight > 0);
            m_canary->setBusy(m_inFlight > 0);
            const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
            const Core::ReleaseKey release = Core::ReleaseKey::fromString(request.release);
            loadHistory(); // the action's own record: a mark on the charts, a row in History
            if (result.ok()) {
                m_failures.remove(release); // resolved: a retry, or a later action, went through
                showFailure();
                // Sent and accepted, but what was read back does not show it yet: never a tick.
                const bool confirmed = result.value().confirmed;
                m_lastAction->setText(
                    (confirmed ? tr("%1  ✓ %2") : tr("%1  ⚠ not confirmed: %2")).arg(time, result.value().summary));
                m_lastAction->setStyleSheet(confirmed ? QString()
                                                      : QStringLiteral("color: %1;").arg(Theme::waiting().name()));
                if (request.kind == Core::ActionKind::SetWeight) {
                    m_slider->setApplied(request.weight);
                }
                // The engine published the snapshot this verdict was read from before the verdict
                // itself: the list already shows it, and nothing here patches it by hand.
                Q_EMIT actionFinished(true, result.value().summary);
            } else {
                m_failures.insert(release,
                                  {request,
                                   tr("✗ %1 on %2 failed at %3")
                                       .arg(sentenceCase(Core::actionName(request.kind)), shownName(release), time),
                                   result.error().message});
                showFailure();
                m_lastAction->setText(
                    tr("%1  ✗ %2 failed: %3").arg(time, Core::actionName(request.kind), result.error().message));
                m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
                if (request.kind == Core::ActionKind::SetWeight) {
                    m_slider->setFailed(result.error().message);
                }
                Q_EMIT actionFinished(false, result.error().message);
            }
        });
}

void MainWindow::startPlan(const Core::Plan &plan)
{
    const Core::ReleaseKey release = m_selected;
    if (!m_engine) {
        return;
    }
    Engine::PlanOptions options;
    options.identity =
        QStringLiteral("curtain@%1/%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
    m_drivenHere.insert(release);
    m_lastAction->setText(tr("Plan started on %1").arg(shownName(release)));
    const quint64 generation = m_engineGeneration;
    const QString cluster = m_engine->cluster().name;
    Core::onFinished(
        m_engine->runPlan(planTarget(release), plan, options), this,
        [this, release, generation, cluster](const Core::Result<Core::PlanProgress> &end) {
            if (!stillShown(generation)) {
                return reportFromElsewhere(cluster,
                                           end.ok()
                                               ? QStringLiteral("%1: %2").arg(release.toString(), end.value().outcome)
                                               : end.error().message,
                                           !end.ok());
            }
            m_drivenHere.remove(release);
            m_lastAction->setText(end.ok() ? QStringLiteral("%1: %2").arg(shownName(release), end.value().outcome)
                                           : end.error().message);
            showSelected();
        });
    showSelected();
}

QString MainWindow::failureText() const
{
    return m_banner->text();
}

QString MainWindow::rollbackMarkText() const
{
    return m_rollbackMark->text();
}

void MainWindow::showRollbackMark()
{
    const Core::ReleaseSnapshot *release = current();
    const QString mark =
        release ? Core::unacknowledgedRollback(*release, m_model->acknowledgedRollback(release->key())) : QString();
    if (mark.isEmpty()) {
        m_rollbackMark->hide();
        return;
    }
    // "rolled back automatically 12:03 — why": the when as the headline, the why below it.
    m_rollbackMark->showFailure(
        tr("↺ %1 was %2").arg(shownName(release->key()), mark.section(QStringLiteral(" — "), 0, 0)),
        mark.section(QStringLiteral(" — "), 1));
}

void MainWindow::acknowledgeRollback()
{
    const Core::ReleaseSnapshot *release = current();
    if (!release || !release->planProgress) {
        return;
    }
    m_model->acknowledgeRollback(release->key(), release->planProgress->startedAt);
    if (m_engine) {
        Settings::acknowledgeRollback(m_engine->cluster().name, release->key(), release->planProgress->startedAt);
    }
    showRollbackMark();
}

void MainWindow::reportFromElsewhere(const QString &cluster, const QString &report, bool bad)
{
    // Same cluster, another engine: the namespace changed, not the cluster.
    const bool sameCluster = m_engine && m_engine->cluster().name == cluster;
    m_lastAction->setText(
        (sameCluster ? tr("%1 — in %2, not the namespace shown now") : tr("%1 — in %2, not the cluster shown now"))
            .arg(report, cluster));
    m_lastAction->setStyleSheet(bad ? QStringLiteral("color: %1;").arg(Theme::danger().name()) : QString());
}

void MainWindow::showFailure()
{
    const auto failure = m_failures.constFind(m_selected);
    if (failure == m_failures.constEnd()) {
        m_banner->hide();
        return;
    }
    m_banner->showFailure(failure->headline, failure->detail);
}

void MainWindow::retryFailed()
{
    const auto failure = m_failures.constFind(m_selected);
    const Core::ReleaseSnapshot *release = current();
    if (failure == m_failures.constEnd() || !release) {
        return;
    }
    Core::ActionRequest request = failure->request;
    // Again on what the cluster shows now: a Rollback on its latest state, anything else on the
    // route version the user sees (and is asked about) now.
    request.expectedResourceVersion =
        request.kind == Core::ActionKind::Rollback ? QString() : release->routeResourceVersion;
    confirmThenRun(request);
}

void MainWindow::dismissFailure()
{
    m_failures.remove(m_selected);
    showFailure();
}

// The action bar, the slider and the Argo and Flagger panels ask; confirmThenRun asks the user
// when the move goes towards an unproven version. Rollback never asks.
void MainWindow::connectActionRequests()
{
    connect(m_slider, &WeightSlider::weightRequested, this, [this](int weight) {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirmThenRun(
                {Core::ActionKind::SetWeight, release->key().toString(), weight, release->routeResourceVersion});
        }
    });
    connect(m_actions, &ActionBar::promoteRequested, this, [this] {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirmThenRun({Core::ActionKind::Promote, release->key().toString(), 0, release->routeResourceVersion});
        }
    });
    connect(m_actions, &ActionBar::flipRequested, this, [this] {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirmThenRun({Core::ActionKind::Flip, release->key().toString(), 0, release->routeResourceVersion});
        }
    });
    connect(m_actions, &ActionBar::rollbackRequested, this, [this] {
        // Rollback acts on the cluster's latest state, never on what this window last saw.
        if (const Core::ReleaseSnapshot *release = current()) {
            run({Core::ActionKind::Rollback, release->key().toString(), 0, {}});
        }
    });
    connect(m_rollout, &RolloutPanel::actionRequested, this, [this](Core::ActionKind kind, int revision) {
        if (const Core::ReleaseSnapshot *release = current()) {
            Core::ActionRequest request{kind, release->key().toString(), 0, release->routeResourceVersion};
            request.revision = revision;
            confirmThenRun(request);
        }
    });
    connect(m_canary, &CanaryPanel::actionRequested, this, [this](Core::ActionKind kind) {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirmThenRun({kind, release->key().toString(), 0, release->routeResourceVersion});
        }
    });
}

void MainWindow::connectPlanRequests()
{
    connect(m_plan, &PlanPanel::startRequested, this, [this](const Core::Plan &plan) {
        if (const Core::ReleaseSnapshot *release = current()) {
            confirm(
                *release, Core::unprovenPlan(*release, plan), [this, plan] { startPlan(plan); }, [] {});
        }
    });
    // The engine hears of releases as "namespace/name": a bare name is ambiguous across namespaces.
    connect(m_plan, &PlanPanel::resumeRequested, this, [this] {
        if (m_engine) {
            m_engine->resumePlan(planTarget(m_selected));
        }
    });
    connect(m_plan, &PlanPanel::stopRequested, this, [this] {
        if (m_engine) {
            m_engine->stopPlan(planTarget(m_selected), tr("Stopped from the console; the weight holds."));
        }
    });
    connect(m_plan, &PlanPanel::saveRequested, this, [this](const Core::Plan &plan) {
        const Core::ReleaseKey release = m_selected;
        if (!m_kube) {
            m_lastAction->setText(tr("A plan is saved on the release's route in a cluster; an HAProxy fleet has "
                                     "none — keep it in a plan file"));
            return;
        }
        const quint64 generation = m_engineGeneration;
        const QString cluster = m_kube->cluster().name;
        Core::onFinished(
            m_kube->savePlan(release.toString(), plan), this,
            [this, release, generation, cluster](const Core::Result<Core::Done> &r) {
                if (!stillShown(generation)) {
                    return reportFromElsewhere(
                        cluster, r.ok() ? tr("Plan saved on %1").arg(release.toString()) : r.error().message, !r.ok());
                }
                m_lastAction->setText(r.ok() ? tr("Plan saved on %1").arg(shownName(release)) : r.error().message);
            });
    });
}

} // namespace Curtain::Ui
