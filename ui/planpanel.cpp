#include "planpanel.h"

#include "charts/evidencechart.h"
#include "core/judgetext.h"
#include "engine/planfile.h"
#include "theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace Curtain::Ui {

namespace {

// A short plan for trying Curtain on the demo cluster; the classic recipe takes over half an hour.
Core::Plan quickPlan()
{
    Core::Plan plan = Core::classicPlan();
    plan.steps = {{Core::StepKind::SetWeight, 5, {}, 3600},
                  {Core::StepKind::Pause, 0, 30, 3600},
                  {Core::StepKind::Analysis, 0, {}, 600},
                  {Core::StepKind::SetWeight, 25, {}, 3600},
                  {Core::StepKind::Analysis, 0, {}, 600}};
    plan.name = QStringLiteral("Quick");
    return plan;
}

QString verdictColor(Core::Verdict v)
{
    switch (v) {
    case Core::Verdict::Pass:
        return Theme::success().name();
    case Core::Verdict::Fail:
        return Theme::danger().name();
    case Core::Verdict::Hold:
        return Theme::waiting().name();
    }
    return {};
}

} // namespace

PlanPanel::PlanPanel(QWidget *parent)
    : QWidget(parent), m_template(new QComboBox(this)), m_edit(new QPushButton(tr("Edit…"), this)),
      m_start(new QPushButton(tr("Start plan"), this)), m_resume(new QPushButton(tr("Resume"), this)),
      m_stop(new QPushButton(tr("Stop"), this)), m_timeline(new QLabel(this)), m_status(new QLabel(this)),
      m_evidence(new QLabel(this)), m_outcome(new QLabel(this)), m_chart(new EvidenceChart(this))
{
    setObjectName(QStringLiteral("planPanel"));
    m_template->setObjectName(QStringLiteral("planTemplate"));
    m_start->setObjectName(QStringLiteral("startPlan"));
    m_edit->setObjectName(QStringLiteral("editPlan"));
    m_resume->setObjectName(QStringLiteral("resumePlan"));
    m_stop->setObjectName(QStringLiteral("stopPlan"));
    m_timeline->setObjectName(QStringLiteral("planTimeline"));
    m_status->setObjectName(QStringLiteral("planStatus"));
    m_evidence->setObjectName(QStringLiteral("planEvidence"));
    m_outcome->setObjectName(QStringLiteral("planOutcome"));
    for (QLabel *label : {m_timeline, m_status, m_evidence, m_outcome}) {
        label->setWordWrap(true);
        label->setTextFormat(Qt::RichText);
    }
    m_start->setToolTip(startToolTip());
    m_resume->setToolTip(tr("End a pause that waits for a human"));
    m_stop->setToolTip(tr("Stop driving; the weight stays where it is"));

    auto *title = new QLabel(tr("<b>Plan</b>"), this);
    auto *controls = new QHBoxLayout;
    controls->addWidget(title);
    controls->addWidget(m_template, 1);
    controls->addWidget(m_edit);
    controls->addWidget(m_start);
    controls->addWidget(m_resume);
    controls->addWidget(m_stop);
    auto *text = new QVBoxLayout;
    text->addLayout(controls);
    text->addWidget(m_timeline);
    text->addWidget(m_status);
    text->addWidget(m_evidence);
    text->addWidget(m_outcome);
    text->addStretch(1);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(text, 3);
    layout->addWidget(m_chart, 2);

    connect(m_start, &QPushButton::clicked, this, [this] { Q_EMIT startRequested(chosenPlan()); });
    connect(m_resume, &QPushButton::clicked, this, &PlanPanel::resumeRequested);
    connect(m_stop, &QPushButton::clicked, this, &PlanPanel::stopRequested);
    connect(m_edit, &QPushButton::clicked, this, &PlanPanel::editPlan);
    setRelease(nullptr, false);
}

Core::Plan PlanPanel::chosenPlan() const
{
    const QString choice = m_template->currentData().toString();
    if (choice == QLatin1String("saved") && m_savedPlan) {
        return *m_savedPlan;
    }
    return choice == QLatin1String("quick") ? quickPlan() : Core::classicPlan();
}

