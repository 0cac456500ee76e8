#include "rolloutpanel.h"

#include "core/rolloutcontrol.h"
#include "theme.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace Curtain::Ui {

using Core::ActionKind;

namespace {

QString clock(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

RolloutPanel::RolloutPanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("rolloutPanel"));
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("rolloutState"));
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::RichText);
    m_steps = new QLabel(this);
    m_steps->setObjectName(QStringLiteral("rolloutSteps"));
    m_steps->setWordWrap(true);
    m_steps->setTextFormat(Qt::RichText);
    m_analysis = new QLabel(this);
    m_analysis->setObjectName(QStringLiteral("rolloutAnalysis"));
    m_analysis->setWordWrap(true);
    m_rollback = new QLabel(this);
    m_rollback->setObjectName(QStringLiteral("rolloutRollbackNote"));
    m_rollback->setWordWrap(true);
    Theme::setTextColor(*m_rollback, Theme::secondaryText());

    m_promoteFull = addButton(tr("Promote full"), QStringLiteral("promoteFullButton"), ActionKind::PromoteFull);
    m_pause = addButton(tr("Pause"), QStringLiteral("pauseButton"), ActionKind::Pause);
    m_resume = addButton(tr("Resume"), QStringLiteral("resumeButton"), ActionKind::Resume);
    m_abort = addButton(tr("Abort"), QStringLiteral("abortButton"), ActionKind::Abort);
    m_retry = addButton(tr("Retry"), QStringLiteral("retryButton"), ActionKind::Retry);
    m_restart = addButton(tr("Restart"), QStringLiteral("restartButton"), ActionKind::Restart);
    m_undo = new QToolButton(this);
    m_undo->setObjectName(QStringLiteral("undoButton"));
    m_undo->setText(tr("Undo to…"));
    m_undo->setPopupMode(QToolButton::InstantPopup);
    m_undo->setMenu(new QMenu(m_undo));
    m_undo->setMinimumHeight(30);

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_promoteFull, m_pause, m_resume, m_abort, m_retry, m_restart, m_undo}) {
        buttons->addWidget(w);
    }
    buttons->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_state);
    layout->addWidget(m_steps);
    layout->addLayout(buttons);
    layout->addWidget(m_analysis);
    layout->addWidget(m_rollback);
    setVisible(false);
}

QPushButton *RolloutPanel::addButton(const QString &text, const QString &name, ActionKind kind)
{
    auto *button = new QPushButton(text, this);
    button->setObjectName(name);
    button->setMinimumHeight(30);
    connect(button, &QPushButton::clicked, this, [this, kind] { Q_EMIT actionRequested(kind, 0); });
    return button;
}

void RolloutPanel::apply(QPushButton *button, const Core::Capability &capability, const QString &what)
{
    button->setEnabled(capability.enabled && !m_busy);
    button->setToolTip(capability.enabled ? what : capability.reason);
}

void RolloutPanel::setBusy(bool busy)
{
    m_busy = busy;
    apply(m_promoteFull, m_capabilities.promoteFull,
          tr("Skip every remaining step, pause and analysis (kubectl argo rollouts promote --full)"));
    apply(m_pause, m_capabilities.pause, tr("Hold the Rollout where it is (kubectl argo rollouts pause)"));
    apply(m_resume, m_capabilities.resume, tr("End the pause made with Pause"));
    apply(m_abort, m_capabilities.abort,
          tr("Send all traffic back to stable. The Rollout stays on the new template, Degraded, until you Retry or "
             "roll back (kubectl argo rollouts abort)"));
    apply(m_retry, m_capabilities.retry, tr("Start the aborted update's steps again (kubectl argo rollouts retry)"));
    apply(m_restart, m_capabilities.restart, tr("Restart the Rollout's pods (kubectl argo rollouts restart)"));
    m_undo->setEnabled(m_capabilities.undo.enabled && !m_busy);
    m_undo->setToolTip(m_capabilities.undo.enabled
                           ? tr("Put a kept revision's pod template back (kubectl argo rollouts undo --to-revision)")
                           : m_capabilities.undo.reason);
}

