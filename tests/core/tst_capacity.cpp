// The capacity and cost of a blue-green window as values: resource quantities as Kubernetes writes
// them, the flip's shortfall, and the idle color after a flip with what it reserves.

#include "core/capacity.h"
#include "core/quantity.h"

#include <QTest>

using namespace Curtain::Core;

class TestCapacity : public QObject
{
    Q_OBJECT

    static ReleaseSnapshot flipped()
    {
        ReleaseSnapshot r;
        r.name = QStringLiteral("catalog");
        r.routeKind = RouteKind::HttpRoute;
        const auto env = [](Color color, const char *version, int traffic) {
            Environment e;
            e.color = color;
            e.present = true;
            e.deployment = QStringLiteral("catalog-") + colorName(color);
            e.version = QString::fromLatin1(version);
            e.desiredReplicas = 4;
            e.readyReplicas = 4;
            e.trafficPercent = traffic;
            return e;
        };
        r.blue = env(Color::Blue, "v2.3.0", 0);
        r.green = env(Color::Green, "v2.4.0", 100);
        r.blue.podCpuRequest = 0.25;
        r.blue.podMemoryRequest = 256.0 * 1024 * 1024;
        r.stable = Color::Green;
        r.previous = Color::Blue;
        r.switchedAt = QDateTime::fromString(QStringLiteral("2026-12-03T12:04:00Z"), Qt::ISODate);
        return r;
    }

private Q_SLOTS:
    void quantities_readAsKubernetesWritesThem_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("value"); // -1: not a quantity
        QTest::newRow("millicores") << QStringLiteral("250m") << 0.25;
        QTest::newRow("microcores") << QStringLiteral("100u") << 100e-6;
        QTest::newRow("nanocores") << QStringLiteral("500n") << 500e-9;
        QTest::newRow("cores") << QStringLiteral("2") << 2.0;
        QTest::newRow("fraction") << QStringLiteral("1.5") << 1.5;
        QTest::newRow("leading dot") << QStringLiteral(".5") << 0.5;
        QTest::newRow("Mi") << QStringLiteral("256Mi") << 256.0 * 1024 * 1024;
        QTest::newRow("Gi") << QStringLiteral("1Gi") << 1024.0 * 1024 * 1024;
        QTest::newRow("k") << QStringLiteral("128k") << 128e3;
        QTest::newRow("M") << QStringLiteral("64M") << 64e6;
        QTest::newRow("exponent") << QStringLiteral("1e3") << 1000.0;
        QTest::newRow("E is exa") << QStringLiteral("1E") << 1e18;
        QTest::newRow("empty") << QString() << -1.0;
        QTest::newRow("unit only") << QStringLiteral("Mi") << -1.0;
        QTest::newRow("unknown suffix") << QStringLiteral("5mb") << -1.0;
        QTest::newRow("negative") << QStringLiteral("-1") << -1.0;
        QTest::newRow("space") << QStringLiteral("1 Gi") << -1.0;
        QTest::newRow("huge exponent") << QStringLiteral("9e999") << -1.0;
        QTest::newRow("too long") << QString(100, QLatin1Char('9')) << -1.0;
    }

    void quantities_readAsKubernetesWritesThem()
    {
        QFETCH(QString, text);
        QFETCH(double, value);
        const std::optional<double> parsed = parseQuantity(text);
        if (value < 0) {
            QVERIFY2(!parsed, qPrintable(QString::number(parsed.value_or(0))));
        } else {
            QVERIFY(parsed);
            QCOMPARE(*parsed, value);
        }
    }

    void idleWindow_isThePreviousColorWithPodsAndNoTraffic()
    {
        ReleaseSnapshot r = flipped();
        const std::optional<IdleWindow> idle = idleWindow(r);
        QVERIFY(idle);
        QCOMPARE(idle->color, Color::Blue);
        QCOMPARE(idle->replicas, 4);
        QCOMPARE(idle->cpu, 1.0);
        QCOMPARE(idle->memory, 1024.0 * 1024 * 1024);
        const QDateTime now = r.switchedAt.addSecs(43 * 60);
        const QString text = idleWindowText(*idle, now);
        QVERIFY2(text.startsWith(QStringLiteral("blue (v2.3.0) idle since %1 (43 min): 4 pods reserving 1 CPU and "
                                                "1 GiB; Rollback to it is instant while they run")
                                     .arg(r.switchedAt.toLocalTime().toString(QStringLiteral("HH:mm")))),
                 qPrintable(text));

        r.blue.desiredReplicas = 0; // scaled down: no window, no instant rollback
        QVERIFY(!idleWindow(r));
        r = flipped();
        r.blue.trafficPercent = 10; // serving again (a canary back on blue): not idle
        QVERIFY(!idleWindow(r));
        r = flipped();
        r.previous.reset(); // never flipped: the other color is a candidate, not a leftover
        QVERIFY(!idleWindow(r));
        r = flipped();
        r.switchedAt = QDateTime(); // flipped outside Curtain: since when is unknown, and said so
        QVERIFY(idleWindowText(*idleWindow(r), QDateTime::currentDateTimeUtc())
                    .contains(QStringLiteral("since a flip made outside Curtain")));
        r.blue.podCpuRequest = 0;
        r.blue.podMemoryRequest = 0; // no requests declared: nothing claimed about the cost
        QVERIFY(!idleWindowText(*idleWindow(r), QDateTime::currentDateTimeUtc()).contains(QStringLiteral("reserving")));
    }

    void flipShortfall_namesWhatTheTargetMustReach()
    {
        ReleaseSnapshot r = flipped();
        r.stable = Color::Blue;
        r.blue.trafficPercent = 100;
        r.green.trafficPercent = 0;
        r.green.readyReplicas = 2;
        const std::optional<CapacityShortfall> shortfall = flipShortfall(r);
        QVERIFY(shortfall);
        QCOMPARE(shortfall->target, Color::Green);
        QCOMPARE(shortfall->ready, 2);
        QCOMPARE(shortfall->needed, 4);
        r.green.readyReplicas = 4;
        QVERIFY(!flipShortfall(r));
    }
};

QTEST_GUILESS_MAIN(TestCapacity)
#include "tst_capacity.moc"
