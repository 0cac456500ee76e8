#include "charts/metricchart.h"

#include "theme.h"

#include <QChart>
#include <QChartView>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace Curtain::Ui {

struct MetricChart::Private
{
    QChart *chart = nullptr;
    QLineSeries *blue = nullptr;
    QLineSeries *green = nullptr;
    QScatterSeries *actions = nullptr;
    QValueAxis *x = nullptr;
    QValueAxis *y = nullptr;
    double minimumRange = 1.0;
};

MetricChart::MetricChart(const QString &title, const QString &unit, double minimumRange, QWidget *parent)
    : QWidget(parent), d(new Private)
{
    d->minimumRange = minimumRange;
    d->chart = new QChart;
    // Before any series: a theme sets every colour, and ours (blue, green) are set after it.
    d->chart->setTheme(Theme::isDark(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->setTitle(title);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->setMargins(QMargins(4, 4, 4, 4));
    d->chart->setBackgroundRoundness(0);
    for (auto [series, color] : {std::pair{&d->blue, Core::Color::Blue}, std::pair{&d->green, Core::Color::Green}}) {
        *series = new QLineSeries;
        (*series)->setName(Core::colorName(color));
        QPen pen(Theme::color(color));
        pen.setWidthF(2.0);
        (*series)->setPen(pen);
        d->chart->addSeries(*series);
    }
    d->x = new QValueAxis;
    d->x->setRange(-10, 0);
    d->x->setTickCount(6);
    d->x->setLabelFormat(QStringLiteral("%.0f"));
    d->x->setTitleText(tr("minutes ago"));
    d->y = new QValueAxis;
    d->y->setRange(0, minimumRange);
    d->y->setLabelFormat(QStringLiteral("%.1f"));
    d->y->setTitleText(unit);
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    // Actions sit on the time axis as small triangles in the text colour: where the lines changed
    // because someone acted, not because the release did.
    d->actions = new QScatterSeries;
    d->actions->setName(tr("action"));
    d->actions->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    d->actions->setMarkerSize(11);
    d->actions->setColor(palette().color(QPalette::WindowText));
    d->actions->setBorderColor(palette().color(QPalette::Window));
    d->chart->addSeries(d->actions);
    for (QLegendMarker *marker : d->chart->legend()->markers(d->actions)) {
        marker->setVisible(false); // the legend names the colors; the marks explain themselves (tooltip)
    }
    setToolTip(tr("%1 for blue and green over the last ten minutes; ▲ on the time axis: an action on the release "
                  "(View ▸ History says which)")
                   .arg(title));
    for (QXYSeries *series : std::initializer_list<QXYSeries *>{d->blue, d->green, d->actions}) {
        series->attachAxis(d->x);
        series->attachAxis(d->y);
    }
    auto *view = new QChartView(d->chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(200);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
}

MetricChart::~MetricChart()
{
    delete d;
}

void MetricChart::setSeries(const QList<QPointF> &blue, const QList<QPointF> &green)
{
    d->blue->replace(blue);
    d->green->replace(green);
    double top = d->minimumRange;
    for (const QList<QPointF> *points : {&blue, &green}) {
        for (const QPointF &p : *points) {
            top = std::max(top, p.y() * 1.2);
        }
    }
    d->y->setRange(0, top);
    d->y->applyNiceNumbers(); // ticks at 0, 1, 2 … rather than 0, 1.37, 2.74 …
}

void MetricChart::setMarkers(const QList<double> &minutesAgo)
{
    QList<QPointF> points;
    for (double x : minutesAgo) {
        points.append({x, 0.0});
    }
    d->actions->replace(points);
}

int MetricChart::markerCount() const
{
    return int(d->actions->count());
}

int MetricChart::pointCount() const
{
    return int(d->blue->count() + d->green->count());
}

double MetricChart::maximumShown() const
{
    double top = 0;
    for (QLineSeries *series : {d->blue, d->green}) {
        for (const QPointF &p : series->points()) {
            top = std::max(top, p.y());
        }
    }
    return top;
}

} // namespace Curtain::Ui
