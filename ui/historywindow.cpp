#include "historywindow.h"

#include "theme.h"

#include "core/displaytext.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Curtain::Ui {

namespace {

enum Column { Time, Who, Action, Result, Via, What, ColumnCount };

} // namespace

HistoryWindow::HistoryWindow(QWidget *parent)
    : QWidget(parent, Qt::Window), m_title(new QLabel(this)), m_warning(new QLabel(this)),
      m_table(new QTableWidget(0, ColumnCount, this)), m_refresh(new QPushButton(tr("&Refresh"), this))
{
    setObjectName(QStringLiteral("historyWindow"));
    setWindowTitle(tr("History"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_warning->setWordWrap(true);
    m_warning->setVisible(false);
    QPalette warningPalette = m_warning->palette();
    warningPalette.setColor(QPalette::WindowText, Theme::danger(palette()));
    m_warning->setPalette(warningPalette);
    m_table->setHorizontalHeaderLabels({tr("Time"), tr("Who"), tr("Action"), tr("Result"), tr("Via"), tr("What")});
    m_table->setAccessibleName(tr("Release history"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setTabKeyNavigation(false);
    m_refresh->setAccessibleName(tr("Refresh the history"));
    connect(m_refresh, &QPushButton::clicked, this, &HistoryWindow::refreshRequested);
    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_refresh);
    auto *note = new QLabel(tr("This machine's journal of every action taken through Curtain, and the cluster's "
                               "Events on the release's route and workloads (the cluster keeps those about an hour)."),
                            this);
    note->setWordWrap(true);
    QPalette notePalette = note->palette();
    notePalette.setColor(QPalette::WindowText, Theme::secondaryText(palette()));
    note->setPalette(notePalette);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(note);
    layout->addWidget(m_warning);
    layout->addWidget(m_table, 1);
    resize(900, 420);
}

void HistoryWindow::showLoading(const QString &release)
{
    m_title->setText(tr("History of %1").arg(Core::shown(release)));
    setWindowTitle(tr("History — %1").arg(Core::shown(release)));
}

void HistoryWindow::setHistory(const QString &release, const Core::ReleaseHistory &history)
{
    showLoading(release);
    QStringList warnings;
    if (!history.journalProblem.isEmpty()) {
        warnings << tr("The journal was changed or damaged: %1.").arg(Core::shown(history.journalProblem, 300));
    }
    if (!history.clusterProblem.isEmpty()) {
        warnings << tr("The cluster's Events could not be read (%1); this machine's journal only.")
                        .arg(Core::shown(history.clusterProblem, 300));
    }
    m_warning->setText(warnings.join(QLatin1Char(' ')));
    m_warning->setVisible(!warnings.isEmpty());
    m_table->setRowCount(int(history.entries.size()));
    for (int row = 0; row < history.entries.size(); ++row) {
        const Core::HistoryEntry &entry = history.entries[row];
        const QStringList cells{entry.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                Core::shown(entry.actor, 60),
                                Core::shown(entry.action, 60),
                                entry.outcome,
                                Core::shown(entry.via, 40),
                                Core::shown(entry.note, 400)};
        const QString tip =
            tr("%1 · %2 · recorded in %3%4")
                .arg(Core::shown(entry.object), entry.warning ? tr("Warning") : tr("Normal"),
                     entry.origin == QLatin1String("journal") ? tr("this machine's journal")
                                                              : tr("the cluster's Events"),
                     entry.eventName.isEmpty() ? QString() : tr(" · Event %1").arg(Core::shown(entry.eventName)));
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            item->setToolTip(column == What ? Core::shown(entry.note, 1000) + QLatin1Char('\n') + tip : tip);
            if (entry.warning && (column == Action || column == Result)) {
                item->setForeground(Theme::danger(palette()));
            }
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setStretchLastSection(true);
}

void HistoryWindow::setError(const QString &release, const QString &message)
{
    showLoading(release);
    m_warning->setText(tr("The history could not be read: %1").arg(Core::shown(message, 300)));
    m_warning->setVisible(true);
    m_table->setRowCount(0);
}

int HistoryWindow::rowCount() const
{
    return m_table->rowCount();
}

QString HistoryWindow::rowText(int row) const
{
    QStringList cells;
    for (int column = 0; column < ColumnCount; ++column) {
        const QTableWidgetItem *item = m_table->item(row, column);
        cells << (item ? item->text() : QString());
    }
    return cells.join(QStringLiteral(" | "));
}

QString HistoryWindow::warningText() const
{
    return m_warning->isVisible() ? m_warning->text() : QString();
}

} // namespace Curtain::Ui
