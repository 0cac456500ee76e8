#include "databasepanel.h"

#include "settings.h"
#include "theme.h"

#include "engine/migrationfile.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace Curtain::Ui {

namespace {

QString versionMark(const Core::DatabaseState &state, const QString &version)
{
    if (state.liveVersions.contains(version)) {
        return QObject::tr("✓ live");
    }
    if (state.goneVersions.contains(version)) {
        return QObject::tr("✗ gone — contracted");
    }
    return QObject::tr("✗ not there yet — expand first");
}

} // namespace

DatabasePanel::DatabasePanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("databasePanel"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("databaseTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("databaseState"));
    m_state->setWordWrap(true);
    m_colors = new QLabel(this);
    m_colors->setObjectName(QStringLiteral("databaseColors"));
    m_colors->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("backfillProgress"));
    m_progress->setAccessibleName(tr("Backfill progress"));
    m_progress->setVisible(false);
    m_rate = new QLabel(this);
    m_rate->setObjectName(QStringLiteral("backfillRate"));
    Theme::setTextColor(*m_rate, Theme::secondaryText());
    m_rate->setVisible(false);
    m_pending = new QLabel(this);
    m_pending->setObjectName(QStringLiteral("databasePending"));
    m_pending->setWordWrap(true);
    m_gate = new QLabel(this);
    m_gate->setObjectName(QStringLiteral("databaseGate"));
    m_gate->setWordWrap(true);
    Theme::setTextColor(*m_gate, Theme::secondaryText());

    const auto button = [this](const QString &text, const QString &name, Core::SchemaRequest::Step step) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setAccessibleName(text);
        b->setMinimumHeight(30);
        connect(b, &QPushButton::clicked, this, [this, step] { Q_EMIT migrationRequested(step); });
        return b;
    };
    m_expand = button(tr("Expand…"), QStringLiteral("expandButton"), Core::SchemaRequest::Expand);
    m_contract = button(tr("Contract"), QStringLiteral("contractButton"), Core::SchemaRequest::Contract);
    m_abort = button(tr("Abort migration"), QStringLiteral("abortMigrationButton"), Core::SchemaRequest::Abort);

    m_stop = new QPushButton(tr("Stop backfill"), this);
    m_stop->setObjectName(QStringLiteral("stopBackfillButton"));
    m_stop->setAccessibleName(m_stop->text());
    m_stop->setMinimumHeight(30);
    m_stop->setToolTip(tr("Stop at the next batch: the migration stays started, both versions keep working; "
                          "Contract runs the rest of the backfill, Abort migration drops it"));
    m_stop->setVisible(false);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (m_release) {
            m_stop->setEnabled(false); // once: the step says when it has stopped
            Q_EMIT stopRequested(m_release->key().toString());
        }
    });

    m_soakLabel = new QLabel(tr("Soak"), this);
    m_soak = new QSpinBox(this);
    m_soak->setObjectName(QStringLiteral("soakMinutes"));
    m_soak->setAccessibleName(tr("Soak before contract, in minutes"));
    m_soak->setRange(0, 24 * 60);
    m_soak->setSuffix(tr(" min"));
    m_soak->setValue(Settings::soakMinutes());
    m_soak->setToolTip(tr("How long the new version must carry all traffic, alone, before Contract drops the old "
                          "one and the instant rollback with it"));
    m_soakLabel->setBuddy(m_soak);
    connect(m_soak, &QSpinBox::valueChanged, this, [this](int minutes) {
        if (minutes > 0) {
            Settings::setSoakMinutes(minutes); // a soak of 0 is a decision about one release, not a habit
        }
        applyButtons();
    });
    m_soakClock = new QTimer(this);
    m_soakClock->setInterval(15'000);
    connect(m_soakClock, &QTimer::timeout, this, &DatabasePanel::applyButtons);

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(m_expand);
    buttons->addWidget(m_soakLabel);
    buttons->addWidget(m_soak);
    buttons->addWidget(m_contract);
    buttons->addWidget(m_abort);
    buttons->addWidget(m_stop);
    buttons->addStretch(1);
    auto *progress = new QHBoxLayout;
    progress->setContentsMargins(0, 0, 0, 0);
    progress->addWidget(m_progress, 1);
    progress->addWidget(m_rate);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_state);
    layout->addWidget(m_colors);
    layout->addLayout(progress);
    layout->addWidget(m_pending);
    layout->addLayout(buttons);
    layout->addWidget(m_gate);
    setVisible(false);
}

