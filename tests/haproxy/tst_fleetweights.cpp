// The per-server weights a share of traffic becomes: what HAProxy will then serve is what the
// release engineer asked for, as near as HAProxy's 1..256 weights allow.

#include "haproxy/fleetwriter.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace Curtain::HAProxy;

namespace {

double servedGreen(const ColorWeights &weights, int blueServers, int greenServers)
{
    const double green = double(weights.green) * greenServers;
    return green / (green + double(weights.blue) * blueServers);
}

} // namespace

class TestFleetWeights : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void weights_data()
    {
        QTest::addColumn<double>("share");
        QTest::addColumn<int>("blueServers");
        QTest::addColumn<int>("greenServers");
        QTest::addColumn<int>("blue");
        QTest::addColumn<int>("green");
        QTest::newRow("all blue") << 0.0 << 2 << 2 << 100 << 0;
        QTest::newRow("all green") << 1.0 << 2 << 2 << 0 << 100;
        QTest::newRow("a 5 % canary, exact") << 0.05 << 2 << 2 << 95 << 5;
        QTest::newRow("25 %, exact, not 100 and 33 (24.8 %)") << 0.25 << 2 << 2 << 99 << 33;
        QTest::newRow("half") << 0.5 << 2 << 2 << 100 << 100;
        QTest::newRow("1 % on one green server beside three blue") << 0.01 << 3 << 1 << 99 << 3;
    }

    void weights()
    {
        QFETCH(double, share);
        QFETCH(int, blueServers);
        QFETCH(int, greenServers);
        QFETCH(int, blue);
        QFETCH(int, green);
        const auto weights = weightsForShare(share, blueServers, greenServers);
        QVERIFY(weights.ok());
        QCOMPARE(weights.value().blue, blue);
        QCOMPARE(weights.value().green, green);
    }

    // Every whole percentage on fleets of one to eight servers a color is served within 0.2 %, or as
    // near as weights of 1 against 256 allow (1 % cannot go to four green servers beside one blue:
    // the least is 4 / 260).
    void everyPercentage_isServedAsAsked()
    {
        for (int blueServers = 1; blueServers <= 8; ++blueServers) {
            for (int greenServers = 1; greenServers <= 8; ++greenServers) {
                for (int percent = 0; percent <= 100; ++percent) {
                    const auto weights = weightsForShare(percent / 100.0, blueServers, greenServers);
                    QVERIFY(weights.ok());
                    QVERIFY(weights.value().blue >= 0 && weights.value().blue <= 256);
                    QVERIFY(weights.value().green >= 0 && weights.value().green <= 256);
                    const double served = servedGreen(weights.value(), blueServers, greenServers);
                    const double asked = percent / 100.0;
                    const double least = servedGreen({256, 1}, blueServers, greenServers);
                    const double most = servedGreen({1, 256}, blueServers, greenServers);
                    const double possible = asked == 0 || asked == 1 ? asked : std::clamp(asked, least, most);
                    QVERIFY2(std::abs(served - possible) < 0.002,
                             qPrintable(QStringLiteral("%1 % over %2 + %3 servers is served as %4 %")
                                            .arg(percent)
                                            .arg(blueServers)
                                            .arg(greenServers)
                                            .arg(served * 100)));
                }
            }
        }
    }

    void refused_data()
    {
        QTest::addColumn<double>("share");
        QTest::addColumn<int>("blueServers");
        QTest::addColumn<int>("greenServers");
        QTest::addColumn<QString>("message");
        QTest::newRow("below 0") << -0.1 << 2 << 2 << QStringLiteral("from 0 to 100 %");
        QTest::newRow("above 1") << 1.5 << 2 << 2 << QStringLiteral("from 0 to 100 %");
        QTest::newRow("not a number") << std::nan("") << 2 << 2 << QStringLiteral("from 0 to 100 %");
        QTest::newRow("no green server") << 0.3 << 2 << 0 << QStringLiteral("no green servers to carry 30 %");
        QTest::newRow("no blue server") << 0.7 << 0 << 2 << QStringLiteral("no blue servers to carry 30 %");
    }

    void refused()
    {
        QFETCH(double, share);
        QFETCH(int, blueServers);
        QFETCH(int, greenServers);
        QFETCH(QString, message);
        const auto weights = weightsForShare(share, blueServers, greenServers);
        QVERIFY(!weights.ok());
        QVERIFY2(weights.error().message.contains(message), qPrintable(weights.error().message));
    }
};

QTEST_GUILESS_MAIN(TestFleetWeights)
#include "tst_fleetweights.moc"
