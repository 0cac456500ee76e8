// Metric history is kept per release key and color: two same-named releases of two namespaces are
// two series, and the charts downsample without losing a spike.

#include "models/metrichistory.h"

#include <QTest>

using namespace Curtain;

namespace {

const Core::ReleaseKey shop{QStringLiteral("shop"), QStringLiteral("checkout")};
const Core::ReleaseKey shopEu{QStringLiteral("shop-eu"), QStringLiteral("checkout")};

Core::ReleaseMetrics metrics(const Core::ReleaseKey &release, qint64 timeMs, double blueErrors)
{
    Core::ReleaseMetrics m;
    m.release = release;
    m.blue = {timeMs, 100.0, blueErrors, 0.04, 0.14, true};
    m.green = {timeMs, 0.0, 0.0, 0.0, 0.0, false};
    return m;
}

} // namespace

class TestMetricHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameNameInTwoNamespaces_keepsTwoSeries()
    {
        Models::MetricHistory history;
        for (qint64 t = 1000; t <= 10'000; t += 1000) {
            history.add(metrics(shop, t, 0.0));
            history.add(metrics(shopEu, t, 0.25));
        }
        using Series = Models::MetricHistory::Series;
        const QList<QPointF> shopErrors = history.points(shop, Core::Color::Blue, Series::ErrorRatio, 10'000);
        const QList<QPointF> euErrors = history.points(shopEu, Core::Color::Blue, Series::ErrorRatio, 10'000);
        QCOMPARE(shopErrors.size(), 10);
        QCOMPARE(euErrors.size(), 10);
        for (const QPointF &p : shopErrors) {
            QCOMPARE(p.y(), 0.0);
        }
        for (const QPointF &p : euErrors) {
            QCOMPARE(p.y(), 25.0);
        }
        QCOMPARE(history.latest(shopEu, Core::Color::Blue).errorRatio, 0.25);
        QCOMPARE(history.latest(shop, Core::Color::Blue).errorRatio, 0.0);
        // A bare name is no release's key: nothing is found under it.
        QCOMPARE(history.latest(Core::ReleaseKey::fromString(QStringLiteral("checkout")), Core::Color::Blue).timeMs, 0);
    }

    void downsampling_keepsTheSpike()
    {
        Models::MetricHistory history;
        for (qint64 t = 1; t <= 1000; ++t) {
            history.add(metrics(shop, t * 100, t == 500 ? 0.9 : 0.01));
        }
        const QList<QPointF> points =
            history.points(shop, Core::Color::Blue, Models::MetricHistory::Series::ErrorRatio, 100'000, 50);
        QVERIFY(points.size() <= 50);
        double top = 0;
        for (const QPointF &p : points) {
            top = std::max(top, p.y());
        }
        QCOMPARE(top, 90.0);
    }
};

QTEST_GUILESS_MAIN(TestMetricHistory)
#include "tst_metrichistory.moc"
