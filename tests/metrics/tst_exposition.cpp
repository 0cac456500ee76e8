// Prometheus exposition in, request rate / error ratio / quantiles out.

#include "metrics/exposition.h"
#include "metrics/slidingwindow.h"

#include <QTest>

#include <cmath>

using namespace Curtain;
using namespace Curtain::Metrics;

namespace {

QByteArray exposition(double ok, double errors, const std::vector<std::pair<const char *, double>> &buckets)
{
    QByteArray text = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n";
    text += "http_requests_total{code=\"200\",version=\"v1\"} " + QByteArray::number(ok) + "\n";
    text += "http_requests_total{code=\"503\",version=\"v1\"} " + QByteArray::number(errors) + "\n";
    for (const auto &[le, count] : buckets) {
        text += QByteArray("http_request_duration_seconds_bucket{version=\"v1\",le=\"") + le + "\"} " +
                QByteArray::number(count) + "\n";
    }
    return text;
}

} // namespace

class TestExposition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_readsLabelsEscapesAndSpecialValues()
    {
        const auto samples =
            parseExposition("# a comment\nm{a=\"x\\\"y\",b=\"line\\nbreak\"} 1.5e3 1700000000\nn +Inf\nk NaN\n");
        QVERIFY(samples.ok());
        QCOMPARE(samples.value().size(), 3);
        QCOMPARE(samples.value()[0].labels.value(QStringLiteral("a")), QStringLiteral("x\"y"));
        QCOMPARE(samples.value()[0].labels.value(QStringLiteral("b")), QStringLiteral("line\nbreak"));
        QCOMPARE(samples.value()[0].value, 1500.0);
        QVERIFY(std::isinf(samples.value()[1].value));
        QVERIFY(std::isnan(samples.value()[2].value));
    }

    void parse_rejectsBrokenLinesByNumber()
    {
        const auto samples = parseExposition("ok 1\nbroken{a=\"x} 2\n");
        QVERIFY(!samples.ok());
        QVERIFY2(samples.error().message.contains(QStringLiteral("line 2")), qPrintable(samples.error().message));
    }

    void quantile_interpolatesInsideTheBucket()
    {
        const std::vector<std::pair<double, double>> buckets{{0.1, 50}, {0.2, 90}, {0.5, 100}, {INFINITY, 100}};
        QCOMPARE(histogramQuantile(0.5, buckets), 0.1);
        QVERIFY(qFuzzyCompare(histogramQuantile(0.7, buckets), 0.15));
        QVERIFY(qFuzzyCompare(histogramQuantile(0.99, buckets), 0.47));
        QVERIFY(std::isnan(histogramQuantile(0.5, {{0.1, 0}, {INFINITY, 0}})));
    }

    void window_computesRatesOverTheWindowOnly()
    {
        SlidingWindow window(10'000);
        auto reading = [](qint64 t, double ok, double err, double fast, double slow) {
            return readCounters(
                parseExposition(exposition(ok, err, {{"0.1", fast}, {"0.5", fast + slow}, {"+Inf", fast + slow}}))
                    .value(),
                t);
        };
        window.add(reading(0, 0, 0, 0, 0));
        window.add(reading(5'000, 990, 10, 1000, 0));
        Core::MetricPoint p = window.point();
        QVERIFY(p.hasTraffic);
        QCOMPARE(p.requestsPerSecond, 200.0);
        QCOMPARE(p.errorRatio, 0.01);
        // Later traffic is slow and failing; the window forgets the start.
        window.add(reading(15'000, 990, 1010, 1000, 1000));
        window.add(reading(20'000, 990, 2010, 1000, 2000));
        p = window.point();
        QCOMPARE(p.errorRatio, 1.0);
        QVERIFY(p.p99Seconds > 0.1);
    }

    void window_startsOverAfterACounterReset()
    {
        SlidingWindow window(60'000);
        window.add(readCounters(parseExposition(exposition(1000, 0, {{"+Inf", 1000}})).value(), 0));
        window.add(readCounters(parseExposition(exposition(10, 0, {{"+Inf", 10}})).value(), 1'000));
        QVERIFY(!window.point().hasTraffic);
    }

    // One Deployment serving both of a flag's variants: each variant's counters are its own.
    void counters_ofAVariant_countOnlyItsSamples()
    {
        const auto samples = parseExposition("http_requests_total{code=\"200\",variant=\"classic\"} 900\n"
                                             "http_requests_total{code=\"500\",variant=\"classic\"} 0\n"
                                             "http_requests_total{code=\"200\",variant=\"personalized\"} 70\n"
                                             "http_requests_total{code=\"500\",variant=\"personalized\"} 30\n");
        QVERIFY(samples.ok());
        const CounterReading classic = readCounters(samples.value(), 0, QStringLiteral("classic"));
        QCOMPARE(classic.requests, 900.0);
        QCOMPARE(classic.errors, 0.0);
        const CounterReading personalized = readCounters(samples.value(), 0, QStringLiteral("personalized"));
        QCOMPARE(personalized.requests, 100.0);
        QCOMPARE(personalized.errors, 30.0);
        QCOMPARE(readCounters(samples.value(), 0).requests, 1000.0);
        QCOMPARE(readCounters(samples.value(), 0, QStringLiteral("dark-mode")).requests, 0.0);
    }

    void window_withNoRequests_hasNoTraffic()
    {
        SlidingWindow window;
        window.add(readCounters(parseExposition(exposition(5, 0, {})).value(), 0));
        window.add(readCounters(parseExposition(exposition(5, 0, {})).value(), 2'000));
        QVERIFY(!window.point().hasTraffic);
        QCOMPARE(window.point().errorRatio, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestExposition)
#include "tst_exposition.moc"
