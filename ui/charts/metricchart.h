#pragma once

#include <QList>
#include <QPointF>
#include <QWidget>

namespace Curtain::Ui {

// One live metric for both environments over the last ten minutes: a blue and a green line.
// Series are replaced whole once per refresh, with animations off. Qt Charts stays inside ui/charts.
class MetricChart final : public QWidget
{
    Q_OBJECT

public:
    MetricChart(const QString &title, const QString &unit, double minimumRange, QWidget *parent = nullptr);
    ~MetricChart() override;

    // x in minutes before now (−10 … 0), y in the chart's unit.
    void setSeries(const QList<QPointF> &blue, const QList<QPointF> &green);
    // Marks on the time axis where someone acted on the release (minutes before now).
    void setMarkers(const QList<double> &minutesAgo);
    int markerCount() const;
    int pointCount() const;
    double maximumShown() const;

private:
    struct Private;
    Private *d;
};

} // namespace Curtain::Ui
