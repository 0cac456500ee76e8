#pragma once

#include <QList>
#include <QPointF>
#include <QWidget>

namespace Curtain::Ui {

// One live metric for both environments over the last ten minutes: a blue and a green line.
// Series are replaced whole once per refresh, with animations off. Qt Charts stays inside ui/charts.
// The chart itself (a graphics scene that lays out and paints axes, legend and title) is built on
// the turn after the widget is first painted, or when the first points arrive: the window's first
// frame shows the chart's title in its place instead of waiting about 20 ms for two empty grids.
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
    // The same before and after the chart is built: a chart view's own hint follows its scene, so
    // two charts side by side would keep whatever split they were first laid out with.
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void ensureChart();
    QString titleWithColors() const;

    struct Private;
    Private *d;
};

} // namespace Curtain::Ui
