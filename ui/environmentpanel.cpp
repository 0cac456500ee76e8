#include "environmentpanel.h"

#include "core/action.h"
#include "core/displaytext.h"

#include "copyablelabel.h"
#include "theme.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace Curtain::Ui {

namespace {

constexpr int ageColumn = 3; // Pod, Ready, Restarts, Age, Node

enum class Wrap { Line, Words };

QLabel *makeLabel(const QString &objectName, QWidget *parent, int pointDelta = 0, bool bold = false,
                  Wrap wrap = Wrap::Line)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    QFont font = label->font();
    font.setPointSize(font.pointSize() + pointDelta);
    font.setBold(bold);
    label->setFont(font);
    label->setWordWrap(wrap == Wrap::Words);
    makeCopyable(*label);
    return label;
}

const QMargins accentBorder(1, 5, 1, 1); // a band on top in the environment's colour

// Ready replicas of desired: a rounded track in the palette's midlight, filled in the accent.
class ReadinessBar final : public QProgressBar
{
public:
    ReadinessBar(const QColor &accent, QWidget *parent) : QProgressBar(parent), m_accent(accent)
    {
        // QProgressBar repaints only past a step it measures in its own paintEvent, which this one
        // replaces: without this, 1000 → 2 of 1000 ready would leave the bar full.
        connect(this, &QProgressBar::valueChanged, this, qOverload<>(&QWidget::update));
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(palette().color(QPalette::Midlight));
        painter.drawRoundedRect(QRectF(rect()), 3, 3);
        const int span = maximum() - minimum();
        if (span > 0 && value() > minimum()) {
            QRectF chunk(rect());
            chunk.setWidth(chunk.width() * (value() - minimum()) / span);
            painter.setBrush(m_accent);
            painter.drawRoundedRect(chunk, 3, 3);
        }
    }

private:
    QColor m_accent;
};

} // namespace

EnvironmentPanel::EnvironmentPanel(Core::Color color, QWidget *parent) : QFrame(parent), m_color(color)
{
    setObjectName(Core::colorName(color) + QStringLiteral("Panel"));
    setFrameShape(QFrame::NoFrame); // paintEvent draws the coloured frame
    setContentsMargins(accentBorder);
    setMinimumWidth(260);

    m_title = makeLabel(QStringLiteral("titleLabel"), this, 2, true);
    m_title->setText(Core::colorName(color).toUpper());
    Theme::setTextColor(*m_title, Theme::colorText(color));
    m_role = makeLabel(QStringLiteral("roleLabel"), this);
    m_role->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_version = makeLabel(QStringLiteral("versionLabel"), this, 8, true);
    m_traffic = makeLabel(QStringLiteral("trafficLabel"), this, 8, true);
    m_traffic->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_replicas = makeLabel(QStringLiteral("replicasLabel"), this);
    m_readiness = new ReadinessBar(Theme::color(color), this);
    m_readiness->setObjectName(QStringLiteral("readinessBar"));
    m_readiness->setTextVisible(false);
    m_readiness->setMaximumHeight(8);
    m_status = makeLabel(QStringLiteral("statusLabel"), this, 0, false, Wrap::Words);
    m_metrics = makeLabel(QStringLiteral("metricsLabel"), this, 0, false, Wrap::Words);

    m_pods = new QTreeWidget(this);
    m_pods->setObjectName(QStringLiteral("podList"));
    m_pods->setAccessibleName(tr("%1 pods").arg(Core::colorName(color)));
    m_pods->setRootIsDecorated(false);
    m_pods->setUniformRowHeights(true);
    m_pods->setTextElideMode(Qt::ElideMiddle); // the end of a pod's name is what tells pods apart
    m_pods->setHeaderLabels({tr("Pod"), tr("Ready"), tr("Restarts"), tr("Age"), tr("Node")});
    m_pods->header()->setStretchLastSection(false);
    m_pods->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int column = 1; column < 5; ++column) {
        m_pods->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    }
    m_pods->setMaximumHeight(m_pods->fontMetrics().height() * 7);
    m_pods->setMinimumHeight(m_pods->fontMetrics().height() * 4);
    connect(m_pods, &QTreeWidget::itemActivated, this, [this] { requestLog(); });
    m_warnings = makeLabel(QStringLiteral("warningsLabel"), this, 0, false, Wrap::Words);
    m_eventsButton = new QPushButton(tr("Events…"), this);
    m_eventsButton->setObjectName(QStringLiteral("eventsButton"));
    m_eventsButton->setAccessibleName(tr("%1's Warning events").arg(Core::colorName(color)));
    m_eventsButton->setToolTip(tr("The Warning events on this environment's pods and workload"));
    connect(m_eventsButton, &QPushButton::clicked, this, &EnvironmentPanel::eventsRequested);
    m_logButton = new QPushButton(tr("Log…"), this);
    m_logButton->setObjectName(QStringLiteral("logButton"));
    m_logButton->setAccessibleName(tr("Follow the selected %1 pod's log").arg(Core::colorName(color)));
    m_logButton->setToolTip(tr("Follow the selected pod's log, as kubectl logs -f does"));
    connect(m_logButton, &QPushButton::clicked, this, &EnvironmentPanel::requestLog);
    auto *podButtons = new QHBoxLayout;
    podButtons->addWidget(m_warnings, 1);
    podButtons->addWidget(m_eventsButton);
    podButtons->addWidget(m_logButton);

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
    layout->addWidget(m_pods, 6, 0, 1, 2);
    layout->addLayout(podButtons, 7, 0, 1, 2);
    layout->setRowStretch(8, 1);
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
    m_pods->clear();
    m_warnings->clear();
    m_lastWarning.reset();
    m_eventsButton->setEnabled(false);
    m_logButton->setEnabled(false);
}

