#pragma once

#include "core/action.h"
#include "core/release.h"

#include <QDateTime>
#include <QHash>
#include <QWidget>

class QLabel;
class QPushButton;
class QToolButton;

namespace Curtain::Ui {

// Step control for an Argo Rollout, where a weighted route has its slider: where the Rollout is
// (phase, step i/n with each step, weights, pause countdown, what waits for a person, how long the
// controller has not reacted), its AnalysisRuns, and the controller's own actions — promote full,
// pause, resume, abort, retry, restart, undo to a revision. Promote (one step) and Rollback stay in
// the action bar; this panel says what Rollback does to a Rollout and that Git must follow.
class RolloutPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit RolloutPanel(QWidget *parent = nullptr);

    void setRelease(const Core::ReleaseSnapshot *release); // hidden unless it is an Argo Rollout
    void setBusy(bool busy);
    void refreshCountdown();

    QString statusText() const;
    QString stepsText() const;
    QString rollbackText() const;

Q_SIGNALS:
    void actionRequested(Curtain::Core::ActionKind kind, int revision);

private:
    void apply(QPushButton *button, const Core::Capability &capability, const QString &what);
    QPushButton *addButton(const QString &text, const QString &name, Core::ActionKind kind);

    Core::ReleaseKey m_release;
    std::optional<Core::RolloutStatus> m_status;
    Core::Capabilities m_capabilities;
    bool m_busy = false;
    QHash<Core::ReleaseKey, QDateTime> m_waitingSince; // per release: when "waiting for the controller" began
    QLabel *m_state;
    QLabel *m_steps;
    QLabel *m_analysis;
    QLabel *m_rollback;
    QPushButton *m_promoteFull;
    QPushButton *m_pause;
    QPushButton *m_resume;
    QPushButton *m_abort;
    QPushButton *m_retry;
    QPushButton *m_restart;
    QToolButton *m_undo;
};

} // namespace Curtain::Ui
