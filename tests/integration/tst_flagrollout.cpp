// A rollout behind an OpenFeature flag, checked by flagd's own evaluator: curtainctl moves the demo's
// `recommendations` flag (a FeatureFlag in curtain-sim) and its `offers` flag (flagd's YAML file in a
// ConfigMap), and @openfeature/flagd-core, run with Node on the definition as the cluster now holds
// it, decides for 10,000 users which variant each gets. Real processes: curtain-sim, curtainctl, node.

#include "ctlrunner.h"
#include "kube/yamldocuments.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace Curtain;

namespace {

const QString release = QStringLiteral("demo/recommendations");
const std::string flagPath = "/apis/core.openfeature.dev/v1beta1/namespaces/demo/featureflags/recommendations";
const QString fileRelease = QStringLiteral("demo/offers");
const std::string configMapPath = "/api/v1/namespaces/demo/configmaps/offers-flags";
constexpr int users = 10000;

// What flagd served: users per variant, and who got the smaller variants.
struct Served
{
    QHash<QString, int> variants;
    QHash<QString, QSet<QString>> keys; // of every variant but the largest
    QString error;
    double percent(const QString &variant) const { return 100.0 * variants.value(variant) / users; }
    double personalizedPercent() const { return percent(QStringLiteral("personalized")); }
    QSet<QString> personalized() const { return keys.value(QStringLiteral("personalized")); }
};

} // namespace

class TestFlagRollout : public QObject
{
    Q_OBJECT

    QString m_node;
    QString m_evaluator;
    QTemporaryDir m_dir;
    std::unique_ptr<Test::SimProcess> m_sim;

    Test::CtlRun ctl(const QStringList &arguments)
    {
        return Test::runCurtainctl(QStringList{QStringLiteral("--server"), m_sim->url()} + arguments);
    }

    nlohmann::json featureFlag() const { return Test::ApiReader(m_sim->port()).get(flagPath).value_or(nullptr); }

    // flagd's evaluator on spec.flagSpec of the FeatureFlag as the sim holds it now.
    Served serve()
    {
        const nlohmann::json flag = featureFlag();
        return evaluate(QByteArray::fromStdString(flag["spec"]["flagSpec"].dump()), QStringLiteral("recommendations"));
    }

    // The ConfigMap's flagd file as the sim holds it now (flagd-core reads JSON: the YAML is converted).
    QByteArray flagFile() const
    {
        const auto configMap = Test::ApiReader(m_sim->port()).get(configMapPath);
        return configMap ? QByteArray::fromStdString((*configMap)["data"].value("flags.yaml", "")) : QByteArray();
    }
    Served serveFile()
    {
        const auto documents = Kube::parseYamlDocuments(flagFile(), QStringLiteral("flags.yaml"));
        if (!documents.ok() || documents.value().size() != 1) {
            return Served{{}, {}, QStringLiteral("the ConfigMap holds no readable flag file")};
        }
        return evaluate(QByteArray::fromStdString(documents.value()[0].dump()), QStringLiteral("offers"));
    }

    Served evaluate(const QByteArray &definitions, const QString &flagKey)
    {
        Served served;
        const QString file = Test::writeFile(m_dir.filePath(QStringLiteral("flags.json")), definitions);
        QProcess node;
        Test::endsWithTheTest(node);
        node.start(m_node, {m_evaluator, file, flagKey, QString::number(users)});
        if (!node.waitForFinished(60000) || node.exitCode() != 0) {
            served.error = QString::fromUtf8(node.readAllStandardError());
            return served;
        }
        const QJsonObject result = QJsonDocument::fromJson(node.readAllStandardOutput()).object();
        const QJsonObject variants = result.value(QLatin1String("variants")).toObject();
        for (auto it = variants.begin(); it != variants.end(); ++it) {
            served.variants.insert(it.key(), it.value().toInt());
        }
        const QJsonObject keys = result.value(QLatin1String("keys")).toObject();
        for (auto it = keys.begin(); it != keys.end(); ++it) {
            for (const QJsonValue &key : it.value().toArray()) {
                served.keys[it.key()].insert(key.toString());
            }
        }
        return served;
    }

