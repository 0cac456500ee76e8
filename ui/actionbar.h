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
    // The one safe way past a flip refused for capacity: the color taking over grown to `replicas`.
    void scaleRequested(Curtain::Core::Color color, int replicas);

private:
    void apply(QPushButton *button, const Core::Capability &capability, const QString &what);

    QPushButton *m_promote;
    QPushButton *m_flip;
    QPushButton *m_rollback;
    QPushButton *m_scale; // "Scale green to 4": shown while Flip is off for capacity alone
    Core::Color m_scaleColor = Core::Color::Green;
    int m_scaleReplicas = 0;
    QAction *m_promoteAction;
    QAction *m_flipAction;
    QAction *m_rollbackAction;
    QAction *actionOf(QPushButton *button) const;
    Core::Capabilities m_capabilities;
    bool m_busy = false;
};

} // namespace Curtain::Ui