void EnvironmentPanel::setPods(const Core::EnvironmentPods &pods)
{
    const QString selected = m_pods->currentItem() ? m_pods->currentItem()->text(0) : QString();
    m_pods->clear();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Core::PodInfo &pod : pods.pods) {
        auto *item =
            new QTreeWidgetItem(m_pods, {pod.name, QStringLiteral("%1/%2").arg(pod.readyContainers).arg(pod.containers),
                                         QString::number(pod.restarts), Core::shortAge(pod.created, now), pod.node});
        item->setToolTip(
            0, tr("%1 · %2 · containers: %3").arg(pod.name, pod.phase, pod.containerNames.join(QStringLiteral(", "))));
        item->setData(ageColumn, Qt::UserRole, pod.created);
        if (!pod.ready()) {
            item->setForeground(1, Theme::waiting(palette()));
        }
        if (pod.restarts > 0) {
            item->setForeground(2, Theme::danger(palette()));
        }
        if (pod.name == selected) {
            m_pods->setCurrentItem(item);
        }
    }
    if (!m_pods->currentItem() && m_pods->topLevelItemCount() > 0) {
        m_pods->setCurrentItem(m_pods->topLevelItem(0));
    }
    m_logButton->setEnabled(m_pods->topLevelItemCount() > 0);
    m_eventsButton->setEnabled(true);
    QPalette warningPalette = m_warnings->palette();
    m_lastWarning.reset();
    if (!pods.warningsProblem.isEmpty()) {
        m_warnings->setText(tr("Events not read: %1").arg(pods.warningsProblem));
        warningPalette.setColor(QPalette::WindowText, Theme::secondaryText(palette()));
    } else if (pods.warnings.isEmpty()) {
        m_warnings->setText(tr("No Warning events"));
        warningPalette.setColor(QPalette::WindowText, Theme::secondaryText(palette()));
    } else {
        const Core::HistoryEntry &last = pods.warnings.front();
        const QString count =
            pods.warnings.size() == 1 ? tr("1 Warning event") : tr("%1 Warning events").arg(pods.warnings.size());
        m_lastWarning = LastWarning{count, last.time, last.action};
        showLastWarning(now);
        warningPalette.setColor(QPalette::WindowText, Theme::danger(palette()));
    }
    m_warnings->setPalette(warningPalette);
}

void EnvironmentPanel::refreshAges()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < m_pods->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_pods->topLevelItem(i);
        const QString age = Core::shortAge(item->data(ageColumn, Qt::UserRole).toDateTime(), now);
        if (item->text(ageColumn) != age) {
            item->setText(ageColumn, age);
        }
    }
    if (m_lastWarning) {
        showLastWarning(now);
    }
}

void EnvironmentPanel::showLastWarning(const QDateTime &now)
{
    m_warnings->setText(
        tr("%1, the last %2 ago: %3")
            .arg(m_lastWarning->count, Core::shortAge(m_lastWarning->time, now), m_lastWarning->action));
}

void EnvironmentPanel::setPodsError(const QString &message)
{
    m_pods->clear();
    m_lastWarning.reset();
    m_warnings->setText(tr("Pods not read: %1").arg(Core::headline(message)));
    m_warnings->setToolTip(message);
    m_logButton->setEnabled(false);
    m_eventsButton->setEnabled(false);
}

void EnvironmentPanel::requestLog()
{
    if (const QTreeWidgetItem *item = m_pods->currentItem()) {
        Q_EMIT logRequested(item->text(0));
    }
}

int EnvironmentPanel::podCount() const
{
    return m_pods->topLevelItemCount();
}

