#include "actionbar.h"

#include "theme.h"

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
    m_rollback->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_rollback->setMinimumHeight(36);
    m_rollback->setMinimumWidth(180);
    // Filled red while it can act; outlined when there is nothing to roll back (any palette).
    m_rollback->setStyleSheet(
        QStringLiteral("QPushButton { background: %1; color: white; font-weight: bold; border-radius: 4px; "
                       "padding: 6px 18px; } QPushButton:disabled { background: transparent; color: %2; "
                       "border: 1px solid %2; }")
            .arg(Theme::dangerFill.name(), Theme::secondaryText().name()));
    for (QPushButton *button : {m_promote, m_flip}) {
        button->setMinimumHeight(36);
        button->setMinimumWidth(110);
    }
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_promote);
    layout->addWidget(m_flip);
    layout->addStretch(1);
    layout->addWidget(m_rollback);
    connect(m_promote, &QPushButton::clicked, this, &ActionBar::promoteRequested);
    connect(m_flip, &QPushButton::clicked, this, &ActionBar::flipRequested);
    connect(m_rollback, &QPushButton::clicked, this, &ActionBar::rollbackRequested);
    clear();
}

void ActionBar::apply(QPushButton *button, const Core::Capability &capability, const QString &what)
{
    button->setEnabled(capability.enabled && (!m_busy || button == m_rollback));
    button->setToolTip(capability.enabled ? what : capability.reason);
}

void ActionBar::setRelease(const Core::ReleaseSnapshot &release)
{
    m_capabilities = release.capabilities;
    if (release.routeKind == Core::RouteKind::ArgoRollout) {
        apply(m_promote, m_capabilities.promote,
              tr("End the current pause or skip to the next step (kubectl argo rollouts promote)"));
        apply(m_flip, m_capabilities.flip, QString());
        apply(m_rollback, m_capabilities.rollback, m_capabilities.rollback.reason);
        return;
    }
    apply(m_promote, m_capabilities.promote,
          tr("Make %1 (%2) stable with 100 % of traffic")
              .arg(Core::colorName(release.candidate()), release.environment(release.candidate()).version));
    apply(m_flip, m_capabilities.flip, tr("Move all traffic to the other environment in one write"));
    apply(m_rollback, m_capabilities.rollback, tr("All traffic back to the last known-good environment, now"));
}

void ActionBar::clear()
{
    m_capabilities = {};
    for (QPushButton *button : {m_promote, m_flip, m_rollback}) {
        button->setEnabled(false);
        button->setToolTip(tr("Select a release"));
    }
}

void ActionBar::setBusy(bool busy)
{
    m_busy = busy;
    apply(m_promote, m_capabilities.promote, m_promote->toolTip());
    apply(m_flip, m_capabilities.flip, m_flip->toolTip());
    apply(m_rollback, m_capabilities.rollback, m_rollback->toolTip());
}

} // namespace Curtain::Ui
