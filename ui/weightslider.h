#pragma once

#include "core/release.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QSlider;
class QPushButton;

namespace Curtain::Ui {

// The candidate's traffic share: a slider that applies when released (or after keyboard steps
// settle), presets for the usual canary steps, and the state of the last request.
class WeightSlider final : public QWidget
{
    Q_OBJECT

public:
    enum class State { Idle, Pending, Applied, Failed };

    explicit WeightSlider(QWidget *parent = nullptr);

    void setRelease(const Core::ReleaseSnapshot &release);
    void setPending(int weight);
    void setApplied(int weight);
    void setFailed(const QString &message);
    void revert(); // a requested weight was not sent (its confirmation was cancelled)
    State state() const { return m_state; }
    int value() const;

    static const QList<int> &presets();

Q_SIGNALS:
    void weightRequested(int weight);

private:
    void request(int weight);
    void showValue(int weight);
    void showState(const QString &text, const QString &style, const QString &toolTip);

    QSlider *m_slider;
    QLabel *m_value;
    QLabel *m_stateLabel;
    QLabel *m_reason;
    QList<QPushButton *> m_presets;
    QTimer m_keyboardSettle;
    State m_state = State::Idle;
    int m_applied = 0;
    int m_appliedShown = 0; // the weight "✓ applied" names
    Core::ReleaseKey m_release;
};

} // namespace Curtain::Ui
