#include "actionbar.h"

#include "theme.h"

#include "core/capacity.h"

#include <QAction>
#include <QHBoxLayout>
#include <QPushButton>

#include <array>

namespace Curtain::Ui {

ActionBar::ActionBar(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("actionBar"));
    m_promote = new QPushButton(tr("Promote"), this);
    m_promote->setObjectName(QStringLiteral("promoteButton"));
    m_flip = new QPushButton(tr("Flip"), this);
    m_flip->setObjectName(QStringLiteral("flipButton"));
    m_rollback = new QPushButton(tr("Rollback  (Ctrl+R)"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_rollback->setMinimumHeight(36);
    m_rollback->setMinimumWidth(180);
    // Filled red while it can act; outlined in the palette's disabled grey when there is nothing to
    // roll back, so it reads as off beside Promote and Flip (any palette).
    m_rollback->setStyleSheet(
        QStringLiteral("QPushButton { background: %1; color: white; font-weight: bold; border-radius: 4px; "
                       "padding: 6px 18px; } QPushButton:disabled { background: transparent; color: palette(mid); "
                       "border: 1px solid palette(mid); }")
            .arg(Theme::dangerFill.name()));
    for (QPushButton *button : {m_promote, m_flip}) {
        button->setMinimumHeight(36);
        button->setMinimumWidth(110);
    }
    m_scale = new QPushButton(this);
    m_scale->setObjectName(QStringLiteral("scaleForFlipButton"));
    m_scale->setMinimumHeight(36);
    m_scale->setVisible(false);
    connect(m_scale, &QPushButton::clicked, this, [this] {
        if (m_waiting) {
            Q_EMIT cancelWaitRequested();
        } else {
            Q_EMIT scaleThenRequested(m_scaleKind);
        }
    });
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_promote);
    layout->addWidget(m_flip);
    layout->addWidget(m_scale);
    layout->addStretch(1);
    layout->addWidget(m_rollback);
    // The actions carry the shortcuts (in the Release menu, and here for a window without one).
    m_promoteAction = new QAction(tr("&Promote"), this);
    m_promoteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_flipAction = new QAction(tr("&Flip"), this);
    m_flipAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_rollbackAction = new QAction(tr("&Rollback"), this);
    m_rollbackAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_rollbackAction->setObjectName(QStringLiteral("rollbackAction"));
    m_promoteAction->setObjectName(QStringLiteral("promoteAction"));
    m_flipAction->setObjectName(QStringLiteral("flipAction"));
    for (QAction *action : {m_promoteAction, m_flipAction, m_rollbackAction}) {
        action->setShortcutContext(Qt::WindowShortcut);
        addAction(action);
    }
    connect(m_promoteAction, &QAction::triggered, this, &ActionBar::promoteRequested);
    connect(m_flipAction, &QAction::triggered, this, &ActionBar::flipRequested);
    connect(m_rollbackAction, &QAction::triggered, this, &ActionBar::rollbackRequested);
    connect(m_promote, &QPushButton::clicked, m_promoteAction, &QAction::trigger);
    connect(m_flip, &QPushButton::clicked, m_flipAction, &QAction::trigger);
    connect(m_rollback, &QPushButton::clicked, m_rollbackAction, &QAction::trigger);
    clear();
}

QAction *ActionBar::actionOf(QPushButton *button) const
{
    return button == m_promote ? m_promoteAction : button == m_flip ? m_flipAction : m_rollbackAction;
}

void ActionBar::apply(QPushButton *button, const Core::Capability &capability, const QString &what)
{
    button->setEnabled(capability.enabled && (!m_busy || button == m_rollback));
    button->setToolTip(capability.enabled ? what : capability.reason);
    actionOf(button)->setEnabled(button->isEnabled());
    actionOf(button)->setToolTip(button->toolTip());
}

void ActionBar::setRelease(const Core::ReleaseSnapshot &release)
{
    m_capabilities = release.capabilities;
    m_scaleOffered = false;
    if (release.routeKind == Core::RouteKind::ArgoRollout) {
        apply(m_promote, m_capabilities.promote,
              tr("End the current pause or skip to the next step (kubectl argo rollouts promote)"));
        apply(m_flip, m_capabilities.flip, QString());
        apply(m_rollback, m_capabilities.rollback, m_capabilities.rollback.reason);
        showScale();
        return;
    }
    if (release.routeKind == Core::RouteKind::FlaggerCanary) {
        apply(m_promote, m_capabilities.promote,
              tr("Open the loadtester gate Flagger waits at, and close it again once Flagger has passed it"));
        apply(m_flip, m_capabilities.flip, QString());
        apply(m_rollback, m_capabilities.rollback, tr("Fail the canary now: %1").arg(m_capabilities.rollback.reason));
        showScale();
        return;
    }
    apply(m_promote, m_capabilities.promote,
          tr("Make %1 (%2) stable with 100 % of traffic")
              .arg(Core::colorName(release.candidate()), release.environment(release.candidate()).version));
    apply(m_flip, m_capabilities.flip, tr("Move all traffic to the other environment in one write"));
    apply(m_rollback, m_capabilities.rollback, tr("All traffic back to the last known-good environment, now"));
    offerScale(release);
    showScale();
}

// Promote or Flip off because the color taking over is smaller: offer to grow it and act once it is
// ready. A canary is promoted, a blue-green release flipped; the other is offered when only it is off.
void ActionBar::offerScale(const Core::ReleaseSnapshot &release)
{
    const auto refused = [this, &release](Core::ActionKind kind) -> std::optional<Core::CapacityShortfall> {
        const bool promote = kind == Core::ActionKind::Promote;
        const Core::Capability &capability = promote ? m_capabilities.promote : m_capabilities.flip;
        const std::optional<Core::CapacityShortfall> shortfall =
            promote ? Core::promoteShortfall(release) : Core::flipShortfall(release);
        if (!shortfall || capability.enabled || !m_capabilities.scale.enabled ||
            !release.environment(shortfall->target).present ||
            release.environment(shortfall->target).readyReplicas == 0) {
            return std::nullopt;
        }
        return shortfall;
    };
    const bool canary = release.strategy() == Core::Strategy::Canary;
    const std::array<Core::ActionKind, 2> order = canary
                                                      ? std::array{Core::ActionKind::Promote, Core::ActionKind::Flip}
                                                      : std::array{Core::ActionKind::Flip, Core::ActionKind::Promote};
    for (const Core::ActionKind kind : order) {
        const std::optional<Core::CapacityShortfall> shortfall = refused(kind);
        if (!shortfall) {
            continue;
        }
        m_scaleOffered = true;
        m_scaleKind = kind;
        const QString color = Core::colorName(shortfall->target);
        const QString verb = Core::actionName(kind);
        const int servingShare = release.environment(shortfall->serving).trafficPercent;
        m_scale->setText(tr("Scale %1 to %2, %3 when ready").arg(color).arg(shortfall->needed).arg(verb));
        m_scale->setToolTip(tr("%1 has %2 ready replicas and %3 carries %4 % of the traffic on %5: grow %1 to %5, "
                               "wait until they are ready, then %6 (asked once, now)")
                                .arg(color)
                                .arg(shortfall->ready)
                                .arg(Core::colorName(shortfall->serving))
                                .arg(servingShare)
                                .arg(shortfall->needed)
                                .arg(verb));
        return;
    }
}

void ActionBar::setWaiting(const std::optional<Waiting> &waiting)
{
    m_waiting = waiting;
    showScale();
}

void ActionBar::showScale()
{
    m_scale->setVisible(m_scaleOffered || m_waiting);
    if (m_waiting) {
        const QString verb = Core::actionName(m_waiting->kind);
        m_scale->setText(tr("Cancel %1 (%2 of %3 ready)").arg(verb).arg(m_waiting->ready).arg(m_waiting->needed));
        m_scale->setToolTip(tr("The %1 waits for the pods; cancel it and nothing moves (the scale stays)").arg(verb));
        m_scale->setEnabled(true);
        return;
    }
    m_scale->setEnabled(!m_busy);
}

void ActionBar::clear()
{
    m_capabilities = {};
    m_scaleOffered = false;
    m_waiting.reset();
    m_scale->setVisible(false);
    for (QPushButton *button : {m_promote, m_flip, m_rollback}) {
        button->setEnabled(false);
        button->setToolTip(tr("Select a release"));
        actionOf(button)->setEnabled(false);
    }
}

void ActionBar::setBusy(bool busy)
{
    m_busy = busy;
    apply(m_promote, m_capabilities.promote, m_promote->toolTip());
    apply(m_flip, m_capabilities.flip, m_flip->toolTip());
    apply(m_rollback, m_capabilities.rollback, m_rollback->toolTip());
    showScale();
}

} // namespace Curtain::Ui
