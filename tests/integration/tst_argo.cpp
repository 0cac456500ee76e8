// Argo Rollouts actions against a real curtain-sim process and its Rollouts controller: each action
// sends exactly the kubectl plugin's request (path, content type and body, from the sim's audit
// log), and the controller state that follows is what Argo's would be. Rollback is abort + undo;
// a controller that does not react is tested in fake time (tst_rolloutdriver).

#include "simengine.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <httplib.h>

using namespace Curtain;
using Core::ActionKind;
using nlohmann::json;

namespace {

const QString payments = QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/payments");
const QString ledger = QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/ledger");

} // namespace

class TestArgo : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Test::SimEngine m_sim;

    QString auditPath() const { return m_dir.filePath(QStringLiteral("audit.jsonl")); }

    // The writes the sim received for one Rollout (its main resource and its /status).
    std::vector<json> writesTo(const QString &path) const
    {
        std::vector<json> lines;
        // The sim may be appending the Event that records the last action as this reads.
        for (const json &entry : Test::finishedJsonLines(auditPath())) {
            const QString uri = QString::fromStdString(entry["requestURI"]).section(QLatin1Char('?'), 0, 0);
            if (uri == path || uri == path + QLatin1String("/status")) {
                lines.push_back(entry);
            }
        }
        return lines;
    }

    // The new writes an action caused, as "VERB PATH CONTENT-TYPE BODY" lines.
    QStringList newWrites(const QString &path, std::size_t before) const
    {
        QStringList out;
        const std::vector<json> all = writesTo(path);
        for (std::size_t i = before; i < all.size(); ++i) {
            out << QString::fromStdString(
                all[i]["verb"].get<std::string>() + " " + all[i]["requestURI"].get<std::string>() + " " +
                all[i]["contentType"].get<std::string>() + " " + all[i]["requestBody"].get<std::string>());
        }
        return out;
    }

    Core::Result<Core::ActionOutcome> act(ActionKind kind, const QString &release, int revision = 0,
                                          const QString &image = {})
    {
        Core::ActionRequest request{kind, release, 0, {}};
        request.revision = revision;
        request.image = image;
        return m_sim.act(request);
    }

    Core::ReleaseSnapshot snapshot(const QString &name) { return m_sim.snapshot(name); }

    Core::RolloutStatus status(const QString &name)
    {
        const Core::ReleaseSnapshot s = snapshot(name);
        return s.rollout.value_or(Core::RolloutStatus{});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_sim.start(&error, {QStringLiteral("--audit-log"), auditPath()}), qPrintable(error));
        // The demo updates payments to v4.2.0 once v4.1.0 is up: it stops at the first pause.
        QTRY_VERIFY_WITH_TIMEOUT(status(QStringLiteral("payments")).step == QLatin1String("1/6"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(status(QStringLiteral("ledger")).status == QLatin1String("Paused"), 20000);
    }

    void cleanupTestCase() { m_sim.stop(); }

    void canary_isShownAsTheKubectlPluginShowsIt()
    {
        const Core::ReleaseSnapshot release = snapshot(QStringLiteral("payments"));
        QCOMPARE(release.routeKind, Core::RouteKind::ArgoRollout);
        QCOMPARE(release.strategy(), Core::Strategy::Canary);
        const Core::RolloutStatus &r = *release.rollout;
        QCOMPARE(r.status, QStringLiteral("Paused"));
        QCOMPARE(r.message, QStringLiteral("CanaryPauseStep"));
        QCOMPARE(r.needsHuman, QStringLiteral("step 1 pauses until someone promotes"));
        QCOMPARE(r.setWeight, 25);
        QTRY_COMPARE(status(QStringLiteral("payments")).actualWeight, 25); // 1 of 4 pods
        // Panels: stable revision 1 (odd: blue) with v4.1.0, the canary v4.2.0 in green.
        QCOMPARE(release.stable, Core::Color::Blue);
        QCOMPARE(release.blue.version, QStringLiteral("v4.1.0"));
        QCOMPARE(release.green.version, QStringLiteral("v4.2.0"));
        QVERIFY(release.green.metricsPath.endsWith(QStringLiteral("/services/payments-canary/proxy/metrics")));
        // No slider: the controller owns the weights.
        QVERIFY(!release.capabilities.setWeight.enabled);
        QVERIFY(release.capabilities.setWeight.reason.contains(QStringLiteral("Argo Rollouts owns the weights")));
        QVERIFY(release.capabilities.rollback.reason.contains(QStringLiteral("abort")));
    }

    void promote_endsThePauseWithThePluginsStatusPatch()
    {
        const std::size_t before = writesTo(payments).size();
        const auto result = act(ActionKind::Promote, QStringLiteral("payments"));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(newWrites(payments, before),
                 QStringList{QStringLiteral("PATCH %1/status?fieldManager=curtain application/merge-patch+json "
                                            R"({"status":{"pauseConditions":null}})")
                                 .arg(payments)});
        // The controller walks on: setWeight 50, then the timed pause.
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("payments")).step, QStringLiteral("3/6"), 10000);
        QCOMPARE(status(QStringLiteral("payments")).setWeight, 50);
        QTRY_VERIFY(status(QStringLiteral("payments")).pauseEndsAt.has_value());
    }

    void pauseAndResume_writeSpecPaused()
    {
        std::size_t before = writesTo(payments).size();
        auto result = act(ActionKind::Pause, QStringLiteral("payments"));
        QVERIFY(result.ok());
        QCOMPARE(newWrites(payments, before),
                 QStringList{QStringLiteral("PATCH %1?fieldManager=curtain application/merge-patch+json "
                                            R"({"spec":{"paused":true}})")
                                 .arg(payments)});
        QCOMPARE(result.value().after.rollout->message, QStringLiteral("manually paused"));
        QVERIFY(!snapshot(QStringLiteral("payments")).capabilities.pause.enabled);

        before = writesTo(payments).size();
        result = act(ActionKind::Resume, QStringLiteral("payments"));
        QVERIFY(result.ok());
        QCOMPARE(newWrites(payments, before),
                 QStringList{QStringLiteral("PATCH %1?fieldManager=curtain application/merge-patch+json "
                                            R"({"spec":{"paused":false}})")
                                 .arg(payments)});
        QVERIFY(!result.value().after.rollout->manuallyPaused);
    }

    // Resume is for a pause made by hand. At a step's pause it is refused: Promote ends that one, and
    // a pipeline must not read "resumed" as "moving". (On a rollout that runs it is a success that
    // sends nothing: setImageThenPromoteFull_thenUndoToARevision.)
    void resume_atAStepPause_isRefused()
    {
        QTRY_VERIFY(status(QStringLiteral("payments")).status == QStringLiteral("Paused"));
        const std::size_t before = writesTo(payments).size();
        const auto result = act(ActionKind::Resume, QStringLiteral("payments"));
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(QStringLiteral("a step's pause ends with Promote")),
                 qPrintable(result.error().message));
        QCOMPARE(newWrites(payments, before), QStringList());
    }

    void abortThenRetry_likeArgo()
    {
        std::size_t before = writesTo(payments).size();
        auto result = act(ActionKind::Abort, QStringLiteral("payments"));
        QVERIFY(result.ok());
        QCOMPARE(newWrites(payments, before),
                 QStringList{QStringLiteral("PATCH %1/status?fieldManager=curtain application/merge-patch+json "
                                            R"({"status":{"abort":true}})")
                                 .arg(payments)});
        // Traffic back to stable; the Rollout stays on the new template, Degraded.
        QCOMPARE(result.value().after.rollout->status, QStringLiteral("Degraded"));
        QVERIFY(result.value().after.rollout->message.startsWith(QStringLiteral("RolloutAborted: ")));
        QTRY_COMPARE(status(QStringLiteral("payments")).actualWeight, 0);
        QVERIFY(snapshot(QStringLiteral("payments")).capabilities.retry.enabled);
        // Abort twice (a retried pipeline step): nothing sent, and a success that says why.
        before = writesTo(payments).size();
        const auto again = act(ActionKind::Abort, QStringLiteral("payments"));
        QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().message));
        QVERIFY(!again.value().changed);
        QVERIFY2(again.value().summary.contains(QStringLiteral("already aborted; nothing was sent")),
                 qPrintable(again.value().summary));
        QCOMPARE(writesTo(payments).size(), before);

        result = act(ActionKind::Retry, QStringLiteral("payments"));
        QVERIFY(result.ok());
        QCOMPARE(newWrites(payments, before),
                 QStringList{QStringLiteral("PATCH %1/status?fieldManager=curtain application/merge-patch+json "
                                            R"({"status":{"abort":false}})")
                                 .arg(payments)});
        // Retry starts the steps again: back at the first pause.
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("payments")).step, QStringLiteral("1/6"), 10000);
        QVERIFY(!status(QStringLiteral("payments")).aborted);
    }

    void rollback_isAbortThenUndoToTheStableRevision()
    {
        const std::size_t before = writesTo(payments).size();
        const auto result = act(ActionKind::Rollback, QStringLiteral("payments"));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        const QStringList writes = newWrites(payments, before);
        QCOMPARE(writes.size(), 2);
        QCOMPARE(writes[0], QStringLiteral("PATCH %1/status?fieldManager=curtain application/merge-patch+json "
                                           R"({"status":{"abort":true}})")
                                .arg(payments));
        QVERIFY2(writes[1].startsWith(QStringLiteral("PATCH %1?fieldManager=curtain application/json-patch+json "
                                                     R"([{"op":"replace","path":"/spec/template","value":)")
                                          .arg(payments)),
                 qPrintable(writes[1]));
        QVERIFY(writes[1].contains(QStringLiteral("payments:v4.1.0")));
        QVERIFY2(!writes[1].contains(QStringLiteral("rollouts-pod-template-hash")), qPrintable(writes[1]));
        // Back on v4.1.0 everywhere, Healthy, and the summary reminds GitOps users.
        const Core::RolloutStatus &after = *result.value().after.rollout;
        QVERIFY(after.fullyPromoted());
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("payments")).status, QStringLiteral("Healthy"), 10000);
        QVERIFY(result.value().summary.contains(QStringLiteral("revert the change in Git")));
        QTRY_COMPARE(
            snapshot(QStringLiteral("payments")).environment(snapshot(QStringLiteral("payments")).stable).version,
            QStringLiteral("v4.1.0"));
    }

    void setImageThenPromoteFull_thenUndoToARevision()
    {
        std::size_t before = writesTo(payments).size();
        auto result = act(ActionKind::SetImage, QStringLiteral("payments"), 0,
                          QStringLiteral("payments=registry.demo.local/payments:v4.3.0"));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QStringList writes = newWrites(payments, before);
        QCOMPARE(writes.size(), 1);
        QVERIFY2(writes[0].startsWith(QStringLiteral("PUT %1?fieldManager=curtain application/json {").arg(payments)),
                 qPrintable(writes[0]));
        QVERIFY(writes[0].contains(QStringLiteral("payments:v4.3.0")));
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("payments")).step, QStringLiteral("1/6"), 10000);

        // The same image again: nothing to send and nothing to wait for, rather than ten seconds and
        // a false "is Argo Rollouts running?".
        before = writesTo(payments).size();
        result = act(ActionKind::SetImage, QStringLiteral("payments"), 0,
                     QStringLiteral("payments=registry.demo.local/payments:v4.3.0"));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QVERIFY2(result.value().confirmed && result.value().summary.contains(QStringLiteral("nothing was sent")),
                 qPrintable(result.value().summary));
        QCOMPARE(newWrites(payments, before), QStringList());

        before = writesTo(payments).size();
        result = act(ActionKind::PromoteFull, QStringLiteral("payments"));
        QVERIFY(result.ok());
        QCOMPARE(newWrites(payments, before),
                 QStringList{QStringLiteral("PATCH %1/status?fieldManager=curtain application/merge-patch+json "
                                            R"({"status":{"promoteFull":true}})")
                                 .arg(payments)});
        QTRY_VERIFY_WITH_TIMEOUT(status(QStringLiteral("payments")).fullyPromoted(), 10000);
        const Core::ReleaseSnapshot promoted = snapshot(QStringLiteral("payments"));
        QCOMPARE(promoted.environment(promoted.stable).version, QStringLiteral("v4.3.0"));

        // Resume on a rollout that runs finds it where it would put it, as pause run twice does: a
        // retried pipeline step succeeds and sends nothing.
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("payments")).status, QStringLiteral("Healthy"), 15000);
        before = writesTo(payments).size();
        result = act(ActionKind::Resume, QStringLiteral("payments"));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QVERIFY(!result.value().changed);
        QCOMPARE(result.value().summary,
                 QStringLiteral("payments: not paused: the rollout is healthy; nothing was sent"));
        QCOMPARE(newWrites(payments, before), QStringList());

        // Undo to a revision that was never kept: a clear error naming the kept ones, nothing sent.
        before = writesTo(payments).size();
        const auto missing = act(ActionKind::Undo, QStringLiteral("payments"), 99);
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.contains(QStringLiteral("revisions kept")),
                 qPrintable(missing.error().message));
        QCOMPARE(writesTo(payments).size(), before);

        // Undo to revision 2 (v4.2.0): the template comes back and the steps begin again.
        int v420 = 0;
        for (const auto &rs : status(QStringLiteral("payments")).replicaSets) {
            v420 = rs.image.endsWith(QLatin1String(":v4.2.0")) ? rs.revision : v420;
        }
        QVERIFY(v420 > 0);
        result = act(ActionKind::Undo, QStringLiteral("payments"), v420);
        QVERIFY(result.ok());
        writes = newWrites(payments, before);
        QCOMPARE(writes.size(), 1);
        QVERIFY(writes[0].contains(QStringLiteral("application/json-patch+json")) &&
                writes[0].contains(QStringLiteral("payments:v4.2.0")));
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("payments")).step, QStringLiteral("1/6"), 10000);
        QCOMPARE(snapshot(QStringLiteral("payments"))
                     .environment(Core::otherColor(snapshot(QStringLiteral("payments")).stable))
                     .version,
                 QStringLiteral("v4.2.0"));
    }

    void restart_writesRestartAt()
    {
        const std::size_t before = writesTo(payments).size();
        QVERIFY(act(ActionKind::Restart, QStringLiteral("payments")).ok());
        const QStringList writes = newWrites(payments, before);
        QCOMPARE(writes.size(), 1);
        static const QRegularExpression body(QStringLiteral(
            R"(^PATCH \S+ application/merge-patch\+json \{"spec":\{"restartAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}\}$)"));
        QVERIFY2(body.match(writes[0]).hasMatch(), qPrintable(writes[0]));
    }

    void blueGreen_promoteSwitchesActive_rollbackSwitchesBackAtOnce()
    {
        const Core::ReleaseSnapshot waiting = snapshot(QStringLiteral("ledger"));
        QCOMPARE(waiting.strategy(), Core::Strategy::BlueGreen);
        QCOMPARE(waiting.rollout->needsHuman,
                 QStringLiteral("auto-promotion is off: promote to switch the active service"));
        QCOMPARE(waiting.environment(waiting.stable).trafficPercent, 100);
        QCOMPARE(waiting.environment(waiting.candidate()).version, QStringLiteral("v7.1.0"));

        std::size_t before = writesTo(ledger).size();
        auto result = act(ActionKind::Promote, QStringLiteral("ledger"));
        QVERIFY(result.ok());
        QCOMPARE(newWrites(ledger, before),
                 QStringList{QStringLiteral("PATCH %1/status?fieldManager=curtain application/merge-patch+json "
                                            R"({"status":{"pauseConditions":null}})")
                                 .arg(ledger)});
        QTRY_VERIFY_WITH_TIMEOUT(status(QStringLiteral("ledger")).fullyPromoted(), 10000);
        const auto active = m_sim.api->get("/api/v1/namespaces/demo/services/ledger-active");
        QVERIFY(active.has_value());
        QCOMPARE(QString::fromStdString((*active)["spec"]["selector"]["rollouts-pod-template-hash"]),
                 status(QStringLiteral("ledger")).currentHash);

        // Rollback right after: the old ReplicaSet still has its pods, so the switch back is at once.
        before = writesTo(ledger).size();
        result = act(ActionKind::Rollback, QStringLiteral("ledger"));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        const QStringList writes = newWrites(ledger, before);
        QCOMPARE(writes.size(), 2); // undo, then promoteFull once the controller has taken the undo
        QVERIFY(writes[0].contains(QStringLiteral("application/json-patch+json")) &&
                writes[0].contains(QStringLiteral("ledger:v7.0.3")));
        QCOMPARE(writes[1], QStringLiteral("PATCH %1/status?fieldManager=curtain application/merge-patch+json "
                                           R"({"status":{"promoteFull":true}})")
                                .arg(ledger));
        QVERIFY(result.value().after.rollout->fullyPromoted());
        const Core::ReleaseSnapshot back = result.value().after;
        QCOMPARE(back.environment(back.stable).version, QStringLiteral("v7.0.3"));
        // The undo recorded the template it left, so a Rollback run again (a retried pipeline step)
        // does not undo the rollback: "the revision before" is now the one just rolled back from.
        QVERIFY2(writes[0].contains(QStringLiteral("\"path\":\"/metadata/annotations")) &&
                     writes[0].contains(QStringLiteral("rolled-back-from")),
                 qPrintable(writes[0]));
        QTRY_VERIFY_WITH_TIMEOUT(!status(QStringLiteral("ledger")).rolledBackFrom.isEmpty(), 10000);
        before = writesTo(ledger).size();
        const auto again = act(ActionKind::Rollback, QStringLiteral("ledger"));
        QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().message));
        QVERIFY(!again.value().changed);
        QVERIFY2(again.value().summary.contains(QStringLiteral("ledger has nothing to roll back: it was rolled back "
                                                               "from revision")) &&
                     again.value().summary.contains(QStringLiteral("(v7.1.0)")),
                 qPrintable(again.value().summary));
        QCOMPARE(newWrites(ledger, before), QStringList());
        QCOMPARE(snapshot(QStringLiteral("ledger")).environment(snapshot(QStringLiteral("ledger")).stable).version,
                 QStringLiteral("v7.0.3"));
    }

    void rolloutWithoutStatus_isAProblemAndRefusesActions()
    {
        // A Rollout the controller never reconciled (controller not installed).
        httplib::Client sim("127.0.0.1", m_sim.port());
        QCOMPARE(sim.Put("/curtain-sim/faults", R"({"argoControllerDown":true})", "application/json")->status, 200);
        const json rollout = {{"apiVersion", "argoproj.io/v1alpha1"},
                              {"kind", "Rollout"},
                              {"metadata", {{"name", "orphan"}}},
                              {"spec",
                               {{"replicas", 1},
                                {"selector", {{"matchLabels", {{"app", "orphan"}}}}},
                                {"template",
                                 {{"metadata", {{"labels", {{"app", "orphan"}}}}},
                                  {"spec", {{"containers", {{{"name", "orphan"}, {"image", "orphan:v1"}}}}}}}},
                                {"strategy", {{"canary", {{"steps", json::array()}}}}}}}};
        QCOMPARE(
            sim.Post("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts", rollout.dump(), "application/json")->status,
            201);
        QTRY_VERIFY(!snapshot(QStringLiteral("orphan")).problem.isEmpty());
        QVERIFY2(snapshot(QStringLiteral("orphan")).problem.contains(QStringLiteral("controller has not reconciled")),
                 qPrintable(snapshot(QStringLiteral("orphan")).problem));
        const auto refused = act(ActionKind::Promote, QStringLiteral("orphan"));
        QVERIFY(!refused.ok());
        QVERIFY(writesTo(QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/orphan")).empty());
        QCOMPARE(sim.Put("/curtain-sim/faults", R"({"argoControllerDown":false})", "application/json")->status, 200);
    }
};

QTEST_GUILESS_MAIN(TestArgo)
#include "tst_argo.moc"