void PlanPanel::editPlan()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Plan for %1").arg(m_release.toString()));
    auto *editor = new QPlainTextEdit(&dialog);
    editor->setObjectName(QStringLiteral("planEditor"));
    editor->setPlainText(QString::fromUtf8(Engine::planYaml(chosenPlan())));
    editor->setMinimumSize(520, 420);
    auto *problem = new QLabel(&dialog);
    problem->setObjectName(QStringLiteral("planProblem"));
    problem->setStyleSheet(QStringLiteral("color: %1").arg(Theme::danger().name()));
    problem->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, &dialog);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(tr("YAML or JSON, as curtainctl run --plan reads it. Steps: setWeight N, pause "
                                    "{duration: 15m} (none: until resumed), analysis {timeout: 1h}. Saved on the "
                                    "release's route for every console."),
                                 &dialog));
    layout->addWidget(editor);
    layout->addWidget(problem);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        // Exactly as `curtainctl run --plan FILE` reads a file: YAML or JSON, durations as 15m or seconds.
        const auto plan = Engine::parsePlanText(editor->toPlainText().toUtf8(), tr("the plan"));
        if (!plan.ok()) {
            problem->setText(plan.error().message); // nothing is saved until the whole plan is right
            return;
        }
        Q_EMIT saveRequested(plan.value());
        dialog.accept();
    });
    dialog.exec();
}

QString PlanPanel::startToolTip()
{
    return tr("Set weights step by step; the judge compares the candidate with stable all along, rolls back the "
              "moment it is worse and promotes when it is shown not to be");
}

void PlanPanel::setRelease(const Core::ReleaseSnapshot *release, bool drivenHere)
{
    const bool weighted = release && Core::isWeighted(release->routeKind);
    setVisible(release != nullptr);
    m_drivenHere = drivenHere;
    if (!release) {
        m_release = {};
        return;
    }
    const bool changed = m_release != release->key() || m_savedPlan.has_value() != release->savedPlan.has_value() ||
                         (m_savedPlan && release->savedPlan && m_savedPlan->toJson() != release->savedPlan->toJson());
    m_release = release->key();
    m_savedPlan = release->savedPlan;
    m_driver = release->planDriver;
    m_candidateWeight = release->candidateWeight();
    if (changed) {
        const QString previous = m_template->currentData().toString();
        m_template->clear();
        if (m_savedPlan) {
            m_template->addItem(m_savedPlan->name.isEmpty()
                                    ? tr("Saved on %1").arg(m_release.name)
                                    : tr("Saved on %1: %2").arg(m_release.name, m_savedPlan->name),
                                QStringLiteral("saved"));
        }
        m_template->addItem(tr("Classic: 5 % for 15 min → checks → 25 % → checks → promote"),
                            QStringLiteral("classic"));
        m_template->addItem(tr("Quick: 5 % for 30 s → checks → 25 % → checks → promote"), QStringLiteral("quick"));
        const int keep = m_template->findData(previous);
        m_template->setCurrentIndex(m_savedPlan ? 0 : std::max(0, keep));
    }
    // What the route says, unless this console drives the plan and knows more.
    Shown shown = m_shown.value(m_release);
    if (!shown.live && release->planProgress) {
        shown.progress = *release->planProgress;
        shown.judgement.verdict = shown.progress.verdict;
        shown.judgement.reason = shown.progress.reason;
        shown.judgement.metrics.clear();
        m_shown.insert(m_release, shown);
    }
    const bool running = !m_driver.isEmpty() || (shown.live && !Core::isFinal(shown.progress.state));
    // A plan left unfinished by a console that went away resumes where it stopped, judge and all.
    const bool orphaned =
        !running && !shown.live && !shown.progress.plan.steps.isEmpty() && !Core::isFinal(shown.progress.state);
    m_start->setText(orphaned ? tr("Take over plan") : tr("Start plan"));
    // Where no plan can run, the row says why instead of offering a switched-off "Start plan".
    m_weighted = weighted;
    // A plan moves weights and is saved on the route: off whenever a weight may not be set (stale
    // data, no permission to patch the route, a problem on the release).
    m_writable = release->capabilities.setWeight;
    for (QWidget *control : std::initializer_list<QWidget *>{m_template, m_edit, m_start}) {
        control->setVisible(weighted);
        control->setEnabled(weighted && !running && (control == m_template || m_writable.enabled));
    }
    const QString offReason = m_writable.enabled || running ? QString() : m_writable.reason;
    m_edit->setToolTip(offReason);
    m_start->setToolTip(weighted ? (offReason.isEmpty() ? startToolTip() : offReason)
                                 : tr("%1 is routed by a Service selector (all or nothing): use Flip. Plans need "
                                      "a weighted route.")
                                       .arg(m_release.name));
    m_resume->setVisible(drivenHere && shown.progress.state == Core::PlanState::Paused);
    m_stop->setVisible(drivenHere && running);
    show(shown, running, m_driver);
}

