// A release's history as the console and curtainctl show it: this machine's journal and the
// cluster's Events in one list, newest first, each of Curtain's own Events once.

#include "core/history.h"

#include <QJsonDocument>
#include <QTest>

using namespace Curtain;

namespace {

QJsonObject parsed(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

Core::HistoryEntry at(const char *time, const char *action, const char *eventName, const char *origin)
{
    Core::HistoryEntry entry;
    entry.time = QDateTime::fromString(QString::fromLatin1(time), Qt::ISODate);
    entry.action = QString::fromLatin1(action);
    entry.eventName = QString::fromLatin1(eventName);
    entry.origin = QString::fromLatin1(origin);
    return entry;
}

} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void merge_newestFirst_andEachOwnEventOnce()
    {
        const QList<Core::HistoryEntry> journal = {at("2026-12-02T12:00:00Z", "SetWeight", "catalog.1", "journal"),
                                                   at("2026-12-02T12:05:00Z", "Rollback", "catalog.2", "journal")};
        const QList<Core::HistoryEntry> cluster = {
            at("2026-12-02T12:00:00Z", "SetWeight", "catalog.1", "cluster"), // ours: already in the journal
            at("2026-12-02T12:03:00Z", "Flip", "catalog.9", "cluster"),      // another console's
            at("2026-12-02T12:04:00Z", "ScalingReplicaSet", "catalog-green.x", "cluster")}; // a controller's
        const QList<Core::HistoryEntry> merged = Core::mergeHistory(journal, cluster);
        QStringList order;
        for (const Core::HistoryEntry &entry : merged) {
            order << entry.action + QLatin1Char('@') + entry.origin;
        }
        QCOMPARE(order, (QStringList{QStringLiteral("Rollback@journal"), QStringLiteral("ScalingReplicaSet@cluster"),
                                     QStringLiteral("Flip@cluster"), QStringLiteral("SetWeight@journal")}));
    }

    void curtainEvent_namesItsActorAndAction()
    {
        const Core::HistoryEntry entry = Core::historyEntryFromEvent(parsed(R"({
            "metadata": {"name": "catalog.18a", "namespace": "demo",
                         "annotations": {"curtain.dev/user": "jane@example.com", "curtain.dev/via": "console",
                                         "curtain.dev/outcome": "applied", "curtain.dev/release": "catalog"}},
            "eventTime": "2026-12-02T12:03:04.123456Z", "reportingController": "curtain.dev/console",
            "reportingInstance": "laptop/4711", "action": "Flip", "reason": "Flipped", "type": "Normal",
            "note": "catalog: blue 100 % → 0 %, green 0 % → 100 %",
            "regarding": {"kind": "HTTPRoute", "name": "catalog", "namespace": "demo"}})"));
        QCOMPARE(entry.actor, QStringLiteral("jane@example.com"));
        QCOMPARE(entry.action, QStringLiteral("Flip"));
        QCOMPARE(entry.outcome, QStringLiteral("applied"));
        QCOMPARE(entry.via, QStringLiteral("console"));
        QCOMPARE(entry.object, QStringLiteral("HTTPRoute/catalog"));
        QCOMPARE(entry.origin, QStringLiteral("cluster"));
        QCOMPARE(entry.time, QDateTime(QDate(2026, 12, 2), QTime(12, 3, 4, 123), Qt::UTC));
        QVERIFY(!entry.warning);
    }

    void controllerEvent_inTheCoreShape_isTheControllerSpeaking()
    {
        const Core::HistoryEntry entry = Core::historyEntryFromEvent(parsed(R"({
            "metadata": {"name": "payments.17f", "namespace": "demo"},
            "involvedObject": {"kind": "Rollout", "name": "payments"},
            "reason": "RolloutAborted", "message": "Rollout aborted update to revision 3", "type": "Warning",
            "source": {"component": "rollouts-controller"},
            "firstTimestamp": "2026-12-02T11:00:00Z", "lastTimestamp": "2026-12-02T11:30:00Z", "count": 4})"));
        QCOMPARE(entry.actor, QStringLiteral("rollouts-controller"));
        QCOMPARE(entry.action, QStringLiteral("RolloutAborted"));
        QCOMPARE(entry.note, QStringLiteral("Rollout aborted update to revision 3"));
        QCOMPARE(entry.time, QDateTime(QDate(2026, 12, 2), QTime(11, 30), Qt::UTC)); // the last sighting
        QVERIFY(entry.outcome.isEmpty());
        QVERIFY(entry.warning);
    }

    // Flagger's Events all say "Synced": the history names what happened from the message.
    void flaggerEvent_isNamedByItsMessage()
    {
        const auto flagger = [](const char *message, const char *type) {
            return Core::historyEntryFromEvent(parsed(QStringLiteral(R"({
                "metadata": {"name": "podinfo.18a", "namespace": "test"},
                "involvedObject": {"kind": "Canary", "name": "podinfo"},
                "reason": "Synced", "message": "%1", "type": "%2",
                "source": {"component": "flagger"}, "lastTimestamp": "2026-12-03T09:00:00Z"})")
                                                          .arg(QLatin1String(message), QLatin1String(type))
                                                          .toUtf8()
                                                          .constData()));
        };
        Core::HistoryEntry entry = flagger("Advance podinfo.test canary weight 20", "Normal");
        QCOMPARE(entry.action, QStringLiteral("WeightAdvanced"));
        QCOMPARE(entry.actor, QStringLiteral("flagger"));
        QCOMPARE(entry.object, QStringLiteral("Canary/podinfo"));
        QCOMPARE(entry.note, QStringLiteral("Advance podinfo.test canary weight 20"));
        entry = flagger("Rolling back podinfo.test failed checks threshold reached 5", "Warning");
        QCOMPARE(entry.action, QStringLiteral("RollingBack"));
        QVERIFY(entry.warning);
        QCOMPARE(flagger("Promotion completed! Scaling down podinfo.test", "Normal").action,
                 QStringLiteral("Promoted"));
        QCOMPARE(flagger("Halt podinfo.test advancement waiting for approval confirm-promotion", "Normal").action,
                 QStringLiteral("Halted"));
        QCOMPARE(flagger("something new in a later Flagger", "Normal").action, QStringLiteral("Synced"));
    }

    void malformedEvent_givesEmptyFields()
    {
        const Core::HistoryEntry entry = Core::historyEntryFromEvent(
            parsed(R"({"metadata": 5, "regarding": [1], "note": {"x": 1}, "eventTime": 7, "reason": null})"));
        QVERIFY(!entry.time.isValid());
        QVERIFY(entry.note.isEmpty());
        QVERIFY(entry.object.isEmpty());
    }

    void eventActionName_isCamelCase()
    {
        QCOMPARE(Core::eventActionName(QStringLiteral("set-weight")), QStringLiteral("SetWeight"));
        QCOMPARE(Core::eventActionName(QStringLiteral("promote-full")), QStringLiteral("PromoteFull"));
        QCOMPARE(Core::eventActionName(QStringLiteral("rollback")), QStringLiteral("Rollback"));
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