void RolloutPanel::setRelease(const Core::ReleaseSnapshot *release)
{
    const bool rollout = release && release->routeKind == Core::RouteKind::ArgoRollout;
    setVisible(rollout);
    if (!rollout) {
        m_release = {};
        m_status.reset();
        return;
    }
    m_release = release->key();
    m_status = release->rollout;
    m_capabilities = release->capabilities;
    setBusy(m_busy);

    // Undo: one entry per kept revision, newest first, the running one marked.
    QMenu *menu = m_undo->menu();
    menu->clear();
    if (m_status) {
        for (const Core::ReplicaSetInfo &rs : m_status->replicaSets) {
            const bool running = rs.podTemplateHash == m_status->currentHash;
            QAction *action = menu->addAction(
                tr("revision %1 · %2%3")
                    .arg(rs.revision)
                    .arg(Core::imageTag(rs.image),
                         rs.roles.isEmpty() ? QString()
                                            : QStringLiteral(" (%1)").arg(rs.roles.join(QStringLiteral(", ")))));
            action->setEnabled(!running);
            const int revision = rs.revision;
            connect(action, &QAction::triggered, this,
                    [this, revision] { Q_EMIT actionRequested(ActionKind::Undo, revision); });
        }
    }
    if (!m_status) {
        m_state->setText(tr("<b>Argo Rollout</b> — %1").arg(release->problem.toHtmlEscaped()));
        m_steps->clear();
        m_analysis->clear();
        m_rollback->clear();
        return;
    }
    const Core::RolloutStatus &r = *m_status;
    if (r.waitingFor.isEmpty()) {
        m_waitingSince.remove(m_release);
    } else if (!m_waitingSince.contains(m_release)) {
        m_waitingSince.insert(m_release, QDateTime::currentDateTimeUtc());
    }

    // The steps, done ✓, current ▶, to come plain.
    if (r.strategy == QLatin1String("Canary")) {
        QStringList chips;
        for (qsizetype i = 0; i < r.steps.size(); ++i) {
            const QString text = r.steps[i].toHtmlEscaped();
            if (i < r.stepIndex) {
                chips << QStringLiteral("<span style='color:%1'>✓ %2</span>").arg(Theme::success().name(), text);
            } else if (i == r.stepIndex && !r.aborted) {
                chips << QStringLiteral("<b>▶ %1</b>").arg(text);
            } else {
                chips << QStringLiteral("<span style='color:gray'>%1</span>").arg(text);
            }
        }
        m_steps->setText(tr("Steps: ") + chips.join(QStringLiteral(" → ")) +
                         (r.stepIndex >= r.steps.size() ? QStringLiteral(" → <b>✓ done</b>") : QString()));
    } else {
        const Core::ReplicaSetInfo *preview = r.replicaSet(QStringLiteral("preview"));
        m_steps->setText(preview ? tr("Preview %1 runs beside active; Promote switches the active Service to it.")
                                       .arg(Core::imageTag(preview->image).toHtmlEscaped())
                                 : tr("Blue-green: no preview in flight."));
    }
    QStringList runs;
    for (const Core::AnalysisRunInfo &run : r.analysisRuns) {
        runs << tr("%1 %2: %3, %4 measurements%5")
                    .arg(run.type, run.name, run.phase)
                    .arg(run.measurements)
                    .arg(run.lastValue.isEmpty() ? QString() : tr(", last %1").arg(run.lastValue));
    }
    m_analysis->setText(runs.isEmpty() ? QString() : tr("Analysis: ") + runs.join(QStringLiteral("; ")));
    m_analysis->setVisible(!runs.isEmpty());
    m_rollback->setText(tr("Rollback on a Rollout: %1. %2")
                            .arg(m_capabilities.rollback.enabled ? m_capabilities.rollback.reason
                                                                 : tr("abort, then undo to the stable revision"),
                                 Core::gitOpsNote()));
    refreshCountdown();
}

void RolloutPanel::refreshCountdown()
{
    if (!m_status || !isVisible()) {
        return;
    }
    const Core::RolloutStatus &r = *m_status;
    const QColor color = Theme::healthColor(r.status.toLower());
    QString text = QStringLiteral("<b style='color:%1'>● %2</b>").arg(color.name(), r.status.toHtmlEscaped());
    if (!r.message.isEmpty()) {
        text += QStringLiteral(" — %1").arg(r.message.toHtmlEscaped());
    }
    if (r.strategy == QLatin1String("Canary")) {
        text += tr(" · step %1 · weight %2 % (set %3 %)").arg(r.step).arg(r.actualWeight).arg(r.setWeight);
    }
    if (r.pauseEndsAt) {
        text += tr(" · resumes in %1").arg(clock(QDateTime::currentDateTimeUtc().secsTo(*r.pauseEndsAt)));
    }
    if (!r.needsHuman.isEmpty()) {
        text += QStringLiteral("<br><span style='color:%1'>%2</span>")
                    .arg(Theme::waiting().name(), tr("Waiting for you: %1").arg(r.needsHuman.toHtmlEscaped()));
    }
    if (const auto since = m_waitingSince.value(m_release); since.isValid()) {
        text += QStringLiteral("<br><span style='color:%1'>%2</span>")
                    .arg(Theme::danger().name(),
                         tr("Waiting for the controller for %1 (%2): is Argo Rollouts running?")
                             .arg(clock(since.secsTo(QDateTime::currentDateTimeUtc())), r.waitingFor.toHtmlEscaped()));
    }
    m_state->setText(text);
}

QString RolloutPanel::statusText() const
{
    return m_state->text();
}

QString RolloutPanel::stepsText() const
{
    return m_steps->text();
}

QString RolloutPanel::rollbackText() const
{
    return m_rollback->text();
}

} // namespace Curtain::Ui
