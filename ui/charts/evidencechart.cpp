#include "charts/evidencechart.h"

#include "theme.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace Curtain::Ui {

struct EvidenceChart::Private
{
    int pointCount = 0;
    QChart *chart = nullptr;
    QLineSeries *errors = nullptr;
    QLineSeries *latency = nullptr;
    QLineSeries *budgets = nullptr;
    QLineSeries *line = nullptr;
    QValueAxis *x = nullptr;
    QValueAxis *y = nullptr;
};

EvidenceChart::EvidenceChart(QWidget *parent) : QWidget(parent), d(new Private)
{
    setMinimumHeight(170);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

EvidenceChart::~EvidenceChart()
{
    delete d;
}

void EvidenceChart::ensureChart()
{
    if (d->chart) {
        return;
    }
    d->chart = new QChart;
    // Before any series: a theme sets every colour, and ours (blue, green) are set after it.
    d->chart->setTheme(Theme::isDark(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    d->chart->setAnimationOptions(QChart::NoAnimation);
    // The scale goes in the title: a short chart elides a y-axis title to "…".
    d->chart->setTitle(tr("Evidence against the candidate (1 = roll back)"));
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->setMargins(QMargins(4, 4, 4, 4));
    d->chart->setBackgroundRoundness(0);
    auto add = [&](QLineSeries *&series, const QString &name, QPen pen) {
        series = new QLineSeries;
        series->setName(name);
        series->setPen(pen);
        d->chart->addSeries(series);
    };
    QPen errors(QColor(0x8e, 0x24, 0xaa));
    errors.setWidthF(2.0);
    QPen latency(QColor(0xef, 0x6c, 0x00));
    latency.setWidthF(2.0);
    QPen budgets(QColor(0x60, 0x60, 0x60));
    budgets.setWidthF(1.5);
    QPen line(Theme::danger());
    line.setStyle(Qt::DashLine);
    add(d->errors, tr("errors"), errors);
    add(d->latency, tr("latency"), latency);
    add(d->budgets, tr("budgets"), budgets);
    add(d->line, tr("roll back"), line);
    d->x = new QValueAxis;
    d->x->setLabelFormat(QStringLiteral("%.1f"));
    d->x->setTitleText(tr("minutes into the plan"));
    d->y = new QValueAxis;
    d->y->setLabelFormat(QStringLiteral("%.1f"));
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    for (QLineSeries *series : {d->errors, d->latency, d->budgets, d->line}) {
        series->attachAxis(d->x);
        series->attachAxis(d->y);
    }
    auto *view = new QChartView(d->chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    layout()->addWidget(view);
    view->show(); // a child added to a widget already on screen is not shown by itself
}

void EvidenceChart::setSeries(const QList<QPointF> &errors, const QList<QPointF> &latency,
                              const QList<QPointF> &budgets)
{
    d->pointCount = int(errors.size() + latency.size());
    if (!d->chart && errors.isEmpty() && latency.isEmpty() && budgets.isEmpty()) {
        return; // built with the first evidence: most windows never run a plan
    }
    ensureChart();
    d->errors->replace(errors);
    d->latency->replace(latency);
    d->budgets->replace(budgets);
    double right = 1;
    double low = -0.5;
    double high = 1.2;
    for (const QList<QPointF> *points : {&errors, &latency, &budgets}) {
        for (const QPointF &p : *points) {
            right = std::max(right, p.x());
            low = std::min(low, p.y());
            high = std::max(high, p.y());
        }
    }
    d->line->replace({QPointF(0, 1.0), QPointF(right, 1.0)});
    d->x->setRange(0, right);
    d->x->applyNiceNumbers();
    d->y->setRange(std::max(low, -3.0), std::min(high, 5.0));
    d->y->applyNiceNumbers();
}

int EvidenceChart::pointCount() const
{
    return d->pointCount;
}

} // namespace Curtain::Ui
