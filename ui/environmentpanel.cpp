#include "environmentpanel.h"

#include "theme.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace Curtain::Ui {

namespace {

QLabel *makeLabel(const QString &objectName, QWidget *parent, int pointDelta = 0, bool bold = false)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    QFont font = label->font();
    font.setPointSize(font.pointSize() + pointDelta);
    font.setBold(bold);
    label->setFont(font);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

EnvironmentPanel::EnvironmentPanel(Core::Color color, QWidget *parent) : QFrame(parent), m_color(color)
{
    setObjectName(Core::colorName(color) + QStringLiteral("Panel"));
    setFrameShape(QFrame::StyledPanel);
    const QColor accent = Theme::color(color);
    setStyleSheet(QStringLiteral("Curtain--Ui--EnvironmentPanel { border: 1px solid %1; border-top: 5px solid %1; "
                                 "border-radius: 4px; }")
                      .arg(accent.name()));
    setMinimumWidth(260);

    m_title = makeLabel(QStringLiteral("titleLabel"), this, 2, true);
    m_title->setText(Core::colorName(color).toUpper());
    m_title->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::colorText(color).name()));
    m_role = makeLabel(QStringLiteral("roleLabel"), this);
    m_role->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_version = makeLabel(QStringLiteral("versionLabel"), this, 8, true);
    m_traffic = makeLabel(QStringLiteral("trafficLabel"), this, 8, true);
    m_traffic->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_replicas = makeLabel(QStringLiteral("replicasLabel"), this);
    m_readiness = new QProgressBar(this);
    m_readiness->setObjectName(QStringLiteral("readinessBar"));
    m_readiness->setTextVisible(false);
    m_readiness->setMaximumHeight(8);
    m_readiness->setStyleSheet(
        QStringLiteral("QProgressBar { border: none; background: palette(midlight); border-radius: 3px; }"
                       "QProgressBar::chunk { background: %1; border-radius: 3px; }")
            .arg(accent.name()));
    m_status = makeLabel(QStringLiteral("statusLabel"), this);
    m_status->setWordWrap(true);
    m_metrics = makeLabel(QStringLiteral("metricsLabel"), this);
    m_metrics->setWordWrap(true);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(14, 10, 14, 12);
    layout->setVerticalSpacing(6);
    layout->addWidget(m_title, 0, 0);
    layout->addWidget(m_role, 0, 1);
    layout->addWidget(m_version, 1, 0);
    layout->addWidget(m_traffic, 1, 1);
    layout->addWidget(m_replicas, 2, 0, 1, 2);
    layout->addWidget(m_readiness, 3, 0, 1, 2);
    layout->addWidget(m_status, 4, 0, 1, 2);
    layout->addWidget(m_metrics, 5, 0, 1, 2);
    layout->setRowStretch(6, 1);
    clear();
}

void EnvironmentPanel::clear()
{
    m_role->clear();
    m_version->setText(QStringLiteral("—"));
    m_traffic->clear();
    m_replicas->clear();
    m_readiness->setRange(0, 1);
    m_readiness->setValue(0);
    m_status->clear();
    m_metrics->clear();
}

void EnvironmentPanel::setRelease(const Core::ReleaseSnapshot &release)
{
    const Core::Environment &env = release.environment(m_color);
    const bool stable = release.stable == m_color;
    const bool rollout = release.routeKind == Core::RouteKind::ArgoRollout;
    // An Argo Rollout's environments are its ReplicaSets; a canary, preview or previous revision.
    const QString role = stable                                            ? tr("stable")
                         : !rollout                                        ? tr("candidate")
                         : release.previous == m_color                     ? tr("previous")
                         : release.strategy() == Core::Strategy::BlueGreen ? tr("preview")
                                                                           : tr("canary");
    m_role->setText(role);
    if (!env.present) {
        clear();
        m_role->setText(role);
        m_status->setText(rollout ? tr("No revision in flight: the Rollout runs one ReplicaSet.")
                                  : tr("No Deployment labelled curtain.dev/color=%1 for %2.")
                                        .arg(Core::colorName(m_color), release.name));
        return;
    }
    m_version->setText(env.version);
    m_version->setToolTip(env.deployment);
    m_traffic->setText(QStringLiteral("%1 %").arg(env.trafficPercent));
    m_traffic->setToolTip(tr("share of %1's traffic").arg(release.name));
    m_replicas->setText(tr("%1 of %2 replicas ready").arg(env.readyReplicas).arg(env.desiredReplicas));
    m_readiness->setRange(0, std::max(1, env.desiredReplicas));
    m_readiness->setValue(env.readyReplicas);
    m_status->setText(
        (rollout ? tr("ReplicaSet %1: %2") : tr("Deployment %1: %2")).arg(env.deployment, env.rolloutMessage));
}

void EnvironmentPanel::setMetrics(const Core::MetricPoint &point)
{
    if (!point.hasTraffic) {
        m_metrics->setText(tr("No requests in the last 30 s"));
        return;
    }
    m_metrics->setText(tr("%1 req/s · errors %2 % · p99 %3 ms")
                           .arg(point.requestsPerSecond, 0, 'f', 1)
                           .arg(point.errorRatio * 100.0, 0, 'f', 2)
                           .arg(point.p99Seconds * 1000.0, 0, 'f', 0));
}

} // namespace Curtain::Ui
