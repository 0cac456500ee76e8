#pragma once

#include "core/capacity.h"
#include "core/release.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;

namespace Curtain::Ui {

// After a flip, the color that served before waits idle: Rollback to it is instant, at the price of
// its pods. This row says since when and what it reserves, and offers to scale it down after a delay
// (default 30 min) — saying that the instant rollback ends then. A scheduled scale-down is kept per
// release while the console runs, and dropped when the color stops being idle (a rollback).
class IdleWindowRow final : public QWidget
{
    Q_OBJECT

public:
    explicit IdleWindowRow(QWidget *parent = nullptr);

    void setRelease(const Core::ReleaseSnapshot *release); // hidden without an idle color
    // Every release of the context: schedules whose color is no longer idle are dropped.
    void observe(const Core::ReleaseSnapshots &releases);
    void clearSchedules(); // another context: its schedules went with it

    QString text() const;
    // When the release's idle color is due to scale down; invalid when none is scheduled.
    QDateTime scheduledAt(const Core::ReleaseKey &release) const;

Q_SIGNALS:
    // The delay ran out: scale `color` of `release` to 0 (the engine refuses if it carries traffic).
    void scaleDownDue(const Curtain::Core::ReleaseKey &release, Curtain::Core::Color color);
    void scheduled(const QString &message); // for the status line: what was scheduled or cancelled

private:
    void schedule();
    void cancel();
    void refresh();
    void fireDue();

    struct Scheduled
    {
        Core::Color color;
        QString version; // the pods it was scheduled for: a new version deployed there is not idle
        QDateTime at;
    };
    std::optional<Core::ReleaseSnapshot> m_release;
    std::optional<Core::IdleWindow> m_window;
    QHash<Core::ReleaseKey, Scheduled> m_scheduled;
    QTimer m_clock; // the text counts minutes; due scale-downs fire from here
    QLabel *m_text;
    QLabel *m_delayLabel;
    QSpinBox *m_delay;
    QPushButton *m_scaleDown;
    QPushButton *m_cancel;
};

} // namespace Curtain::Ui
