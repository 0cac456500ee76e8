#include "charts/metricchart.h"

#include "theme.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <utility>

namespace Curtain::Ui {

struct MetricChart::Private
{
    QString title;
    QString unit;
    double minimumRange = 1.0;
    // What is shown, kept here too: the chart may not exist yet.
    QList<QPointF> bluePoints;
    QList<QPointF> greenPoints;
    QList<QPointF> markers;
    double top = 1.0;
    bool buildQueued = false;

    QChart *chart = nullptr;
    QLineSeries *blue = nullptr;
    QLineSeries *green = nullptr;
    QScatterSeries *actions = nullptr;
    QValueAxis *x = nullptr;
    QValueAxis *y = nullptr;
};

MetricChart::MetricChart(const QString &title, const QString &unit, double minimumRange, QWidget *parent)
    : QWidget(parent), d(new Private)
{
    d->title = title;
    d->unit = unit;
    d->minimumRange = minimumRange;
    d->top = minimumRange;
    // The colours are named in the title, not in a legend row: at 1280×800 the window has no 25 px
    // to spare under each chart (the Argo step buttons went under the action bar).
    setMinimumHeight(176);
    setToolTip(tr("%1 for blue and green over the last ten minutes; ▲ on the time axis: an action on the release "
                  "(View ▸ History says which)")
                   .arg(title));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

MetricChart::~MetricChart()
{
    delete d;
}

void MetricChart::paintEvent(QPaintEvent *event)
{
    QWidget::paintEvent(event);
    if (d->chart) {
        return; // the chart view covers the widget
    }
    // Until the chart is built: its background and title where the chart will put them (Qt Charts
    // leaves 9 px around the background; the light theme's is white), so the next frame only adds.
    QPainter painter(this);
    painter.fillRect(rect().adjusted(9, 9, -9, -9),
                     Theme::isDark(palette()) ? palette().color(QPalette::Base) : QColor(Qt::white));
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(rect().adjusted(4, 14, -4, -4), Qt::AlignTop | Qt::AlignHCenter, d->title);
    if (!std::exchange(d->buildQueued, true)) {
        QTimer::singleShot(0, this, &MetricChart::ensureChart);
    }
}

void MetricChart::ensureChart()
{
    if (d->chart) {
        return;
    }
    d->chart = new QChart;
    // Before any series: a theme sets every colour, and ours (blue, green) are set after it.
    d->chart->setTheme(Theme::isDark(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->setTitle(titleWithColors());
    d->chart->legend()->hide();
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
    d->y->setLabelFormat(QStringLiteral("%.1f"));
    d->y->setTitleText(d->unit);
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
    for (QXYSeries *series : std::initializer_list<QXYSeries *>{d->blue, d->green, d->actions}) {
        series->attachAxis(d->x);
        series->attachAxis(d->y);
    }
    d->blue->replace(d->bluePoints);
    d->green->replace(d->greenPoints);
    d->actions->replace(d->markers);
    d->y->setRange(0, d->top);
    d->y->applyNiceNumbers();
    auto *view = new QChartView(d->chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    layout()->addWidget(view);
    view->show(); // a child added to a widget already on screen is not shown by itself
}

// "p99 latency  ■ blue  ■ green", each square in its line's colour (a chart title is rich text).
QString MetricChart::titleWithColors() const
{
    QString title = d->title.toHtmlEscaped();
    for (Core::Color color : {Core::Color::Blue, Core::Color::Green}) {
        title += QStringLiteral("&nbsp;&nbsp; <span style=\"color:%1\">■</span>&nbsp;%2")
                     .arg(Theme::color(color).name(), Core::colorName(color).toHtmlEscaped());
    }
    return title;
}

void MetricChart::setSeries(const QList<QPointF> &blue, const QList<QPointF> &green)
{
    d->bluePoints = blue;
    d->greenPoints = green;
    double top = d->minimumRange;
    for (const QList<QPointF> *points : {&blue, &green}) {
        for (const QPointF &p : *points) {
            top = std::max(top, p.y() * 1.2);
        }
    }
    d->top = top;
    if (!d->chart && blue.isEmpty() && green.isEmpty()) {
        return; // nothing to draw yet: the chart is built after the first frame
    }
    ensureChart();
    d->blue->replace(blue);
    d->green->replace(green);
    d->y->setRange(0, top);
    d->y->applyNiceNumbers(); // ticks at 0, 1, 2 … rather than 0, 1.37, 2.74 …
}

void MetricChart::setMarkers(const QList<double> &minutesAgo)
{
    QList<QPointF> points;
    for (double x : minutesAgo) {
        points.append({x, 0.0});
    }
    d->markers = points;
    if (d->chart) {
        d->actions->replace(points);
    }
}

QSize MetricChart::sizeHint() const
{
    return {320, 200}; // the height is the minimum: the charts take what the panels leave
}

int MetricChart::markerCount() const
{
    return int(d->markers.size());
}

int MetricChart::pointCount() const
{
    return int(d->bluePoints.size() + d->greenPoints.size());
}

double MetricChart::maximumShown() const
{
    double top = 0;
    for (const QList<QPointF> *points : {&d->bluePoints, &d->greenPoints}) {
        for (const QPointF &p : *points) {
            top = std::max(top, p.y());
        }
    }
    return top;
}

} // namespace Curtain::Ui
