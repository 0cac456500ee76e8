// MainWindow's schema migration steps: Expand (a migration file), Contract and Abort, through the
// engine's schema gate and off the GUI thread; the Database row shows the backfill as it runs. And
// the other step of a blue-green window that is not a traffic move: growing the color a flip needs.

#include "mainwindow.h"

#include "actionbar.h"
#include "databasepanel.h"
#include "idlewindowrow.h"
#include "theme.h"

#include "core/capacity.h"
#include "core/confirmation.h"
#include "core/futures.h"
#include "engine/migrationfile.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTime>

namespace Curtain::Ui {

// What the linter found in a migration's raw SQL, before Expand runs it: Cancel by default.
void MainWindow::confirmDespiteFindings(const QString &file, const QList<Db::LintFinding> &findings,
                                        const std::function<void()> &expand)
{
    QStringList details;
    for (const Db::LintFinding &finding : findings) {
        details << tr("%1: %2\n  %3\n  fix: %4").arg(finding.where, finding.rule, finding.problem, finding.fix);
    }
    auto *box =
        new QMessageBox(QMessageBox::Warning, tr("Curtain"),
                        tr("The linter found %1 in %2:\n\n%3\n\nExpand anyway?")
                            .arg(findings.size() == 1 ? tr("1 problem") : tr("%1 problems").arg(findings.size()), file,
                                 details.join(QStringLiteral("\n\n"))),
                        QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("lintFindings"));
    box->setStyleSheet(
        QStringLiteral("QLabel#qt_msgbox_label { min-width: 36em; }")); // findings are sentences: room for them
    QPushButton *anyway = box->addButton(tr("Expand anyway"), QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [box, anyway, expand] {
        if (box->clickedButton() == anyway) {
            expand();
        }
    });
    box->open();
}

void MainWindow::runMigration(Core::SchemaRequest::Step step)
{
    const Core::ReleaseSnapshot *release = current();
    if (!release || !m_kube) {
        return;
    }
    Core::SchemaRequest request;
    request.step = step;
    request.release = release->key().toString();
    request.soakSeconds = m_database->soakSeconds();
    const QString name = shownName(release->key());
    const QString database = Core::databaseLabel(release->database);
    const quint64 generation = m_engineGeneration; // a context may switch while a dialog is open
    const QString cluster = m_kube->cluster().name;
    const auto go = [this, name, generation, cluster](const Core::SchemaRequest &request) {
        if (!stillShown(generation)) {
            m_lastAction->setText(tr("✗ %1 on %2 was not sent: the context changed while you chose")
                                      .arg(Core::schemaStepName(request.step), name));
            m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
            return;
        }
        m_database->setBusy(true);
        m_lastAction->setText(tr("%1 on %2…").arg(Core::schemaStepName(request.step), name));
        m_lastAction->setStyleSheet(QString());
        Core::onFinished(m_kube->migrate(request), this,
                         [this, request, name, generation, cluster](const Core::Result<QString> &result) {
                             if (!stillShown(generation)) {
                                 return reportFromElsewhere(cluster,
                                                            result.ok() ? tr("✓ %1: %2").arg(name, result.value())
                                                                        : tr("✗ %1 on %2: %3")
                                                                              .arg(Core::schemaStepName(request.step),
                                                                                   name, result.error().message),
                                                            !result.ok());
                             }
                             m_database->setBusy(false);
                             loadHistory(); // the step's own record
                             const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
                             if (result.ok()) {
                                 m_lastAction->setText(tr("%1  ✓ %2: %3").arg(time, name, result.value()));
                                 m_lastAction->setStyleSheet(QString());
                             } else if (result.error().kind == Core::ErrorKind::NotConfirmed) {
                                 m_lastAction->setText(
                                     tr("%1  ? %2 on %3 sent, not confirmed: %4")
                                         .arg(time, Core::schemaStepName(request.step), name, result.error().message));
                                 m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
                             } else if (result.error().kind == Core::ErrorKind::Cancelled) {
                                 m_lastAction->setText(
                                     tr("%1  ■ %2 on %3 stopped: %4")
                                         .arg(time, Core::schemaStepName(request.step), name, result.error().message));
                                 m_lastAction->setStyleSheet(QString());
                             } else {
                                 m_lastAction->setText(
                                     tr("%1  ✗ %2 on %3 failed: %4")
                                         .arg(time, Core::schemaStepName(request.step), name, result.error().message));
                                 m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
                             }
                             Q_EMIT actionFinished(result.ok(), result.ok() ? result.value() : result.error().message);
                         });
    };
    if (step == Core::SchemaRequest::Expand) {
        const QString file =
            m_chooseMigrationFile
                ? m_chooseMigrationFile()
                : QFileDialog::getOpenFileName(this, tr("Expand %1: migration file").arg(name),
                                               release->migrationsDirectory, tr("Migrations (*.yaml *.yml *.json)"));
        if (file.isEmpty()) {
            return;
        }
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly) || in.size() > 16 * 1024 * 1024) {
            m_lastAction->setText(
                tr("✗ cannot read %1: %2").arg(file, in.size() > 0 ? tr("larger than 16 MiB") : in.errorString()));
            m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
            return;
        }
        request.migrationText = in.readAll();
        request.migrationFile = file;
        const QList<Db::LintFinding> findings = Engine::lintMigrationText(request.migrationText, file);
        if (findings.isEmpty()) {
            return go(request);
        }
        return confirmDespiteFindings(QFileInfo(file).fileName(), findings, [go, request] { go(request); });
    }
    // Contract and Abort each drop a version for good: ask once, Cancel by default.
    const QString context = m_kube->cluster().name;
    const Core::DatabaseState state = release->databaseState.value_or(Core::DatabaseState{});
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Curtain"),
                                step == Core::SchemaRequest::Contract
                                    ? tr("%1 · %2: contract migration %3 on database %4?\n\nSchema version %5 is "
                                         "dropped with the old columns and tables. After this, a rollback to a "
                                         "color that uses it is no longer possible.")
                                          .arg(context, name, state.migration, database, state.oldVersion)
                                    : tr("%1 · %2: abort migration %3 on database %4?\n\nSchema version %5 and "
                                         "everything the migration added are dropped; the database goes back to how "
                                         "it was before it started.")
                                          .arg(context, name, state.migration, database, state.newVersion),
                                QMessageBox::Cancel, this);
    QPushButton *yes = box->addButton(step == Core::SchemaRequest::Contract ? tr("Contract") : tr("Abort migration"),
                                      QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [box, yes, go, request] {
        if (box->clickedButton() == yes) {
            go(request);
        }
    });
    box->open();
}

