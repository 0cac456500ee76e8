#include "canarypanel.h"

#include "core/canarycontrol.h"
#include "theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Curtain::Ui {

CanaryPanel::CanaryPanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("canaryPanel"));
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("canaryState"));
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::PlainText);
    m_gates = new QLabel(this);
    m_gates->setObjectName(QStringLiteral("canaryGates"));
    m_gates->setWordWrap(true);
    m_gates->setTextFormat(Qt::PlainText);
    Theme::setTextColor(*m_gates, Theme::secondaryText());
    m_suspend = new QPushButton(tr("Suspend"), this);
    m_suspend->setObjectName(QStringLiteral("suspendButton"));
    m_resume = new QPushButton(tr("Resume"), this);
    m_resume->setObjectName(QStringLiteral("canaryResumeButton"));
    m_closeGates = new QPushButton(tr("Close gates"), this);
    m_closeGates->setObjectName(QStringLiteral("closeGatesButton"));
    for (QPushButton *b : {m_suspend, m_resume, m_closeGates}) {
        b->setMinimumHeight(30);
    }
    connect(m_suspend, &QPushButton::clicked, this, [this] { Q_EMIT actionRequested(Core::ActionKind::Pause); });
    connect(m_resume, &QPushButton::clicked, this, [this] { Q_EMIT actionRequested(Core::ActionKind::Resume); });
    connect(m_closeGates, &QPushButton::clicked, this,
            [this] { Q_EMIT actionRequested(Core::ActionKind::CloseGates); });

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_suspend);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_closeGates);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_state);
    layout->addLayout(buttons);
    layout->addWidget(m_gates);
    setVisible(false);
}

void CanaryPanel::setRelease(const Core::ReleaseSnapshot *release)
{
    const bool canary = release && release->canary;
    setVisible(canary);
    if (!canary) {
        m_capabilities = {};
        return;
    }
    const Core::CanaryStatus &c = *release->canary;
    m_capabilities = release->capabilities;
    QString state = tr("Flagger: %1").arg(c.summary());
    if (!c.promotedMessage.isEmpty()) {
        state += QStringLiteral("\n") + c.promotedMessage;
    }
    if (c.phase == QLatin1String("Succeeded")) {
        state += QStringLiteral("\n") + Core::flaggerPromotedNote() + QLatin1Char('.');
    }
    m_state->setText(state);
    QStringList gates;
    for (const Core::CanaryGate &gate : c.gates) {
        gates << tr("%1 → %2.%3%4").arg(gate.type, gate.serviceName, gate.serviceNamespace, gate.path);
    }
    m_gates->setVisible(!gates.isEmpty());
    m_gates->setText(
        tr("Gates: %1. The loadtester keeps gates in memory and an open one lets the next release "
           "through; Curtain closes each gate it opens once Flagger has passed it, and Close gates closes them all, "
           "whoever opened them.")
            .arg(gates.join(QStringLiteral("; "))));
    applyCapabilities();
}

void CanaryPanel::setBusy(bool busy)
{
    m_busy = busy;
    applyCapabilities();
}

void CanaryPanel::applyCapabilities()
{
    m_suspend->setEnabled(m_capabilities.pause.enabled && !m_busy);
    m_suspend->setToolTip(m_capabilities.pause.enabled ? tr("Freeze the canary where it is (spec.suspend: true)")
                                                       : m_capabilities.pause.reason);
    m_resume->setEnabled(m_capabilities.resume.enabled && !m_busy);
    m_resume->setToolTip(m_capabilities.resume.enabled ? tr("Let Flagger go on (spec.suspend: false)")
                                                       : m_capabilities.resume.reason);
    m_closeGates->setVisible(m_capabilities.closeGates.enabled || !m_capabilities.closeGates.reason.isEmpty());
    m_closeGates->setEnabled(m_capabilities.closeGates.enabled && !m_busy);
    m_closeGates->setToolTip(m_capabilities.closeGates.reason);
}

} // namespace Curtain::Ui
