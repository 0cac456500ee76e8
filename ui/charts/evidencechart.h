#pragma once

#include <QList>
#include <QPointF>
#include <QWidget>

namespace Curtain::Ui {

// The judge's evidence over time: for the error and latency comparisons and the absolute budgets,
// how far each test's log likelihood ratio has come towards its own roll-back line (1 = roll back).
// The chart is built with the first evidence: until a plan runs, the widget is an empty, hidden box.
class EvidenceChart final : public QWidget
{
    Q_OBJECT

public:
    explicit EvidenceChart(QWidget *parent = nullptr);
    ~EvidenceChart() override;

    // x in minutes since the plan started.
    void setSeries(const QList<QPointF> &errors, const QList<QPointF> &latency, const QList<QPointF> &budgets);
    int pointCount() const;

private:
    void ensureChart();

    struct Private;
    Private *d;
};

} // namespace Curtain::Ui