void DatabasePanel::setRelease(const Core::ReleaseSnapshot *release)
{
    if (!release || release->database.isEmpty()) {
        m_release.reset();
        setVisible(false);
        return;
    }
    const bool other = !m_release || m_release->key() != release->key();
    m_release = *release;
    if (other) {
        m_progress->setVisible(false);
        m_rate->setVisible(false);
        const QSignalBlocker quiet(m_soak);
        m_soak->setValue(Settings::soakMinutes()); // each release starts from the remembered soak
    }
    m_title->setText(tr("Database %1").arg(Core::databaseLabel(release->database)));
    m_state->setText(stateText());
    m_colors->setText(colorsText());
    const Core::DatabaseState state = release->databaseState.value_or(Core::DatabaseState{});
    if (!m_busy && state.read && state.phase == QLatin1String("expanded") && !state.backfillFinished) {
        m_progress->setVisible(true);
        m_progress->setRange(0, int(std::min<qint64>(state.backfillTotal, INT_MAX)));
        m_progress->setValue(int(std::min<qint64>(state.backfillDone, INT_MAX)));
    }
    applyButtons();
    setVisible(true);
}

QString DatabasePanel::stateText() const
{
    if (!m_release) {
        return {};
    }
    const std::optional<Core::DatabaseState> &state = m_release->databaseState;
    if (!state || !state->read) {
        return tr("⚠ Cannot read the database: %1. Traffic towards a color that needs a schema version holds until "
                  "it can; Rollback still works.")
            .arg(state ? state->error : tr("not read yet"));
    }
    const QLocale locale;
    if (state->phase == QLatin1String("expanded")) {
        QString text = tr("Expanded — both versions live: %1 (old) and %2 (new). Migration %3, started by %4.")
                           .arg(state->oldVersion, state->newVersion, state->migration, state->migrationBy);
        text += state->backfillFinished
                    ? tr(" Backfill done: %1 rows.").arg(locale.toString(state->backfillDone))
                    : tr(" Backfill %1 of %2 rows.")
                          .arg(locale.toString(state->backfillDone), locale.toString(state->backfillTotal));
        return text;
    }
    if (state->phase == QLatin1String("contracted")) {
        return tr("Contracted — only %1 is live (migration %2, completed %3).")
            .arg(state->newVersion, state->migration,
                 state->completedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    }
    return tr("No migration yet: clients use the tables in %1.").arg(m_release->databaseSchema);
}

QString DatabasePanel::colorsText() const
{
    if (!m_release) {
        return {};
    }
    QStringList lines;
    const Core::DatabaseState state = m_release->databaseState.value_or(Core::DatabaseState{});
    for (Core::Color color : {Core::Color::Blue, Core::Color::Green}) {
        const Core::Environment &env = m_release->environment(color);
        if (!env.present) {
            continue;
        }
        lines << (env.schemaVersion.isEmpty()
                      ? tr("%1 (%2) names no schema version").arg(Core::colorName(color), env.version)
                      : tr("%1 (%2) needs %3 %4")
                            .arg(Core::colorName(color), env.version, env.schemaVersion,
                                 state.read ? versionMark(state, env.schemaVersion) : QStringLiteral("?")));
    }
    return lines.join(QLatin1Char('\n'));
}

void DatabasePanel::setBusy(bool busy)
{
    m_busy = busy;
    if (!busy) {
        m_progress->setVisible(false);
        m_rate->setVisible(false);
    }
    applyButtons();
}

void DatabasePanel::setProgress(const QString &table, qint64 done, qint64 total)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!m_progress->isVisible() || done < m_progressStartDone) {
        m_progressStartedMs = now;
        m_progressStartDone = done;
    }
    m_progress->setVisible(true);
    m_progress->setRange(0, int(std::min<qint64>(total, INT_MAX)));
    m_progress->setValue(int(std::min<qint64>(done, INT_MAX)));
    m_progress->setFormat(tr("backfill %1: %p %").arg(table));
    const double seconds = std::max<qint64>(1, now - m_progressStartedMs) / 1000.0;
    const double rate = (done - m_progressStartDone) / seconds;
    const QLocale locale;
    m_rate->setText(
        rate > 0
            ? tr("%1 rows/s, about %2 s left").arg(locale.toString(qint64(rate))).arg(qint64((total - done) / rate))
            : tr("starting…"));
    m_rate->setVisible(true);
}