void MainWindow::connectWindowSteps()
{
    connect(m_database, &DatabasePanel::migrationRequested, this, &MainWindow::runMigration);
    connect(m_database, &DatabasePanel::stopRequested, this, [this](const QString &release) {
        if (m_kube) {
            m_kube->stopSchemaStep(release);
        }
    });
    connect(m_actions, &ActionBar::scaleThenRequested, this, &MainWindow::scaleThen);
    connect(m_actions, &ActionBar::cancelWaitRequested, this, [this] {
        if (const Core::ReleaseSnapshot *release = current(); release && m_kube) {
            m_kube->cancelFlipWhenReady(release->key().toString());
        }
    });
    connect(m_idle, &IdleWindowRow::scaleDownDue, this, &MainWindow::scaleIdleDown);
    connect(m_idle, &IdleWindowRow::scheduled, this, [this](const QString &message) {
        m_lastAction->setText(tr("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), message));
        m_lastAction->setStyleSheet(QString());
    });
}

// What the engine says of the window's steps: a flip waiting for its pods, a backfill's progress.
void MainWindow::connectEngineSteps()
{
    connectShown(m_kube, &Engine::ReleaseEngine::flipWaiting,
                 [this](const QString &release, Core::Color, int ready, int needed) {
                     const auto waiting = m_waiting.find(keyOf(release));
                     if (waiting != m_waiting.end()) {
                         waiting->ready = ready;
                         waiting->needed = needed;
                         showSelected();
                     }
                 });
    connectShown(m_kube, &Engine::ReleaseEngine::schemaProgress,
                 [this](const QString &release, const QString &table, qint64 done, qint64 total) {
                     const Core::ReleaseSnapshot *shown = current();
                     if (shown && shown->key().toString() == release) {
                         m_database->setProgress(table, done, total);
                     }
                 });
}

// "Scale green to 4, flip (or promote) when ready": asked once, as the action itself would be once the
// pods are there.
void MainWindow::scaleThen(Core::ActionKind kind)
{
    const Core::ReleaseSnapshot *release = current();
    const bool promote = kind == Core::ActionKind::Promote;
    const std::optional<Core::CapacityShortfall> shortfall = !release  ? std::nullopt
                                                             : promote ? Core::promoteShortfall(*release)
                                                                       : Core::flipShortfall(*release);
    if (!release || !m_kube || !shortfall) {
        return;
    }
    const Core::ReleaseKey key = release->key();
    const Core::ActionRequest move{kind, key.toString(), 0, release->routeResourceVersion};
    const quint64 generation = m_engineGeneration; // a context may switch while the dialog is open
    const QString cluster = m_kube->cluster().name;
    const auto go = [this, key, move, generation, cluster, shortfall] {
        const QString verb = Core::actionName(move.kind);
        if (!stillShown(generation)) {
            m_lastAction->setText(tr("✗ %1 of %2 was not sent: the context changed while you chose")
                                      .arg(verb.left(1).toUpper() + verb.mid(1), key.toString()));
            m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
            return;
        }
        m_waiting.insert(key, {move.kind, shortfall->ready, shortfall->needed});
        showSelected();
        m_lastAction->setText(tr("Scaling %1 %2 to %3; the %4 follows when they are ready…")
                                  .arg(shownName(key), Core::colorName(shortfall->target))
                                  .arg(shortfall->needed)
                                  .arg(verb));
        m_lastAction->setStyleSheet(QString());
        Core::onFinished(
            m_kube->flipWhenReady(move.release, move.expectedResourceVersion, 10 * 60 * 1000, move.kind), this,
            [this, key, generation, cluster](const Core::Result<Core::ActionOutcome> &result) {
                const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
                if (!stillShown(generation)) {
                    return reportFromElsewhere(cluster,
                                               result.ok() ? tr("%1  ✓ %2").arg(time, result.value().summary)
                                                           : tr("%1  ✗ %2").arg(time, result.error().message),
                                               !result.ok());
                }
                m_waiting.remove(key);
                loadHistory();
                if (result.ok()) {
                    m_lastAction->setText(tr("%1  ✓ %2").arg(time, result.value().summary));
                    m_lastAction->setStyleSheet(QString());
                } else {
                    m_lastAction->setText(tr("%1  ✗ %2").arg(time, result.error().message));
                    m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
                }
                showSelected();
                Q_EMIT actionFinished(result.ok(), result.ok() ? result.value().summary : result.error().message);
            });
    };
    // The question the action would ask once the pods are ready, asked now: the release as it will be.
    Core::ReleaseSnapshot grown = *release;
    grown.environment(shortfall->target).readyReplicas = shortfall->needed;
    grown.environment(shortfall->target).desiredReplicas = shortfall->needed;
    if (const std::optional<Core::UnprovenMove> unproven = Core::unprovenMove(grown, move)) {
        return confirm(grown, *unproven, go, [] {});
    }
    go();
}

// The idle color's delay ran out: to 0, unless it took traffic meanwhile (the engine refuses then).
void MainWindow::scaleIdleDown(const Core::ReleaseKey &release, Core::Color color)
{
    if (!m_kube) {
        return;
    }
    const quint64 generation = m_engineGeneration;
    const QString cluster = m_kube->cluster().name;
    Core::onFinished(m_kube->scale(release.toString(), color, 0), this,
                     [this, release, color, generation, cluster](const Core::Result<QString> &result) {
                         const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
                         if (!stillShown(generation)) {
                             return reportFromElsewhere(cluster,
                                                        result.ok() ? tr("%1  ✓ %2").arg(time, result.value())
                                                                    : result.error().message,
                                                        !result.ok());
                         }
                         if (result.ok()) {
                             m_lastAction->setText(tr("%1  ✓ %2").arg(time, result.value()));
                             m_lastAction->setStyleSheet(QString());
                         } else {
                             m_lastAction->setText(
                                 tr("%1  ✗ scale-down of %2 %3: %4")
                                     .arg(time, shownName(release), Core::colorName(color), result.error().message));
                             m_lastAction->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::danger().name()));
                         }
                         loadHistory();
                     });
}

} // namespace Curtain::Ui
