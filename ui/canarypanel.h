#pragma once

#include "core/action.h"
#include "core/release.h"

#include <QWidget>

class QLabel;
class QPushButton;

namespace Curtain::Ui {

// A Flagger canary's state under the charts: phase, weight against its steps, failed checks
// against the threshold, what waits for a person, the loadtester gates and what they mean,
// Suspend/Resume (spec.suspend) and Close gates. Promote and Rollback are the action bar's, as for every release.
class CanaryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit CanaryPanel(QWidget *parent = nullptr);

    void setRelease(const Core::ReleaseSnapshot *release);
    void setBusy(bool busy);

Q_SIGNALS:
    void actionRequested(Curtain::Core::ActionKind kind);

private:
    void applyCapabilities();

    Core::Capabilities m_capabilities;
    bool m_busy = false;
    QLabel *m_state;
    QLabel *m_gates;
    QPushButton *m_suspend;
    QPushButton *m_resume;
    QPushButton *m_closeGates;
};

} // namespace Curtain::Ui