void PlanPanel::setProgress(const Core::ReleaseKey &release, const Core::PlanProgress &progress,
                            const Core::Judgement &judgement)
{
    Shown &shown = m_shown[release];
    if (!shown.live || shown.progress.startedAt != progress.startedAt) {
        shown.errors.clear();
        shown.latency.clear();
        shown.budgets.clear();
    }
    shown.live = true;
    shown.progress = progress;
    shown.judgement = judgement;
    const double minutes = progress.startedAt.isValid()
                               ? double(progress.startedAt.msecsTo(QDateTime::currentDateTimeUtc())) / 60000.0
                               : 0;
    // Each test has its own line (its share of α): chart the way to it, so 1 means "roll back".
    auto progressToLine = [](const Core::MetricEvidence *m) {
        return m && m->decisionLine > 0 ? m->logEvidence / m->decisionLine : 0.0;
    };
    shown.errors.append({minutes, progressToLine(judgement.metric(Core::MetricKind::Errors))});
    shown.latency.append({minutes, progressToLine(judgement.metric(Core::MetricKind::Latency))});
    shown.budgets.append({minutes, std::max(progressToLine(judgement.metric(Core::MetricKind::ErrorBudget)),
                                            progressToLine(judgement.metric(Core::MetricKind::LatencyBudget)))});
    if (release == m_release) {
        m_resume->setVisible(progress.state == Core::PlanState::Paused);
        m_stop->setVisible(!Core::isFinal(progress.state));
        const bool running = !Core::isFinal(progress.state);
        m_start->setEnabled(!running && m_writable.enabled);
        m_template->setEnabled(!running);
        m_edit->setEnabled(!running && m_writable.enabled);
        show(shown, running, progress.driver);
    }
}

void PlanPanel::refreshCountdown()
{
    if (m_shown.contains(m_release)) {
        const Shown shown = m_shown.value(m_release);
        show(shown, !Core::isFinal(shown.progress.state) && (shown.live || !m_driver.isEmpty()), m_driver);
    }
}