QString EnvironmentPanel::podText(int row) const
{
    const QTreeWidgetItem *item = m_pods->topLevelItem(row);
    QStringList cells;
    for (int column = 0; item && column < item->columnCount(); ++column) {
        cells << item->text(column);
    }
    return cells.join(QStringLiteral(" | "));
}

QString EnvironmentPanel::warningsText() const
{
    return m_warnings->text();
}

void EnvironmentPanel::setRelease(const Core::ReleaseSnapshot &release)
{
    const Core::Environment &env = release.environment(m_color);
    const bool stable = release.stable == m_color;
    const bool rollout = release.routeKind == Core::RouteKind::ArgoRollout;
    const bool haproxy =
        release.routeKind == Core::RouteKind::HAProxyServers || release.routeKind == Core::RouteKind::HAProxyMap;
    // An Argo Rollout's environments are its ReplicaSets; a canary, preview or previous revision.
    // After a promote or flip, the idle color runs the version it replaced: the way back, no candidate.
    const bool replaced = !stable && !rollout && Core::isPromotedAlready(release);
    const QString role = stable                                            ? tr("stable")
                         : replaced                                        ? tr("previous · rollback target")
                         : !rollout                                        ? tr("candidate")
                         : release.previous == m_color                     ? tr("previous")
                         : release.strategy() == Core::Strategy::BlueGreen ? tr("preview")
                                                                           : tr("canary");
    m_role->setText(role);
    // An HAProxy fleet's servers are no pods: no pod list, Events or log.
    for (QWidget *podPart : std::initializer_list<QWidget *>{m_pods, m_warnings, m_eventsButton, m_logButton}) {
        podPart->setVisible(!haproxy);
    }
    if (!env.present) {
        clear();
        m_role->setText(role);
        m_status->setText(rollout ? tr("No revision in flight: the Rollout runs one ReplicaSet.")
                          : haproxy
                              ? tr("No %1-* servers in backend %2.").arg(Core::colorName(m_color), release.routeName)
                              : tr("No Deployment labelled curtain.dev/color=%1 for %2.")
                                    .arg(Core::colorName(m_color), release.name));
        return;
    }
    m_version->setText(env.version);
    m_version->setToolTip(env.deployment);
    // A route that cannot be read has no share to show: a 0 % would say it gets no traffic.
    m_traffic->setText(release.problem.isEmpty() ? QStringLiteral("%1 %").arg(env.trafficPercent)
                                                 : QStringLiteral("— %"));
    m_traffic->setToolTip(release.problem.isEmpty() ? tr("share of %1's traffic").arg(release.name)
                                                    : tr("unknown: %1").arg(release.problem));
    m_replicas->setText((haproxy ? tr("%1 of %2 servers up") : tr("%1 of %2 replicas ready"))
                            .arg(env.readyReplicas)
                            .arg(env.desiredReplicas));
    m_readiness->setRange(0, std::max(1, env.desiredReplicas));
    // More ready than desired (scaling down) is a full bar: QProgressBar ignores a value past its end.
    m_readiness->setValue(std::clamp(env.readyReplicas, 0, m_readiness->maximum()));
    // An HAProxy color's message names its backend itself (a map release has one per color).
    m_status->setText(
        haproxy
            ? env.rolloutMessage
            : (rollout ? tr("ReplicaSet %1: %2") : tr("Deployment %1: %2")).arg(env.deployment, env.rolloutMessage));
    QPalette statusPalette; // resolves nothing of its own: the panel's colours
    if (env.deleting) {     // going away while it may still serve: said in the colour of danger
        statusPalette.setColor(QPalette::WindowText, Theme::danger(palette()));
    }
    m_status->setPalette(statusPalette);
}

void EnvironmentPanel::setMetrics(const Core::MetricPoint &point)
{
    if (!point.hasTraffic) {
        m_metrics->setText(tr("No requests in the last 30 s"));
        return;
    }
    if (!point.hasLatency) {
        m_metrics->setText(tr("%1 req/s · errors %2 % · no latency quantiles from this source")
                               .arg(point.requestsPerSecond, 0, 'f', 1)
                               .arg(point.errorRatio * 100.0, 0, 'f', 2));
        return;
    }
    m_metrics->setText(tr("%1 req/s · errors %2 % · p99 %3 ms")
                           .arg(point.requestsPerSecond, 0, 'f', 1)
                           .arg(point.errorRatio * 100.0, 0, 'f', 2)
                           .arg(point.p99Seconds * 1000.0, 0, 'f', 0));
}

void EnvironmentPanel::paintEvent(QPaintEvent *)
{
    Theme::paintAccentFrame(*this, Theme::color(m_color), accentBorder);
}

} // namespace Curtain::Ui
