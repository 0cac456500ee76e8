#include "actionbar.h"

#include "theme.h"

#include "core/capacity.h"

#include <QAction>
#include <QHBoxLayout>
#include <QPushButton>

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
        if (m_flipWaiting) {
            Q_EMIT cancelFlipRequested();
        } else {
            Q_EMIT flipWhenReadyRequested();
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
    // Flip off because the color taking over is smaller: offer to grow it and flip once it is ready.
    const std::optional<Core::CapacityShortfall> shortfall = Core::flipShortfall(release);
    m_scaleOffered = shortfall && !m_capabilities.flip.enabled && m_capabilities.scale.enabled &&
                     release.environment(shortfall->target).present &&
                     release.environment(shortfall->target).readyReplicas > 0;
    if (m_scaleOffered) {
        const QString color = Core::colorName(shortfall->target);
        m_scale->setText(tr("Scale %1 to %2, flip when ready").arg(color).arg(shortfall->needed));
        m_scale->setToolTip(tr("%1 has %2 ready replicas and %3 carries all traffic on %4: grow %1 to %4, wait "
                               "until they are ready, then flip (asked once, now)")
                                .arg(color)
                                .arg(shortfall->ready)
                                .arg(Core::colorName(shortfall->serving))
                                .arg(shortfall->needed));
    }
    showScale();
}

void ActionBar::setFlipWaiting(std::optional<std::pair<int, int>> readyOfNeeded)
{
    m_flipWaiting = readyOfNeeded;
    showScale();
}

void ActionBar::showScale()
{
    m_scale->setVisible(m_scaleOffered || m_flipWaiting);
    if (m_flipWaiting) {
        m_scale->setText(tr("Cancel flip (%1 of %2 ready)").arg(m_flipWaiting->first).arg(m_flipWaiting->second));
        m_scale->setToolTip(tr("The flip waits for the pods; cancel it and nothing moves (the scale stays)"));
        m_scale->setEnabled(true);
        return;
    }
    m_scale->setEnabled(!m_busy);
}

void ActionBar::clear()
{
    m_capabilities = {};
    m_scaleOffered = false;
    m_flipWaiting.reset();
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
