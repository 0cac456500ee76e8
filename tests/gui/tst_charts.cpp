// The live charts are built after the window's first frame (it shows their titles in their place),
// or at once when points arrive first: either way, what the user sees once they are up is the same
// as if they had been built with the window.

#include "charts/evidencechart.h"
#include "charts/metricchart.h"

#include <QChartView>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QScatterSeries>
#include <QTest>
#include <QValueAxis>

using namespace Curtain;

namespace {

// What the built chart draws, read from Qt Charts itself rather than from the widget's own copy.
struct Drawn
{
    qsizetype blue = -1;
    qsizetype green = -1;
    qsizetype marks = -1;
    double top = -1;
};

Drawn drawn(const QWidget &chart)
{
    const auto *view = chart.findChild<QChartView *>();
    if (!view) {
        return {};
    }
    Drawn d;
    for (QAbstractSeries *series : view->chart()->series()) {
        const auto *xy = qobject_cast<QXYSeries *>(series);
        if (qobject_cast<QScatterSeries *>(series)) {
            d.marks = xy->count();
        } else if (series->name() == QStringLiteral("blue")) {
            d.blue = xy->count();
        } else if (series->name() == QStringLiteral("green")) {
            d.green = xy->count();
        }
    }
    const auto axes = view->chart()->axes(Qt::Vertical);
    d.top = axes.isEmpty() ? -1 : qobject_cast<QValueAxis *>(axes.first())->max();
    return d;
}

} // namespace

class TestCharts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void metricChart_isBuiltAfterItsFirstPaint()
    {
        QWidget window;
        auto *chart = new Ui::MetricChart(QStringLiteral("p99 latency"), QStringLiteral("ms"), 100.0);
        auto *layout = new QHBoxLayout(&window);
        layout->addWidget(chart);
        window.resize(600, 300);
        QVERIFY(!chart->findChild<QGraphicsView *>()); // nothing to draw yet: no chart
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(chart->findChild<QGraphicsView *>());
        const QGraphicsView *view = chart->findChild<QGraphicsView *>();
        QTRY_VERIFY(view->isVisible());
        QTRY_COMPARE(view->size(), chart->size()); // it fills its place
        QCOMPARE(chart->pointCount(), 0);
    }

    void metricChart_pointsBeforeItIsBuilt_areShownWhenItIs()
    {
        Ui::MetricChart chart(QStringLiteral("Errors"), QStringLiteral("%"), 1.0);
        chart.setMarkers({-3.0}); // an action, before any points: kept for the chart
        QVERIFY(!chart.findChild<QGraphicsView *>());
        chart.setSeries({{-1.0, 0.5}, {0.0, 2.5}}, {{0.0, 0.25}});
        QVERIFY(chart.findChild<QGraphicsView *>()); // points: built at once, shown or not
        QCOMPARE(chart.pointCount(), 3);
        QCOMPARE(chart.markerCount(), 1);
        QCOMPARE(chart.maximumShown(), 2.5);
        const Drawn first = drawn(chart);
        QCOMPARE(first.blue, 2);
        QCOMPARE(first.green, 1);
        QCOMPARE(first.marks, 1); // the mark given before the chart existed is on it
        QVERIFY2(first.top >= 3.0, qPrintable(QString::number(first.top))); // 2.5 with room above
        chart.setSeries({}, {}); // another release without samples: an empty chart, not the last one's
        QCOMPARE(chart.pointCount(), 0);
        QCOMPARE(chart.maximumShown(), 0.0);
        QCOMPARE(drawn(chart).blue, 0);
        QCOMPARE(drawn(chart).green, 0);
    }

    void metricCharts_sideBySide_shareTheWidthEvenly()
    {
        // A chart view's own size hint follows its scene: built one after the other, the first
        // would keep the width it was first laid out with.
        QWidget window;
        auto *errors = new Ui::MetricChart(QStringLiteral("Errors"), QStringLiteral("%"), 1.0);
        auto *latency = new Ui::MetricChart(QStringLiteral("p99 latency"), QStringLiteral("ms"), 100.0);
        auto *layout = new QHBoxLayout(&window);
        layout->addWidget(errors);
        layout->addWidget(latency);
        window.resize(1000, 300);
        errors->setSeries({{0.0, 1.0}}, {}); // this chart is built now, the other after the first frame
        QVERIFY(errors->findChild<QGraphicsView *>());
        QVERIFY(!latency->findChild<QGraphicsView *>());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(latency->findChild<QGraphicsView *>());
        QTRY_VERIFY(latency->findChild<QGraphicsView *>()->isVisible());
        QVERIFY2(qAbs(errors->width() - latency->width()) <= 2,
                 qPrintable(QStringLiteral("%1 px against %2 px").arg(errors->width()).arg(latency->width())));
    }

    void evidenceChart_isBuiltWithTheFirstEvidence()
    {
        Ui::EvidenceChart chart;
        chart.setSeries({}, {}, {}); // no plan has run: nothing built
        QVERIFY(!chart.findChild<QGraphicsView *>());
        QCOMPARE(chart.pointCount(), 0);
        chart.setSeries({{0.5, 0.2}}, {{0.5, -0.1}}, {});
        QVERIFY(chart.findChild<QGraphicsView *>());
        QCOMPARE(chart.pointCount(), 2);
        qsizetype drawnPoints = 0;
        for (QAbstractSeries *series : chart.findChild<QChartView *>()->chart()->series()) {
            if (series->name() == QStringLiteral("errors") || series->name() == QStringLiteral("latency")) {
                drawnPoints += qobject_cast<QXYSeries *>(series)->count();
            }
        }
        QCOMPARE(drawnPoints, 2);
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
