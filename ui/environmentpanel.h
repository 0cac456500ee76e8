#pragma once

#include "core/metricpoint.h"
#include "core/pods.h"
#include "core/release.h"

#include <QFrame>

#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace Curtain::Ui {

// One environment of the selected release (blue or green): version, replicas, traffic share, role,
// rollout state, the latest metrics, and its pods (ready, restarts, age, node) with the way to their
// Warning events and a pod's log.
class EnvironmentPanel final : public QFrame
{
    Q_OBJECT

public:
    explicit EnvironmentPanel(Core::Color color, QWidget *parent = nullptr);

    void setRelease(const Core::ReleaseSnapshot &release);
    void setMetrics(const Core::MetricPoint &point);
    void clear();
    void setPods(const Core::EnvironmentPods &pods);
    void setPodsError(const QString &message);
    // Ages count on between reads of the pods (every 5 s): each pod's, and the last Warning's.
    void refreshAges();
    int podCount() const;
    QString podText(int row) const; // "name | ready | restarts | age | node", for tests
    QString warningsText() const;

Q_SIGNALS:
    void logRequested(const QString &pod);
    void eventsRequested();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void requestLog();
    Core::Color m_color;
    QLabel *m_title;
    QLabel *m_role;
    QLabel *m_version;
    QLabel *m_traffic;
    QLabel *m_replicas;
    QProgressBar *m_readiness;
    QLabel *m_status;
    QLabel *m_metrics;
    QTreeWidget *m_pods;
    QLabel *m_warnings;
    struct LastWarning
    {
        QString count; // "3 Warning events"
        QDateTime time;
        QString action;
    };
    std::optional<LastWarning> m_lastWarning; // while the warnings line names it
    void showLastWarning(const QDateTime &now);
    QPushButton *m_eventsButton;
    QPushButton *m_logButton;
};

} // namespace Curtain::Ui
