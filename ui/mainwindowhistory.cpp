// MainWindow's history: the History window (View ▸ History) and the live charts with their action
// marks, both from the engine's merge of this machine's journal and the cluster's Events.

#include "mainwindow.h"

#include "charts/metricchart.h"
#include "historywindow.h"

#include "core/futures.h"
#include "engine/releaseengine.h"

#include <QDateTime>

namespace Curtain::Ui {

void MainWindow::showHistory()
{
    if (!m_historyWindow) {
        m_historyWindow = new HistoryWindow(this);
        connect(m_historyWindow, &HistoryWindow::refreshRequested, this, &MainWindow::loadHistory);
        m_historyTimer.setInterval(30'000); // other consoles' actions and the controllers' Events
        connect(&m_historyTimer, &QTimer::timeout, this, [this] {
            if (m_historyWindow->isVisible()) {
                loadHistory();
            }
        });
        m_historyTimer.start();
    }
    m_historyWindow->showLoading(shownName(m_selected));
    m_historyWindow->show();
    m_historyWindow->raise();
    m_historyWindow->activateWindow();
    loadHistory();
}

void MainWindow::loadHistory()
{
    if (!m_engine || m_selected.isEmpty()) {
        return;
    }
    const Core::ReleaseKey release = m_selected;
    const quint64 asked = ++m_historyAsked;
    const quint64 generation = m_engineGeneration;
    Core::onFinished(m_engine->history(release.toString()), this,
                     [this, release, asked, generation](const Core::Result<Core::ReleaseHistory> &history) {
                         if (asked != m_historyAsked || !stillShown(generation)) {
                             return; // a newer question, or another cluster, since
                         }
                         if (!history.ok()) {
                             if (m_historyWindow) {
                                 m_historyWindow->setError(shownName(release), history.error().message);
                             }
                             return;
                         }
                         // The charts mark what Curtain did (the entries with an outcome), not the controllers'
                         // reports.
                         QList<QDateTime> times;
                         for (const Core::HistoryEntry &entry : history.value().entries) {
                             if (!entry.outcome.isEmpty() && entry.time.isValid()) {
                                 times.append(entry.time);
                             }
                         }
                         m_actionTimes.insert(release, times);
                         refreshCharts();
                         if (m_historyWindow && release == m_selected) {
                             m_historyWindow->setHistory(shownName(release), history.value());
                         }
                     });
}

QList<double> MainWindow::actionMarks(qint64 nowMs) const
{
    QList<double> marks;
    for (const QDateTime &time : m_actionTimes.value(m_selected)) {
        const double minutesAgo = -double(nowMs - time.toMSecsSinceEpoch()) / 60'000.0;
        if (minutesAgo >= -10.0 && minutesAgo <= 0.0) {
            marks.append(minutesAgo);
        }
    }
    return marks;
}

void MainWindow::refreshCharts()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto minutes = [](QList<QPointF> points) {
        for (QPointF &p : points) {
            p.setX(p.x() / 60.0);
        }
        return points;
    };
    using Series = Models::MetricHistory::Series;
    m_errors->setSeries(minutes(m_history.points(m_selected, Core::Color::Blue, Series::ErrorRatio, now)),
                        minutes(m_history.points(m_selected, Core::Color::Green, Series::ErrorRatio, now)));
    m_latency->setSeries(minutes(m_history.points(m_selected, Core::Color::Blue, Series::P99Latency, now)),
                         minutes(m_history.points(m_selected, Core::Color::Green, Series::P99Latency, now)));
    const QList<double> marks = actionMarks(now);
    m_errors->setMarkers(marks);
    m_latency->setMarkers(marks);
}

} // namespace Curtain::Ui
