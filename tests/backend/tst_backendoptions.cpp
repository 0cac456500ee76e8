// curtain-backend's command line, durations and POST /control bodies: what is accepted, and that a
// refusal names the argument or field at fault.

#include "backendoptions.h"
#include "controlrequest.h"

#include <QTest>

using namespace Curtain::Backend;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> split(const QString &line)
{
    std::vector<std::string> out;
    for (const QString &word : line.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        out.push_back(word.toStdString());
    }
    return out;
}

// The refusal of a /control body, or empty when it was accepted (for failure messages).
const char *refusal(const std::variant<Behaviour, std::string> &outcome)
{
    const auto *error = std::get_if<std::string>(&outcome);
    return error ? error->c_str() : "";
}

} // namespace

class TestBackendOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void fullCommandLine();
    void help();
    void refusals_data();
    void refusals();
    void durations_data();
    void durations();
    void formatsDurations();
    void controlFromForm();
    void controlFromJson();
    void controlLatencyKeepsSpread();
    void controlRefusals_data();
    void controlRefusals();
};

void TestBackendOptions::defaults()
{
    const CommandLine parsed = parseCommandLine(split(QStringLiteral("--color green --version v2.0.0")));
    QVERIFY2(parsed.action == CommandLine::Action::Run, parsed.error.c_str());
    const Options &o = parsed.options;
    QCOMPARE(o.color, std::string("green"));
    QCOMPARE(o.version, std::string("v2.0.0"));
    QCOMPARE(o.deployment, std::string("green"));
    QCOMPARE(o.pods, 1);
    QCOMPARE(o.listen, std::string("127.0.0.1"));
    QVERIFY(o.ports.empty());
    QCOMPARE(o.behaviour.errorRate, 0.0);
    QCOMPARE(o.behaviour.latency, Micros(5ms));
    QCOMPARE(o.behaviour.p99, Micros(40ms));
    QVERIFY(o.behaviour.healthy);
}

void TestBackendOptions::fullCommandLine()
{
    const CommandLine parsed = parseCommandLine(
        split(QStringLiteral("--color blue --version v1.4.0 --pods 2 --listen 127.0.0.2 --error-rate 0.001 "
                             "--latency 20ms --p99 120ms --ports 8081,8082 --deployment checkout-blue --threads 16 "
                             "--seed 9")));
    QVERIFY2(parsed.action == CommandLine::Action::Run, parsed.error.c_str());
    const Options &o = parsed.options;
    QCOMPARE(o.pods, 2);
    QCOMPARE(o.listen, std::string("127.0.0.2"));
    QCOMPARE(o.ports, (std::vector<int>{8081, 8082}));
    QCOMPARE(o.behaviour.errorRate, 0.001);
    QCOMPARE(o.behaviour.latency, Micros(20ms));
    QCOMPARE(o.behaviour.p99, Micros(120ms));
    QCOMPARE(o.deployment, std::string("checkout-blue"));
    QCOMPARE(o.threads, 16);
    QCOMPARE(o.seed, std::uint64_t(9));
}

void TestBackendOptions::help()
{
    QVERIFY(parseCommandLine(split(QStringLiteral("--help"))).action == CommandLine::Action::Help);
    const std::string usage = usageText;
    for (const char *flag : {"--color", "--version", "--pods", "--listen", "--ports", "--error-rate", "--latency",
                             "--p99", "/healthz", "/metrics", "/control", "http_requests_total"}) {
        QVERIFY2(usage.find(flag) != std::string::npos, flag);
    }
}

