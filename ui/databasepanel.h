#pragma once

#include "core/release.h"
#include "core/schemagate.h"

#include <QDateTime>
#include <QFileInfo>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace Curtain::Ui {

// The release's database, when its route names one: the migration's phase (none, expanded — both
// versions live, contracted), which schema version each color needs and whether it is there, the
// backfill's progress with rate and time left, and Expand…, Contract and Abort migration — each
// off, with the schema gate's reason, when it would break a color that still serves.
class DatabasePanel final : public QWidget
{
    Q_OBJECT

public:
    explicit DatabasePanel(QWidget *parent = nullptr);

    void setRelease(const Core::ReleaseSnapshot *release); // hidden when it names no database
    void setBusy(bool busy);
    void setProgress(const QString &table, qint64 done, qint64 total); // a backfill running here

    QString stateText() const;
    QString colorsText() const;
    QString gateText() const;
    QString pendingText() const; // the next migration file and what the linter says of it
    // The soak chosen for Contract: how long the new version must have had all traffic (seconds).
    int soakSeconds() const;
    void setSoakMinutes(int minutes);

Q_SIGNALS:
    void migrationRequested(Curtain::Core::SchemaRequest::Step step);
    void stopRequested(const QString &release); // the running backfill, at its next batch

private:
    void applyButtons();

    std::optional<Core::ReleaseSnapshot> m_release;
    bool m_busy = false;
    qint64 m_progressStartedMs = 0;
    qint64 m_progressStartDone = 0;
    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_colors;
    QProgressBar *m_progress;
    QLabel *m_rate;
    QLabel *m_gate;    // why Contract is off, in words, while both versions live
    QLabel *m_pending; // the next file in curtain.dev/migrations and the linter's word on it
    void showPending();
    // The last file linted, by path and modification time: releases update every few seconds.
    mutable QString m_listingKey; // directory and last migration of the last listing
    mutable qint64 m_listedAtMs = 0;
    mutable QFileInfo m_next;
    mutable QString m_lintedPath;
    mutable QDateTime m_lintedModified;
    mutable QString m_lintedSummary;
    QPushButton *m_expand;
    QPushButton *m_contract;
    QPushButton *m_abort;
    QPushButton *m_stop; // while a step runs: stops its backfill; the migration stays started
    QLabel *m_soakLabel;
    QSpinBox *m_soak;    // minutes; shown while a migration is expanded
    QTimer *m_soakClock; // the soak ends with time, not with a change on the cluster: look again
};

} // namespace Curtain::Ui