void DatabasePanel::applyButtons()
{
    if (!m_release) {
        return;
    }
    const Core::DatabaseState state = m_release->databaseState.value_or(Core::DatabaseState{});
    const bool expanded = state.read && state.phase == QLatin1String("expanded");
    const auto apply = [this](QPushButton *button, const std::optional<Core::Error> &refused, const QString &what) {
        button->setEnabled(!m_busy && !refused);
        button->setToolTip(m_busy ? tr("A migration step is running") : refused ? refused->message : what);
    };
    apply(m_expand,
          !state.read ? std::optional<Core::Error>(Core::makeError(Core::ErrorKind::Refused, stateText()))
          : expanded  ? std::optional<Core::Error>(Core::makeError(
                            Core::ErrorKind::Refused,
                            tr("Migration %1 is in progress; contract or abort it first").arg(state.migration)))
                      : std::nullopt,
          tr("Start a migration file (pgroll format): the new version's schema and the changes both versions "
             "survive"));
    apply(m_contract, Core::contractGate(*m_release, soakSeconds(), QDateTime::currentDateTimeUtc()),
          tr("Drop the old version %1 and make the breaking changes; rollback to a color on it ends")
              .arg(state.oldVersion));
    apply(m_abort, Core::abortGate(*m_release),
          tr("Undo migration %1: the database goes back to how it was before it started").arg(state.migration));
    m_contract->setVisible(expanded);
    m_soak->setVisible(expanded);
    m_soakLabel->setVisible(expanded);
    if (expanded) {
        m_soakClock->start();
    } else {
        m_soakClock->stop();
    }
    m_abort->setVisible(expanded);
    m_stop->setVisible(m_busy);
    if (!m_busy) {
        m_stop->setEnabled(true);
    }
    m_gate->setText(gateText());
    m_gate->setVisible(!m_gate->text().isEmpty());
    showPending();
}

void DatabasePanel::showPending()
{
    const QString text = pendingText();
    m_pending->setText(text);
    m_pending->setVisible(!text.isEmpty());
}

QString DatabasePanel::pendingText() const
{
    if (!m_release || m_release->migrationsDirectory.isEmpty() || !m_release->databaseState ||
        !m_release->databaseState->read || m_release->databaseState->phase == QLatin1String("expanded")) {
        return {};
    }
    // The next migration: the first file, by name, after the last one the database ran.
    const QString last = m_release->databaseState->migration;
    // The directory is read at most every 10 s (and when it or the last migration changes): the
    // release updates every few seconds, and this runs on the GUI thread.
    const QString listingKey = m_release->migrationsDirectory + QChar(0) + last;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (listingKey != m_listingKey || nowMs - m_listedAtMs > 10'000) {
        m_listingKey = listingKey;
        m_listedAtMs = nowMs;
        m_next = QFileInfo();
        const QFileInfoList files =
            QDir(m_release->migrationsDirectory)
                .entryInfoList({QStringLiteral("*.yaml"), QStringLiteral("*.yml"), QStringLiteral("*.json")},
                               QDir::Files, QDir::Name);
        for (const QFileInfo &file : files) {
            if (file.completeBaseName() > last) {
                m_next = file;
                break;
            }
        }
    }
    const QFileInfo &next = m_next;
    if (!next.exists()) {
        return {};
    }
    if (m_lintedPath != next.filePath() || m_lintedModified != next.lastModified()) { // lint once per version
        m_lintedPath = next.filePath();
        m_lintedModified = next.lastModified();
        const auto findings = Engine::lintMigrationFile(next.filePath());
        if (!findings.ok()) {
            m_lintedSummary = tr("it does not parse: %1").arg(findings.error().message);
        } else if (findings.value().isEmpty()) {
            m_lintedSummary = tr("the linter finds nothing that breaks the serving version or takes a long "
                                 "lock");
        } else {
            QStringList rules;
            for (const Db::LintFinding &finding : findings.value()) {
                rules << (finding.where.isEmpty() ? finding.rule : tr("%1 (%2)").arg(finding.rule, finding.where));
            }
            m_lintedSummary = tr("the linter finds %1: %2 — Expand… lists them with their fixes")
                                  .arg(findings.value().size() == 1 ? tr("1 problem")
                                                                    : tr("%1 problems").arg(findings.value().size()),
                                       rules.join(QStringLiteral(", ")));
        }
    }
    return tr("Next: %1 — %2.").arg(next.fileName(), m_lintedSummary);
}

QString DatabasePanel::gateText() const
{
    if (!m_release || !m_release->databaseState || m_release->databaseState->phase != QLatin1String("expanded")) {
        return {};
    }
    if (const std::optional<Core::Error> refused =
            Core::contractGate(*m_release, soakSeconds(), QDateTime::currentDateTimeUtc())) {
        return tr("Contract is off: %1").arg(refused->message);
    }
    return tr("No color uses %1 any more: Contract is safe (instant rollback to it ends).")
        .arg(m_release->databaseState->oldVersion);
}

int DatabasePanel::soakSeconds() const
{
    return m_soak->value() * 60;
}

void DatabasePanel::setSoakMinutes(int minutes)
{
    m_soak->setValue(minutes);
}

} // namespace Curtain::Ui
