// Argo Rollout status derived offline exactly as `kubectl argo rollouts get` shows it, checked
// against the upstream test objects in ../shared/fixtures/argo/status and their expected values
// (from argo-rollouts' info_test.go and get_test.go, listed in that folder's README).

#include "adapters/argo/rolloutstatus.h"
#include "kube/yamldocuments.h"

#include "testsupport.h"

#include <QDir>
#include <QTest>

using namespace Curtain;
using Adapters::Argo::RolloutStatus;

namespace {

struct Loaded
{
    std::vector<Kube::Json> rollouts;
    std::vector<Kube::Json> replicaSets;
    std::vector<Kube::Json> analysisRuns;
};

Loaded load(const QString &directory)
{
    Loaded out;
    for (const QString &file : QDir(directory).entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name)) {
        const auto objects = Kube::parseObjects(Test::readFile(directory + QLatin1Char('/') + file), file);
        for (const Kube::Json &o : objects.ok() ? objects.value() : std::vector<Kube::Json>{}) {
            const std::string kind = o.value("kind", "");
            (kind == "Rollout" ? out.rollouts : kind == "ReplicaSet" ? out.replicaSets : out.analysisRuns).push_back(o);
        }
    }
    return out;
}

QString roleOf(const RolloutStatus &s, const QString &hash)
{
    for (const auto &rs : s.replicaSets) {
        if (rs.podTemplateHash == hash) {
            return (rs.roles.isEmpty() ? QString() : rs.roles.join(QLatin1Char('+')) + QLatin1Char(' ')) + rs.health;
        }
    }
    return QStringLiteral("missing");
}

} // namespace

class TestArgoStatus : public QObject
{
    Q_OBJECT

    RolloutStatus derive(const QString &name)
    {
        const QString directory = Test::upstreamFixtures() + QStringLiteral("/argo/status/") + name;
        const Loaded loaded = load(directory);
        if (loaded.rollouts.size() != 1) {
            qWarning("%s: expected one Rollout", qPrintable(directory));
            return {};
        }
        const auto status =
            Adapters::Argo::deriveRolloutStatus(loaded.rollouts.front(), loaded.replicaSets, loaded.analysisRuns);
        if (!status.ok()) {
            qWarning("%s", qPrintable(status.error().message));
            return {};
        }
        return status.value();
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (Test::upstreamFixtures().isEmpty()) {
            QSKIP(Test::upstreamFixturesMissing().constData());
        }
    }

    void canaryDegraded()
    {
        const RolloutStatus s = derive(QStringLiteral("canary-degraded"));
        QCOMPARE(s.status, QStringLiteral("Degraded"));
        QCOMPARE(s.message,
                 QStringLiteral(
                     "ProgressDeadlineExceeded: ReplicaSet \"canary-demo-65fb5ffc84\" has timed out progressing."));
        QCOMPARE(s.step, QStringLiteral("0/8"));
        QCOMPARE(s.setWeight, 20);
        QCOMPARE(s.actualWeight, 0);
        QCOMPARE(roleOf(s, QStringLiteral("65fb5ffc84")), QStringLiteral("canary Progressing"));
        QCOMPARE(roleOf(s, QStringLiteral("877894d5b")), QStringLiteral("stable Healthy"));
        QCOMPARE(roleOf(s, QStringLiteral("859c99b45c")), QStringLiteral("ScaledDown"));
        QVERIFY2(s.needsHuman.isEmpty(), qPrintable(s.needsHuman));
    }

    void canaryWeights_actualWeightFromTheTrafficRouter()
    {
        const RolloutStatus s = derive(QStringLiteral("canary-weights"));
        QCOMPARE(s.status, QStringLiteral("Degraded"));
        QVERIFY(s.message.startsWith(QStringLiteral("ProgressDeadlineExceeded: ")));
        QCOMPARE(s.actualWeight, 20);
    }

    void blueGreenPaused()
    {
        const RolloutStatus s = derive(QStringLiteral("bluegreen-paused"));
        QCOMPARE(s.status, QStringLiteral("Paused"));
        QCOMPARE(s.message, QStringLiteral("BlueGreenPause"));
        QCOMPARE(roleOf(s, QStringLiteral("74b948fccb")).section(QLatin1Char(' '), 0, 0), QStringLiteral("preview"));
        QCOMPARE(roleOf(s, QStringLiteral("6cbccd9f99")).section(QLatin1Char(' '), 0, 0),
                 QStringLiteral("stable+active"));
        QCOMPARE(roleOf(s, QStringLiteral("746d5fddf6")), QStringLiteral("ScaledDown"));
        QCOMPARE(s.desired, 3);
        QCOMPARE(s.current, 6);
        QCOMPARE(s.updated, 3);
        QCOMPARE(s.ready, 6);
        QCOMPARE(s.available, 3);
    }

    void invalidSpec()
    {
        const RolloutStatus s = derive(QStringLiteral("invalid-spec"));
        QCOMPARE(s.status, QStringLiteral("Degraded"));
        QVERIFY2(s.message.startsWith(QStringLiteral("InvalidSpec: The Rollout \"rollout-invalid\" is invalid: ")) &&
                     s.message.endsWith(QStringLiteral("`selector` does not match template `labels`")),
                 qPrintable(s.message));
        QCOMPARE(s.setWeight, 100);
        QCOMPARE(s.actualWeight, 100);
    }

    void noStatus_orUnknownStep_isAClearError()
    {
        const Kube::Json bare = {{"kind", "Rollout"}, {"metadata", {{"name", "web"}}}, {"spec", Kube::Json::object()}};
        const auto none = Adapters::Argo::deriveRolloutStatus(bare, {}, {});
        QVERIFY(!none.ok());
        QVERIFY2(none.error().message.contains(QStringLiteral("has no status")), qPrintable(none.error().message));
        Kube::Json odd = bare;
        odd["spec"] = {{"strategy", {{"canary", {{"steps", {{{"setWeight", 5}}, {{"waitForGodot", {}}}}}}}}}};
        odd["status"] = {{"observedGeneration", "1"}};
        const auto unknown = Adapters::Argo::deriveRolloutStatus(odd, {}, {});
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().message.contains(QStringLiteral("step 1 has an unknown type \"waitForGodot\"")),
                 qPrintable(unknown.error().message));
    }

    void argoDurations()
    {
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json(30)), std::optional<double>(30));
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json("30")), std::optional<double>(30));
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json("1h30m")), std::optional<double>(5400));
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json("soon")), std::nullopt);
        // Beyond what Go's int64 nanoseconds hold, or negative: not a duration (1e303 s once went on
        // into a millisecond count, undefined behaviour that UBSan stops).
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json(1e303)), std::nullopt);
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json("1e303")), std::nullopt);
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json("3000000h")), std::nullopt);
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json(-5)), std::nullopt);
        QCOMPARE(Adapters::Argo::parseArgoDuration(Kube::Json("2562047h")), std::optional<double>(2562047.0 * 3600));
    }
};

QTEST_GUILESS_MAIN(TestArgoStatus)
#include "tst_argostatus.moc"