void PlanPanel::show(const Shown &shown, bool running, const QString &driver)
{
    const Core::PlanProgress &p = shown.progress;
    if (p.plan.steps.isEmpty()) {
        m_timeline->setText(m_weighted ? tr("No plan has run on %1. Pick one and press Start plan.").arg(m_release.name)
                                       : tr("No plan here: %1 is routed by a Service selector (all or nothing), and "
                                            "plans need a weighted route. Use Flip; Rollback flips back.")
                                             .arg(m_release.name));
        m_status->clear();
        m_evidence->clear();
        m_outcome->clear();
        m_chart->setSeries({}, {}, {});
        m_chart->hide(); // nothing to plot: leave the room to the live charts
        hideEmptyLines();
        return;
    }
    QStringList steps;
    for (int i = 0; i < p.plan.steps.size(); ++i) {
        const QString text = p.plan.steps.at(i).describe().toHtmlEscaped();
        steps << (i == p.step && running ? QStringLiteral("<b><u>%1</u></b>").arg(text)
                  : i < p.step           ? QStringLiteral("<span style='color:#777'>%1 ✓</span>").arg(text)
                                         : text);
    }
    steps << (p.step >= p.plan.steps.size() && running ? tr("<b><u>promote on Pass</u></b>") : tr("promote on Pass"));
    m_timeline->setText(steps.join(QStringLiteral(" → ")));

    QString status;
    if (running) {
        const qint64 elapsed = p.stepStartedAt.isValid() ? p.stepStartedAt.secsTo(QDateTime::currentDateTimeUtc()) : 0;
        QString waiting;
        if (p.state == Core::PlanState::Paused) {
            waiting = tr("waiting for a human to press Resume");
        } else if (p.step < p.plan.steps.size()) {
            const Core::PlanStep &step = p.plan.steps.at(p.step);
            if (step.kind == Core::StepKind::Pause && step.durationSeconds) {
                waiting = tr("baking: %1 left")
                              .arg(Core::formatDuration(std::max<qint64>(0, *step.durationSeconds - elapsed)));
            } else if (step.kind == Core::StepKind::Analysis) {
                waiting = tr("waiting for the judge's Pass (held at most %1 more)")
                              .arg(Core::formatDuration(std::max<qint64>(0, step.timeoutSeconds - elapsed)));
            } else {
                waiting = tr("setting the weight");
            }
        } else {
            waiting = tr("waiting for the judge's Pass to promote");
        }
        status = tr("Step %1 of %2 · %3 · driven by %4")
                     .arg(std::min(p.step + 1, int(p.plan.steps.size())))
                     .arg(p.plan.steps.size())
                     .arg(waiting, (driver.isEmpty() ? p.driver : driver).toHtmlEscaped());
    } else if (!Core::isFinal(p.state)) {
        // Its driver has gone (no heartbeat for 30 s): say since when, and where the traffic stays.
        const QString since = p.heartbeat.isValid()
                                  ? tr("since %1 (%2 ago)")
                                        .arg(p.heartbeat.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                                             Core::formatDuration(std::max<qint64>(
                                                 0, p.heartbeat.secsTo(QDateTime::currentDateTimeUtc()))))
                                  : QString();
        status = tr("<b>The plan's driver %1 has gone</b> — no heartbeat %2. The weight holds at %3 %; Take over "
                    "plan resumes it here, Rollback ends it.")
                     .arg(p.driver.toHtmlEscaped(), since)
                     .arg(m_candidateWeight);
    } else {
        status = tr("Last plan: %1").arg(Core::planStateName(p.state));
    }
    m_status->setText(QStringLiteral("%1<br><span style='color:%2'><b>%3</b></span> — %4")
                          .arg(status, verdictColor(shown.judgement.verdict),
                               Core::verdictName(shown.judgement.verdict), shown.judgement.reason.toHtmlEscaped()));

    QStringList rows;
    for (const Core::MetricEvidence &m : shown.judgement.metrics) {
        const QString evidence =
            m.kind == Core::MetricKind::Errors || m.kind == Core::MetricKind::Latency
                ? tr(" · evidence %1 / %2").arg(m.logEvidence, 0, 'f', 1).arg(m.decisionLine, 0, 'f', 1)
                : QString();
        rows << QStringLiteral("<span style='color:%1'>■</span> <b>%2</b>: %3%4")
                    .arg(verdictColor(m.verdict), m.name.toHtmlEscaped(), m.detail.toHtmlEscaped(), evidence);
    }
    m_evidence->setText(rows.join(QStringLiteral("<br>")));
    m_outcome->setText(
        Core::isFinal(p.state) && !p.outcome.isEmpty()
            ? QStringLiteral("<span style='color:%1'><b>%2</b></span>")
                  .arg(p.state == Core::PlanState::Promoted ? Theme::success().name() : Theme::danger().name(),
                       p.outcome.toHtmlEscaped())
            : QString());
    m_chart->setSeries(shown.errors, shown.latency, shown.budgets);
    m_chart->setVisible(!shown.errors.isEmpty());
    hideEmptyLines();
}

// A line with nothing to say takes no room: the live charts above get it.
void PlanPanel::hideEmptyLines()
{
    for (QLabel *label : {m_timeline, m_status, m_evidence, m_outcome}) {
        label->setVisible(!label->text().isEmpty());
    }
}

QString PlanPanel::timelineText() const
{
    return m_timeline->text();
}

QString PlanPanel::statusText() const
{
    return m_status->text();
}

QString PlanPanel::outcomeText() const
{
    return m_outcome->text();
}

QString PlanPanel::evidenceText() const
{
    return m_evidence->text();
}

int PlanPanel::evidencePoints() const
{
    return m_chart->pointCount();
}

} // namespace Curtain::Ui
