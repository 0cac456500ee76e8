// Pods as the cluster sends them, however odd: each becomes a row, or is skipped when it has no name.

#include "engine/podreader.h"

#include <QTest>

using namespace Curtain;

class TestPodReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pods_readAsKubectlShowsThem()
    {
        const std::vector<Kube::Json> items = {
            Kube::Json::parse(R"({"metadata": {"name": "catalog-green-b", "creationTimestamp": "2026-12-02T12:00:00Z"},
                "spec": {"nodeName": "node-2", "containers": [{"name": "app"}, {"name": "proxy"}]},
                "status": {"phase": "Running", "containerStatuses": [
                    {"name": "app", "ready": true, "restartCount": 3}, {"name": "proxy", "ready": false}]}})"),
            Kube::Json::parse(R"({"metadata": {"name": "catalog-green-a"}, "spec": {"containers": [{"name": "app"}]},
                "status": {"containerStatuses": [{"name": "app", "ready": true}]}})")};
        const QList<Core::PodInfo> pods = Engine::podsFromItems(items);
        QCOMPARE(pods.size(), 2);
        QCOMPARE(pods[0].name, QStringLiteral("catalog-green-a")); // sorted by name
        QVERIFY(pods[0].ready());
        QCOMPARE(pods[0].phase, QStringLiteral("Pending")); // no phase reported yet
        const Core::PodInfo &b = pods[1];
        QCOMPARE(b.readyContainers, 1);
        QCOMPARE(b.containers, 2);
        QVERIFY(!b.ready());
        QCOMPARE(b.restarts, 3);
        QCOMPARE(b.node, QStringLiteral("node-2"));
        QCOMPARE(b.containerNames, (QStringList{QStringLiteral("app"), QStringLiteral("proxy")}));
        QCOMPARE(b.created, QDateTime(QDate(2026, 12, 2), QTime(12, 0), Qt::UTC));
    }

    void malformedPods_neverThrow()
    {
        const std::vector<Kube::Json> items = {
            Kube::Json::parse(R"({"metadata": {"name": 5}})"), // no usable name: skipped
            Kube::Json::parse(R"([1, 2])"),                    // not an object: skipped
            Kube::Json::parse(R"({"metadata": {"name": "odd"}, "spec": "x", "status": {"containerStatuses": "y",
                "phase": 7}})"),
            Kube::Json::parse(R"({"metadata": {"name": "huge"}, "status": {"containerStatuses": [
                {"ready": "yes", "restartCount": 99999999999}]}})")};
        const QList<Core::PodInfo> pods = Engine::podsFromItems(items);
        QCOMPARE(pods.size(), 2);
        QCOMPARE(pods[1].name, QStringLiteral("odd"));
        QCOMPARE(pods[1].containers, 0);
        QCOMPARE(pods[0].name, QStringLiteral("huge"));
        QCOMPARE(pods[0].readyContainers, 0);
        QCOMPARE(pods[0].restarts, 0); // out of range reads as its default
    }

    void shortAge_asKubectlPrintsIt()
    {
        const QDateTime now(QDate(2026, 12, 2), QTime(12, 0), Qt::UTC);
        QCOMPARE(Core::shortAge(now.addSecs(-45), now), QStringLiteral("45s"));
        QCOMPARE(Core::shortAge(now.addSecs(-600), now), QStringLiteral("10m"));
        QCOMPARE(Core::shortAge(now.addSecs(-3 * 3600), now), QStringLiteral("3h"));
        QCOMPARE(Core::shortAge(now.addDays(-3), now), QStringLiteral("3d"));
        QCOMPARE(Core::shortAge(QDateTime(), now), QStringLiteral("?"));
    }
};

QTEST_GUILESS_MAIN(TestPodReader)
#include "tst_podreader.moc"
