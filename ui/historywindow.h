#pragma once

#include "core/history.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace Curtain::Ui {

// Who did what to one release, newest first: every action Curtain took on this machine (its
// journal), Curtain's Events from every other console, the controllers' Events, and plan steps
// and verdicts. Says when the journal's hash chain is broken, and when the cluster's Events could
// not be read. A window of its own, so that it can stay open beside the console.
class HistoryWindow final : public QWidget
{
    Q_OBJECT

public:
    explicit HistoryWindow(QWidget *parent = nullptr);

    void showLoading(const QString &release);
    void setHistory(const QString &release, const Core::ReleaseHistory &history);
    void setError(const QString &release, const QString &message);

    int rowCount() const;
    QString rowText(int row) const; // the row's cells joined by " | ", for tests and accessibility
    QString warningText() const;

Q_SIGNALS:
    void refreshRequested();

private:
    QLabel *m_title;
    QLabel *m_warning;
    QTableWidget *m_table;
    QPushButton *m_refresh;
};

} // namespace Curtain::Ui
