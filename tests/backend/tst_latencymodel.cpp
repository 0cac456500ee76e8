// The log-normal service time of curtain-backend: over many draws its median and 99th percentile
// are the ones asked for.

#include "latencymodel.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace Curtain::Backend;
using namespace std::chrono_literals;

class TestLatencyModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fitsMedianAndP99_data();
    void fitsMedianAndP99();
    void zeroMedianMeansNoDelay();
    void equalMedianAndP99MeansConstant();
    void sameSeedSameDraws();
};

void TestLatencyModel::fitsMedianAndP99_data()
{
    QTest::addColumn<qint64>("median");
    QTest::addColumn<qint64>("p99");
    QTest::newRow("20ms / 120ms") << qint64(20'000) << qint64(120'000);
    QTest::newRow("5ms / 40ms (defaults)") << qint64(5'000) << qint64(40'000);
    QTest::newRow("100ms / 2s, a long tail") << qint64(100'000) << qint64(2'000'000);
    QTest::newRow("1ms / 1.2ms, a narrow one") << qint64(1'000) << qint64(1'200);
}

void TestLatencyModel::fitsMedianAndP99()
{
    QFETCH(qint64, median);
    QFETCH(qint64, p99);
    const LatencyModel model{Micros(median), Micros(p99)};
    QCOMPARE(std::exp(model.mu()), double(median));
    std::mt19937_64 random(42);
    constexpr std::size_t n = 200'000;
    std::vector<double> draws;
    draws.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        draws.push_back(double(model.draw(random).count()));
    }
    std::sort(draws.begin(), draws.end());
    const double measuredMedian = draws[n / 2];
    const double measuredP99 = draws[n * 99 / 100];
    // With 200 000 draws the sample quantiles sit well within 1 % of the true ones; 3 % and 5 %
    // leave room for the rounding to whole microseconds without letting a wrong fit through.
    QVERIFY2(std::abs(measuredMedian - double(median)) <= 0.03 * double(median),
             qPrintable(QStringLiteral("median %1 us, wanted %2 us").arg(measuredMedian).arg(median)));
    QVERIFY2(std::abs(measuredP99 - double(p99)) <= 0.05 * double(p99),
             qPrintable(QStringLiteral("p99 %1 us, wanted %2 us").arg(measuredP99).arg(p99)));
    QVERIFY(draws.front() >= 0.0);
}

void TestLatencyModel::zeroMedianMeansNoDelay()
{
    const LatencyModel model{0us, 0us};
    std::mt19937_64 random(1);
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(model.draw(random).count(), 0);
    }
}

void TestLatencyModel::equalMedianAndP99MeansConstant()
{
    const LatencyModel model{15ms, 15ms};
    QCOMPARE(model.sigma(), 0.0);
    std::mt19937_64 random(1);
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(model.draw(random).count(), 15'000);
    }
}

void TestLatencyModel::sameSeedSameDraws()
{
    const LatencyModel model{20ms, 120ms};
    std::mt19937_64 a(7);
    std::mt19937_64 b(7);
    std::mt19937_64 c(8);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        const auto x = model.draw(a);
        QCOMPARE(x, model.draw(b));
        differs = differs || x != model.draw(c);
    }
    QVERIFY(differs);
}

QTEST_GUILESS_MAIN(TestLatencyModel)
#include "tst_latencymodel.moc"
