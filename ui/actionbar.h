#pragma once

#include "core/action.h"
#include "core/release.h"

#include <QWidget>

#include <optional>

class QAction;
class QPushButton;

namespace Curtain::Ui {

// Promote, Flip and Rollback. Rollback is always visible, never asks for confirmation, has a
// shortcut (Ctrl+R), and is enabled whenever there is something to roll back.
class ActionBar final : public QWidget
{
    Q_OBJECT

public:
    explicit ActionBar(QWidget *parent = nullptr);

    void setRelease(const Core::ReleaseSnapshot &release);
    void clear();
    void setBusy(bool busy); // an action is in flight: Promote and Flip wait, Rollback never does
    // A flip or promote of the shown release that waits for its color's pods; nothing: none waits.
    struct Waiting
    {
        Core::ActionKind kind = Core::ActionKind::Flip;
        int ready = 0;
        int needed = 0;
    };
    void setWaiting(const std::optional<Waiting> &waiting);

    QPushButton *rollbackButton() const { return m_rollback; }
    // The same three as menu actions with their shortcuts (Rollback Ctrl+R), enabled exactly when
    // their buttons are.
    QAction *promoteAction() const { return m_promoteAction; }
    QAction *flipAction() const { return m_flipAction; }
    QAction *rollbackAction() const { return m_rollbackAction; }

Q_SIGNALS:
    void promoteRequested();
    void flipRequested();
    void rollbackRequested();
    // The one safe way past a flip or promote refused for capacity: the color taking over grown to
    // the serving color's size, and the action once its pods are ready — one step, cancellable
    // while it waits. `kind` is Promote for a canary, Flip for blue-green (whichever is refused).
    void scaleThenRequested(Core::ActionKind kind);
    void cancelWaitRequested();

private:
    void apply(QPushButton *button, const Core::Capability &capability, const QString &what);

    QPushButton *m_promote;
    QPushButton *m_flip;
    QPushButton *m_rollback;
    QPushButton *m_scale; // "Scale green to 4, promote when ready": while Promote or Flip is off for capacity
    bool m_scaleOffered = false;
    Core::ActionKind m_scaleKind = Core::ActionKind::Flip; // what follows the scale
    std::optional<Waiting> m_waiting;
    void offerScale(const Core::ReleaseSnapshot &release);
    void showScale();
    QAction *m_promoteAction;
    QAction *m_flipAction;
    QAction *m_rollbackAction;
    QAction *actionOf(QPushButton *button) const;
    Core::Capabilities m_capabilities;
    bool m_busy = false;
};

} // namespace Curtain::Ui
