#pragma once

#include "core/judge.h"
#include "core/plan.h"
#include "core/release.h"

#include <QHash>
#include <QPointF>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace Curtain::Ui {

class EvidenceChart;

// The selected release's canary plan: pick or edit it, start it, and watch it as a timeline (which
// step, how long left, what it waits for) with the judge's evidence per metric and, at the end, the
// one sentence that says why it promoted or rolled back.
class PlanPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit PlanPanel(QWidget *parent = nullptr);

    // What the route says (saved plan, progress written by whichever console drives it).
    void setRelease(const Core::ReleaseSnapshot *release, bool drivenHere);
    // Live progress from the plan this console drives, for the release it names (maybe not the one shown).
    void setProgress(const Core::ReleaseKey &release, const Core::PlanProgress &progress,
                     const Core::Judgement &judgement);
    void refreshCountdown();

    QString timelineText() const;
    QString statusText() const;
    QString outcomeText() const;
    QString evidenceText() const;
    int evidencePoints() const;

Q_SIGNALS:
    void startRequested(const Curtain::Core::Plan &plan);
    void resumeRequested();
    void stopRequested();
    void saveRequested(const Curtain::Core::Plan &plan);

private:
    bool m_weighted = true;                // the release has a weighted route, so a plan can run on it
    Core::Capability m_writable{true, {}}; // may a weight be set (a plan started, saved)? else why not
    struct Shown
    {
        Core::PlanProgress progress;
        Core::Judgement judgement;
        QList<QPointF> errors;
        QList<QPointF> latency;
        QList<QPointF> budgets;
        bool live = false; // from this console's runner, not just the annotation
    };
    Core::Plan chosenPlan() const;
    void editPlan();
    void show(const Shown &shown, bool running, const QString &driver);
    void hideEmptyLines();
    static QString startToolTip();

    Core::ReleaseKey m_release; // the release shown; texts name it by its name, the heading says where
    std::optional<Core::Plan> m_savedPlan;
    bool m_drivenHere = false;
    QString m_driver;
    int m_candidateWeight = 0; // where the traffic holds while a plan has no driver
    QHash<Core::ReleaseKey, Shown> m_shown;
    QComboBox *m_template;
    QPushButton *m_edit;
    QPushButton *m_start;
    QPushButton *m_resume;
    QPushButton *m_stop;
    QLabel *m_timeline;
    QLabel *m_status;
    QLabel *m_evidence;
    QLabel *m_outcome;
    EvidenceChart *m_chart;
};

} // namespace Curtain::Ui