    void setWeight(int percent, const QString &which = release)
    {
        const Test::CtlRun run = ctl({QStringLiteral("set-weight"), which, QString::number(percent)});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_node = Test::findProgram(QStringLiteral("node"));
        if (m_node.isEmpty()) {
            QFAIL("node is not installed: install the Debian package nodejs (./scripts/setup does)");
        }
        const QString dir = qEnvironmentVariable("CURTAIN_SOURCE_DIR") + QStringLiteral("/tests/flagd");
        m_evaluator = dir + QStringLiteral("/evaluate.js");
        if (!QFile::exists(dir + QStringLiteral("/node_modules/@openfeature/flagd-core/package.json"))) {
            QFAIL("flagd's evaluator is not installed in tests/flagd: run ./scripts/setup (it runs npm ci there)");
        }
        QVERIFY(m_dir.isValid());
        qputenv("CURTAIN_JOURNAL", m_dir.filePath(QStringLiteral("journal.jsonl")).toUtf8());
    }

    void init()
    {
        m_sim = std::make_unique<Test::SimProcess>();
        QString error;
        QVERIFY2(m_sim->start(&error), qPrintable(error));
    }

    void cleanup() { m_sim.reset(); }

    // The demo starts at 5 %: what curtainctl shows is what flagd serves.
    void listedShare_isWhatFlagdServes()
    {
        const Test::CtlRun status = ctl({QStringLiteral("status"), release});
        QCOMPARE(status.exitCode, 0);
        QVERIFY2(status.out.contains(QLatin1String("feature flag recommendations")), qPrintable(status.out));
        QVERIFY2(status.out.contains(QRegularExpression(QStringLiteral("green +candidate +v3\\.3\\.0 +2/2 +5 %"))),
                 qPrintable(status.out));
        const Served served = serve();
        QVERIFY2(served.error.isEmpty(), qPrintable(served.error));
        QCOMPARE(served.variants.value(QStringLiteral("classic")) +
                     served.variants.value(QStringLiteral("personalized")),
                 users);
        QVERIFY2(qAbs(served.personalizedPercent() - 5.0) <= 2.0,
                 qPrintable(QString::number(served.personalizedPercent())));
    }

    // Each weight Curtain writes is, within two points, the share of users flagd sends to it.
    void weightsCurtainWrote_areWhatFlagdServes_data()
    {
        QTest::addColumn<int>("percent");
        for (int percent : {10, 25, 50, 100}) {
            QTest::addRow("%d %%", percent) << percent;
        }
    }
    void weightsCurtainWrote_areWhatFlagdServes()
    {
        QFETCH(int, percent);
        setWeight(percent);
        const Served served = serve();
        QVERIFY2(served.error.isEmpty(), qPrintable(served.error));
        QVERIFY2(qAbs(served.personalizedPercent() - percent) <= 2.0,
                 qPrintable(QStringLiteral("%1 % of users got personalized at weight %2 %")
                                .arg(served.personalizedPercent())
                                .arg(percent)));
    }

    // Raising the canary keeps its users: flagd buckets by a hash of the key, and Curtain rewrote
    // only the weights, not the bucketing expression.
    void canaryUsersAt5_stayInItAt25()
    {
        const Served at5 = serve();
        QVERIFY2(at5.error.isEmpty(), qPrintable(at5.error));
        QVERIFY(at5.personalized().size() > 300);
        setWeight(25);
        const Served at25 = serve();
        QVERIFY2(at25.error.isEmpty(), qPrintable(at25.error));
        const QSet<QString> left = at5.personalized() - at25.personalized();
        QVERIFY2(left.isEmpty(), qPrintable(QStringLiteral("%1 of %2 canary users left it at 25 %, e.g. %3")
                                                .arg(left.size())
                                                .arg(at5.personalized().size())
                                                .arg(left.isEmpty() ? QString() : *left.begin())));
    }