void TestBackendOptions::refusals_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no color") << QStringLiteral("--version v1") << QStringLiteral("--color is required");
    QTest::newRow("no version") << QStringLiteral("--color blue") << QStringLiteral("--version is required");
    QTest::newRow("red") << QStringLiteral("--color red --version v1")
                         << QStringLiteral("--color \"red\" is not blue or green");
    QTest::newRow("no pods") << QStringLiteral("--color blue --version v1 --pods 0")
                             << QStringLiteral("--pods \"0\" is not a count from 1 to 64");
    QTest::newRow("pods text") << QStringLiteral("--color blue --version v1 --pods two")
                               << QStringLiteral("--pods \"two\"");
    QTest::newRow("missing value") << QStringLiteral("--color blue --version v1 --pods")
                                   << QStringLiteral("--pods needs a value");
    QTest::newRow("rate over 1") << QStringLiteral("--color blue --version v1 --error-rate 1.5")
                                 << QStringLiteral("--error-rate \"1.5\" is not a share from 0 to 1");
    QTest::newRow("latency without unit") << QStringLiteral("--color blue --version v1 --latency 20")
                                          << QStringLiteral("--latency \"20\" is not a duration with its unit");
    QTest::newRow("p99 under median") << QStringLiteral("--color blue --version v1 --latency 20ms --p99 10ms")
                                      << QStringLiteral("--p99 10ms is below --latency 20ms");
    QTest::newRow("spread without median") << QStringLiteral("--color blue --version v1 --latency 0 --p99 10ms")
                                           << QStringLiteral("--p99 10ms needs a --latency above 0");
    QTest::newRow("too few ports") << QStringLiteral("--color blue --version v1 --pods 2 --ports 8081")
                                   << QStringLiteral("--ports names 1 ports for 2 pods");
    QTest::newRow("same port twice") << QStringLiteral("--color blue --version v1 --pods 2 --ports 8081,8081")
                                     << QStringLiteral("--ports \"8081,8081\" is not a list of distinct ports");
    QTest::newRow("port out of range") << QStringLiteral("--color blue --version v1 --ports 70000")
                                       << QStringLiteral("--ports \"70000\"");
    QTest::newRow("version with a quote")
        << QStringLiteral("--color blue --version v1\"x") << QStringLiteral("--version \"v1\"x\" is not a version");
    QTest::newRow("unknown") << QStringLiteral("--color blue --version v1 --verbose")
                             << QStringLiteral("unknown argument \"--verbose\"");
}

void TestBackendOptions::refusals()
{
    QFETCH(QString, arguments);
    QFETCH(QString, message);
    const CommandLine parsed = parseCommandLine(split(arguments));
    QVERIFY(parsed.action == CommandLine::Action::Fail);
    QVERIFY2(QString::fromStdString(parsed.error).contains(message), parsed.error.c_str());
}

void TestBackendOptions::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("micros"); // -1: refused
    QTest::newRow("ms") << QStringLiteral("20ms") << qint64(20'000);
    QTest::newRow("fractional s") << QStringLiteral("1.5s") << qint64(1'500'000);
    QTest::newRow("us") << QStringLiteral("250us") << qint64(250);
    QTest::newRow("zero") << QStringLiteral("0") << qint64(0);
    QTest::newRow("zero with unit") << QStringLiteral("0ms") << qint64(0);
    QTest::newRow("bare number") << QStringLiteral("20") << qint64(-1);
    QTest::newRow("unit alone") << QStringLiteral("ms") << qint64(-1);
    QTest::newRow("negative") << QStringLiteral("-5ms") << qint64(-1);
    QTest::newRow("space") << QStringLiteral("5 ms") << qint64(-1);
    QTest::newRow("hours") << QStringLiteral("2h") << qint64(-1);
    QTest::newRow("over an hour") << QStringLiteral("3601s") << qint64(-1);
    QTest::newRow("empty") << QString() << qint64(-1);
}

void TestBackendOptions::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, micros);
    const auto parsed = parseDuration(text.toStdString());
    QCOMPARE(parsed ? qint64(parsed->count()) : qint64(-1), micros);
}

