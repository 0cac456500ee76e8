#pragma once

#include <QList>
#include <QPointF>
#include <QWidget>

namespace Curtain::Ui {

// The judge's evidence over time, one line per comparison (errors, latency), with the line at
// which it rolls back. Evidence is the log likelihood ratio: it climbs when the candidate is worse.
class EvidenceChart final : public QWidget
{
    Q_OBJECT

public:
    explicit EvidenceChart(QWidget *parent = nullptr);
    ~EvidenceChart() override;

    // x in minutes since the plan started.
    void setSeries(const QList<QPointF> &errors, const QList<QPointF> &latency, double decisionLine);
    int pointCount() const;

private:
    struct Private;
    Private *d;
};

} // namespace Curtain::Ui
