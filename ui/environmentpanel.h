#pragma once

#include "core/metricpoint.h"
#include "core/release.h"

#include <QFrame>

class QLabel;
class QProgressBar;

namespace Curtain::Ui {

// One environment of the selected release (blue or green): version, replicas, traffic share, role,
// rollout state and the latest metrics.
class EnvironmentPanel final : public QFrame
{
    Q_OBJECT

public:
    explicit EnvironmentPanel(Core::Color color, QWidget *parent = nullptr);

    void setRelease(const Core::ReleaseSnapshot &release);
    void setMetrics(const Core::MetricPoint &point);
    void clear();

private:
    Core::Color m_color;
    QLabel *m_title;
    QLabel *m_role;
    QLabel *m_version;
    QLabel *m_traffic;
    QLabel *m_replicas;
    QProgressBar *m_readiness;
    QLabel *m_status;
    QLabel *m_metrics;
};

} // namespace Curtain::Ui