void TestBackendOptions::formatsDurations()
{
    QCOMPARE(formatDuration(0us), std::string("0"));
    QCOMPARE(formatDuration(250us), std::string("250us"));
    QCOMPARE(formatDuration(20ms), std::string("20ms"));
    QCOMPARE(formatDuration(1500ms), std::string("1.5s"));
    for (const Micros d : {Micros(1), Micros(1500), Micros(20'000), Micros(3'250'000)}) {
        QCOMPARE(parseDuration(formatDuration(d)), std::optional<Micros>(d));
    }
}

void TestBackendOptions::controlFromForm()
{
    const Behaviour before;
    const auto outcome = applyControl(before, "application/x-www-form-urlencoded", "error-rate=0.03&p99=90ms");
    QVERIFY2(std::holds_alternative<Behaviour>(outcome), refusal(outcome));
    const Behaviour &after = std::get<Behaviour>(outcome);
    QCOMPARE(after.errorRate, 0.03);
    QCOMPARE(after.latency, before.latency);
    QCOMPARE(after.p99, Micros(90ms));
    QVERIFY(after.healthy);
    const QString json = QString::fromStdString(behaviourJson(after));
    QVERIFY2(json.contains(QStringLiteral("\"error-rate\":0.03")), qPrintable(json));
    QVERIFY2(json.contains(QStringLiteral("\"p99\":\"90ms\"")), qPrintable(json));
}

void TestBackendOptions::controlFromJson()
{
    const auto outcome =
        applyControl(Behaviour(), "application/json", R"({"error-rate": 0.5, "healthy": false, "latency": "0"})");
    QVERIFY2(std::holds_alternative<Behaviour>(outcome), refusal(outcome));
    const Behaviour &after = std::get<Behaviour>(outcome);
    QCOMPARE(after.errorRate, 0.5);
    QVERIFY(!after.healthy);
    QCOMPARE(after.latency, Micros(0));
    QCOMPARE(after.p99, Micros(0)); // scaled with the median, so a zero median stays valid
}

void TestBackendOptions::controlLatencyKeepsSpread()
{
    Behaviour before;
    before.latency = 20ms;
    before.p99 = 120ms;
    const auto outcome = applyControl(before, "", "latency=50ms");
    QVERIFY(std::holds_alternative<Behaviour>(outcome));
    QCOMPARE(std::get<Behaviour>(outcome).latency, Micros(50ms));
    QCOMPARE(std::get<Behaviour>(outcome).p99, Micros(300ms));
}

void TestBackendOptions::controlRefusals_data()
{
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("message");
    const QString form = QStringLiteral("application/x-www-form-urlencoded");
    const QString json = QStringLiteral("application/json");
    QTest::newRow("rate over 1") << form << QStringLiteral("error-rate=2")
                                 << QStringLiteral("error-rate \"2\" is not a share from 0 to 1");
    QTest::newRow("rate text") << form << QStringLiteral("error-rate=lots") << QStringLiteral("error-rate \"lots\"");
    QTest::newRow("latency without unit")
        << form << QStringLiteral("latency=50") << QStringLiteral("latency \"50\" is not a duration");
    QTest::newRow("p99 under median") << form << QStringLiteral("latency=50ms&p99=10ms")
                                      << QStringLiteral("p99 10ms is below latency 50ms");
    // Found by fuzz_backendcontrol: the default spread (8x) would take p99 past the hour a duration may name.
    QTest::newRow("scaled p99 past an hour")
        << form << QStringLiteral("latency=504s") << QStringLiteral("would make p99 4032s at the present spread");
    QTest::newRow("healthy maybe") << form << QStringLiteral("healthy=maybe")
                                   << QStringLiteral("healthy \"maybe\" is not true or false");
    QTest::newRow("unknown field") << form << QStringLiteral("error-rate=0.1&color=red")
                                   << QStringLiteral("unknown field \"color\"");
    QTest::newRow("empty") << form << QString() << QStringLiteral("no settings given");
    QTest::newRow("json array") << json << QStringLiteral("[1]") << QStringLiteral("not a JSON object");
    QTest::newRow("json broken") << json << QStringLiteral("{\"error-rate\":") << QStringLiteral("not a JSON object");
    QTest::newRow("json nested") << json << QStringLiteral("{\"latency\": {\"ms\": 5}}")
                                 << QStringLiteral("field \"latency\" must be a number, a string or a boolean");
    QTest::newRow("json rate string") << json << QStringLiteral("{\"error-rate\": \"-1\"}")
                                      << QStringLiteral("error-rate \"-1\"");
}

void TestBackendOptions::controlRefusals()
{
    QFETCH(QString, contentType);
    QFETCH(QString, body);
    QFETCH(QString, message);
    const auto outcome = applyControl(Behaviour(), contentType.toStdString(), body.toStdString());
    QVERIFY(std::holds_alternative<std::string>(outcome));
    const QString error = QString::fromStdString(std::get<std::string>(outcome));
    QVERIFY2(error.contains(message), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestBackendOptions)
#include "tst_backendoptions.moc"