    // A write replaces the one fractional list: the other flag, the bucketing expression and the
    // variants are what they were, and rollback gives every user the stable variant.
    void writeLeavesTheRestAlone_andRollbackServesStable()
    {
        nlohmann::json before = featureFlag();
        setWeight(40);
        nlohmann::json after = featureFlag();
        const nlohmann::json::json_pointer split("/spec/flagSpec/flags/recommendations/targeting/fractional");
        QCOMPARE(QString::fromStdString(after[split].dump()),
                 QStringLiteral(
                     R"([{"cat":[{"var":"$flagd.flagKey"},{"var":"userId"}]},["classic",60],["personalized",40]])"));
        for (nlohmann::json *object : {&before, &after}) {
            (*object)[split] = nullptr;
            (*object)["metadata"].erase("resourceVersion");
            (*object)["metadata"].erase("generation");
            (*object)["metadata"].erase("managedFields");
            (*object)["metadata"]["annotations"].erase("curtain.dev/stable-color");
            (*object)["metadata"]["annotations"].erase("curtain.dev/switched-at");
        }
        QCOMPARE(QString::fromStdString(after.dump()), QString::fromStdString(before.dump()));

        const Test::CtlRun rollback = ctl({QStringLiteral("rollback"), release});
        QVERIFY2(rollback.exitCode == 0, qPrintable(rollback.err));
        const Served served = serve();
        QVERIFY2(served.error.isEmpty(), qPrintable(served.error));
        QCOMPARE(served.variants.value(QStringLiteral("classic")), users);
    }

    // The file in the ConfigMap: flagd serves the weights Curtain wrote into its text, the canary's
    // users stay in it from 10 % to 25 %, and Rollback serves stable to everyone.
    void flagFileInAConfigMap_servesWhatCurtainWrote()
    {
        const Test::CtlRun status = ctl({QStringLiteral("status"), fileRelease});
        QCOMPARE(status.exitCode, 0);
        QVERIFY2(status.out.contains(QLatin1String("feature flag file offers-flags")), qPrintable(status.out));
        const Served at10 = serveFile();
        QVERIFY2(at10.error.isEmpty(), qPrintable(at10.error));
        QVERIFY2(qAbs(at10.percent(QStringLiteral("seasonal")) - 10.0) <= 2.0,
                 qPrintable(QString::number(at10.percent(QStringLiteral("seasonal")))));
        setWeight(25, fileRelease);
        const Served at25 = serveFile();
        QVERIFY2(at25.error.isEmpty(), qPrintable(at25.error));
        QVERIFY2(qAbs(at25.percent(QStringLiteral("seasonal")) - 25.0) <= 2.0,
                 qPrintable(QString::number(at25.percent(QStringLiteral("seasonal")))));
        const QSet<QString> left =
            at10.keys.value(QStringLiteral("seasonal")) - at25.keys.value(QStringLiteral("seasonal"));
        QVERIFY2(at10.keys.value(QStringLiteral("seasonal")).size() > 700 && left.isEmpty(),
                 qPrintable(QStringLiteral("%1 canary users left it at 25 %").arg(left.size())));

        const Test::CtlRun rollback = ctl({QStringLiteral("rollback"), fileRelease});
        QVERIFY2(rollback.exitCode == 0, qPrintable(rollback.err));
        // The report says what was written and when flagd will serve it (the kubelet's mount).
        QVERIFY2(rollback.out.contains(QLatin1String("written to ConfigMap offers-flags, which flagd serves once the "
                                                     "kubelet refreshes its mount")),
                 qPrintable(rollback.out));
        QCOMPARE(serveFile().variants.value(QStringLiteral("classic")), users);
    }

    // The write changed the two numbers in the file's text: its comments and the other flag are
    // byte for byte what the sim's author wrote.
    void flagFileInAConfigMap_keepsEveryOtherByte()
    {
        const QByteArray before = flagFile();
        QVERIFY(before.contains("        - [classic, 90]\n        - [seasonal, 10]\n"));
        setWeight(40, fileRelease);
        QByteArray expected = before;
        expected.replace("- [classic, 90]", "- [classic, 60]").replace("- [seasonal, 10]", "- [seasonal, 40]");
        QCOMPARE(flagFile(), expected);
    }
};

QTEST_GUILESS_MAIN(TestFlagRollout)
#include "tst_flagrollout.moc"
