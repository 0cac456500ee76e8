#pragma once

#include "core/release.h"

#include <QWidget>

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
    // A flip of the shown release waits for its color: `ready` of `needed` replicas; nothing: none waits.
    void setFlipWaiting(std::optional<std::pair<int, int>> readyOfNeeded);

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
    // The one safe way past a flip refused for capacity: the color taking over grown to the serving
    // color's size, and the flip once its pods are ready — one step, cancellable while it waits.
    void flipWhenReadyRequested();
    void cancelFlipRequested();

private:
    void apply(QPushButton *button, const Core::Capability &capability, const QString &what);

    QPushButton *m_promote;
    QPushButton *m_flip;
    QPushButton *m_rollback;
    QPushButton *m_scale; // "Scale green to 4, flip when ready": while Flip is off for capacity alone
    bool m_scaleOffered = false;
    std::optional<std::pair<int, int>> m_flipWaiting; // ready, needed
    void showScale();
    QAction *m_promoteAction;
    QAction *m_flipAction;
    QAction *m_rollbackAction;
    QAction *actionOf(QPushButton *button) const;
    Core::Capabilities m_capabilities;
    bool m_busy = false;
};

} // namespace Curtain::Ui
